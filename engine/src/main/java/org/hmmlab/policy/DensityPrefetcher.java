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
        prefetch(block, 0, Pages.PAGES_PER_BLOCK, resident, faulted, out);
    }

    /**
     * The prefetch of a block whose allocation covers only its pages {@code [regionFirst, regionOuter)}: the tree
     * is built over the region's pages alone.
     *
     * <p>Mirrors {@code init_bitmap_tree_from_region()} and {@code uvm_perf_prefetch_bitmap_tree_iter_get_range()}
     * ({@code uvm_perf_prefetch.c}, {@code uvm_perf_tree_iter_leaf_range()} in {@code uvm_perf_utils.h}): the tree
     * has one leaf per page of the region, its level count rounded up to a power of two
     * ({@code ilog2(roundup_pow_of_two(leaf_count)) + 1}), but a node's extent is clamped to the real leaves, so a
     * node that overhangs the region's end is judged on the pages it really has ({@code counter * 100 >
     * subregion_pages * threshold} with the clamped {@code subregion_pages}). When the region does not start on a
     * big page, the tree is shifted so that big pages stay aligned ({@code update_bitmap_tree_from_va_block()}:
     * {@code offset}); a partial big page at either end grows whole, as the "prefix" and "suffix" of
     * {@code grow_fault_granularity()}; the chosen subtree is clamped back to the region
     * ({@code compute_prefetch_region()}), and the walk stops once a region reaches the region's end
     * ({@code compute_prefetch_mask()}). The region's page 0 is taken as the VA block's first page, as for a managed
     * range, whose first block starts at the range's start ({@code block_calc_start()}, {@code uvm_va_range.c}); the
     * clamp keeps the driver's quirk that a subtree starting in the alignment padding starts the prefetch at page
     * {@code offset} of the block rather than at its first page.
     */
    @Override
    public void prefetch(long block, int regionFirst, int regionOuter, long[] resident, long[] faulted,
                         long[] out) {
        Pages.checkRegion(regionFirst, regionOuter);
        PageMask.clearAll(out);
        int nFaulted = PageMask.count(faulted, regionFirst, regionOuter);
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
        int big = 1 << bigPageShift;
        int bigFirst = (regionFirst + big - 1) & -big; // uvm_va_block_big_page_region_subset()
        int bigOuter = regionOuter & -big;
        boolean bigPages = bigFirst < bigOuter;
        int offset = bigPages && bigFirst > regionFirst ? big - (bigFirst - regionFirst) : 0;
        int leafCount = regionOuter - regionFirst + offset;
        int topShift = 32 - Integer.numberOfLeadingZeros(leafCount - 1); // ilog2(roundup_pow_of_two(leafCount))
        int shift = offset - regionFirst; // block page + shift = leaf
        // Occupancy: resident | faulted, with faults grown to whole big pages (and partial ones at the ends).
        if (shift == 0) {
            for (int w = 0; w < PageMask.WORDS; w++) {
                tree[w] = resident[w] | faulted[w];
            }
            if (regionFirst > 0 || regionOuter < Pages.PAGES_PER_BLOCK) {
                Pages.clipToRegion(tree, regionFirst, regionOuter);
            }
        } else {
            PageMask.clearAll(tree);
            for (int p = regionFirst; p < regionOuter; p++) {
                if (PageMask.test(resident, p) || PageMask.test(faulted, p)) {
                    PageMask.set(tree, p + shift);
                }
            }
        }
        if (!bigPages) {
            growIfFaulted(faulted, regionFirst, regionOuter, shift);
        } else {
            growIfFaulted(faulted, regionFirst, bigFirst, shift);
            for (int first = bigFirst; first < bigOuter; first += big) {
                growIfFaulted(faulted, first, first + big, shift);
            }
            growIfFaulted(faulted, bigOuter, regionOuter, shift);
        }
        int coveredTo = 0;
        for (int p = regionFirst; p < regionOuter; p++) {
            if (!PageMask.test(faulted, p)) {
                continue;
            }
            if (p < coveredTo) {
                // inside the region an earlier faulted page chose: every ancestor from that region's level up is
                // shared, so this page would choose the same region
                continue;
            }
            int leaf = p + shift;
            for (int level = topShift; level >= 0; level--) {
                // from the root down: the first subtree above the threshold is the largest
                int first = leaf & -(1 << level);
                int outer = Math.min(first + (1 << level), leafCount);
                int occupied = PageMask.count(tree, first, outer);
                if (occupied * 100 > (outer - first) * thresholdPercent) {
                    // compute_prefetch_region()'s clamp, as written: a subtree that starts in the alignment
                    // padding starts the region at page `offset` of the block, not at its first page
                    int from = first < offset ? regionFirst + offset : Math.max(first - shift, regionFirst);
                    int to = Math.min(outer - shift, regionOuter);
                    if (from < to) {
                        coveredTo = to;
                        PageMask.setRange(out, from, to);
                    }
                    break;
                }
            }
            if (coveredTo == regionOuter) {
                break;
            }
        }
        PageMask.andNot(out, faulted);
        PageMask.andNot(out, resident);
    }

    /** Fills the tree over block pages {@code [from, to)} when one of them faulted. */
    private void growIfFaulted(long[] faulted, int from, int to, int shift) {
        if (from < to && PageMask.count(faulted, from, to) > 0) {
            PageMask.setRange(tree, from + shift, to + shift);
        }
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
