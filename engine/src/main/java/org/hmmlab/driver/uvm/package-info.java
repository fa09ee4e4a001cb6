/**
 * The nvidia-uvm driver's fault servicing, one class per source file of {@code kernel-open/nvidia-uvm/}:
 * <ul>
 *   <li>{@link org.hmmlab.driver.uvm.GpuIsr} (uvm_gpu_isr.c): the interrupt top half and the one bottom-half queue
 *       on which fault and access-counter handlers take turns;</li>
 *   <li>{@link org.hmmlab.driver.uvm.ReplayableFaults} (uvm_gpu_replayable_faults.c): where a fault batch is
 *       fetched, deduplicated and sorted, and then flushed and replayed;</li>
 *   <li>{@link org.hmmlab.driver.uvm.GpuAccessCounters} (uvm_gpu_access_counters.c): notifications from remote
 *       accesses, serviced in batches of their own;</li>
 *   <li>{@link org.hmmlab.driver.uvm.VaBlockService} (uvm_va_block.c): where a batch is serviced, VA block by VA
 *       block: decide, prefetch, migrate, map after the copy ({@link org.hmmlab.driver.uvm.Landing});</li>
 *   <li>{@link org.hmmlab.driver.uvm.GpuPmm} (uvm_pmm_gpu.c): where eviction is decided and carried out when device
 *       memory is full;</li>
 *   <li>{@link org.hmmlab.driver.uvm.UvmHmm} (uvm_hmm.c): the MMU-notifier callbacks, migrate_to_ram for CPU
 *       touches, and CPU threads waiting on migration entries;</li>
 *   <li>{@link org.hmmlab.driver.uvm.UvmGpu} (uvm_gpu.c): the per-GPU driver state the others share.</li>
 * </ul>
 *
 * <p>May depend on: {@code device} (the hardware: page table, buffers, warps, TLB, copy engines, host memory),
 * {@code policy}, {@code pcie}, {@code platform}, {@code metrics}, {@code sim}, {@code units}, {@code workload},
 * {@code mm.notifier} (the invalidation events). Checked by {@code DeviceDriverLayeringTest}.
 */
package org.hmmlab.driver.uvm;
