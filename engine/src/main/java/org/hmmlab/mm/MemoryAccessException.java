package org.hmmlab.mm;

/**
 * A CPU load or store through a data accessor of {@link MmStruct} that the process would not survive (the fault
 * ended in SIGSEGV, SIGBUS or OOM).
 *
 * <p>Use {@link MmStruct#touch(long, boolean)} to observe the fault result as a value instead; this exception is for
 * scenario code that expects memory to be accessible.
 */
public final class MemoryAccessException extends RuntimeException {
    private final long address;
    private final int vmFault;

    public MemoryAccessException(long address, boolean write, int vmFault) {
        super((write ? "store to" : "load from") + " 0x" + Long.toHexString(address) + " failed: " + VmFault.name(vmFault));
        this.address = address;
        this.vmFault = vmFault;
    }

    public long address() {
        return address;
    }

    /** The {@link VmFault} code of the failed fault. */
    public int vmFault() {
        return vmFault;
    }
}
