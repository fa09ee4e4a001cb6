package org.hmmlab.policy;

import java.util.Arrays;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * Static re-reference interval prediction (SRRIP): each chunk carries a 2-bit prediction of how far off its next
 * use is; new chunks are predicted "long", a use resets the prediction to "near", and the victim is a chunk
 * predicted "distant", ageing all chunks until one is.
 *
 * <p>After Jaleel et al., "High Performance Cache Replacement Using Re-Reference Interval Prediction", ISCA 2010
 * (SRRIP-HP with M = 2 bits: insert at 2, hit sets 0, evict at 3). Unlike LRU, a chunk touched once by a scan is
 * evicted before chunks with proven reuse, so a working-set loop larger than memory keeps part of itself resident.
 * Wants device accesses ({@link #wantsAccesses()}); only hits on resident pages promote a chunk, filling more of its pages does not. Victims
 * are searched from a clock hand over the GPU's resident chunks, so ties break deterministically.
 */
public final class RripEvictor extends ChunkEvictor {

    /** Largest re-reference prediction value with 2 bits. */
    public static final int MAX_RRPV = 3;

    private byte[] rrpv = new byte[64];
    private final int[] hand = new int[64];
    private final int insertRrpv;

    /**
     * @param granularity chunk size, a power of two from 4 KiB to 2 MiB
     * @param insertRrpv  prediction for a new chunk, 0 to 3 (SRRIP: 2)
     * @param cost        driver CPU time per victim choice, {@code >= 0}
     */
    public RripEvictor(Bytes granularity, int insertRrpv, SimDuration cost) {
        super("rrip", granularity, cost);
        this.insertRrpv = (int) Costs.inRange("rrip insert prediction", insertRrpv, 0, MAX_RRPV);
    }

    /** SRRIP at the given granularity. */
    public RripEvictor(Bytes granularity) {
        this(granularity, MAX_RRPV - 1, SimDuration.ZERO);
    }

    @Override
    void grow(int len) {
        rrpv = Arrays.copyOf(rrpv, len);
    }

    @Override
    void added(int slot, int gpu, long nowNanos) {
        rrpv[slot] = (byte) insertRrpv;
    }

    @Override
    void allocatedInto(int slot, int gpu, long nowNanos) {
        // Filling more pages of a resident chunk is spatial locality, not a re-reference: no promotion.
    }

    @Override
    void removed(int slot, int gpu) {
    }

    @Override
    int choose(int gpu, long nowNanos) {
        int n = memberCount[gpu];
        int[] list = members[gpu];
        while (true) {
            for (int k = 0; k < n; k++) {
                int i = (hand[gpu] + k) % n;
                int s = list[i];
                if (rrpv[s] >= MAX_RRPV) {
                    hand[gpu] = (i + 1) % n;
                    return s;
                }
            }
            for (int k = 0; k < n; k++) {
                rrpv[list[k]]++;
            }
        }
    }

    @Override
    public void onDeviceAccess(int gpu, long page, long nowNanos) {
        int s = residentSlot(gpu, page);
        if (s >= 0) {
            rrpv[s] = 0;
        }
    }

    @Override
    public boolean wantsAccesses() {
        return true;
    }

    @Override
    public String name() {
        return "srrip-" + granularityName();
    }
}
