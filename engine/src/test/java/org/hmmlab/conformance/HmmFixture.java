package org.hmmlab.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.IntUnaryOperator;
import org.hmmlab.dmirror.Dmirror;
import org.hmmlab.dmirror.DmirrorCmd;
import org.hmmlab.dmirror.DmirrorDevice;
import org.hmmlab.mm.Errno;
import org.hmmlab.mm.Frames;
import org.hmmlab.mm.Mman;
import org.hmmlab.mm.MmStruct;

/**
 * The selftest fixtures {@code hmm} (one open device) and {@code hmm2} (two devices) over a fresh machine, with the
 * invariant checker on after every operation, and the helpers of hmm-tests.c.
 */
final class HmmFixture implements AutoCloseable {
    static final int PAGE_SIZE = (int) Mman.PAGE_SIZE;
    static final int PAGE_SHIFT = Mman.PAGE_SHIFT;
    /** HMM_BUFFER_SIZE = 1024 << 12. */
    static final long HMM_BUFFER_SIZE = 1024L << 12;
    static final int NTIMES = 10;
    /** read_pmd_pagesize(). */
    static final long TWOMEG = 1L << 21;

    final Frames frames;
    final DmirrorDevice[] devices;
    final MmStruct mm;
    final Variant variant;
    Dmirror fd;
    Dmirror fd0;
    Dmirror fd1;

    private HmmFixture(Variant v, boolean two) {
        this.variant = v;
        frames = Frames.create();
        frames.setInvariantChecking(true);
        devices = DmirrorDevice.createAll(frames);
        mm = MmStruct.create(frames);
        if (two) {
            fd0 = devices[v.device0].open(mm);
            fd1 = devices[v.device1].open(mm);
            assertNotNull(fd0);
            assertNotNull(fd1);
        } else {
            fd = devices[v.device0].open(mm);
            assertNotNull(fd);
        }
    }

    /** FIXTURE_SETUP(hmm). */
    static HmmFixture hmm(Variant v) {
        return new HmmFixture(v, false);
    }

    /** FIXTURE_SETUP(hmm2). */
    static HmmFixture hmm2(Variant v) {
        return new HmmFixture(v, true);
    }

    @Override
    public void close() {
        for (Dmirror d : new Dmirror[] {fd, fd0, fd1}) {
            if (d != null) {
                d.close();
            }
        }
        frames.checkpoint();
    }

    /** hmm_dmirror_cmd(): runs the ioctl; copies cpages and faults into the buffer only on success. */
    static int hmmDmirrorCmd(Dmirror fd, int request, HmmBuffer buffer, long npages) {
        DmirrorCmd cmd = new DmirrorCmd(buffer.ptr, buffer.mirror, npages);
        int rc = fd.ioctl(request, cmd);
        if (rc != 0) {
            return rc;
        }
        buffer.cpages = cmd.cpages;
        buffer.faults = cmd.faults;
        return 0;
    }

    static int hmmMigrateSysToDev(Dmirror fd, HmmBuffer buffer, long npages) {
        return hmmDmirrorCmd(fd, Dmirror.HMM_DMIRROR_MIGRATE_TO_DEV, buffer, npages);
    }

    static int hmmMigrateDevToSys(Dmirror fd, HmmBuffer buffer, long npages) {
        return hmmDmirrorCmd(fd, Dmirror.HMM_DMIRROR_MIGRATE_TO_SYS, buffer, npages);
    }

    /** mmap() that must succeed. */
    long mmap(long size, int prot, int flags) {
        long p = mm.mmap(size, prot, flags);
        assertEquals(false, Errno.isError(p), () -> "mmap failed: " + Errno.name(p));
        return p;
    }

    static long align(long p, long a) {
        return (p + a - 1) & -a;
    }

    /** Writes {@code f(i)} to int {@code i} of [ptr, ptr + size) through CPU stores. */
    void fillPtr(long ptr, long size, IntUnaryOperator f) {
        byte[] b = ints((int) (size / 4), f);
        mm.write(ptr, b, 0, b.length);
    }

    /** Asserts int i of [ptr, ptr + size) in address space {@code other} equals f(i). */
    void assertPtrIn(MmStruct other, long ptr, long size, IntUnaryOperator f) {
        byte[] b = new byte[(int) size];
        other.read(ptr, b, 0, b.length);
        var got = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        for (int i = 0; i < size / 4; i++) {
            if (got.get(i) != f.applyAsInt(i)) {
                assertEquals(f.applyAsInt(i), got.get(i), "ptr[" + i + "] in " + other);
            }
        }
    }

    /** Reads [ptr, ptr + size) through CPU loads as ints. */
    int[] readPtr(long ptr, long size) {
        byte[] b = new byte[(int) size];
        mm.read(ptr, b, 0, b.length);
        int[] out = new int[(int) (size / 4)];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
        return out;
    }

    static byte[] ints(int n, IntUnaryOperator f) {
        ByteBuffer bb = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            bb.putInt(f.applyAsInt(i));
        }
        return bb.array();
    }

    static void fillMirror(HmmBuffer b, IntUnaryOperator f) {
        byte[] src = ints(b.mirror.length / 4, f);
        System.arraycopy(src, 0, b.mirror, 0, src.length);
    }

    /** Asserts int i of the CPU range equals f(i) for every i (one message naming the first mismatch). */
    void assertPtr(long ptr, long size, IntUnaryOperator f) {
        int[] got = readPtr(ptr, size);
        for (int i = 0; i < got.length; i++) {
            if (got[i] != f.applyAsInt(i)) {
                assertEquals(f.applyAsInt(i), got[i], "ptr[" + i + "]");
            }
        }
    }

    static void assertMirror(HmmBuffer b, long ints, IntUnaryOperator f) {
        var m = b.mirrorInts();
        for (int i = 0; i < ints; i++) {
            if (m.get(i) != f.applyAsInt(i)) {
                assertEquals(f.applyAsInt(i), m.get(i), "mirror[" + i + "]");
            }
        }
    }
}
