package org.hmmlab.mm;

/**
 * The CPU page table of one address space: a 4-level radix tree (PGD, PUD, PMD, PTE) of 512-entry {@code long}
 * tables.
 *
 * <p>Mirrors x86-64 4-level paging (pgd_t/pud_t/pmd_t/pte_t). Interior entries point at the next table by number;
 * a PMD entry is either a pointer to a PTE table or a 2 MiB leaf ({@link Pte#HUGE}, present or non-present). Tables
 * live in one array of {@code long[]} indexed by table number, so an entry is a plain {@code long} and a walk
 * allocates nothing.
 */
public final class PageTable {
    public static final int ENTRIES = 512;

    private long[][] tables = new long[16][];
    private int ntables;
    private int[] freeIds = new int[16];
    private int nfree;
    private int liveTables;
    /** Where changed 2 MiB regions are reported while an incremental invariant checker watches; null otherwise. */
    private RegionTracker tracker;

    /**
     * Receives the 2 MiB regions (PMD-aligned addresses) whose entries may have changed: every setter and every
     * method that hands out a table for writing reports the region of the address it was given (the callers write
     * only the entry of that address's PMD slot or its PTE table). Reads through {@link #entry}, {@link #pmd} and
     * {@link #pte} report nothing.
     */
    interface RegionTracker {
        void touched(long pmdAlignedAddr);

        /** Every region that [start, end) overlaps (an area that appeared or went). */
        void touchedRange(long start, long end);
    }

    void setTracker(RegionTracker t) {
        tracker = t;
    }

    /** Reports every region of [start, end) to the tracker, if any (an area inserted or removed). */
    void touchRange(long start, long end) {
        if (tracker != null) {
            tracker.touchedRange(start, end);
        }
    }

    private void touch(long addr) {
        if (tracker != null) {
            tracker.touched(addr & -(1L << 21));
        }
    }

    public PageTable() {
        newTable(); // 0: the PGD
    }

    private int newTable() {
        int id;
        if (nfree > 0) {
            id = freeIds[--nfree];
            java.util.Arrays.fill(tables[id], 0L);
        } else {
            if (ntables == tables.length) {
                tables = java.util.Arrays.copyOf(tables, ntables * 2);
            }
            id = ntables++;
            tables[id] = new long[ENTRIES];
        }
        liveTables++;
        return id;
    }

    private void freeTable(int id) {
        if (nfree == freeIds.length) {
            freeIds = java.util.Arrays.copyOf(freeIds, nfree * 2);
        }
        freeIds[nfree++] = id;
        liveTables--;
    }

    private static long tableEntry(int id) {
        return Pte.PRESENT | ((long) id << Pte.PFN_SHIFT);
    }

    private static int tableId(long e) {
        return (int) Pte.pfn(e);
    }

    public static int pgdIndex(long addr) {
        return (int) (addr >>> 39) & 511;
    }

    public static int pudIndex(long addr) {
        return (int) (addr >>> 30) & 511;
    }

    public static int pmdIndex(long addr) {
        return (int) (addr >>> 21) & 511;
    }

    public static int pteIndex(long addr) {
        return (int) (addr >>> 12) & 511;
    }

    /** The PMD table covering {@code addr}, or null when none is allocated. */
    public long[] pmdTable(long addr) {
        touch(addr);
        return pmdTableQuiet(addr);
    }

    /** {@link #pmdTable} for readers: reports nothing to the tracker. */
    long[] pmdTableQuiet(long addr) {
        long pgde = tables[0][pgdIndex(addr)];
        if (pgde == 0) {
            return null;
        }
        long pude = tables[tableId(pgde)][pudIndex(addr)];
        if (pude == 0) {
            return null;
        }
        return tables[tableId(pude)];
    }

    /** The PMD table covering {@code addr}, allocating the upper levels as needed. */
    public long[] pmdTableAlloc(long addr) {
        touch(addr);
        long[] pgd = tables[0];
        int gi = pgdIndex(addr);
        if (pgd[gi] == 0) {
            int id = newTable();
            pgd = tables[0];
            pgd[gi] = tableEntry(id);
        }
        long[] pud = tables[tableId(pgd[gi])];
        int ui = pudIndex(addr);
        if (pud[ui] == 0) {
            int id = newTable();
            pud[ui] = tableEntry(id);
        }
        return tables[tableId(pud[ui])];
    }

    /** The PMD entry for {@code addr} (0 when none). */
    public long pmd(long addr) {
        long[] pmdt = pmdTableQuiet(addr);
        return pmdt == null ? 0 : pmdt[pmdIndex(addr)];
    }

    /** Whether a PMD entry is a leaf (huge mapping or non-present huge entry) rather than a PTE-table pointer. */
    public static boolean pmdIsLeaf(long pmde) {
        return pmde != 0 && (Pte.isHuge(pmde) || !Pte.isPresent(pmde));
    }

    /** The PTE table for {@code addr}, or null when the PMD is none or a leaf. */
    public long[] pteTable(long addr) {
        touch(addr);
        return pteTableQuiet(addr);
    }

    /** {@link #pteTable} for readers: reports nothing to the tracker. */
    long[] pteTableQuiet(long addr) {
        long pmde = pmd(addr);
        if (pmde == 0 || pmdIsLeaf(pmde)) {
            return null;
        }
        return tables[tableId(pmde)];
    }

    /** The PTE table for {@code addr}, allocating tables as needed; the PMD must not be a leaf. */
    public long[] pteTableAlloc(long addr) {
        touch(addr);
        long[] pmdt = pmdTableAlloc(addr);
        int mi = pmdIndex(addr);
        long pmde = pmdt[mi];
        if (pmde == 0) {
            int id = newTable();
            pmdt[mi] = tableEntry(id);
            return tables[id];
        }
        if (pmdIsLeaf(pmde)) {
            throw new IllegalStateException("PMD at 0x" + Long.toHexString(addr) + " is a huge leaf; split it first");
        }
        return tables[tableId(pmde)];
    }

    /** The leaf entry mapping {@code addr}: a huge PMD entry, else the PTE (0 when none). */
    public long entry(long addr) {
        long pmde = pmd(addr);
        if (pmde == 0) {
            return 0;
        }
        if (pmdIsLeaf(pmde)) {
            return pmde;
        }
        return tables[tableId(pmde)][pteIndex(addr)];
    }

    /** The PTE for {@code addr} (0 when none or when the PMD is a leaf). */
    public long pte(long addr) {
        long[] t = pteTableQuiet(addr);
        return t == null ? 0 : t[pteIndex(addr)];
    }

    public void setPte(long addr, long e) {
        pteTableAlloc(addr)[pteIndex(addr)] = e;
    }

    /** Sets a huge PMD leaf; the PMD must be none or a leaf (free the PTE table first). */
    public void setPmdLeaf(long addr, long e) {
        touch(addr);
        long[] pmdt = pmdTableAlloc(addr);
        int mi = pmdIndex(addr);
        if (pmdt[mi] != 0 && !pmdIsLeaf(pmdt[mi])) {
            throw new IllegalStateException("PMD at 0x" + Long.toHexString(addr) + " points at a PTE table");
        }
        pmdt[mi] = e;
    }

    /** Replaces a huge PMD leaf (or none) by a PTE table filled with {@code ptes}; returns the new table. */
    public long[] installPteTable(long addr, long[] ptes) {
        touch(addr);
        long[] pmdt = pmdTableAlloc(addr);
        int mi = pmdIndex(addr);
        if (pmdt[mi] != 0 && !pmdIsLeaf(pmdt[mi])) {
            throw new IllegalStateException("PMD at 0x" + Long.toHexString(addr) + " already has a PTE table");
        }
        int id = newTable();
        System.arraycopy(ptes, 0, tables[id], 0, ENTRIES);
        pmdt = pmdTableAlloc(addr);
        pmdt[mi] = tableEntry(id);
        return tables[id];
    }

    /** Frees the PTE table under the PMD covering {@code addr} (its entries must already be released). */
    public void freePteTable(long addr) {
        long[] pmdt = pmdTable(addr);
        if (pmdt == null) {
            return;
        }
        int mi = pmdIndex(addr);
        long pmde = pmdt[mi];
        if (pmde != 0 && !pmdIsLeaf(pmde)) {
            freeTable(tableId(pmde));
            pmdt[mi] = 0;
        }
    }

    /**
     * Frees the page tables under [addr, end) that no neighbouring area still needs; {@code floor} is where the area
     * below ends (0 when none) and {@code ceiling} where the area above starts (0 when none, meaning the top). Mirrors
     * free_pgd_range() (mm/memory.c) with its free_pmd_range()/free_pud_range() levels on 4-level x86-64 (P4D folded
     * into the PGD): a PTE table goes when its 2 MiB lies wholly between floor and ceiling, a PMD table when its 1 GiB
     * does, a PUD table when its 512 GiB does. The entries must already be zapped.
     */
    public void freePgdRange(long addr, long end, long floor, long ceiling) {
        final long pmdSize = 1L << 21;
        addr &= -pmdSize;
        if (Long.compareUnsigned(addr, floor) < 0) {
            addr += pmdSize;
            if (addr == 0) {
                return;
            }
        }
        if (ceiling != 0) {
            ceiling &= -pmdSize;
            if (ceiling == 0) {
                return;
            }
        }
        if (Long.compareUnsigned(end - 1, ceiling - 1) > 0) {
            end -= pmdSize;
        }
        if (Long.compareUnsigned(addr, end - 1) > 0) {
            return;
        }
        long[] pgd = tables[0];
        for (long a = addr; a != end; ) {
            long next = addrEnd(a, 39, end);
            int gi = pgdIndex(a);
            if (pgd[gi] != 0) {
                freePudRange(pgd, gi, a, next, floor, ceiling);
            }
            a = next;
        }
    }

    /** One PGD entry's PUD table: free_pud_range() (with free_p4d_range()'s folded level). */
    private void freePudRange(long[] pgd, int gi, long addr, long end, long floor, long ceiling) {
        int pudId = tableId(pgd[gi]);
        long start = addr;
        for (long a = addr; a != end; ) {
            long next = addrEnd(a, 30, end);
            int ui = pudIndex(a);
            if (tables[pudId][ui] != 0) {
                freePmdRange(tables[pudId], ui, a, next, floor, ceiling);
            }
            a = next;
        }
        if (upperLevelSpanFree(start, end, 39, floor, ceiling)) {
            pgd[gi] = 0;
            freeTable(pudId);
        }
    }

    /** One PUD entry's PMD table: free_pmd_range(), whose PTE tables go through free_pte_range(). */
    private void freePmdRange(long[] pud, int ui, long addr, long end, long floor, long ceiling) {
        int pmdId = tableId(pud[ui]);
        long start = addr;
        for (long a = addr; a != end; ) {
            long next = addrEnd(a, 21, end);
            int mi = pmdIndex(a);
            long pmde = tables[pmdId][mi];
            if (pmde != 0) {
                if (!pmdIsLeaf(pmde)) {
                    freeTable(tableId(pmde));
                }
                tables[pmdId][mi] = 0;
            }
            a = next;
        }
        if (upperLevelSpanFree(start, end, 30, floor, ceiling)) {
            pud[ui] = 0;
            freeTable(pmdId);
        }
    }

    /** Whether the table covering the {@code 1 << shift} span of [start, end) lies wholly between floor and ceiling. */
    private static boolean upperLevelSpanFree(long start, long end, int shift, long floor, long ceiling) {
        long mask = -(1L << shift);
        if (Long.compareUnsigned(start & mask, floor) < 0) {
            return false;
        }
        if (ceiling != 0) {
            ceiling &= mask;
            if (ceiling == 0) {
                return false;
            }
        }
        return Long.compareUnsigned(end - 1, ceiling - 1) <= 0;
    }

    /** The next {@code 1 << shift} boundary after {@code a}, or {@code end} if that comes first (pXd_addr_end()). */
    private static long addrEnd(long a, int shift, long end) {
        long boundary = (a + (1L << shift)) & -(1L << shift);
        return Long.compareUnsigned(boundary - 1, end - 1) < 0 ? boundary : end;
    }

    /**
     * Clears every leaf entry in [start, end), skipping absent subtrees; huge leaves wholly inside are cleared too;
     * tables left empty are freed. Returns the number of entries cleared. For tables used as a plain radix map (a
     * device page table).
     */
    public long clearRange(long start, long end) {
        long n = 0;
        long a = start;
        while (a < end) {
            long pgde = tables[0][pgdIndex(a)];
            if (pgde == 0) {
                a = nextBoundary(a, 39, end);
                continue;
            }
            long pude = tables[tableId(pgde)][pudIndex(a)];
            if (pude == 0) {
                a = nextBoundary(a, 30, end);
                continue;
            }
            long[] pmdt = tables[tableId(pude)];
            int mi = pmdIndex(a);
            long pmde = pmdt[mi];
            long next = nextBoundary(a, 21, end);
            if (pmde == 0) {
                a = next;
                continue;
            }
            if (pmdIsLeaf(pmde)) {
                pmdt[mi] = 0;
                n++;
                a = next;
                continue;
            }
            long[] t = tables[tableId(pmde)];
            for (long b = a; b < next; b += 4096) {
                int i = pteIndex(b);
                if (t[i] != 0) {
                    t[i] = 0;
                    n++;
                }
            }
            a = next;
        }
        pruneEmpty(start, end);
        return n;
    }

    /**
     * Frees the tables of every level under [start, end) that hold no entry any more, so that a map whose entries
     * come and go over a moving range (a device page table mirroring one process after another) stays as large as
     * what it maps. Mirrors what the XArray of lib/test_hmm.c's dmirror does when xa_erase() empties a node: the node
     * is freed. Without it every address a mirror ever held kept a 4 KiB table alive.
     */
    private void pruneEmpty(long start, long end) {
        long[] pgd = tables[0];
        for (long a = start; a < end; a = nextBoundary(a, 39, end)) {
            int gi = pgdIndex(a);
            if (pgd[gi] == 0) {
                continue;
            }
            long[] pud = tables[tableId(pgd[gi])];
            long gEnd = nextBoundary(a, 39, end);
            for (long b = a; b < gEnd; b = nextBoundary(b, 30, gEnd)) {
                int ui = pudIndex(b);
                if (pud[ui] == 0) {
                    continue;
                }
                long[] pmdt = tables[tableId(pud[ui])];
                long uEnd = nextBoundary(b, 30, gEnd);
                for (long c = b; c < uEnd; c = nextBoundary(c, 21, uEnd)) {
                    int mi = pmdIndex(c);
                    long pmde = pmdt[mi];
                    if (pmde != 0 && !pmdIsLeaf(pmde) && allZero(tables[tableId(pmde)])) {
                        freeTable(tableId(pmde));
                        pmdt[mi] = 0;
                    }
                }
                if (allZero(pmdt)) {
                    freeTable(tableId(pud[ui]));
                    pud[ui] = 0;
                }
            }
            if (allZero(pud)) {
                freeTable(tableId(pgd[gi]));
                pgd[gi] = 0;
            }
        }
    }

    private static boolean allZero(long[] t) {
        for (long x : t) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static long nextBoundary(long a, int shift, long end) {
        long nb = ((a >>> shift) + 1) << shift;
        return nb <= a || nb > end ? end : nb;
    }

    /** Visits every non-zero PTE-level entry (addr, entry) in address order; for radix-map use. */
    public void forEachPte(java.util.function.LongBinaryOperator visitor) {
        long[] pgd = tables[0];
        for (int g = 0; g < ENTRIES; g++) {
            if (pgd[g] == 0) {
                continue;
            }
            long[] pud = tables[tableId(pgd[g])];
            for (int u = 0; u < ENTRIES; u++) {
                if (pud[u] == 0) {
                    continue;
                }
                long[] pmdt = tables[tableId(pud[u])];
                for (int m = 0; m < ENTRIES; m++) {
                    long pmde = pmdt[m];
                    if (pmde == 0 || pmdIsLeaf(pmde)) {
                        continue;
                    }
                    long[] t = tables[tableId(pmde)];
                    for (int i = 0; i < ENTRIES; i++) {
                        if (t[i] != 0) {
                            long addr = ((long) g << 39) | ((long) u << 30) | ((long) m << 21) | ((long) i << 12);
                            visitor.applyAsLong(addr, t[i]);
                        }
                    }
                }
            }
        }
    }

    /** Number of live tables of all levels. */
    public int tableCount() {
        return liveTables;
    }
}
