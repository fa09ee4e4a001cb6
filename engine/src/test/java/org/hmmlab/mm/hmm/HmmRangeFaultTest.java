package org.hmmlab.mm.hmm;

import static org.hmmlab.mm.Mman.MAP_ANONYMOUS;
import static org.hmmlab.mm.Mman.MAP_PRIVATE;
import static org.hmmlab.mm.Mman.PAGE_SIZE;
import static org.hmmlab.mm.Mman.PROT_NONE;
import static org.hmmlab.mm.Mman.PROT_READ;
import static org.hmmlab.mm.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hmmlab.mm.Errno;
import org.hmmlab.mm.Frames;
import org.hmmlab.mm.Mman;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.Pte;
import org.hmmlab.mm.notifier.MmuIntervalNotifier;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The flag contract and errors of hmm_range_fault() (mm/hmm.c, include/linux/hmm.h). */
class HmmRangeFaultTest {
    Frames frames;
    MmStruct mm;
    MmuIntervalNotifier notifier;

    @BeforeEach
    void setUp() {
        frames = Frames.create(Bytes.MiB(256));
        frames.setInvariantChecking(true);
        mm = MmStruct.create(frames);
        notifier = MmuIntervalNotifier.insertWholeSpace(mm, (sub, r, seq) -> {
            sub.setSeq(seq);
            return true;
        });
    }

    HmmRange range(long start, int pages, long defaultFlags, long mask) {
        HmmRange r = new HmmRange(notifier, start, start + pages * PAGE_SIZE, new long[pages], defaultFlags, mask,
                null);
        r.notifierSeq = notifier.readBegin();
        return r;
    }

    long anon(int pages, int prot) {
        return mm.mmap(pages * PAGE_SIZE, prot, MAP_PRIVATE | MAP_ANONYMOUS);
    }

    /** hmm_range_fault() on an empty or inverted range: walk_page_range() in mm/pagewalk.c returns -EINVAL. */
    @Test
    void anEmptyOrInvertedRangeIsEinvalFromWalkPageRange() {
        long a = anon(2, PROT_READ | PROT_WRITE);
        HmmRange empty = new HmmRange(notifier, a, a, new long[0], 0, 0, null);
        empty.notifierSeq = notifier.readBegin();
        assertEquals(-Errno.EINVAL, Hmm.rangeFault(empty));
        HmmRange inverted = new HmmRange(notifier, a + PAGE_SIZE, a, new long[1], 0, 0, null);
        inverted.notifierSeq = notifier.readBegin();
        assertEquals(-Errno.EINVAL, Hmm.rangeFault(inverted));
        HmmRange unalignedEmpty = new HmmRange(notifier, a + 5, a + 5, new long[0], 0, 0, null);
        unalignedEmpty.notifierSeq = notifier.readBegin();
        assertEquals(-Errno.EINVAL, Hmm.rangeFault(unalignedEmpty), "the kernel checks no alignment before this");
        mm.writeInt(a, 1); // a stale sequence wins: mmu_interval_check_retry() comes before the walk
        HmmRange stale = new HmmRange(notifier, a, a, new long[0], 0, 0, null);
        stale.notifierSeq = notifier.readBegin();
        mm.munmap(a, PAGE_SIZE);
        assertEquals(-Errno.EBUSY, Hmm.rangeFault(stale));
    }

    @Test
    void snapshotWithoutFaultReportsNoneAsZeroAndPresentAsValid() {
        long a = anon(3, PROT_READ | PROT_WRITE);
        mm.writeInt(a, 1);
        mm.readInt(a + PAGE_SIZE);
        HmmRange r = range(a, 3, 0, 0);
        assertEquals(0, Hmm.rangeFault(r));
        assertEquals(HmmPfn.VALID | HmmPfn.WRITE | Pte.pfn(mm.entry(a)), r.hmmPfns[0]);
        assertEquals(HmmPfn.VALID | Frames.ZERO_PFN, r.hmmPfns[1]);
        assertEquals(0, r.hmmPfns[2]);
        assertEquals(0, Pte.pfn(mm.entry(a + 2 * PAGE_SIZE)), "no fault was taken");
    }

    @Test
    void perPageRequestsThroughTheMask() {
        long a = anon(3, PROT_READ | PROT_WRITE);
        mm.readInt(a + 2 * PAGE_SIZE); // a PTE table exists: pages are judged one by one
        HmmRange r = range(a, 2, 0, HmmPfn.REQ_FAULT | HmmPfn.REQ_WRITE);
        r.hmmPfns[1] = HmmPfn.REQ_FAULT | HmmPfn.REQ_WRITE | HmmPfn.DMA_MAPPED;
        assertEquals(0, Hmm.rangeFault(r));
        assertEquals(0, r.hmmPfns[0]);
        assertTrue(HmmPfn.isValid(r.hmmPfns[1]) && HmmPfn.isWrite(r.hmmPfns[1]));
        assertTrue((r.hmmPfns[1] & HmmPfn.DMA_MAPPED) != 0, "sticky bits survive");
    }

    @Test
    void anEmptyPmdIsFaultedWholeFromItsStart() {
        // hmm_vma_walk_hole(): with pmd_none, one page asking for a fault faults the whole segment.
        long a = anon(2, PROT_READ | PROT_WRITE);
        HmmRange r = range(a, 2, 0, HmmPfn.REQ_FAULT);
        r.hmmPfns[1] = HmmPfn.REQ_FAULT;
        assertEquals(0, Hmm.rangeFault(r));
        assertTrue(HmmPfn.isValid(r.hmmPfns[0]) && HmmPfn.isValid(r.hmmPfns[1]));
    }

    @Test
    void writeRequestOnReadOnlyAreaIsEperm() {
        long a = anon(1, PROT_READ);
        assertEquals(-Errno.EPERM, Hmm.rangeFault(range(a, 1, HmmPfn.REQ_FAULT | HmmPfn.REQ_WRITE, 0)));
        assertEquals(0, Hmm.rangeFault(range(a, 1, HmmPfn.REQ_FAULT, 0)));
    }

    @Test
    void holesAndUnreadableAreas() {
        long a = anon(2, PROT_READ | PROT_WRITE);
        assertEquals(0, mm.mprotect(a + PAGE_SIZE, PAGE_SIZE, PROT_NONE));
        HmmRange snap = range(a, 3, 0, 0);
        assertEquals(0, Hmm.rangeFault(snap));
        assertEquals(0, snap.hmmPfns[0]);
        assertEquals(HmmPfn.ERROR, snap.hmmPfns[1]);
        assertEquals(HmmPfn.ERROR, snap.hmmPfns[2], "past the mapping");
        assertEquals(-Errno.EFAULT, Hmm.rangeFault(range(a, 2, HmmPfn.REQ_FAULT, 0)));
        assertEquals(-Errno.EFAULT, Hmm.rangeFault(range(a + 2 * PAGE_SIZE, 1, HmmPfn.REQ_FAULT, 0)));
    }

    @Test
    void invalidationAfterReadBeginIsEbusy() {
        long a = anon(2, PROT_READ | PROT_WRITE);
        HmmRange r = range(a, 1, HmmPfn.REQ_FAULT, 0);
        assertEquals(0, mm.munmap(a + PAGE_SIZE, PAGE_SIZE));
        assertEquals(-Errno.EBUSY, Hmm.rangeFault(r));
        r.notifierSeq = notifier.readBegin();
        assertEquals(0, Hmm.rangeFault(r));
    }

    @Test
    void copyOnWriteInsideTheFaultIsEbusyThenSucceeds() {
        long a = anon(1, PROT_READ | PROT_WRITE);
        mm.readInt(a);
        HmmRange r = range(a, 1, HmmPfn.REQ_FAULT | HmmPfn.REQ_WRITE, 0);
        assertEquals(-Errno.EBUSY, Hmm.rangeFault(r), "the COW of the zero page sent CLEAR");
        r.notifierSeq = notifier.readBegin();
        assertEquals(0, Hmm.rangeFault(r));
        assertTrue(HmmPfn.isWrite(r.hmmPfns[0]));
    }

    @Test
    void hugeMappingsReportOrderNine() {
        long a = mm.mmap(4 * Mman.PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
        long h = (a + Mman.PMD_SIZE - 1) & -Mman.PMD_SIZE;
        assertEquals(0, mm.madvise(h, Mman.PMD_SIZE, Mman.MADV_HUGEPAGE));
        mm.writeInt(h, 1);
        HmmRange r = range(h, 512, HmmPfn.REQ_FAULT, 0);
        assertEquals(0, Hmm.rangeFault(r));
        for (int i = 0; i < 512; i++) {
            assertEquals(9, HmmPfn.mapOrder(r.hmmPfns[i]));
            assertEquals(HmmPfn.pfn(r.hmmPfns[0]) + i, HmmPfn.pfn(r.hmmPfns[i]));
        }
    }

    /**
     * hmm_range_fault() (mm/hmm.c) over addresses at or above TASK_SIZE: walk_page_range() finds no area there, and
     * hmm_vma_walk_hole() fills HMM_PFN_ERROR, or returns -EFAULT when a fault is requested.
     */
    @Test
    void addressesAtOrAboveTaskSizeAreAHole() {
        HmmRange snap = range(Mman.TASK_SIZE - PAGE_SIZE, 3, 0, 0);
        assertEquals(0, Hmm.rangeFault(snap));
        for (long p : snap.hmmPfns) {
            assertEquals(HmmPfn.ERROR, p);
        }
        HmmRange fault = range(Mman.TASK_SIZE, 1, HmmPfn.REQ_FAULT, 0);
        assertEquals(-Errno.EFAULT, Hmm.rangeFault(fault));
    }
}
