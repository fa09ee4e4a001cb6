package org.hmmlab.policy;

/**
 * A bitmap over the 512 pages of one 2 MiB VA block, as a {@code long[8]}: bit {@code i} stands for page
 * {@code i} of the block.
 *
 * <p>Mirrors {@code uvm_page_mask_t} of the UVM driver. Static helpers over plain arrays, so masks can be reused
 * across faults without allocation.
 */
public final class PageMask {

    /** Words in one mask. */
    public static final int WORDS = Pages.PAGES_PER_BLOCK / 64;

    private PageMask() {
    }

    /** A fresh, empty mask. */
    public static long[] create() {
        return new long[WORDS];
    }

    public static void set(long[] mask, int page) {
        mask[page >>> 6] |= 1L << page;
    }

    public static void clear(long[] mask, int page) {
        mask[page >>> 6] &= ~(1L << page);
    }

    public static boolean test(long[] mask, int page) {
        return (mask[page >>> 6] & (1L << page)) != 0;
    }

    public static void clearAll(long[] mask) {
        java.util.Arrays.fill(mask, 0L);
    }

    /** Sets pages {@code [from, to)}. */
    public static void setRange(long[] mask, int from, int to) {
        for (int w = from >>> 6; w < WORDS && (w << 6) < to; w++) {
            long bits = -1L;
            int lo = w << 6;
            if (from > lo) {
                bits &= -1L << (from - lo);
            }
            if (to < lo + 64) {
                bits &= (1L << (to - lo)) - 1;
            }
            mask[w] |= bits;
        }
    }

    /** Number of set pages in {@code [from, to)}. */
    public static int count(long[] mask, int from, int to) {
        int n = 0;
        for (int w = from >>> 6; w < WORDS && (w << 6) < to; w++) {
            long bits = mask[w];
            int lo = w << 6;
            if (from > lo) {
                bits &= -1L << (from - lo);
            }
            if (to < lo + 64) {
                bits &= (1L << (to - lo)) - 1;
            }
            n += Long.bitCount(bits);
        }
        return n;
    }

    /** Number of set pages. */
    public static int count(long[] mask) {
        int n = 0;
        for (long w : mask) {
            n += Long.bitCount(w);
        }
        return n;
    }

    /** {@code dst |= src}. */
    public static void or(long[] dst, long[] src) {
        for (int i = 0; i < WORDS; i++) {
            dst[i] |= src[i];
        }
    }

    /** {@code dst &= ~src}. */
    public static void andNot(long[] dst, long[] src) {
        for (int i = 0; i < WORDS; i++) {
            dst[i] &= ~src[i];
        }
    }
}
