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
import org.hmmlab.mm.Gup;
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
            // Pages 0 and 1 stay untouched; every later int holds its own index.
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
            // The device reads page 0 of a read-only mapping: the fault maps the zero page.
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

    /** Iterations of anon_write_child's migrate loop (the selftest's 2). */
    static final int MIGRATE_ITERATIONS = 2;

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

    // ---- migration -------------------------------------------------------------------------------------------

    private static HmmBuffer seqBuffer(HmmFixture f, long npages) {
        long size = npages << PAGE_SHIFT;
        HmmBuffer buffer = new HmmBuffer(size, (int) size);
        buffer.ptr = f.mmap(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
        f.fillPtr(buffer.ptr, size, i -> i);
        return buffer;
    }

    /** hmm.migrate: basic migration to the device, read back through it. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void migrate(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            long npages = HMM_BUFFER_SIZE >> PAGE_SHIFT;
            HmmBuffer buffer = seqBuffer(f, npages);
            int ret = HmmFixture.hmmMigrateSysToDev(f.fd, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            assertMirror(buffer, buffer.size / 4, i -> i);
        }
    }

    /** hmm.migrate_file_private: COWed pages of a private file mapping migrate. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void migrate_file_private(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            long npages = HMM_BUFFER_SIZE >> PAGE_SHIFT;
            long size = npages << PAGE_SHIFT;
            MemFile file = MemFile.createTemp(f.frames, size);
            HmmBuffer buffer = new HmmBuffer(size, (int) size);
            buffer.ptr = f.mm.mmap(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, file, 0);
            assertFalse(Errno.isError(buffer.ptr));
            f.fillPtr(buffer.ptr, size, i -> i);
            int ret = HmmFixture.hmmMigrateSysToDev(f.fd, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            assertMirror(buffer, size / 4, i -> i);
        }
    }

    /** hmm.migrate_fault: fault half back page by page, then migrate the mixed range again. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void migrate_fault(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            long npages = HMM_BUFFER_SIZE >> PAGE_SHIFT;
            HmmBuffer buffer = seqBuffer(f, npages);
            int ret = HmmFixture.hmmMigrateSysToDev(f.fd, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            assertMirror(buffer, buffer.size / 4, i -> i);
            f.assertPtr(buffer.ptr, buffer.size / 2, i -> i);
            ret = HmmFixture.hmmMigrateSysToDev(f.fd, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            assertMirror(buffer, buffer.size / 4, i -> i);
        }
    }

    /** hmm.migrate_release: RELEASE evicts the device's memory; the CPU still reads the data. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void migrate_release(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            long npages = HMM_BUFFER_SIZE >> PAGE_SHIFT;
            HmmBuffer buffer = seqBuffer(f, npages);
            int ret = HmmFixture.hmmMigrateSysToDev(f.fd, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            assertMirror(buffer, buffer.size / 4, i -> i);
            ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_RELEASE, buffer, npages);
            assertEquals(0, ret);
            assertEquals(0, f.fd.device().memory().chunks(), "every chunk removed");
            f.assertPtr(buffer.ptr, buffer.size / 2, i -> i);
        }
    }

    /** hmm.migrate_shared: shared anonymous memory cannot migrate. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void migrate_shared(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            long npages = HMM_BUFFER_SIZE >> PAGE_SHIFT;
            long size = npages << PAGE_SHIFT;
            HmmBuffer buffer = new HmmBuffer(size, (int) size);
            buffer.ptr = f.mmap(size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);
            int ret = HmmFixture.hmmMigrateSysToDev(f.fd, buffer, npages);
            assertEquals(-Errno.ENOENT, ret);
        }
    }

    /** hmm.migrate_multiple: migrate and come back ten times. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void migrate_multiple(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            long npages = HMM_BUFFER_SIZE >> PAGE_SHIFT;
            for (int c = 0; c < NTIMES; c++) {
                HmmBuffer buffer = seqBuffer(f, npages);
                int ret = HmmFixture.hmmMigrateSysToDev(f.fd, buffer, npages);
                assertEquals(0, ret);
                assertEquals(npages, buffer.cpages);
                assertMirror(buffer, buffer.size / 4, i -> i);
                if (v.coherent()) {
                    ret = HmmFixture.hmmMigrateDevToSys(f.fd, buffer, npages);
                    assertEquals(0, ret);
                    assertEquals(npages, buffer.cpages);
                }
                f.assertPtr(buffer.ptr, buffer.size, i -> i);
                assertEquals(0, f.mm.munmap(buffer.ptr, buffer.size));
            }
        }
    }

    /** hmm.exclusive: device-exclusive entries, revoked page by page by CPU access. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void exclusive(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            long npages = HMM_BUFFER_SIZE >> PAGE_SHIFT;
            HmmBuffer buffer = seqBuffer(f, npages);
            int ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_EXCLUSIVE, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            assertMirror(buffer, buffer.size / 4, i -> i);
            for (int i = 0; i < buffer.size / 4; i++) {
                long a = buffer.ptr + 4L * i;
                int old = f.mm.readInt(a);
                f.mm.writeInt(a, old + 1);
                if (old != i) {
                    assertEquals(i, old, "ptr[" + i + "]++");
                }
            }
            f.assertPtr(buffer.ptr, buffer.size, i -> i + 1);
            ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_CHECK_EXCLUSIVE, buffer, npages);
            assertEquals(0, ret);
        }
    }

    /** hmm.exclusive_mprotect: a device write after EXCLUSIVE and mprotect(PROT_READ) is -EPERM. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void exclusive_mprotect(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            long npages = HMM_BUFFER_SIZE >> PAGE_SHIFT;
            HmmBuffer buffer = seqBuffer(f, npages);
            int ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_EXCLUSIVE, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            assertMirror(buffer, buffer.size / 4, i -> i);
            assertEquals(0, f.mm.mprotect(buffer.ptr, buffer.size, PROT_READ));
            ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_WRITE, buffer, npages);
            assertEquals(-Errno.EPERM, ret);
        }
    }

    /** hmm.exclusive_cow: fork after EXCLUSIVE; parent and child each see their own copy. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void exclusive_cow(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            long npages = HMM_BUFFER_SIZE >> PAGE_SHIFT;
            HmmBuffer buffer = seqBuffer(f, npages);
            int ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_EXCLUSIVE, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            MmStruct child = f.mm.fork();
            for (MmStruct m : new MmStruct[] {child, f.mm}) {
                for (int i = 0; i < buffer.size / 4; i++) {
                    long a = buffer.ptr + 4L * i;
                    int old = m.readInt(a);
                    m.writeInt(a, old + 1);
                    if (old != i) {
                        assertEquals(i, old, "ptr[" + i + "]++ in " + m);
                    }
                }
                f.assertPtrIn(m, buffer.ptr, buffer.size, i -> i + 1);
            }
            child.exit();
        }
    }

    /** hmm.hmm_gup_test: GUP and long-term pins on device pages (gup_test ioctls, one page each). */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void hmm_gup_test(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            long npages = 4;
            HmmBuffer buffer = seqBuffer(f, npages);
            int ret = HmmFixture.hmmMigrateSysToDev(f.fd, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            assertMirror(buffer, buffer.size / 4, i -> i);
            long[] pages = new long[1];
            long p = buffer.ptr;
            // GUP_BASIC_TEST and GUP_FAST_BENCHMARK: get_user_pages(FOLL_WRITE), then put.
            for (int k = 0; k < 2; k++) {
                assertEquals(1, Gup.getUserPages(f.mm, p + (long) k * PAGE_SIZE, 1, Gup.FOLL_WRITE, pages));
                Gup.putPages(f.frames, pages, 1);
            }
            // PIN_FAST_BENCHMARK | FOLL_LONGTERM and PIN_LONGTERM_BENCHMARK: pin_user_pages(FOLL_LONGTERM), unpin.
            for (int k = 2; k < 4; k++) {
                assertEquals(1, Gup.pinUserPages(f.mm, p + (long) k * PAGE_SIZE, 1,
                        Gup.FOLL_WRITE | Gup.FOLL_LONGTERM, pages));
                Gup.unpinUserPages(f.mm, pages, 1);
            }
            buffer.mirror = new byte[(int) npages];
            ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_SNAPSHOT, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            byte m01 = v.coherent() ? (byte) (Dmirror.PROT_DEV_COHERENT_LOCAL | Dmirror.PROT_WRITE)
                    : Dmirror.PROT_WRITE;
            assertEquals(m01, buffer.mirror[0]);
            assertEquals(m01, buffer.mirror[1]);
            assertEquals(Dmirror.PROT_WRITE, buffer.mirror[2]);
            assertEquals(Dmirror.PROT_WRITE, buffer.mirror[3]);
            f.assertPtr(buffer.ptr, buffer.size, i -> i);
        }
    }

    /** hmm.hmm_cow_in_device: copy-on-write of pages that live on the device. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void hmm_cow_in_device(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            long npages = 4;
            HmmBuffer buffer = seqBuffer(f, npages);
            int ret = HmmFixture.hmmMigrateSysToDev(f.fd, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            MmStruct child = f.mm.fork();
            f.fillPtr(buffer.ptr, buffer.size, i -> i);
            child.exit(); // kill(child, SIGKILL)
            buffer.mirror = new byte[(int) npages];
            ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_SNAPSHOT, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            for (int i = 0; i < npages; i++) {
                assertEquals(Dmirror.PROT_WRITE, buffer.mirror[i], "m[" + i + "]");
            }
        }
    }

    // ---- 2 MiB pages -----------------------------------------------------------------------------------------

    private static HmmBuffer hugeBuffer(HmmFixture f, int prot, int advice, boolean fill) {
        long size = TWOMEG;
        HmmBuffer buffer = new HmmBuffer(2 * size, (int) size);
        buffer.ptr = f.mmap(2 * size, prot, MAP_PRIVATE | MAP_ANONYMOUS);
        buffer.mapped = buffer.ptr;
        buffer.ptr = align(buffer.ptr, size);
        buffer.size = size;
        if (advice >= 0) {
            assertEquals(0, f.mm.madvise(buffer.ptr, size, advice));
        }
        if (fill) {
            f.fillPtr(buffer.ptr, size, i -> i);
        }
        return buffer;
    }

    /** hmm.migrate_anon_huge_empty: migrate an untouched 2 MiB range. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void migrate_anon_huge_empty(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            HmmBuffer buffer = hugeBuffer(f, PROT_READ, Mman.MADV_HUGEPAGE, false);
            java.util.Arrays.fill(buffer.mirror, (byte) 0xFF);
            long npages = TWOMEG >> PAGE_SHIFT;
            int ret = HmmFixture.hmmMigrateSysToDev(f.fd, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            assertMirror(buffer, TWOMEG / 4, i -> 0);
        }
    }

    /** hmm.migrate_anon_huge_zero: migrate the huge zero page, then read it back on the CPU. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void migrate_anon_huge_zero(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            HmmBuffer buffer = hugeBuffer(f, PROT_READ, Mman.MADV_HUGEPAGE, false);
            java.util.Arrays.fill(buffer.mirror, (byte) 0xFF);
            assertEquals(0, f.mm.readInt(buffer.ptr));
            long npages = TWOMEG >> PAGE_SHIFT;
            int ret = HmmFixture.hmmMigrateSysToDev(f.fd, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            assertMirror(buffer, TWOMEG / 4, i -> 0);
            f.assertPtr(buffer.ptr, TWOMEG, i -> 0);
        }
    }

    /** hmm.migrate_anon_huge_free: MADV_FREE on a 2 MiB range that lives on the device. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void migrate_anon_huge_free(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            HmmBuffer buffer = hugeBuffer(f, PROT_READ | PROT_WRITE, Mman.MADV_HUGEPAGE, true);
            long npages = TWOMEG >> PAGE_SHIFT;
            int ret = HmmFixture.hmmMigrateSysToDev(f.fd, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            assertMirror(buffer, TWOMEG / 4, i -> i);
            assertEquals(0, f.mm.madvise(buffer.ptr, TWOMEG, Mman.MADV_FREE));
        }
    }

    /** hmm.migrate_anon_huge_fault: a PMD-level device-private entry, snapshotted and faulted back whole. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void migrate_anon_huge_fault(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            HmmBuffer buffer = hugeBuffer(f, PROT_READ | PROT_WRITE, -1, true);
            assertEquals(0, f.mm.madvise(buffer.ptr, TWOMEG, Mman.MADV_COLLAPSE));
            long npages = TWOMEG >> PAGE_SHIFT;
            int ret = HmmFixture.hmmMigrateSysToDev(f.fd, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            assertMirror(buffer, TWOMEG / 4, i -> i);
            if (!v.coherent()) {
                byte[] data = buffer.mirror;
                buffer.mirror = new byte[(int) npages];
                ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_SNAPSHOT, buffer, npages);
                assertEquals(0, ret);
                assertEquals(npages, buffer.cpages);
                for (int i = 0; i < npages; i++) {
                    assertEquals(Dmirror.PROT_DEV_PRIVATE_LOCAL | Dmirror.PROT_WRITE | Dmirror.PROT_PMD,
                            buffer.mirror[i], "m[" + i + "]");
                    // /proc/self/pagemap: PM_SWAP set, PRESENT clear
                    long e = f.mm.entry(buffer.ptr + (long) i * PAGE_SIZE);
                    assertTrue(!org.hmmlab.mm.Pte.isPresent(e) && org.hmmlab.mm.Pte.isDevicePrivate(e));
                }
                buffer.mirror = data;
            }
            f.assertPtr(buffer.ptr, TWOMEG, i -> i);
        }
    }

    /** hmm.migrate_partial_unmap_fault: munmap part of a device-resident range, read the rest. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void migrate_partial_unmap_fault(Variant v) {
        long size = TWOMEG;
        long unmap = size / 2;
        long[] offsets = {0, size / 4, size / 2};
        for (int useThp = 0; useThp < 2; useThp++) {
            for (long off : offsets) {
                try (HmmFixture f = HmmFixture.hmm(v)) {
                    HmmBuffer buffer = hugeBuffer(f, PROT_READ | PROT_WRITE,
                            useThp != 0 ? Mman.MADV_HUGEPAGE : Mman.MADV_NOHUGEPAGE, true);
                    long npages = size >> PAGE_SHIFT;
                    int ret = HmmFixture.hmmMigrateSysToDev(f.fd, buffer, npages);
                    assertEquals(0, ret);
                    assertEquals(npages, buffer.cpages);
                    assertMirror(buffer, size / 4, i -> i);
                    assertEquals(0, f.mm.munmap(buffer.ptr + off, unmap));
                    int[] got = new int[(int) (size / 4)];
                    for (long a = 0; a < size; a += PAGE_SIZE) {
                        if (a >= off && a < off + unmap) {
                            continue;
                        }
                        int[] page = f.readPtr(buffer.ptr + a, PAGE_SIZE);
                        for (int k = 0; k < page.length; k++) {
                            int idx = (int) (a / 4) + k;
                            if (page[k] != idx) {
                                assertEquals(idx, page[k], "ptr[" + idx + "] thp=" + useThp + " off=" + off);
                            }
                        }
                    }
                }
            }
        }
    }

    /** hmm.migrate_remap_fault: mremap before or after migration, the CPU reads the moved range. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void migrate_remap_fault(Variant v) {
        long size = TWOMEG;
        long[] offsets = {0, size / 4, size / 2};
        for (int before = 0; before < 2; before++) {
            for (int dontUnmap = 0; dontUnmap < 2; dontUnmap++) {
                for (int useThp = 0; useThp < 2; useThp++) {
                    for (long off : offsets) {
                        try (HmmFixture f = HmmFixture.hmm(v)) {
                            HmmBuffer buffer = new HmmBuffer(8 * size, (int) size);
                            long map = f.mmap(8 * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
                            map = align(map, size);
                            assertEquals(0, f.mm.madvise(map, size,
                                    useThp != 0 ? Mman.MADV_HUGEPAGE : Mman.MADV_NOHUGEPAGE));
                            assertEquals(0, f.mm.munmap(map + size, 2 * size));
                            f.fillPtr(map, size, i -> i);
                            int flags = Mman.MREMAP_MAYMOVE | Mman.MREMAP_FIXED
                                    | (dontUnmap != 0 ? Mman.MREMAP_DONTUNMAP : 0);
                            buffer.ptr = map;
                            long ptr = map;
                            if (before != 0) {
                                ptr = f.mm.mremap(map, size, size, flags, map + size + off);
                                assertFalse(Errno.isError(ptr), () -> "mremap");
                                buffer.ptr = ptr;
                            }
                            long npages = size >> PAGE_SHIFT;
                            int ret = HmmFixture.hmmMigrateSysToDev(f.fd, buffer, npages);
                            assertEquals(0, ret);
                            assertEquals(npages, buffer.cpages);
                            assertMirror(buffer, size / 4, i -> i);
                            if (before == 0) {
                                ptr = f.mm.mremap(map, size, size, flags, map + size + off);
                                assertFalse(Errno.isError(ptr), () -> "mremap");
                            }
                            f.assertPtr(ptr, size, i -> i);
                            assertEquals(0, f.mm.munmap(ptr, size));
                        }
                    }
                }
            }
        }
    }

    /** hmm.migrate_anon_huge_err: a forced 2 MiB allocation failure falls back to small pages, both ways. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void migrate_anon_huge_err(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            long size = TWOMEG;
            long npages = size >> PAGE_SHIFT;
            HmmBuffer buffer = hugeBuffer(f, PROT_READ | PROT_WRITE, Mman.MADV_HUGEPAGE, true);
            buffer.mirror = new byte[(int) (2 * size)];
            java.util.Arrays.fill(buffer.mirror, (byte) 0xFF);
            int ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_FLAGS, buffer, Dmirror.HMM_DMIRROR_FLAG_FAIL_ALLOC);
            assertEquals(0, ret);
            ret = HmmFixture.hmmMigrateSysToDev(f.fd, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            assertMirror(buffer, size / 4, i -> i);
            assertEquals(2048, f.mm.readInt(buffer.ptr + 2048 * 4));
            assertEquals(0, f.mm.munmap(buffer.mapped, 2 * size));
            HmmBuffer again = hugeBuffer(f, PROT_READ | PROT_WRITE, Mman.MADV_HUGEPAGE, true);
            ret = HmmFixture.hmmMigrateSysToDev(f.fd, again, npages);
            assertEquals(0, ret);
            assertEquals(npages, again.cpages);
            ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_FLAGS, again, Dmirror.HMM_DMIRROR_FLAG_FAIL_ALLOC);
            assertEquals(0, ret);
            ret = HmmFixture.hmmMigrateDevToSys(f.fd, again, npages);
            assertEquals(0, ret);
            assertEquals(2048, f.mm.readInt(again.ptr + 2048 * 4));
        }
    }

    /** hmm.migrate_anon_huge_zero_err: the forced failure on the huge-zero-page path. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void migrate_anon_huge_zero_err(Variant v) {
        try (HmmFixture f = HmmFixture.hmm(v)) {
            long size = TWOMEG;
            long npages = size >> PAGE_SHIFT;
            HmmBuffer buffer = hugeBuffer(f, PROT_READ, Mman.MADV_HUGEPAGE, false);
            buffer.mirror = new byte[(int) (2 * size)];
            java.util.Arrays.fill(buffer.mirror, (byte) 0xFF);
            int ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_FLAGS, buffer, Dmirror.HMM_DMIRROR_FLAG_FAIL_ALLOC);
            assertEquals(0, ret);
            ret = HmmFixture.hmmMigrateSysToDev(f.fd, buffer, npages);
            assertEquals(0, ret);
            assertEquals(npages, buffer.cpages);
            assertMirror(buffer, size / 4, i -> 0);
            assertEquals(0, f.mm.readInt(buffer.ptr + 2048 * 4));
            assertEquals(0, f.mm.munmap(buffer.mapped, 2 * size));
            HmmBuffer again = hugeBuffer(f, PROT_READ, Mman.MADV_HUGEPAGE, false);
            assertEquals(0, f.mm.readInt(again.ptr));
            ret = hmmDmirrorCmd(f.fd, Dmirror.HMM_DMIRROR_FLAGS, again, Dmirror.HMM_DMIRROR_FLAG_FAIL_ALLOC);
            assertEquals(0, ret);
            ret = HmmFixture.hmmMigrateSysToDev(f.fd, again, npages);
            assertEquals(0, ret);
            assertEquals(npages, again.cpages);
            f.assertPtr(again.ptr, size, i -> 0);
        }
    }
}
