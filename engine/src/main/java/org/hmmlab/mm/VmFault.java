package org.hmmlab.mm;

/**
 * Results of a CPU page fault, packed as the kernel's {@code vm_fault_t} bits.
 *
 * <p>Mirrors VM_FAULT_* of include/linux/mm_types.h (values as in the kernel). 0 means the fault was resolved.
 */
public final class VmFault {
    public static final int OK = 0;
    public static final int OOM = 0x000001;
    public static final int SIGBUS = 0x000002;
    public static final int SIGSEGV = 0x000040;
    public static final int RETRY = 0x000400;
    /** Any of these makes the fault fail (VM_FAULT_ERROR). */
    public static final int ERROR = OOM | SIGBUS | SIGSEGV;

    private VmFault() {
    }

    public static String name(int code) {
        if (code == 0) {
            return "OK";
        }
        StringBuilder sb = new StringBuilder();
        if ((code & OOM) != 0) {
            sb.append("OOM ");
        }
        if ((code & SIGBUS) != 0) {
            sb.append("SIGBUS ");
        }
        if ((code & SIGSEGV) != 0) {
            sb.append("SIGSEGV ");
        }
        if ((code & RETRY) != 0) {
            sb.append("RETRY ");
        }
        return sb.toString().trim();
    }
}
