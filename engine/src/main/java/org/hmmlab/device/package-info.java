/**
 * The GPU as the timing model sees it, on top of the functional core: warps issuing accesses, a device TLB
 * ({@link org.hmmlab.device.DeviceTlb}), a device page table mirroring the host's through
 * {@link org.hmmlab.device.HostMemory} (MMU interval notifier and hmm_range_fault), the replayable fault buffer
 * and the ATS/PRI fault paths ({@link org.hmmlab.device.FaultPath}), migration and eviction driven by the policy
 * package, copy engines ({@link org.hmmlab.device.CopyEngine}) and the host CPU running its phases
 * ({@link org.hmmlab.device.CpuAgent}). {@link org.hmmlab.run.Experiment} (package {@code run}) is the one entry point that runs a
 * workload on a platform and returns a {@link org.hmmlab.metrics.RunResult}.
 */
package org.hmmlab.device;
