package org.hmmlab.device;

import java.util.Arrays;

/**
 * The SMs' micro-TLBs: each warp's last translation, and per SM the faults reported and not yet replayed.
 *
 * <p>A warp keeps using the translation its SM's micro-TLB holds until the next invalidation (the device TLB's
 * epoch moves on). An SM reports a fault on a page once and merges later faults on it; it holds at most
 * {@code utlbOutstandingFaults} outstanding faults and stops reporting beyond that until the replay, which clears
 * them all. Mirrors the GPU's uTLB fault reporting as nvidia-uvm's replay design assumes it
 * (uvm_gpu_replayable_faults.c: a replay makes every stalled uTLB retry).
 */
final class MicroTlb {

    /**
     * Warps per thread block of a phase that does not say (a flat stream): the block scheduler deals whole blocks to
     * the SMs in turn, so warps {@code 0..7} share SM 0's micro-TLB, {@code 8..15} SM 1's. 8 warps are a 256-thread
     * block, the most common CUDA launch shape [A]. A grid of thread blocks
     * ({@link org.hmmlab.workload.ThreadBlockStream}) gives its own.
     */
    static final int WARPS_PER_BLOCK = 8;

    private final int cap;
    private final int[] outstanding;
    private final long[] pages;
    private long[] tag = new long[0];
    private long[] epoch = new long[0];
    /** Each warp's SM, worked out once: {@link #smOf} is asked on every fault and every replay. */
    private int[] sm = new int[0];
    /** The thread-block size {@link #sm} was worked out for. */
    private int warpsPerBlock;

    MicroTlb(int sms, int outstandingFaults) {
        this.cap = outstandingFaults;
        this.outstanding = new int[sms];
        this.pages = new long[sms * outstandingFaults];
    }

    /**
     * Makes room for {@code warps} warps' cached translations, in thread blocks of {@code warpsPerBlock} warps dealt
     * to the SMs in turn: block {@code b} (warps {@code b * warpsPerBlock ..}) runs on SM {@code b % sms}.
     */
    void ensureWarps(int warps, int warpsPerBlock) {
        if (tag.length < warps || this.warpsPerBlock != warpsPerBlock) {
            int n = Math.max(warps, tag.length);
            tag = new long[n];
            epoch = new long[n];
            sm = new int[n];
            for (int w = 0; w < n; w++) {
                sm[w] = (w / warpsPerBlock) % outstanding.length;
            }
            this.warpsPerBlock = warpsPerBlock;
        }
    }

    /** Warp {@code w} holds no translation. */
    void forget(int w) {
        tag[w] = -1;
    }

    /** Whether warp {@code w}'s cached translation covers TLB tag {@code t} at TLB epoch {@code e}. */
    boolean holds(int w, long t, long e) {
        return tag[w] == t && epoch[w] == e;
    }

    /** Warp {@code w} caches the translation of TLB tag {@code t} at epoch {@code e}. */
    void remember(int w, long t, long e) {
        tag[w] = t;
        epoch[w] = e;
    }

    /** The SM a warp runs on: its thread block's, blocks being dealt to the SMs in turn. */
    int smOf(int w) {
        return sm[w];
    }

    /** Whether SM {@code sm}'s micro-TLB has a fault on {@code page} outstanding. */
    boolean faultOutstanding(int sm, long page) {
        for (int k = sm * cap, end = k + outstanding[sm]; k < end; k++) {
            if (pages[k] == page) {
                return true;
            }
        }
        return false;
    }

    /** Records {@code page} as outstanding in SM {@code sm}'s micro-TLB; false when it already holds its cap. */
    boolean report(int sm, long page) {
        if (outstanding[sm] >= cap) {
            return false;
        }
        pages[sm * cap + outstanding[sm]++] = page;
        return true;
    }

    /** A replay: every SM's outstanding faults are retried, so none is outstanding any more. */
    void clearOutstanding() {
        Arrays.fill(outstanding, 0);
    }
}
