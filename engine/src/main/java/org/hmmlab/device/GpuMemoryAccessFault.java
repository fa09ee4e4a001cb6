package org.hmmlab.device;

/**
 * A GPU access the driver cannot recover: the run stops, as the process does. Under AMD's SVM driver with XNACK off
 * every GPU fault is one (no retry fault exists: gmc_v9_0_process_interrupt() reports the VM fault and
 * kfd_signal_vm_fault_event() raises a memory exception, after which the HIP runtime aborts the process with "Memory
 * access fault by GPU node-N ... Reason: Page not present or supervisor privilege."); with XNACK on, a fault on a
 * range the GPU may not access (svm_range_restore_pages() returns -EACCES).
 */
public final class GpuMemoryAccessFault extends RuntimeException {

    private final long page;
    private final boolean write;

    public GpuMemoryAccessFault(long page, boolean write, String message) {
        super(message);
        this.page = page;
        this.write = write;
    }

    /** The virtual page number (address / 4 KiB) of the access. */
    public long page() {
        return page;
    }

    /** Whether the access wrote. */
    public boolean write() {
        return write;
    }
}
