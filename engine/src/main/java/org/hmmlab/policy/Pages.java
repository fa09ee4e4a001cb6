package org.hmmlab.policy;

import org.hmmlab.units.Bytes;

/**
 * Page arithmetic of the policies: 4 KiB pages, 64 KiB big pages and 2 MiB VA blocks, as virtual page numbers
 * ({@code address >>> 12}).
 *
 * <p>Mirrors the UVM driver's units (perf-figures.md section 2): {@code UVM_VA_BLOCK_BITS} = 21 (a 2 MiB block of
 * 512 pages is the unit of residency tracking, fault servicing and prefetch) and {@code UVM_BIG_PAGE_SIZE} =
 * 64 KiB.
 */
public final class Pages {

    /** log2 of the 4 KiB base page, {@code PAGE_SHIFT}. */
    public static final int PAGE_SHIFT = 12;
    /** log2 of pages per 2 MiB VA block ({@code UVM_VA_BLOCK_BITS} - {@code PAGE_SHIFT}). */
    public static final int BLOCK_PAGE_SHIFT = 9;
    /** Pages per 2 MiB VA block: 512. */
    public static final int PAGES_PER_BLOCK = 1 << BLOCK_PAGE_SHIFT;
    /** log2 of pages per 64 KiB big page. */
    public static final int BIG_PAGE_SHIFT = 4;
    /** The VA block size, 2 MiB. */
    public static final Bytes BLOCK = Bytes.MiB(2);
    /** The big page size, 64 KiB ({@code UVM_BIG_PAGE_SIZE}). */
    public static final Bytes BIG_PAGE = Bytes.KiB(64);

    private Pages() {
    }

    /** Virtual page number of a byte address. */
    public static long page(long address) {
        return address >>> PAGE_SHIFT;
    }

    /** VA block number of a page. */
    public static long block(long page) {
        return page >>> BLOCK_PAGE_SHIFT;
    }

    /** Index of a page inside its VA block, 0..511. */
    public static int indexInBlock(long page) {
        return (int) (page & (PAGES_PER_BLOCK - 1));
    }

    /** First page of a VA block. */
    public static long firstPageOfBlock(long block) {
        return block << BLOCK_PAGE_SHIFT;
    }

    /**
     * log2 of the page count of a power-of-two region size that is a multiple of 4 KiB.
     *
     * @param what      parameter name for the error message
     * @param maxShift  largest accepted shift (pages = 2^shift)
     */
    public static int regionShift(String what, Bytes size, int maxShift) {
        long b = size == null ? -1 : size.bytes();
        long pages = b >>> PAGE_SHIFT;
        if (b < Bytes.PAGE.bytes() || (b & (Bytes.PAGE.bytes() - 1)) != 0 || Long.bitCount(pages) != 1
                || Long.numberOfTrailingZeros(pages) > maxShift) {
            throw new IllegalArgumentException(what + " must be a power of two from 4 KiB to "
                    + Bytes.of(Bytes.PAGE.bytes() << maxShift) + ", got " + size);
        }
        return Long.numberOfTrailingZeros(pages);
    }

    /**
     * Checks a block region {@code [first, outer)} handed to a prefetcher: {@code 0 <= first < outer <= 512}.
     */
    public static void checkRegion(int first, int outer) {
        if (first < 0 || outer > PAGES_PER_BLOCK || first >= outer) {
            throw new IllegalArgumentException("prefetch region must satisfy 0 <= regionFirst < regionOuter <= "
                    + PAGES_PER_BLOCK + ", got [" + first + ", " + outer + ")");
        }
    }

    /** Clears the pages of {@code mask} outside the block region {@code [first, outer)}. */
    public static void clipToRegion(long[] mask, int first, int outer) {
        checkRegion(first, outer);
        for (int p = 0; p < first; p++) {
            PageMask.clear(mask, p);
        }
        for (int p = outer; p < PAGES_PER_BLOCK; p++) {
            PageMask.clear(mask, p);
        }
    }
}
