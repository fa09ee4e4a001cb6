package org.hmmlab.conformance;

import static org.hmmlab.conformance.HmmFixture.PAGE_SIZE;
import static org.hmmlab.conformance.HmmFixture.assertMirror;
import static org.hmmlab.conformance.HmmFixture.hmmDmirrorCmd;
import static org.hmmlab.mm.Mman.MAP_ANONYMOUS;
import static org.hmmlab.mm.Mman.MAP_PRIVATE;
import static org.hmmlab.mm.Mman.PROT_NONE;
import static org.hmmlab.mm.Mman.PROT_READ;
import static org.hmmlab.mm.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.hmmlab.dmirror.Dmirror;
import org.hmmlab.mm.Errno;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@code hmm2} fixture tests of hmm-tests.c: two devices (two owners) mirroring one process. */
class Hmm2Tests {

    /** hmm2.migrate_mixed: M2D argument errors and mixed page types. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void migrate_mixed(Variant v) {
        try (HmmFixture f = HmmFixture.hmm2(v)) {
            long npages = 6;
            long size = npages * PAGE_SIZE;
            HmmBuffer buffer = new HmmBuffer(size, (int) size);
            buffer.ptr = f.mmap(size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS);
            long p = buffer.ptr;
            int ret = HmmFixture.hmmMigrateSysToDev(f.fd1, buffer, npages);
            assertEquals(-Errno.EINVAL, ret);
            assertEquals(0, f.mm.munmap(p + PAGE_SIZE, PAGE_SIZE));
            ret = HmmFixture.hmmMigrateSysToDev(f.fd1, buffer, 3);
            assertEquals(-Errno.EINVAL, ret);
            assertEquals(0, f.mm.mprotect(p + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ));
            int val = f.mm.readInt(p + 2 * PAGE_SIZE) + 3;
            assertEquals(3, val);
            assertEquals(0, f.mm.mprotect(p + 3 * PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE));
            f.mm.writeInt(p + 3 * PAGE_SIZE, val);
            assertEquals(0, f.mm.mprotect(p + 3 * PAGE_SIZE, PAGE_SIZE, PROT_READ));
            assertEquals(0, f.mm.mprotect(p + 4 * PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE));
            f.mm.writeInt(p + 4 * PAGE_SIZE, val);
            f.mm.writeInt(p + 5 * PAGE_SIZE, val);
            buffer.ptr = p + 2 * PAGE_SIZE;
            ret = HmmFixture.hmmMigrateSysToDev(f.fd1, buffer, 4);
            assertEquals(0, ret);
            assertEquals(4, buffer.cpages);
            buffer.ptr = p + 5 * PAGE_SIZE;
            ret = HmmFixture.hmmMigrateSysToDev(f.fd0, buffer, 1);
            assertEquals(-Errno.ENOENT, ret);
            buffer.ptr = p;
        }
    }

    /** hmm2.snapshot: the full per-page snapshot encoding. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void snapshot(Variant v) {
        try (HmmFixture f = HmmFixture.hmm2(v)) {
            long npages = 7;
            long size = npages * PAGE_SIZE;
            HmmBuffer buffer = new HmmBuffer(size, (int) size);
            buffer.ptr = f.mmap(size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS);
            long p = buffer.ptr;
            assertEquals(0, f.mm.munmap(p + PAGE_SIZE, PAGE_SIZE));
            assertEquals(0, f.mm.mprotect(p + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ));
            int val = f.mm.readInt(p + 2 * PAGE_SIZE) + 3;
            assertEquals(3, val);
            assertEquals(0, f.mm.mprotect(p + 3 * PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE));
            f.mm.writeInt(p + 3 * PAGE_SIZE, val);
            assertEquals(0, f.mm.mprotect(p + 3 * PAGE_SIZE, PAGE_SIZE, PROT_READ));
            assertEquals(0, f.mm.mprotect(p + 4 * PAGE_SIZE, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE));
            f.mm.writeInt(p + 4 * PAGE_SIZE, val);
            buffer.ptr = p + 5 * PAGE_SIZE;
            int ret = HmmFixture.hmmMigrateSysToDev(f.fd0, buffer, 1);
            assertEquals(0, ret);
            assertEquals(1, buffer.cpages);
            buffer.ptr = p + 6 * PAGE_SIZE;
            ret = HmmFixture.hmmMigrateSysToDev(f.fd1, buffer, 1);
            assertEquals(0, ret);
            assertEquals(1, buffer.cpages);
            buffer.ptr = p;
            ret = hmmDmirrorCmd(f.fd0, Dmirror.HMM_DMIRROR_SNAPSHOT, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            byte[] m = buffer.mirror;
            assertEquals(Dmirror.PROT_ERROR, m[0]);
            assertEquals(Dmirror.PROT_ERROR, m[1]);
            assertEquals(Dmirror.PROT_ZERO | Dmirror.PROT_READ, m[2]);
            assertEquals(Dmirror.PROT_READ, m[3]);
            assertEquals(Dmirror.PROT_WRITE, m[4]);
            if (!v.coherent()) {
                assertEquals(Dmirror.PROT_DEV_PRIVATE_LOCAL | Dmirror.PROT_WRITE, m[5]);
                assertEquals(Dmirror.PROT_NONE, m[6]);
            } else {
                assertEquals(Dmirror.PROT_DEV_COHERENT_LOCAL | Dmirror.PROT_WRITE, m[5]);
                assertEquals(Dmirror.PROT_DEV_COHERENT_REMOTE | Dmirror.PROT_WRITE, m[6]);
            }
        }
    }

    /** hmm2.double_map: two mirrors of one process, and a fault across owners. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void double_map(Variant v) {
        try (HmmFixture f = HmmFixture.hmm2(v)) {
            long npages = 6;
            long size = npages * PAGE_SIZE;
            HmmBuffer buffer = new HmmBuffer(size, (int) size);
            buffer.ptr = f.mmap(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
            f.fillPtr(buffer.ptr, size, i -> i);
            assertEquals(0, f.mm.mprotect(buffer.ptr, size, PROT_READ));
            for (Dmirror d : new Dmirror[] {f.fd0, f.fd1}) {
                int ret = hmmDmirrorCmd(d, Dmirror.HMM_DMIRROR_READ, buffer, npages);
                assertEquals(0, ret);
                assertEquals(npages, buffer.cpages);
                assertEquals(1, buffer.faults);
                assertMirror(buffer, size / 4, i -> i);
            }
            int ret = HmmFixture.hmmMigrateSysToDev(f.fd1, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            ret = hmmDmirrorCmd(f.fd0, Dmirror.HMM_DMIRROR_READ, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            assertEquals(1, buffer.faults);
            assertMirror(buffer, size / 4, i -> i);
        }
    }
}
