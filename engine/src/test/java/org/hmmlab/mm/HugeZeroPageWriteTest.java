package org.hmmlab.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A CPU store to the huge zero page splits the PMD and copies only the written page: mirrors the "fallback" path of
 * do_huge_pmd_wp_page() in mm/huge_memory.c (is_huge_zero_pmd() goes to fallback: __split_huge_pmd(), then the
 * PTE-level do_wp_page() copies one page). Found by the real-kernel oracle: 6.12 shows HMM_DMIRROR_PROT_ZERO for the
 * other 511 pages where the engine had allocated a THP.
 */
class HugeZeroPageWriteTest {
    private static final long BASE = 0x1000_0000_0000L;

    @Test
    void aStoreToTheHugeZeroPageLeavesTheOtherPagesOnTheZeroPage() {
        Frames frames = Frames.create();
        frames.setInvariantChecking(true);
        MmStruct mm = MmStruct.create(frames);
        assertEquals(BASE, mm.mmap(BASE, Mman.PMD_SIZE, Mman.PROT_READ | Mman.PROT_WRITE,
                Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, null, 0));
        assertEquals(0, mm.madvise(BASE, Mman.PMD_SIZE, Mman.MADV_HUGEPAGE));
        assertEquals(0, mm.readInt(BASE));
        assertTrue(Pte.isHuge(mm.entry(BASE)), "a read maps the huge zero page");
        mm.writeInt(BASE + 5 * Mman.PAGE_SIZE, 42);
        long written = mm.entry(BASE + 5 * Mman.PAGE_SIZE);
        long other = mm.entry(BASE + 6 * Mman.PAGE_SIZE);
        assertFalse(Pte.isHuge(written));
        assertTrue(Pte.isWrite(written));
        assertFalse(frames.isZero(Pte.pfn(written)));
        assertTrue(frames.isZero(Pte.pfn(other)), "page 6 stays on the zero page");
        assertEquals(42, mm.readInt(BASE + 5 * Mman.PAGE_SIZE));
        assertEquals(0, mm.readInt(BASE + 6 * Mman.PAGE_SIZE));
    }
}
