package org.hmmlab.policy;

import java.util.Arrays;
import org.hmmlab.units.SimDuration;

/**
 * Delayed migration with an adaptive threshold (Ganguly et al. IPDPS'20, GPGPU-Sim UVMSmart's adaptive DMA mode):
 * a read of a page not on the GPU is served remotely over the link until its 64 KiB basic block has been accessed
 * often enough, and "often enough" grows with device-memory pressure; writes migrate at once.
 *
 * <p>Mirrors {@code gmmu_t::should_cause_page_migration()} with {@code -enable_dma 1} ({@code gpu-sim.cc}): each
 * access counts against its basic block ({@code inc_bb_access_counter()}); before memory is oversubscribed the
 * block migrates once its count reaches {@code (int) (1 + threshold x occupancy)} (occupancy: the share of device
 * memory in use, {@code get_projected_occupancy()} in memory.cc), after it once the count reaches
 * {@code threshold x penalty x (round trips + 1)}, a round trip being one eviction of its large page
 * ({@code inc_bb_round_trip()} on every write-back). Memory counts as oversubscribed from the first eviction on
 * ({@code over_sub}). Defaults from the peer's GTX 1080 Ti config: {@code -migrate_threshold 8},
 * {@code -multiply_dma_penalty 2}.
 *
 * <p>The counts here see faults and remote accesses, not a resident page's local accesses (the placement is not
 * told of them), and the peer's free-page buffer does not enter the occupancy. A migrating read moves the faulting
 * page and what the prefetcher adds; a remote access that reaches the threshold moves its basic block.
 */
public final class AdaptiveAccessCounterPlacement implements Placement {

    /** {@code -migrate_threshold} in the peer's GTX 1080 Ti config. */
    public static final int DEFAULT_THRESHOLD = 8;
    /** {@code -multiply_dma_penalty} in the same config. */
    public static final int DEFAULT_PENALTY = 2;

    private final int threshold;
    private final int penalty;
    private final LongSlots blocks = new LongSlots();
    private long[] counts = new long[64];
    private final LongSlots largePages = new LongSlots();
    private int[] roundTrips = new int[64];
    private boolean oversubscribed;

    /**
     * @param threshold accesses per 64 KiB basic block, scaled as above, 1 to 65535
     * @param penalty   the multiplier once memory is oversubscribed, 1 to 1000
     */
    public AdaptiveAccessCounterPlacement(int threshold, int penalty) {
        this.threshold = (int) Costs.inRange("adaptive access-counter threshold", threshold, 1, 65535);
        this.penalty = (int) Costs.inRange("adaptive access-counter penalty", penalty, 1, 1000);
    }

    /** The peer's defaults: threshold 8, penalty 2. */
    public AdaptiveAccessCounterPlacement() {
        this(DEFAULT_THRESHOLD, DEFAULT_PENALTY);
    }

    /** Counts one access to {@code page}'s basic block and says whether the block has earned its migration. */
    private boolean countAndCheck(FaultContext ctx) {
        long page = ctx.page();
        int s = blocks.slot(page >>> Pages.BIG_PAGE_SHIFT);
        if (s >= counts.length) {
            counts = Arrays.copyOf(counts, LongSlots.grownLength(counts.length, s));
        }
        long count = ++counts[s];
        return count >= derivedThreshold(ctx);
    }

    /** The threshold in force for {@code ctx}'s page now. */
    long derivedThreshold(FaultContext ctx) {
        if (oversubscribed) {
            int r = largePages.find(Pages.block(ctx.page()));
            int trips = r >= 0 && r < roundTrips.length ? roundTrips[r] : 0;
            return (long) threshold * penalty * (trips + 1);
        }
        long capacity = Math.max(1, ctx.deviceCapacityPages());
        double occupancy = (capacity - ctx.deviceFreePages()) / (double) capacity;
        return (long) (1.0 + threshold * occupancy);
    }

    @Override
    public Decision onDeviceFault(FaultContext fault) {
        boolean ready = countAndCheck(fault);
        return fault.access().modifies() || ready ? Decision.MIGRATE_PAGE : Decision.MAP_REMOTE;
    }

    @Override
    public Decision onRemoteAccess(FaultContext access) {
        return countAndCheck(access) ? Decision.MIGRATE_BIG_PAGE : Decision.NONE;
    }

    @Override
    public void onMigrated(long firstPage, long pages, int from, int to, MigrationCause cause, long nowNanos) {
        if (cause == MigrationCause.EVICTION && Location.isGpu(from)) {
            oversubscribed = true;
            int r = largePages.slot(Pages.block(firstPage));
            if (r >= roundTrips.length) {
                roundTrips = Arrays.copyOf(roundTrips, LongSlots.grownLength(roundTrips.length, r));
            }
            roundTrips[r]++;
        }
    }

    /** True once the first eviction has been seen. */
    public boolean oversubscribed() {
        return oversubscribed;
    }

    @Override
    public String name() {
        return "adaptive-access-counters(" + threshold + ", penalty " + penalty + ")";
    }
}
