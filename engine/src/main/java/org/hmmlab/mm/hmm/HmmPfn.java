package org.hmmlab.mm.hmm;

import java.util.EnumSet;
import java.util.Set;

/**
 * The flag word of one page in {@link HmmRange#hmmPfns()}: request flags on input, the CPU mapping on output.
 *
 * <p>Mirrors enum hmm_pfn_flags (include/linux/hmm.h, 6.15+ layout): VALID (bit 63), WRITE (62), ERROR (61), the
 * sticky DMA_MAPPED/P2PDMA/P2PDMA_BUS bits (60-58) kept from input to output, the map order in bits 53-57, and the
 * frame number in the low bits. On input REQ_FAULT is the VALID bit and REQ_WRITE the WRITE bit. Words stay packed
 * {@code long}s on the hot path; {@link #flags(long)} and {@link #describe(long)} are the readable views.
 */
public final class HmmPfn {
    public static final long VALID = 1L << 63;
    public static final long WRITE = 1L << 62;
    public static final long ERROR = 1L << 61;
    public static final long DMA_MAPPED = 1L << 60;
    public static final long P2PDMA = 1L << 59;
    public static final long P2PDMA_BUS = 1L << 58;
    /** Bits kept unchanged from input to output (HMM_PFN_INOUT_FLAGS). */
    public static final long INOUT_FLAGS = DMA_MAPPED | P2PDMA | P2PDMA_BUS;
    public static final int ORDER_SHIFT = 53;
    private static final long ORDER_FIELD = 0x1FL << ORDER_SHIFT;
    /** Input: the page must end up VALID (HMM_PFN_REQ_FAULT). */
    public static final long REQ_FAULT = VALID;
    /** Input: the page must end up writable (HMM_PFN_REQ_WRITE); meaningful with REQ_FAULT. */
    public static final long REQ_WRITE = WRITE;
    /** The frame-number bits (HMM_PFN_FLAGS complement). */
    public static final long PFN_MASK = (1L << ORDER_SHIFT) - 1;

    /** A readable view of the flag bits. */
    public enum Flag { VALID, WRITE, ERROR, DMA_MAPPED, P2PDMA, P2PDMA_BUS }

    private HmmPfn() {
    }

    public static boolean isValid(long w) {
        return (w & VALID) != 0;
    }

    public static boolean isWrite(long w) {
        return (w & WRITE) != 0;
    }

    public static boolean isError(long w) {
        return (w & ERROR) != 0;
    }

    /** The frame number. Mirrors hmm_pfn_to_page()'s pfn part. */
    public static long pfn(long w) {
        return w & PFN_MASK;
    }

    /** The log2 of the CPU mapping size in pages (0, or 9 for a PMD). Mirrors hmm_pfn_to_map_order(). */
    public static int mapOrder(long w) {
        return (int) ((w & ORDER_FIELD) >>> ORDER_SHIFT);
    }

    /** The order bits for {@code order}. Mirrors hmm_pfn_flags_order(). */
    public static long flagsOrder(int order) {
        return ((long) order << ORDER_SHIFT) & ORDER_FIELD;
    }

    public static Set<Flag> flags(long w) {
        EnumSet<Flag> s = EnumSet.noneOf(Flag.class);
        long[] bits = {VALID, WRITE, ERROR, DMA_MAPPED, P2PDMA, P2PDMA_BUS};
        for (int i = 0; i < bits.length; i++) {
            if ((w & bits[i]) != 0) {
                s.add(Flag.values()[i]);
            }
        }
        return s;
    }

    public static String describe(long w) {
        return flags(w) + " pfn=" + pfn(w) + " order=" + mapOrder(w);
    }
}
