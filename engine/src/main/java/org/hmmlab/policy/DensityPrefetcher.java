package org.hmmlab.policy;

import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * The UVM density prefetcher: a 2 MiB VA block seen as a binary tree over its 512 pages; for each faulting page,
 * the largest subtree above it in which more than {@code threshold} percent of the pages are resident or faulting
 * is migrated whole.
 *
 * <p>Mirrors {@code uvm_perf_prefetch.c} of the NVIDIA UVM driver: the tree's occupancy is
 * {@code resident | faulted} ({@code init_bitmap_tree_from_region()}); faults are first grown to whole 64 KiB big
 * pages ({@code grow_fault_granularity()}); for each faulted page in ascending order
 * {@code compute_prefetch_region()} walks from the leaf to the root and keeps the largest subtree with
 * {@code count * 100 > pages * threshold}; the union of those subtrees, minus the faulted pages, is prefetched
 * ({@code compute_prefetch_mask()}, stopping early once a region reaches the block's end). Defaults from
 * perf-figures.md section 2: {@code uvm_perf_prefetch_threshold} = 51 (1 to 100),
 * {@code uvm_perf_prefetch_min_faults} = 1 (1 to 20), big page 64 KiB ({@code UVM_BIG_PAGE_SIZE}).
 *
 * <p>Not modelled: excluding thrashing pages from the tree, and the first-touch shortcut that populates a whole
 * block on the preferred location. Apart from the per-block fault count used by {@code minFaults}, stateless.
 */
public final class DensityPrefetcher implements Prefetcher {

    /** {@code uvm_perf_prefetch_threshold} default, percent. */
    public static final int DEFAULT_THRESHOLD_PERCENT = 51;
    /** {@code uvm_perf_prefetch_min_faults} default. */
    public static final int DEFAULT_MIN_FAULTS = 1;

    private final int thresholdPercent;
    private final int minFaults;
    private final int bigPageShift;
    private final SimDuration cost;
    private final long[] tree = PageMask.create();
    private final LongSlots blocks = new LongSlots();
    private int[] faultsSoFar = new int[64];

    /**
     * @param thresholdPercent subtree occupancy above which it is prefetched, 1 to 100
     * @param minFaults        faulted pages a block must have seen (this service included) before prefetching, 1 to 20
     * @param bigPage          faults are grown to this aligned size first: 4 KiB (no growth) to 2 MiB, power of two
     * @param cost             driver CPU time per call, {@code >= 0}
     */
    public DensityPrefetcher(int thresholdPercent, int minFaults, Bytes bigPage, SimDuration cost) {
        this.thresholdPercent = (int) Costs.inRange("prefetch threshold (percent)", thresholdPercent, 1, 100);
        this.minFaults = (int) Costs.inRange("prefetch minFaults", minFaults, 1, 20);
        this.bigPageShift = Pages.regionShift("prefetch big page", bigPage, Pages.BLOCK_PAGE_SHIFT);
        this.cost = Costs.nonNull("prefetch decision cost", cost);
    }

    /** The given threshold with UVM's other defaults. */
    public DensityPrefetcher(int thresholdPercent) {
        this(thresholdPercent, DEFAULT_MIN_FAULTS, Pages.BIG_PAGE, SimDuration.ZERO);
    }

    /** UVM's defaults: 51 %, min faults 1, 64 KiB big pages. */
    public DensityPrefetcher() {
        this(DEFAULT_THRESHOLD_PERCENT);
    }

    @Override
    public void prefetch(long block, long[] resident, long[] faulted, long[] out) {
        PageMask.clearAll(out);
        int nFaulted = PageMask.count(faulted);
        if (nFaulted == 0) {
            return;
        }
        if (minFaults > 1) {
            int s = blocks.slot(block);
            if (s >= faultsSoFar.length) {
                faultsSoFar = java.util.Arrays.copyOf(faultsSoFar, LongSlots.grownLength(faultsSoFar.length, s));
            }
            faultsSoFar[s] = (int) Math.min(Integer.MAX_VALUE, (long) faultsSoFar[s] + nFaulted);
            if (faultsSoFar[s] < minFaults) {
                return;
            }
        }
        // Occupancy: resident | faulted, with faults grown to whole big pages.
        for (int w = 0; w < PageMask.WORDS; w++) {
            tree[w] = resident[w] | faulted[w];
        }
        int coveredTo = 0;
        int big = 1 << bigPageShift;
        if (big > 1) {
            for (int first = 0; first < Pages.PAGES_PER_BLOCK; first += big) {
                if (PageMask.count(faulted, first, first + big) > 0) {
                    PageMask.setRange(tree, first, first + big);
                }
            }
        }
        for (int p = 0; p < Pages.PAGES_PER_BLOCK; p++) {
            if (!PageMask.test(faulted, p)) {
                continue;
            }
            if (p < coveredTo) {
                // inside the region an earlier faulted page chose: every ancestor from that region's level up is
                // shared, so this page would choose the same region
                continue;
            }
            int regionFirst = -1;
            int regionOuter = -1;
            for (int level = Pages.BLOCK_PAGE_SHIFT; level >= 0; level--) {
                // from the root down: the first subtree above the threshold is the largest
                int size = 1 << level;
                int first = p & -size;
                int occupied = PageMask.count(tree, first, first + size);
                if (occupied * 100 > size * thresholdPercent) {
                    regionFirst = first;
                    regionOuter = first + size;
                    break;
                }
            }
            if (regionFirst >= 0) {
                coveredTo = regionOuter;
                PageMask.setRange(out, regionFirst, regionOuter);
                if (regionOuter == Pages.PAGES_PER_BLOCK) {
                    break;
                }
            }
        }
        PageMask.andNot(out, faulted);
        PageMask.andNot(out, resident);
    }

    public int thresholdPercent() {
        return thresholdPercent;
    }

    @Override
    public SimDuration decisionCost() {
        return cost;
    }

    @Override
    public String name() {
        return "density(" + thresholdPercent + "%)";
    }
}
