package org.hmmlab.dsl.mm;

import org.hmmlab.mm.Errno;
import org.hmmlab.mm.VmFault;

/**
 * What a system call or a CPU access returned, as a value: {@code munmap(0x10000000, 16384) = 0},
 * {@code touch(0x10000000, WRITE) = SIGSEGV}. Simulated kernel errors are values, never exceptions.
 *
 * @param call the call as written, with its arguments
 * @param rc 0, {@code -errno} for a system call, or the VM_FAULT code for a CPU access
 * @param fault true when {@code rc} is a VM_FAULT code (a CPU access), false for {@code -errno}
 */
public record Syscall(String call, long rc, boolean fault) {

    /** Whether it succeeded. */
    public boolean ok() {
        return rc == 0;
    }

    /** The result by name: {@code 0}, {@code -EINVAL}, {@code SIGSEGV}. */
    public String result() {
        return fault ? (rc == 0 ? "0" : VmFault.name((int) rc)) : Errno.name(rc);
    }

    @Override
    public String toString() {
        return call + " = " + result();
    }
}
