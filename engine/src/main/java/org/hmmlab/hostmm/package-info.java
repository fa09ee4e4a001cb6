/**
 * The host's memory management as the GPU model meets it: {@link org.hmmlab.hostmm.MmHostMemory}, the functional
 * core's {@code MmStruct} behind the device's {@link org.hmmlab.device.HostMemory} port, and the device-private
 * pagemap the driver registers ({@link org.hmmlab.hostmm.DevicePrivateMemory}). What an HMM driver does with the
 * core lives here, once: mmu_interval_notifier_insert() for its mirrors, the hmm_range_fault() retry loop,
 * migrate_vma over its pagemap, and the pagemap's migrate_to_ram handing CPU faults to the driver's timing.
 *
 * <p>The core decides what happens; the timing layer ({@code device}, {@code driver}) decides what it costs. The
 * CPU page table here is the one record of which pages are in device memory.
 *
 * <p>May depend on: {@code device} (the {@code HostMemory} port it implements), {@code mm} with its sub-packages, and
 * {@code sim} (the resume handlers of waiting threads). Checked by {@code DeviceDriverLayeringTest}; the run layer
 * builds it, the hardware and the driver see only the port.
 */
package org.hmmlab.hostmm;
