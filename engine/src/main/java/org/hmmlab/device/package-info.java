/**
 * The GPU's hardware as the timing model sees it, one class per piece, each the one owner of its events: the warps
 * and their run-ahead ({@link org.hmmlab.device.WarpScheduler}, sharing {@link org.hmmlab.device.RunAhead} with the
 * host CPU's threads in {@link org.hmmlab.device.CpuAgent}), the SMs' micro-TLBs ({@link org.hmmlab.device.MicroTlb}),
 * the device TLB ({@link org.hmmlab.device.DeviceTlb}), the device page table with its one way for a page to leave
 * device memory ({@link org.hmmlab.device.DevicePageTable#release}), the replayable fault buffer
 * ({@link org.hmmlab.device.FaultBuffer}) and the access-counter notification buffer
 * ({@link org.hmmlab.device.AccessCounterBuffer}) over one ring ({@link org.hmmlab.device.BufferRing}), the interrupt
 * lines ({@link org.hmmlab.device.Interrupts}), the ATS/PRI path ({@link org.hmmlab.device.AtsPri}), copy engines
 * and device memory's bandwidth. The host side the device meets is the port {@link org.hmmlab.device.HostMemory}
 * (implemented over the functional core's mm in {@code org.hmmlab.hostmm}: MMU interval notifiers, hmm_range_fault,
 * the device-private pagemap); CPU threads ({@link org.hmmlab.device.CpuAgent}) only load and store through it.
 *
 * <p>{@link org.hmmlab.device.Gpu} wires the hardware to its driver ({@code org.hmmlab.driver.uvm}), which services
 * what the hardware raises; {@link org.hmmlab.run.Experiment} (package {@code run}) runs a workload on a platform and returns a
 * {@link org.hmmlab.metrics.RunResult}.
 *
 * <p>May depend on: {@code units}, {@code sim}, {@code pcie}, {@code platform}, {@code metrics}, {@code workload},
 * {@code policy} (the policy's vocabulary: locations, causes, decisions, the evictor's access feed) and {@code mm}
 * (with its sub-packages). Checked by {@code DeviceDriverLayeringTest}.
 * Only the wiring ({@code Gpu}) reaches into {@code org.hmmlab.driver}; the hardware classes talk to the driver
 * through interfaces declared here ({@code Interrupts}, {@code WarpScheduler.RemoteAccessListener},
 * {@code HostMemory.Invalidator}).
 */
package org.hmmlab.device;
