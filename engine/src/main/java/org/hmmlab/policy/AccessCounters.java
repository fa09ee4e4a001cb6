package org.hmmlab.policy;

import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * Counts a GPU's remote accesses per region and raises a notification when a region's count reaches the threshold,
 * then clears it; counts optionally halve every decay period.
 *
 * <p>Mirrors the GPU access-counter unit as the UVM driver configures it ({@code uvm_gpu_access_counters.c}):
 * {@code uvm_perf_access_counter_threshold} = 256 accesses by default (1 to 65535), tracking granularity 2 MiB by
 * default (the hardware offers 64 KiB, 2 MiB, 16 MiB and 16 GiB), a notification per region crossing the
 * threshold, after which the driver clears the counter (perf-figures.md section 2). Granularity here may be any
 * power of two from 4 KiB (per page) to 16 GiB. Decay is this model's addition (the hardware has none; AMD's
 * XNACK-based migration and research policies age their counts): {@code ZERO} disables it.
 *
 * <p>State is two primitive arrays indexed by region slot; recording allocates nothing once the region is known.
 */
public final class AccessCounters {

    /** UVM's default notification threshold, {@code uvm_perf_access_counter_threshold}. */
    public static final int DEFAULT_THRESHOLD = 256;
    /** Largest threshold UVM accepts. */
    public static final int MAX_THRESHOLD = 65535;
    /** UVM's default tracking granularity. */
    public static final Bytes DEFAULT_GRANULARITY = Bytes.MiB(2);
    /** log2 pages of 16 GiB, the largest hardware granularity. */
    static final int MAX_GRANULARITY_SHIFT = 22;
    /** The largest tracking granularity, 16 GiB (the hardware's largest). */
    public static final Bytes MAX_GRANULARITY = Bytes.pages(1L << MAX_GRANULARITY_SHIFT);

    /** log2 of the 32 sub-regions a region's notification reports (UVM_SUB_GRANULARITY_REGIONS). */
    private static final int SUB_SHIFT = 5;

    private final int threshold;
    private final int shift;
    private final long halfLifeNanos;
    private final LongSlots regions = new LongSlots();
    private int[] count = new int[64];
    /** Per region, the sub-regions accessed since its last notification (bit k: the k-th of 32). */
    private int[] accessed = new int[64];
    private int lastSubRegions = Decision.ALL_SUB_REGIONS;
    private long[] lastNanos = new long[64];
    private long notifications;

    /**
     * @param threshold  accesses to a region before a notification, 1 to 65535
     * @param granularity region size, a power of two from 4 KiB to 16 GiB
     * @param halfLife   counts halve every {@code halfLife}; {@code ZERO} for no decay
     */
    public AccessCounters(int threshold, Bytes granularity, SimDuration halfLife) {
        this.threshold = (int) Costs.inRange("access-counter threshold", threshold, 1, MAX_THRESHOLD);
        this.shift = Pages.regionShift("access-counter granularity", granularity, MAX_GRANULARITY_SHIFT);
        this.halfLifeNanos = Costs.nonNull("access-counter decay half-life", halfLife).nanos();
    }

    /** UVM's defaults: 256 accesses, 2 MiB regions, no decay. */
    public AccessCounters() {
        this(DEFAULT_THRESHOLD, DEFAULT_GRANULARITY, SimDuration.ZERO);
    }

    /**
     * Counts one remote access to {@code page} at {@code nowNanos}; true when it raises a notification (the
     * region's count reached the threshold and was cleared).
     */
    public boolean record(long page, long nowNanos) {
        int s = regions.slot(page >>> shift);
        if (s >= count.length) {
            count = java.util.Arrays.copyOf(count, LongSlots.grownLength(count.length, s));
            accessed = java.util.Arrays.copyOf(accessed, count.length);
            lastNanos = java.util.Arrays.copyOf(lastNanos, count.length);
            lastNanos[s] = nowNanos;
        }
        if (count[s] == 0) {
            lastNanos[s] = nowNanos;
        }
        if (halfLifeNanos > 0) {
            long periods = (nowNanos - lastNanos[s]) / halfLifeNanos;
            if (periods > 0) {
                count[s] = periods >= 31 ? 0 : count[s] >>> periods;
                lastNanos[s] += periods * halfLifeNanos;
            }
        }
        if (shift >= SUB_SHIFT) {
            accessed[s] |= 1 << (int) ((page & ((1L << shift) - 1)) >>> (shift - SUB_SHIFT));
        }
        if (++count[s] >= threshold) {
            count[s] = 0;
            lastSubRegions = shift >= SUB_SHIFT ? accessed[s] : Decision.ALL_SUB_REGIONS;
            accessed[s] = 0;
            notifications++;
            return true;
        }
        return false;
    }

    /**
     * The sub-regions of the last notification's region accessed since the one before (bit k: the k-th of 32), as
     * the notification's {@code sub_granularity} mask reports them; {@link Decision#ALL_SUB_REGIONS} for regions of
     * fewer than 32 pages (the hardware fills the mask only for granularities above 64 KiB, where a sub-region is
     * the whole region; uvm_gpu_access_counters.c).
     */
    public int lastNotificationSubRegions() {
        return lastSubRegions;
    }

    /** The current count of the region holding {@code page} (without decay applied since its last access). */
    public int count(long page) {
        int s = regions.find(page >>> shift);
        return s < 0 || s >= count.length ? 0 : count[s];
    }

    /** Notifications raised so far. */
    public long notifications() {
        return notifications;
    }

    public int threshold() {
        return threshold;
    }

    /** log2 of the region's page count. */
    public int regionShift() {
        return shift;
    }

    public Bytes granularity() {
        return Bytes.pages(1L << shift);
    }
}
