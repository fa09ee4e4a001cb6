package org.hmmlab.dmirror;

/**
 * The argument of a dmirror ioctl: the range, the user buffer, and the counters the device reports.
 *
 * <p>Mirrors struct hmm_dmirror_cmd (lib/test_hmm_uapi.h): {@code addr} (start of the range in the mirrored address
 * space), {@code ptr} (the test program's buffer: a Java array here, as it lives outside the simulated memory),
 * {@code npages}, and the outputs {@code cpages} and {@code faults}. As in the kernel, outputs are written back only
 * when the ioctl succeeds.
 */
public final class DmirrorCmd {
    public long addr;
    public byte[] ptr;
    public long npages;
    public long cpages;
    public long faults;

    public DmirrorCmd() {
    }

    public DmirrorCmd(long addr, byte[] ptr, long npages) {
        this.addr = addr;
        this.ptr = ptr;
        this.npages = npages;
    }
}
