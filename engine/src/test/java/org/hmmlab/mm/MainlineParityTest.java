package org.hmmlab.mm;

import static org.hmmlab.mm.Mman.MAP_ANONYMOUS;
import static org.hmmlab.mm.Mman.MAP_PRIVATE;
import static org.hmmlab.mm.Mman.PAGE_SIZE;
import static org.hmmlab.mm.Mman.PROT_READ;
import static org.hmmlab.mm.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.hmmlab.mm.notifier.MmuIntervalNotifier;
import org.hmmlab.mm.notifier.MmuNotifyEvent;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The address space against mainline Linux where an independent reading of the kernel sources found the engine
 * doing something else; each nested class names the kernel function it checks.
 */
class MainlineParityTest {
    Frames frames;
    MmStruct mm;
    List<MmuNotifyEvent> events;

    @BeforeEach
    void setUp() {
        frames = Frames.create(Bytes.MiB(256));
        frames.setInvariantChecking(true);
        mm = MmStruct.create(frames);
        events = new ArrayList<>();
        MmuIntervalNotifier.insertWholeSpace(mm, (sub, r, seq) -> {
            events.add(r.event());
            sub.setSeq(seq);
            return true;
        });
    }

    long anon(long pages, int prot) {
        long a = mm.mmap(pages * PAGE_SIZE, prot, MAP_PRIVATE | MAP_ANONYMOUS);
        assertFalse(Errno.isError(a));
        return a;
    }

    /** mprotect(2) over a range with a gap: do_mprotect_pkey() in mm/mprotect.c. */
    @Nested
    class DoMprotectPkey {
        @Test
        void changesTheAreasBeforeTheGapThenReturnsEnomem() {
            long a = anon(3, PROT_READ | PROT_WRITE);
            assertEquals(0, mm.munmap(a + PAGE_SIZE, PAGE_SIZE));
            mm.writeInt(a, 5);
            mm.writeInt(a + 2 * PAGE_SIZE, 6);
            events.clear();
            assertEquals(-Errno.ENOMEM, mm.mprotect(a, 3 * PAGE_SIZE, PROT_READ));
            assertEquals(PROT_READ, mm.findVma(a).prot(), "the area before the gap is changed");
            assertFalse(Pte.isWrite(mm.entry(a)));
            assertEquals(PROT_READ | PROT_WRITE, mm.findVma(a + 2 * PAGE_SIZE).prot(), "the walk stops at the gap");
            assertTrue(Pte.isWrite(mm.entry(a + 2 * PAGE_SIZE)));
            assertEquals(List.of(MmuNotifyEvent.PROTECTION_VMA), events);
        }

        @Test
        void aRangeStartingInAGapChangesNothing() {
            long a = anon(3, PROT_READ | PROT_WRITE);
            assertEquals(0, mm.munmap(a, PAGE_SIZE));
            mm.writeInt(a + PAGE_SIZE, 5);
            events.clear();
            assertEquals(-Errno.ENOMEM, mm.mprotect(a, 3 * PAGE_SIZE, PROT_READ));
            assertEquals(PROT_READ | PROT_WRITE, mm.findVma(a + PAGE_SIZE).prot());
            assertEquals(List.of(), events);
        }

        @Test
        void anUnmappedTailStillChangesTheMappedHead() {
            long a = anon(2, PROT_READ | PROT_WRITE);
            assertEquals(0, mm.munmap(a + PAGE_SIZE, PAGE_SIZE));
            assertEquals(-Errno.ENOMEM, mm.mprotect(a, 2 * PAGE_SIZE, PROT_READ));
            assertEquals(PROT_READ, mm.findVma(a).prot());
        }
    }

    /** madvise(2) over a range with gaps: madvise_walk_vmas() and its unmapped_error in mm/madvise.c. */
    @Nested
    class MadviseWalkVmas {
        @Test
        void dontneedZapsEveryMappedPartThenReturnsEnomem() {
            long a = anon(3, PROT_READ | PROT_WRITE);
            assertEquals(0, mm.munmap(a + PAGE_SIZE, PAGE_SIZE));
            mm.writeInt(a, 5);
            mm.writeInt(a + 2 * PAGE_SIZE, 6);
            events.clear();
            assertEquals(-Errno.ENOMEM, mm.madvise(a, 3 * PAGE_SIZE, Mman.MADV_DONTNEED));
            assertEquals(0, mm.entry(a), "zapped before the gap");
            assertEquals(0, mm.entry(a + 2 * PAGE_SIZE), "and after it: the gap does not stop the walk");
            assertEquals(List.of(MmuNotifyEvent.CLEAR, MmuNotifyEvent.CLEAR), events);
        }

        @Test
        void aLeadingGapAndAnUnmappedTailStillAdviseTheAreaBetween() {
            long a = anon(3, PROT_READ | PROT_WRITE);
            assertEquals(0, mm.munmap(a, PAGE_SIZE));
            assertEquals(0, mm.munmap(a + 2 * PAGE_SIZE, PAGE_SIZE));
            assertEquals(-Errno.ENOMEM, mm.madvise(a, 3 * PAGE_SIZE, Mman.MADV_HUGEPAGE));
            assertTrue(mm.findVma(a + PAGE_SIZE).has(VmFlags.VM_HUGEPAGE));
        }

        @Test
        void aRefusingAreaStopsTheWalkWithItsError() {
            long a = anon(1, PROT_READ | PROT_WRITE);
            mm.writeInt(a, 5);
            long f = mm.mmap(a + PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_FIXED,
                    MemFile.createTemp(frames, PAGE_SIZE), 0);
            assertEquals(a + PAGE_SIZE, f);
            assertEquals(-Errno.EINVAL, mm.madvise(a, 2 * PAGE_SIZE, Mman.MADV_FREE));
            assertEquals(0, mm.entry(a) & Pte.DIRTY, "the anonymous area before the file area was already advised");
        }
    }

    /** Which mprotect(2) calls invalidate: mprotect_fixup() and change_protection() in mm/mprotect.c. */
    @Nested
    class MprotectFixup {
        @Test
        void theSameProtectionAgainSendsNoInvalidation() {
            long a = anon(2, PROT_READ | PROT_WRITE);
            mm.writeInt(a, 5);
            events.clear();
            assertEquals(0, mm.mprotect(a, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE));
            assertEquals(List.of(), events, "newflags == oldflags returns before change_protection()");
            assertTrue(Pte.isWrite(mm.entry(a)));
            assertEquals(1, mm.vmas().size(), "and splits nothing");
        }

        @Test
        void anEmptyAreaUnderAPopulatedPudIsStillInvalidated() {
            long a = anon(2, PROT_READ | PROT_WRITE);
            long b = anon(1, PROT_READ | PROT_WRITE);
            mm.writeInt(b, 5); // page tables now exist above both areas
            events.clear();
            assertEquals(0, mm.mprotect(a, PAGE_SIZE, PROT_READ));
            assertEquals(List.of(MmuNotifyEvent.PROTECTION_VMA), events, "change_pud_range(): the PUD is not none");
        }

        @Test
        void anAreaWithNoPageTableAboveItIsNotInvalidated() {
            long a = anon(1, PROT_READ | PROT_WRITE);
            events.clear();
            assertEquals(0, mm.mprotect(a, PAGE_SIZE, PROT_READ));
            assertEquals(List.of(), events);
        }
    }

    /**
     * Which page tables munmap(2) frees: free_pgtables() and free_pgd_range() in mm/memory.c, called from
     * unmap_region()/vms_clear_ptes() in mm/vma.c, seen through change_pud_range()'s PUD-level invalidation.
     */
    @Nested
    class FreePgtables {
        static final long GIB = 1L << 30;

        long fixed(long addr, long pages) {
            long a = mm.mmap(addr, pages * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS
                    | Mman.MAP_FIXED, null, 0);
            assertEquals(addr, a);
            return a;
        }

        @Test
        void unmappingTheOnlyAreaFreesEveryTableSoALaterMprotectSendsNothing() {
            long a = fixed(GIB, 4);
            mm.writeInt(a, 5);
            int before = mm.pageTable().tableCount();
            assertEquals(0, mm.munmap(a, 4 * PAGE_SIZE));
            assertEquals(before - 3, mm.pageTable().tableCount(), "the PTE, PMD and PUD tables go");
            long b = fixed(GIB + 8 * PAGE_SIZE, 1);
            events.clear();
            assertEquals(0, mm.mprotect(b, PAGE_SIZE, PROT_READ));
            assertEquals(List.of(), events, "change_pud_range(): the PUD entry is none again");
        }

        @Test
        void anAreaAboveInTheSamePmdKeepsTheTables() {
            long a = fixed(GIB, 1);
            long b = fixed(GIB + PAGE_SIZE, 1);
            mm.writeInt(a, 5);
            assertEquals(0, mm.munmap(a, PAGE_SIZE)); // the ceiling (b's start) shares a's 2 MiB and 1 GiB
            events.clear();
            assertEquals(0, mm.mprotect(b, PAGE_SIZE, PROT_READ));
            assertEquals(List.of(MmuNotifyEvent.PROTECTION_VMA), events);
        }

        @Test
        void anAreaBelowInTheSamePudKeepsThePmdTableButNotThePteTable() {
            long b = fixed(GIB, 1);
            long a = fixed(GIB + 4 * Mman.PMD_SIZE, 1);
            mm.writeInt(a, 5);
            int before = mm.pageTable().tableCount();
            assertEquals(0, mm.munmap(a, PAGE_SIZE));
            assertEquals(before - 1, mm.pageTable().tableCount(), "only a's PTE table lies above the floor");
            events.clear();
            assertEquals(0, mm.mprotect(b, PAGE_SIZE, PROT_READ));
            assertEquals(List.of(MmuNotifyEvent.PROTECTION_VMA), events, "the floor (b's end) keeps the PMD table");
        }

        @Test
        void aPudSpanBetweenFloorAndCeilingLosesItsPmdTableButThePudTableStays() {
            long below = fixed(GIB - PAGE_SIZE, 1);
            long a = fixed(GIB + GIB / 2, 1);
            long above = fixed(2 * GIB, 1);
            mm.writeInt(below, 1);
            mm.writeInt(a, 2);
            mm.writeInt(above, 3);
            int before = mm.pageTable().tableCount();
            assertEquals(0, mm.munmap(a, PAGE_SIZE));
            assertEquals(before - 2, mm.pageTable().tableCount(), "a's PTE and PMD tables; the PUD table is shared");
            long c = fixed(GIB + 8 * PAGE_SIZE, 1);
            events.clear();
            assertEquals(0, mm.mprotect(c, PAGE_SIZE, PROT_READ));
            assertEquals(List.of(), events);
            assertEquals(1, mm.readInt(below), "the neighbours keep their pages");
            assertEquals(3, mm.readInt(above));
        }
    }

    /**
     * MADV_COLLAPSE on anonymous memory: madvise_collapse(), hpage_collapse_scan_pmd() and madvise_collapse_errno()
     * in mm/khugepaged.c.
     */
    @Nested
    class MadviseCollapse {
        long blocks(int n) {
            long m = mm.mmap((n + 1) * Mman.PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
            assertFalse(Errno.isError(m));
            return (m + Mman.PMD_SIZE - 1) & -Mman.PMD_SIZE;
        }

        @Test
        void aHugeZeroPageAlreadyMappedCountsAsDoneAndIsLeft() {
            long a = blocks(1);
            assertEquals(0, mm.madvise(a, Mman.PMD_SIZE, Mman.MADV_HUGEPAGE));
            assertEquals(0, mm.readInt(a));
            long pmde = mm.pageTable().pmd(a);
            assertTrue(PageTable.pmdIsLeaf(pmde) && frames.isZero(Pte.pfn(pmde)), "the huge zero page is mapped");
            events.clear();
            assertEquals(0, mm.madvise(a, Mman.PMD_SIZE, Mman.MADV_COLLAPSE), "SCAN_PMD_MAPPED counts as done");
            assertEquals(pmde, mm.pageTable().pmd(a), "and the huge zero page stays");
            assertEquals(List.of(), events);
        }

        @Test
        void anEmptyBlockIsEinval() {
            long a = blocks(1);
            assertEquals(-Errno.EINVAL, mm.madvise(a, Mman.PMD_SIZE, Mman.MADV_COLLAPSE), "SCAN_NO_PTE_TABLE");
            assertEquals(0, mm.pageTable().pmd(a), "nothing was allocated");
        }

        @Test
        void aBlockOfZeroAndReadOnlyPagesIsEinval() {
            long a = blocks(1);
            mm.writeInt(a + PAGE_SIZE, 4);
            assertEquals(0, mm.mprotect(a, Mman.PMD_SIZE, PROT_READ));
            mm.readInt(a);
            assertEquals(-Errno.EINVAL, mm.madvise(a, Mman.PMD_SIZE, Mman.MADV_COLLAPSE), "SCAN_PAGE_RO");
            assertFalse(PageTable.pmdIsLeaf(mm.pageTable().pmd(a)));
            assertEquals(4, mm.readInt(a + PAGE_SIZE));
        }

        @Test
        void aFailingBlockDoesNotStopTheNextAndTheLastErrorIsReturned() {
            long a = blocks(2);
            mm.writeInt(a + Mman.PMD_SIZE + 8 * PAGE_SIZE, 9); // only the second block has a writable page
            assertEquals(-Errno.EINVAL, mm.madvise(a, 2 * Mman.PMD_SIZE, Mman.MADV_COLLAPSE));
            assertEquals(0, mm.pageTable().pmd(a), "the empty first block is left");
            long second = mm.pageTable().pmd(a + Mman.PMD_SIZE);
            assertTrue(PageTable.pmdIsLeaf(second) && Pte.isPresent(second), "the second was collapsed anyway");
            assertEquals(9, mm.readInt(a + Mman.PMD_SIZE + 8 * PAGE_SIZE));
        }

        @Test
        void pagesSharedWithAChildAreCollapsedIntoACopy() {
            long a = blocks(1);
            mm.writeInt(a, 21);
            MmStruct child = mm.fork();
            // fork write-protected the parent's PTE: SCAN_PAGE_RO until some PTE of the block is writable again
            assertEquals(-Errno.EINVAL, mm.madvise(a, Mman.PMD_SIZE, Mman.MADV_COLLAPSE));
            mm.writeInt(a + PAGE_SIZE, 5);
            // No max_ptes_shared limit outside khugepaged, and mapcount == refcount: is_refcount_suitable()
            assertEquals(0, mm.madvise(a, Mman.PMD_SIZE, Mman.MADV_COLLAPSE));
            assertTrue(PageTable.pmdIsLeaf(mm.pageTable().pmd(a)));
            mm.writeInt(a, 22);
            assertEquals(21, child.readInt(a), "the child keeps the old page");
            assertEquals(5, mm.readInt(a + PAGE_SIZE));
            child.exit();
        }
    }

    /**
     * The mapcount of a page under a device-exclusive entry: make_device_exclusive() in mm/rmap.c and
     * restore_exclusive_pte() in mm/memory.c after "mm/rmap: keep mapcount untouched for device-exclusive entries"
     * (2025); 6.12 drops it in page_make_device_exclusive_one() (version-differences.md, entry 7).
     */
    @Nested
    class MakeDeviceExclusive {
        @Test
        void theMapcountStaysWhileExclusiveAndAfterRestore() {
            long a = anon(1, PROT_READ | PROT_WRITE);
            mm.writeInt(a, 31);
            long pfn = Pte.pfn(mm.entry(a));
            assertEquals(1, frames.mapcount(pfn));
            int refs = frames.refcount(pfn);
            assertEquals(pfn, mm.makeDeviceExclusive(a, new Object()));
            assertTrue(Pte.isDeviceExclusive(mm.entry(a)));
            assertEquals(1, frames.mapcount(pfn), "the entry still maps the page (6.12: 0)");
            assertEquals(refs, frames.refcount(pfn));
            assertTrue(mm.exclusive(pfn), "still PageAnonExclusive: mapped once, no extra reference");
            assertEquals(31, mm.readInt(a)); // remove_device_exclusive_entry()
            assertEquals(1, frames.mapcount(pfn), "restore_exclusive_pte() adds no mapping of its own");
            assertEquals(pfn, Pte.pfn(mm.entry(a)));
        }

        @Test
        void unmappingAnExclusiveEntryDropsTheOneMapping() {
            long a = anon(1, PROT_READ | PROT_WRITE);
            mm.writeInt(a, 32);
            long pfn = Pte.pfn(mm.entry(a));
            frames.get(pfn); // a driver-style reference keeps the frame alive to look at
            assertEquals(pfn, mm.makeDeviceExclusive(a, new Object()));
            assertEquals(0, mm.munmap(a, PAGE_SIZE));
            assertEquals(0, frames.mapcount(pfn), "zap_nonpresent_ptes() removes the mapping the entry kept");
            frames.put(pfn);
        }
    }

    /** Which areas fork copies: vma_needs_copy() and copy_page_range() in mm/memory.c. */
    @Nested
    class VmaNeedsCopy {
        @Test
        void anAreaThatOnlyMappedTheZeroPageIsNotCopiedNorNotified() {
            long a = anon(1, PROT_READ | PROT_WRITE);
            assertEquals(0, mm.readInt(a));
            assertFalse(mm.findVma(a).hasAnonVma(), "a zero-page read prepares no anon_vma");
            events.clear();
            MmStruct child = mm.fork();
            assertEquals(List.of(), events);
            assertEquals(0, child.entry(a), "the child faults it in again");
            assertEquals(0, child.readInt(a));
            child.exit();
        }

        @Test
        void aPrivateFileAreaReadButNeverWrittenIsNotCopied() {
            MemFile file = MemFile.createTemp(frames, PAGE_SIZE);
            long a = mm.mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, file, 0);
            assertEquals(0, mm.readInt(a));
            long parent = mm.entry(a);
            events.clear();
            MmStruct child = mm.fork();
            assertEquals(List.of(), events);
            assertEquals(parent, mm.entry(a), "the parent's entry is untouched");
            assertEquals(0, child.entry(a));
            child.exit();
        }

        /** MADV_COLLAPSE needs the anon_vma too: hugepage_vma_revalidate() in mm/khugepaged.c. */
        @Test
        void anAreaWithoutAnAnonVmaIsNotCollapsed() {
            long len = 2 * Mman.PMD_SIZE;
            long m = mm.mmap(len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
            long a = (m + Mman.PMD_SIZE - 1) & -Mman.PMD_SIZE;
            assertEquals(0, mm.madvise(m, len, Mman.MADV_NOHUGEPAGE));
            assertEquals(0, mm.readInt(a)); // a small zero page: no anon_vma
            assertFalse(mm.findVma(a).hasAnonVma());
            assertEquals(-Errno.EINVAL, mm.madvise(a, Mman.PMD_SIZE, Mman.MADV_COLLAPSE));
        }

        @Test
        void aCollapsedAreaIsCopiedByFork() {
            long len = 2 * Mman.PMD_SIZE;
            long m = mm.mmap(len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
            long a = (m + Mman.PMD_SIZE - 1) & -Mman.PMD_SIZE;
            mm.writeInt(a, 77);
            assertEquals(0, mm.madvise(a, Mman.PMD_SIZE, Mman.MADV_COLLAPSE));
            MmStruct child = mm.fork();
            assertEquals(77, child.readInt(a));
            child.exit();
        }

        @Test
        void anAreaWithAnAnonVmaIsNotifiedEvenWhenNothingIsMappedAnyMore() {
            long a = anon(1, PROT_READ | PROT_WRITE);
            mm.writeInt(a, 7);
            assertEquals(0, mm.madvise(a, PAGE_SIZE, Mman.MADV_DONTNEED));
            assertTrue(mm.findVma(a).hasAnonVma());
            events.clear();
            MmStruct child = mm.fork();
            assertEquals(List.of(MmuNotifyEvent.PROTECTION_PAGE), events);
            assertTrue(child.findVma(a).hasAnonVma(), "anon_vma_fork()");
            child.exit();
        }
    }

    /**
     * A VM_PFNMAP entry whose pfn has no frame, as remap_pfn_range() (mm/memory.c) installs for device memory:
     * vm_normal_page() gives no page for it, and the invariant checker must not look one up either.
     */
    @Nested
    class RemapPfnRange {
        @Test
        void aPfnWithNoFrameBehindItPassesTheInvariantChecker() {
            long far = 1L << 36; // far beyond the 256 MiB of frames
            long a = mm.mmapDevice(0, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, Mman.MAP_SHARED,
                    (m, vma) -> m.remapPfnRange(vma, vma.start(), far, 2 * PAGE_SIZE));
            assertFalse(Errno.isError(a));
            assertFalse(frames.valid(far));
            assertEquals(far, Pte.pfn(mm.entry(a)));
            Invariants.check(frames);
            MmStruct child = mm.fork(); // copy_page_range() copies VM_PFNMAP areas
            assertEquals(far + 1, Pte.pfn(child.entry(a + PAGE_SIZE)));
            Invariants.check(frames);
            child.exit();
            assertEquals(0, mm.munmap(a, 2 * PAGE_SIZE));
        }
    }

    /** fork over a device-exclusive entry: copy_nonpresent_pte() and try_restore_exclusive_pte() in mm/memory.c. */
    @Nested
    class CopyNonpresentPte {
        @Test
        void aDeviceExclusiveEntryIsRestoredInsideTheForkInvalidationWithNoneOfItsOwn() {
            long a = anon(2, PROT_READ | PROT_WRITE);
            mm.writeInt(a, 11);
            mm.writeInt(a + PAGE_SIZE, 12);
            long pfn = mm.makeDeviceExclusive(a, new Object());
            assertTrue(pfn >= 0);
            assertTrue(Pte.isDeviceExclusive(mm.entry(a)));
            events.clear();
            MmStruct child = mm.fork();
            assertEquals(List.of(MmuNotifyEvent.PROTECTION_PAGE), events,
                    "restore_exclusive_pte(): no need to invalidate, it was non-present before");
            long pe = mm.entry(a);
            assertTrue(Pte.isPresent(pe), "restored in the parent");
            assertFalse(Pte.isWrite(pe), "then write-protected as a COW page");
            assertEquals(pfn, Pte.pfn(pe));
            assertEquals(pfn, Pte.pfn(child.entry(a)), "and shared with the child");
            assertEquals(11, child.readInt(a));
            child.exit();
            assertEquals(11, mm.readInt(a));
        }
    }

    /**
     * A read fault on a file page maps the cached neighbours too: do_read_fault() -> do_fault_around() ->
     * filemap_map_pages() (mm/memory.c, mm/filemap.c), over the 16-page aligned window (fault_around_bytes = 64 KiB)
     * clipped to the area, into empty entries, pages past the end of the file skipped, with the area's protection
     * (writable in a shared writable mapping of shmem, read-only in a private one). Found by the oracle fuzzer:
     * the real kernel's snapshots showed these pages mapped where the engine had none.
     */
    @Nested
    class FaultAround {
        MemFile cachedFile(int pages, int cached) {
            MemFile file = MemFile.createTemp(frames, (long) pages * PAGE_SIZE);
            file.pwrite(new byte[cached * (int) PAGE_SIZE], 0); // pages [0, cached) in the page cache
            return file;
        }

        @Test
        void aReadFaultMapsTheCachedPagesOfItsAlignedWindow() {
            MemFile file = cachedFile(40, 20);
            long a = mm.mmap(0, 40 * PAGE_SIZE, PROT_READ | PROT_WRITE, Mman.MAP_SHARED, file, 0);
            events.clear();
            assertEquals(0, mm.readInt(a + 5 * PAGE_SIZE));
            for (int p = 0; p < 40; p++) {
                long e = mm.entry(a + p * PAGE_SIZE);
                assertEquals(p < 16, Pte.isPresent(e), "page " + p + ": the window is pages 0-15");
                if (p < 16) {
                    assertTrue(Pte.isWrite(e), "page " + p + ": shared writable shmem maps writable");
                }
            }
            assertEquals(List.of(), events, "filling empty entries notifies nothing");
            assertEquals(0, mm.readInt(a + 17 * PAGE_SIZE));
            assertTrue(Pte.isPresent(mm.entry(a + 19 * PAGE_SIZE)), "the next window's cached pages");
            assertFalse(Pte.isPresent(mm.entry(a + 20 * PAGE_SIZE)), "not cached: left to its own fault");
        }

        @Test
        void inAPrivateMappingTheNeighboursAreReadOnlyAndTheWindowStopsAtTheAreaAndTheFilesEnd() {
            MemFile file = cachedFile(12, 12);
            // the area starts at file page 2 and spans 9 pages: file pages 2-10; page 11 of the file is not mapped
            long a = mm.mmap(0, 9 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, file, 2 * PAGE_SIZE);
            assertEquals(0, mm.readInt(a + 3 * PAGE_SIZE));
            for (int p = 0; p < 9; p++) {
                long e = mm.entry(a + p * PAGE_SIZE);
                assertTrue(Pte.isPresent(e), "page " + p);
                assertFalse(Pte.isWrite(e), "page " + p + ": a private mapping's file pages are read-only");
            }
            MemFile shortFile = cachedFile(3, 3);
            long b = mm.mmap(0, 8 * PAGE_SIZE, PROT_READ, MAP_PRIVATE, shortFile, 0);
            assertEquals(0, mm.readInt(b));
            assertTrue(Pte.isPresent(mm.entry(b + 2 * PAGE_SIZE)));
            assertEquals(0, mm.entry(b + 3 * PAGE_SIZE), "past the end of the file");
        }

        @Test
        void aWriteFaultMapsOnlyItsOwnPage() {
            MemFile file = cachedFile(16, 16);
            long a = mm.mmap(0, 16 * PAGE_SIZE, PROT_READ | PROT_WRITE, Mman.MAP_SHARED, file, 0);
            mm.writeInt(a + 4 * PAGE_SIZE, 1);
            assertEquals(0, mm.entry(a + 5 * PAGE_SIZE), "do_shared_fault() does not fault around");
        }
    }

    /**
     * A read-only pin gets a page the process keeps seeing: gup_must_unshare() (mm/internal.h) makes GUP fault with
     * FAULT_FLAG_UNSHARE (do_wp_page() -> wp_page_copy(), mm/memory.c) when the page may be shared: an anonymous
     * page that is not PageAnonExclusive (after fork), for any read-only pin; the zero page, for a long-term one
     * in a private mapping. The copy is mapped read-only and clean. Found by the oracle fuzzer: the real kernel's
     * snapshot showed a read-only data page where the engine had pinned the zero page.
     */
    @Nested
    class GupUnshare {
        @Test
        void aLongTermReadOnlyPinOfTheZeroPageGetsAPageOfItsOwn() {
            long a = anon(2, PROT_READ | PROT_WRITE);
            assertEquals(0, mm.readInt(a)); // the zero page
            assertTrue(frames.isZero(Pte.pfn(mm.entry(a))));
            events.clear();
            long[] pages = new long[1];
            assertEquals(1, Gup.pinUserPages(mm, a, 1, Gup.FOLL_LONGTERM, pages));
            long e = mm.entry(a);
            assertFalse(frames.isZero(Pte.pfn(e)), "unshared: a fresh anonymous page");
            assertEquals(Pte.pfn(e), pages[0], "the pin holds the page the process maps");
            assertFalse(Pte.isWrite(e), "mapped read-only, as the zero page was");
            assertEquals(List.of(MmuNotifyEvent.CLEAR), events, "one CLEAR over the page, as a COW break");
            Gup.unpinUserPages(mm, pages, 1);
            // a short-term read-only pin of the zero page leaves it alone
            long b = anon(1, PROT_READ | PROT_WRITE);
            assertEquals(0, mm.readInt(b));
            assertEquals(1, Gup.pinUserPages(mm, b, 1, 0, pages));
            assertTrue(frames.isZero(Pte.pfn(mm.entry(b))));
            Gup.unpinUserPages(mm, pages, 1);
        }

        @Test
        void aReadOnlyPinOfAPageSharedWithAChildCopiesItForTheParent() {
            long a = anon(1, PROT_READ | PROT_WRITE);
            mm.writeInt(a, 42);
            long before = Pte.pfn(mm.entry(a));
            MmStruct child = mm.fork();
            long[] pages = new long[1];
            assertEquals(1, Gup.pinUserPages(mm, a, 1, 0, pages));
            long after = Pte.pfn(mm.entry(a));
            assertTrue(after != before, "the parent pins a copy of its own");
            assertEquals(before, Pte.pfn(child.entry(a)), "the child keeps the shared page");
            assertEquals(42, mm.readInt(a));
            assertFalse(Pte.isWrite(mm.entry(a)));
            Gup.unpinUserPages(mm, pages, 1);
            child.exit();
        }
    }

    /** A THP that migrate_vma cannot take whole: migrate_vma_collect_huge_pmd() in mm/migrate_device.c. */
    @Nested
    class MigrateVmaCollectHugePmd {
        @Test
        void aPinnedThpIsSkippedNotSplitAndNothingMoves() {
            long m = mm.mmap(2 * Mman.PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
            long a = (m + Mman.PMD_SIZE - 1) & -Mman.PMD_SIZE;
            assertEquals(0, mm.madvise(a, Mman.PMD_SIZE, Mman.MADV_HUGEPAGE));
            long[] pages = new long[1];
            assertEquals(1, Gup.pinUserPages(mm, a, 1, Gup.FOLL_LONGTERM | Gup.FOLL_WRITE, pages));
            long pmde = mm.pageTable().pmd(a);
            assertTrue(PageTable.pmdIsLeaf(pmde) && !frames.isZero(Pte.pfn(pmde)), "a THP is mapped");
            // 15 pages in the middle: the folio must be split first, and split_folio() refuses a pinned folio
            // (can_split_folio()), so the range is skipped (migrate_vma_collect_skip()).
            int n = 15;
            long start = a + 433 * PAGE_SIZE;
            org.hmmlab.mm.migrate.MigrateVma args = new org.hmmlab.mm.migrate.MigrateVma(mm.findVma(a), start,
                    start + n * PAGE_SIZE, new long[n], new long[n], new Object(),
                    org.hmmlab.mm.migrate.MigratePfn.SELECT_SYSTEM);
            assertEquals(0, org.hmmlab.mm.migrate.Migrate.vmaSetup(args));
            assertEquals(0, args.cpages, "nothing collected");
            for (long src : args.src) {
                assertEquals(0, src, "every entry skipped");
            }
            org.hmmlab.mm.migrate.Migrate.vmaFinalize(args);
            assertEquals(pmde, mm.pageTable().pmd(a), "still one 2 MiB leaf: nothing split");
            Gup.unpinUserPages(mm, pages, 1);
        }

        @Test
        void splittingAThpToTakePartOfItMapsItsZeroFilledSubpagesToTheZeroPage() {
            // split_folio() -> __folio_split() -> remap_page(RMP_USE_SHARED_ZEROPAGE) ->
            // try_to_map_unused_to_zeropage() (mm/huge_memory.c, mm/migrate.c)
            long m = mm.mmap(2 * Mman.PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
            long a = (m + Mman.PMD_SIZE - 1) & -Mman.PMD_SIZE;
            assertEquals(0, mm.madvise(a, Mman.PMD_SIZE, Mman.MADV_HUGEPAGE));
            mm.writeInt(a + 349 * PAGE_SIZE, 7);
            assertTrue(PageTable.pmdIsLeaf(mm.pageTable().pmd(a)), "a THP is mapped");
            long used = frames.usedRamPages();
            int n = 33;
            long start = a + 159 * PAGE_SIZE;
            org.hmmlab.mm.migrate.MigrateVma args = new org.hmmlab.mm.migrate.MigrateVma(mm.findVma(a), start,
                    start + n * PAGE_SIZE, new long[n], new long[n], new Object(),
                    org.hmmlab.mm.migrate.MigratePfn.SELECT_SYSTEM);
            assertEquals(0, org.hmmlab.mm.migrate.Migrate.vmaSetup(args));
            assertEquals(n, args.cpages, "the zero page is collected as a hole would be");
            org.hmmlab.mm.migrate.Migrate.vmaFinalize(args);
            assertFalse(PageTable.pmdIsLeaf(mm.pageTable().pmd(a)), "split");
            for (int k : new int[] {0, 158, 170, 348, 350, 511}) {
                assertTrue(frames.isZero(Pte.pfn(mm.entry(a + k * PAGE_SIZE))), "subpage " + k + ": the zero page");
            }
            assertFalse(frames.isZero(Pte.pfn(mm.entry(a + 349 * PAGE_SIZE))), "the written subpage stays");
            assertEquals(7, mm.readInt(a + 349 * PAGE_SIZE));
            assertEquals(used - 511, frames.usedRamPages(), "511 zero-filled subpages freed");
        }
    }

    /** Neighbouring areas merge: vma_merge_existing_range() and vma_merge_new_range() in mm/vma.c. */
    @Nested
    class VmaMerge {
        long hugeArea() {
            long m = mm.mmap(3 * Mman.PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
            long a = (m + Mman.PMD_SIZE - 1) & -Mman.PMD_SIZE;
            assertEquals(0, mm.madvise(a, Mman.PMD_SIZE, Mman.MADV_HUGEPAGE));
            return a;
        }

        @Test
        void anMprotectUndoneJoinsTheAreaAgainAndAThpFitsAcrossTheOldBoundary() {
            long a = hugeArea();
            assertEquals(0, mm.mprotect(a + 100 * PAGE_SIZE, 8 * PAGE_SIZE, PROT_READ));
            assertEquals(3, vmasIn(a, a + Mman.PMD_SIZE));
            assertEquals(0, mm.mprotect(a + 100 * PAGE_SIZE, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE));
            assertEquals(1, vmasIn(a, a + Mman.PMD_SIZE), "one area again");
            mm.writeInt(a + 5 * PAGE_SIZE, 1);
            assertTrue(PageTable.pmdIsLeaf(mm.pageTable().pmd(a)), "do_huge_pmd_anonymous_page(): the 2 MiB fits");
        }

        @Test
        void madviseThatChangesNoFlagSplitsNothingAndMadvNormalKeepsTheThpFlags() {
            long a = hugeArea();
            assertEquals(0, mm.madvise(a + 10 * PAGE_SIZE, PAGE_SIZE, Mman.MADV_HUGEPAGE));
            assertEquals(0, mm.madvise(a + 20 * PAGE_SIZE, PAGE_SIZE, Mman.MADV_NORMAL));
            assertEquals(1, vmasIn(a, a + Mman.PMD_SIZE), "madvise_update_vma() returns early");
            assertTrue(mm.findVma(a + 20 * PAGE_SIZE).has(VmFlags.VM_HUGEPAGE));
            mm.writeInt(a, 1);
            assertTrue(PageTable.pmdIsLeaf(mm.pageTable().pmd(a)));
        }

        @Test
        void adjacentAnonymousMappingsMergeButTwoAnonVmasDoNot() {
            long m = mm.mmap(4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
            long b = mm.mmap(m + 4 * PAGE_SIZE, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | Mman.MAP_FIXED, null, 0);
            assertEquals(m + 4 * PAGE_SIZE, b);
            assertEquals(1, vmasIn(m, m + 8 * PAGE_SIZE), "vma_merge_new_range()");
            // two areas that each got their own anon_vma (a write fault in each) stay apart
            long c = mm.mmap(m + 16 * PAGE_SIZE, 4 * PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS
                    | Mman.MAP_FIXED, null, 0);
            long d = mm.mmap(m + 20 * PAGE_SIZE, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS
                    | Mman.MAP_FIXED, null, 0);
            assertEquals(2, vmasIn(c, d + 4 * PAGE_SIZE), "different flags");
            mm.writeInt(d, 1);
            assertEquals(0, mm.mprotect(c, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE));
            assertEquals(1, vmasIn(c, d + 4 * PAGE_SIZE), "c has no anon_vma: it takes d's");
            long e = mm.mmap(m + 32 * PAGE_SIZE, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE | Mman.PROT_EXEC,
                    MAP_PRIVATE | MAP_ANONYMOUS | Mman.MAP_FIXED, null, 0);
            long f = mm.mmap(m + 36 * PAGE_SIZE, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS
                    | Mman.MAP_FIXED, null, 0);
            mm.writeInt(e, 1);
            mm.writeInt(f, 1);
            assertEquals(0, mm.mprotect(e, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE));
            assertEquals(2, vmasIn(e, f + 4 * PAGE_SIZE), "is_mergeable_anon_vma(): two anon_vmas");
        }

        @Test
        void anAreaMovedAwayAndBackJoinsItsOldNeighbour() {
            long m = mm.mmap(8 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
            for (int i = 0; i < 8; i++) {
                mm.writeInt(m + i * PAGE_SIZE, i + 1);
            }
            long away = m + 64 * PAGE_SIZE;
            assertEquals(away, mm.mremap(m + 4 * PAGE_SIZE, 4 * PAGE_SIZE, 4 * PAGE_SIZE,
                    Mman.MREMAP_MAYMOVE | Mman.MREMAP_FIXED, away));
            assertEquals(1, vmasIn(m, m + 8 * PAGE_SIZE));
            assertEquals(m + 4 * PAGE_SIZE, mm.mremap(away, 4 * PAGE_SIZE, 4 * PAGE_SIZE,
                    Mman.MREMAP_MAYMOVE | Mman.MREMAP_FIXED, m + 4 * PAGE_SIZE));
            assertEquals(1, vmasIn(m, m + 8 * PAGE_SIZE), "vma_merge_copied_range(): same anon_vma, pgoff in line");
            assertEquals(6, mm.readInt(m + 5 * PAGE_SIZE));
        }

        int vmasIn(long start, long end) {
            return (int) mm.vmas().stream().filter(v -> v.start() < end && v.end() > start).count();
        }
    }

    /** MADV_DONTNEED frees a PTE table it empties whole: PT_RECLAIM, reclaim_pt_is_enabled() in mm/pt_reclaim.c. */
    @Nested
    class PtReclaim {
        long populatedTable() {
            long m = mm.mmap(2 * Mman.PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
            long a = (m + Mman.PMD_SIZE - 1) & -Mman.PMD_SIZE;
            mm.writeInt(a + 3 * PAGE_SIZE, 1); // small pages: the area is not yet THP-advised
            assertEquals(0, mm.madvise(a, Mman.PMD_SIZE, Mman.MADV_HUGEPAGE));
            assertTrue(mm.pageTable().pteTable(a) != null);
            return a;
        }

        @Test
        void aDontneedOverTheWholeTableFreesItSoTheNextReadMapsTheHugeZeroPage() {
            long a = populatedTable();
            assertEquals(0, mm.madvise(a, Mman.PMD_SIZE, Mman.MADV_DONTNEED));
            assertEquals(0, mm.readInt(a + 100 * PAGE_SIZE));
            long pmde = mm.pageTable().pmd(a);
            assertTrue(PageTable.pmdIsLeaf(pmde) && frames.isZero(Pte.pfn(pmde)), "do_huge_pmd_anonymous_page()");
        }

        @Test
        void aDontneedOverPartOfTheTableKeepsItEvenEmpty() {
            long a = populatedTable();
            assertEquals(0, mm.madvise(a, 10 * PAGE_SIZE, Mman.MADV_DONTNEED));
            assertTrue(mm.pageTable().pteTable(a) != null, "the table stays (the zap covered 10 of 512 entries)");
            assertEquals(0, mm.readInt(a + 100 * PAGE_SIZE));
            assertFalse(PageTable.pmdIsLeaf(mm.pageTable().pmd(a)), "a small zero page under the old table");
        }
    }
}
