package org.hmmlab.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The radix map's own bookkeeping: tables that no longer hold an entry are given back. */
class PageTableTest {

    static final long P = Mman.PAGE_SIZE;

    @Test
    void clearRangeFreesTheTablesItEmptiesAsTheDmirrorXarrayDoes() {
        PageTable pt = new PageTable();
        assertEquals(1, pt.tableCount(), "the PGD");
        long a = 0x7f00_0000_0000L;
        long b = 0x1000_0000_0000L; // under another PGD entry
        pt.setPte(a, Pte.PRESENT | (5L << Pte.PFN_SHIFT));
        pt.setPte(a + P, Pte.PRESENT | (6L << Pte.PFN_SHIFT));
        pt.setPte(b, Pte.PRESENT | (7L << Pte.PFN_SHIFT));
        assertEquals(1 + 3 + 3, pt.tableCount(), "PUD, PMD and PTE tables for each of the two places");

        assertEquals(1, pt.clearRange(a, a + P));
        assertEquals(7, pt.tableCount(), "a table that still maps a + P stays");
        assertEquals(1, pt.clearRange(a + P, a + 2 * P));
        assertEquals(4, pt.tableCount(), "the emptied PTE, PMD and PUD tables are freed");
        assertEquals(Pte.PRESENT | (7L << Pte.PFN_SHIFT), pt.pte(b), "the other place is untouched");

        for (int round = 0; round < 1000; round++) { // a mirror of ever new addresses stays the size of what it maps
            long addr = a + ((long) round << 30);
            pt.setPte(addr, Pte.PRESENT | (8L << Pte.PFN_SHIFT));
            pt.clearRange(addr, addr + P);
        }
        assertEquals(4, pt.tableCount());
        pt.clearRange(0, Mman.TASK_SIZE);
        assertEquals(1, pt.tableCount(), "only the PGD is left");
    }
}
