/**
 * AMD's SVM driver (amdgpu/amdkfd) as the second driver personality on the same HMM core, one class per source file
 * it mirrors:
 * <ul>
 *   <li>{@link org.hmmlab.driver.amd.AmdgpuIh} (gmc_v9_0.c, amdgpu_ih.c): retry faults taken off the IH ring one at a
 *       time and handled to the end, no batch and no replay;</li>
 *   <li>{@link org.hmmlab.driver.amd.GmcFaultFilter} (amdgpu_gmc.c): amdgpu_gmc_filter_faults(), the duplicate-fault
 *       filter;</li>
 *   <li>{@link org.hmmlab.driver.amd.SvmRangeList} and {@link org.hmmlab.driver.amd.SvmRange} (kfd_svm.c, kfd_svm.h):
 *       the process's ranges, created, split and removed as the driver does;</li>
 *   <li>{@link org.hmmlab.driver.amd.KfdSvm} (kfd_svm.c): svm_range_restore_pages(), validate and map, the interval
 *       notifier (svm_range_cpu_invalidate_pagetables(), svm_range_evict()), svm_range_restore_work(), set_attr before
 *       the kernel;</li>
 *   <li>{@link org.hmmlab.driver.amd.KfdMigrate} (kfd_migrate.c): migration to VRAM and back, migrate_to_ram;</li>
 *   <li>{@link org.hmmlab.driver.amd.AmdSvmGpu}: the per-GPU and per-process state the others share.</li>
 * </ul>
 *
 * <p>May depend on: {@code device}, {@code policy} (the evictor), {@code pcie}, {@code platform}, {@code metrics},
 * {@code sim}, {@code units}, {@code workload}, {@code mm.notifier}; never on {@code driver.uvm}. Checked by
 * {@code DeviceDriverLayeringTest}.
 */
package org.hmmlab.driver.amd;
