package org.hmmlab.conformance;

import static org.hmmlab.conformance.HmmFixture.HMM_BUFFER_SIZE;
import static org.hmmlab.conformance.HmmFixture.NTIMES;
import static org.hmmlab.conformance.HmmFixture.PAGE_SHIFT;
import static org.hmmlab.conformance.HmmFixture.PAGE_SIZE;
import static org.hmmlab.conformance.HmmFixture.TWOMEG;
import static org.hmmlab.conformance.HmmFixture.align;
import static org.hmmlab.conformance.HmmFixture.assertMirror;
import static org.hmmlab.conformance.HmmFixture.fillMirror;
import static org.hmmlab.conformance.HmmFixture.hmmDmirrorCmd;
import static org.hmmlab.mm.Mman.MAP_ANONYMOUS;
import static org.hmmlab.mm.Mman.MAP_HUGETLB;
import static org.hmmlab.mm.Mman.MAP_PRIVATE;
import static org.hmmlab.mm.Mman.MAP_SHARED;
import static org.hmmlab.mm.Mman.PROT_NONE;
import static org.hmmlab.mm.Mman.PROT_READ;
import static org.hmmlab.mm.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.hmmlab.dmirror.Dmirror;
import org.hmmlab.mm.Errno;
import org.hmmlab.mm.MemFile;
import org.hmmlab.mm.Mman;
import org.hmmlab.mm.MmStruct;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@code hmm} fixture tests of tools/testing/selftests/mm/hmm-tests.c, one method per selftest, named verbatim,
 * with the selftest's assertions, run for the device-private and device-coherent variants.
 */
class HmmTests {

    /** hmm.open_close: the fixture opens the device and closes it. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void open_close(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            assertNotNull(f.fd);
        }
    }

    /** hmm.anon_read: device read faults, the zero page and pte_none. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void anon_read(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            long npages = HMM_BUFFER_SIZE >> PAGE_SHIFT;
            long size = npages << PAGE_SHIFT;
            HmmBuffer buffer = new HmmBuffer(size, (int) size);
            buffer.ptr = f.mmap(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
            // Initialize buffer in system memory but leave the first two pages zero.
            long skip = 2L * PAGE_SIZE;
            f.fillPtr(buffer.ptr + skip, size - skip, i -> i + (int) (skip / 4));
            assertEquals(0, f.mm.mprotect(buffer.ptr, size, PROT_READ));
            // The CPU reads page 1: the zero page gets mapped there.
            int val = f.mm.readInt(buffer.ptr + PAGE_SIZE);
            assertEquals(0, val);
            int ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_READ, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            assertEquals(1, buffer.faults);
            assertMirror(buffer, size / 4, i -> i < 2 * PAGE_SIZE / 4 ? 0 : i);
        }
    }

    /** hmm.anon_read_prot: a device read of a PROT_NONE region fails with -EFAULT and copies nothing. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void anon_read_prot(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            long npages = HMM_BUFFER_SIZE >> PAGE_SHIFT;
            long size = npages << PAGE_SHIFT;
            HmmBuffer buffer = new HmmBuffer(size, (int) size);
            buffer.ptr = f.mmap(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
            f.fillPtr(buffer.ptr, size, i -> i);
            fillMirror(buffer, i -> -i);
            assertEquals(0, f.mm.mprotect(buffer.ptr, size, PROT_NONE));
            int ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_READ, buffer, npages);
            assertEquals(-Errno.EFAULT, ret);
            assertEquals(0, f.mm.mprotect(buffer.ptr, size, PROT_READ));
            f.assertPtr(buffer.ptr, size, i -> i);
            assertMirror(buffer, size / 4, i -> -i);
        }
    }

    /** hmm.anon_write: device write faults on untouched anonymous memory. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void anon_write(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            long npages = HMM_BUFFER_SIZE >> PAGE_SHIFT;
            long size = npages << PAGE_SHIFT;
            HmmBuffer buffer = new HmmBuffer(size, (int) size);
            buffer.ptr = f.mmap(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
            fillMirror(buffer, i -> i);
            int ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_WRITE, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            assertEquals(1, buffer.faults);
            f.assertPtr(buffer.ptr, size, i -> i);
        }
    }

    /** hmm.anon_write_prot: the zero page, -EPERM on a read-only area, and mprotect's invalidation. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void anon_write_prot(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            long npages = HMM_BUFFER_SIZE >> PAGE_SHIFT;
            long size = npages << PAGE_SHIFT;
            HmmBuffer buffer = new HmmBuffer(size, (int) size);
            buffer.ptr = f.mmap(size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS);
            // Simulate a device reading a zero page of memory.
            int ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_READ, buffer, 1);
            assertEquals(0, ret);
            assertEquals(1, buffer.cpages);
            assertEquals(1, buffer.faults);
            fillMirror(buffer, i -> i);
            ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_WRITE, buffer, npages);
            assertEquals(-Errno.EPERM, ret);
            f.assertPtr(buffer.ptr, size, i -> 0);
            assertEquals(0, f.mm.mprotect(buffer.ptr, size, PROT_WRITE | PROT_READ));
            ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_WRITE, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            assertEquals(1, buffer.faults);
            f.assertPtr(buffer.ptr, size, i -> i);
        }
    }

    /** hmm.anon_write_child: copy-on-write across fork, with and without prior migration, small and THP. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void anon_write_child(Variant v) {
        for (int migrate = 0; migrate < MIGRATE_ITERATIONS; ++migrate) {
            for (int useThp = 0; useThp < 2; ++useThp) {
                try (HmmFixture f = HmmFixture.hmm(v)) {
                    long npages = useThp != 0 ? TWOMEG >> PAGE_SHIFT : HMM_BUFFER_SIZE >> PAGE_SHIFT;
                    long size = npages << PAGE_SHIFT;
                    HmmBuffer buffer = new HmmBuffer(2 * size, (int) size);
                    buffer.ptr = f.mmap(2 * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
                    long oldPtr = buffer.ptr;
                    if (useThp != 0) {
                        buffer.ptr = align(buffer.ptr, size);
                        assertEquals(0, f.mm.madvise(buffer.ptr, size, Mman.MADV_HUGEPAGE));
                    }
                    f.fillPtr(buffer.ptr, size, i -> i);
                    fillMirror(buffer, i -> -i);
                    if (migrate != 0) {
                        int ret = HmmFixture.hmmMigrateSysToDev(f.fd, buffer, npages);
                        assertEquals(0, ret);
                        assertEquals(npages, buffer.cpages);
                    }
                    MmStruct child = f.mm.fork();
                    // Child: check the original data, then write through its own device descriptor.
                    f.assertPtrIn(child, buffer.ptr, size, i -> i);
                    if (migrate == 0) {
                        assertMirror(buffer, size / 4, i -> -i);
                    }
                    Dmirror childFd = f.devices[0].open(child);
                    assertNotNull(childFd);
                    int ret = hmmDmirrorCmd(childFd, Dmirror.HMM_DMIRROR_WRITE, buffer, npages);
                    assertEquals(0, ret);
                    assertEquals(npages, buffer.cpages);
                    assertEquals(1, buffer.faults);
                    if (migrate == 0) {
                        f.assertPtrIn(child, buffer.ptr, size, i -> -i);
                    }
                    childFd.close();
                    child.exit();
                    // Parent: its copy is unchanged.
                    f.assertPtr(buffer.ptr, size, i -> i);
                    assertEquals(0, f.mm.munmap(oldPtr, 2 * size));
                }
            }
        }
    }

    /** Iterations of anon_write_child's migrate loop that this build runs (the selftest has 2). */
    static final int MIGRATE_ITERATIONS = 1;

    /** hmm.anon_write_child_shared: a shared anonymous mapping is not copied on write. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void anon_write_child_shared(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            long npages = HMM_BUFFER_SIZE >> PAGE_SHIFT;
            long size = npages << PAGE_SHIFT;
            HmmBuffer buffer = new HmmBuffer(size, (int) size);
            buffer.ptr = f.mmap(size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);
            f.fillPtr(buffer.ptr, size, i -> i);
            fillMirror(buffer, i -> -i);
            MmStruct child = f.mm.fork();
            f.assertPtrIn(child, buffer.ptr, size, i -> i);
            assertMirror(buffer, size / 4, i -> -i);
            Dmirror childFd = f.devices[0].open(child);
            int ret = hmmDmirrorCmd(childFd, Dmirror.HMM_DMIRROR_WRITE, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            assertEquals(1, buffer.faults);
            f.assertPtrIn(child, buffer.ptr, size, i -> -i);
            childFd.close();
            child.exit();
            f.assertPtr(buffer.ptr, size, i -> -i);
        }
    }

    /** hmm.anon_write_huge: a device write to a THP region. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void anon_write_huge(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            long size = 2 * TWOMEG;
            HmmBuffer buffer = new HmmBuffer(size, (int) TWOMEG);
            buffer.ptr = f.mmap(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
            size = TWOMEG;
            long npages = size >> PAGE_SHIFT;
            buffer.ptr = align(buffer.ptr, size);
            assertEquals(0, f.mm.madvise(buffer.ptr, size, Mman.MADV_HUGEPAGE));
            fillMirror(buffer, i -> i);
            int ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_WRITE, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            assertEquals(1, buffer.faults);
            f.assertPtr(buffer.ptr, size, i -> i);
            assertTrue(org.hmmlab.mm.Pte.isHuge(f.mm.entry(buffer.ptr)), "the write fault mapped a 2 MiB page");
        }
    }

    /** hmm.anon_write_hugetlbfs: a device write to hugetlb memory. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void anon_write_hugetlbfs(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            long defaultHsize = TWOMEG;
            long size = align(TWOMEG, defaultHsize);
            long npages = size >> PAGE_SHIFT;
            HmmBuffer buffer = new HmmBuffer(size, (int) size);
            buffer.ptr = f.mmap(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB);
            fillMirror(buffer, i -> i);
            int ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_WRITE, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            assertEquals(1, buffer.faults);
            f.assertPtr(buffer.ptr, size, i -> i);
        }
    }

    /** hmm.file_read: a device read of page-cache pages. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void file_read(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            long npages = HMM_BUFFER_SIZE >> PAGE_SHIFT;
            long size = npages << PAGE_SHIFT;
            MemFile file = MemFile.createTemp(f.frames, size);
            HmmBuffer buffer = new HmmBuffer(size, (int) size);
            byte[] seq = HmmFixture.ints((int) (size / 4), i -> i);
            assertEquals(size, file.pwrite(seq, 0));
            fillMirror(buffer, i -> 0);
            buffer.ptr = f.mm.mmap(0, size, PROT_READ, MAP_SHARED, file, 0);
            assertFalse(Errno.isError(buffer.ptr));
            int ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_READ, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            assertEquals(1, buffer.faults);
            assertMirror(buffer, size / 4, i -> i);
        }
    }

    /** hmm.file_write: a device write to a shared file mapping reaches the file. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void file_write(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            long npages = HMM_BUFFER_SIZE >> PAGE_SHIFT;
            long size = npages << PAGE_SHIFT;
            MemFile file = MemFile.createTemp(f.frames, size);
            HmmBuffer buffer = new HmmBuffer(size, (int) size);
            buffer.ptr = f.mm.mmap(0, size, PROT_READ | PROT_WRITE, MAP_SHARED, file, 0);
            assertFalse(Errno.isError(buffer.ptr));
            fillMirror(buffer, i -> i);
            int ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_WRITE, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            assertEquals(1, buffer.faults);
            f.assertPtr(buffer.ptr, size, i -> i);
            byte[] back = new byte[(int) size];
            assertEquals(size, file.pread(back, 0));
            assertTrue(java.util.Arrays.equals(back, HmmFixture.ints((int) (size / 4), i -> i)), "pread == seq");
        }
    }

    /** hmm.anon_read_multiple: repeated device reads on fresh buffers. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void anon_read_multiple(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            for (int c = 0; c < NTIMES; c++) {
                final int cc = c;
                long npages = HMM_BUFFER_SIZE >> PAGE_SHIFT;
                long size = npages << PAGE_SHIFT;
                HmmBuffer buffer = new HmmBuffer(size, (int) size);
                buffer.ptr = f.mmap(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
                f.fillPtr(buffer.ptr, size, i -> i + cc);
                int ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_READ, buffer, npages);
                assertEquals(0, ret);
                assertEquals(npages, buffer.cpages);
                assertEquals(1, buffer.faults);
                assertMirror(buffer, size / 4, i -> i + cc);
                assertEquals(0, f.mm.munmap(buffer.ptr, size));
            }
        }
    }

    /**
     * hmm.anon_teardown: a device read racing with munmap of the second half. The selftest's thread sleeps a random
     * time; here a seeded choice places the munmap before the read, at one of the points where the driver has
     * dropped the mmap lock, or after it. Only a successful read is checked, as in the selftest.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void anon_teardown(Variant v) {
        SplittableRandom rnd = new SplittableRandom(Long.getLong("hmmlab.seed", 42L));
        int successes = 0;
        int failures = 0;
        try (HmmFixture f = HmmFixture.hmm(v)) {
            for (int c = 0; c < NTIMES; ++c) {
                final int cc = c;
                long npages = HMM_BUFFER_SIZE >> PAGE_SHIFT;
                long size = npages << PAGE_SHIFT;
                HmmBuffer buffer = new HmmBuffer(size, (int) size);
                buffer.ptr = f.mmap(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
                f.fillPtr(buffer.ptr, size, i -> i + cc);
                // 0: munmap before the read; 1..40: at that mmap-unlock point; 41: after the read.
                int when = c == 0 ? 0 : c == 1 ? 41 : rnd.nextInt(42);
                long half = buffer.ptr + size / 2;
                int[] unlocks = {0};
                Runnable unmap = () -> assertEquals(0, f.mm.munmap(half, size / 2));
                if (when == 0) {
                    unmap.run();
                } else {
                    f.fd.onMmapUnlock(() -> {
                        if (++unlocks[0] == when) {
                            unmap.run();
                        }
                    });
                }
                int rc = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_READ, buffer, npages);
                f.fd.onMmapUnlock(null);
                if (rc == 0) {
                    successes++;
                    assertEquals(npages, buffer.cpages);
                    assertEquals(1, buffer.faults);
                    assertMirror(buffer, size / 4, i -> i + cc);
                } else {
                    failures++;
                    assertEquals(-Errno.EFAULT, rc, "a read racing munmap fails with -EFAULT");
                }
                if (when != 0 && unlocks[0] < when) {
                    unmap.run(); // the thread's munmap lands after the read
                }
                assertEquals(0, f.mm.munmap(buffer.ptr, size / 2));
            }
        }
        assertTrue(successes > 0 && failures > 0, "both outcomes of the race occur over the iterations: " + successes + " ok, " + failures + " failed");
    }

    /** hmm.mixedmap: snapshot of a VM_MIXEDMAP mapping of the device file. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void mixedmap(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            long npages = 1;
            long size = npages << PAGE_SHIFT;
            HmmBuffer buffer = new HmmBuffer(size, (int) npages);
            buffer.ptr = f.mm.mmapDevice(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, f.fd::mmap);
            assertFalse(Errno.isError(buffer.ptr));
            int ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_SNAPSHOT, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            assertEquals(Dmirror.PROT_READ, buffer.mirror[0]);
        }
    }

    /** hmm.compound: the map order reported for a hugetlb mapping, before and after mprotect. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void compound(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            long defaultHsize = TWOMEG;
            long size = align(TWOMEG, defaultHsize);
            long npages = size >> PAGE_SHIFT;
            HmmBuffer buffer = new HmmBuffer(size, (int) npages);
            buffer.ptr = f.mmap(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB);
            f.fillPtr(buffer.ptr, size, i -> i);
            int ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_SNAPSHOT, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            byte level = (buffer.mirror[0] & Dmirror.PROT_PUD) != 0 ? Dmirror.PROT_PUD : Dmirror.PROT_PMD;
            for (int i = 0; i < npages; ++i) {
                assertEquals(Dmirror.PROT_WRITE | level, buffer.mirror[i], "m[" + i + "]");
            }
            assertEquals(0, f.mm.mprotect(buffer.ptr, size, PROT_READ));
            ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_SNAPSHOT, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            for (int i = 0; i < npages; ++i) {
                assertEquals(Dmirror.PROT_READ | level, buffer.mirror[i], "m[" + i + "]");
            }
        }
    }
}
