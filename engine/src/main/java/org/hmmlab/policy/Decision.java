package org.hmmlab.policy;

import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * What the driver decides for one fault: do nothing, map the page remotely over the link, migrate an aligned
 * region containing it to the faulting processor, duplicate it read-only, or throttle the faulting processor.
 *
 * <p>Mirrors the outcomes of the UVM driver's {@code uvm_va_block_select_residency()} plus the thrashing hint
 * ({@code uvm_perf_thrashing_hint_t}): the new residency (local or remote mapping), the region migrated (faults
 * are grown to big pages or whole 2 MiB blocks), read duplication, and throttling.
 *
 * <p>Decisions are values. A region is always the naturally aligned {@code 2^regionShift}-page region containing
 * the faulting page, so a policy's decisions form a small fixed set that it builds once: deciding allocates
 * nothing.
 *
 * @param action      what to do
 * @param regionShift log2 of the region's page count for {@link Action#MIGRATE} and {@link Action#DUPLICATE}
 *                    (0 = the faulting 4 KiB page, 4 = its 64 KiB big page, 9 = its 2 MiB block), 0 otherwise
 * @param delay       how long the faulting processor is kept off the page for {@link Action#THROTTLE}, zero
 *                    otherwise
 * @param subRegions  for a {@link Action#MIGRATE} of 32 pages or more, which 32ths of the region move (bit k: the
 *                    k-th sub-region), as an access-counter notification's {@code sub_granularity} mask says which
 *                    of its region's 32 sub-regions were accessed; {@link #ALL_SUB_REGIONS} otherwise
 */
public record Decision(Action action, int regionShift, SimDuration delay, int subRegions) {

    /** The kinds of decision. */
    public enum Action {
        /** Nothing to change (the page is already mapped where needed); replay. */
        NONE,
        /** Map the page where it is (host memory) into the faulting GPU's page table: zero-copy over the link. */
        MAP_REMOTE,
        /** Migrate the region to the faulting processor (through {@code migrate_vma}) and map it there. */
        MIGRATE,
        /** Copy the region read-only to the faulting processor, keeping the master copy; a write collapses it. */
        DUPLICATE,
        /** Service nothing now; replay the faulting processor after {@link Decision#delay()}. */
        THROTTLE
    }

    /** Every sub-region of the region: the whole region moves. */
    public static final int ALL_SUB_REGIONS = -1;
    /** Sub-regions a region splits into for {@link #subRegions} (UVM_SUB_GRANULARITY_REGIONS). */
    public static final int SUB_REGIONS = 32;

    /** Largest region: 2^30 pages (4 TiB). */
    public static final int MAX_REGION_SHIFT = 30;

    public static final Decision NONE = new Decision(Action.NONE, 0, SimDuration.ZERO);
    public static final Decision MAP_REMOTE = new Decision(Action.MAP_REMOTE, 0, SimDuration.ZERO);
    public static final Decision MIGRATE_PAGE = new Decision(Action.MIGRATE, 0, SimDuration.ZERO);
    public static final Decision MIGRATE_BIG_PAGE = new Decision(Action.MIGRATE, Pages.BIG_PAGE_SHIFT, SimDuration.ZERO);
    public static final Decision MIGRATE_BLOCK = new Decision(Action.MIGRATE, Pages.BLOCK_PAGE_SHIFT, SimDuration.ZERO);
    public static final Decision DUPLICATE_PAGE = new Decision(Action.DUPLICATE, 0, SimDuration.ZERO);

    public Decision {
        if (action == null) {
            throw new IllegalArgumentException("decision action must be set, got null");
        }
        if (regionShift < 0 || regionShift > MAX_REGION_SHIFT) {
            throw new IllegalArgumentException("decision regionShift must be in [0, " + MAX_REGION_SHIFT + "], got "
                    + regionShift);
        }
        if (regionShift != 0 && action != Action.MIGRATE && action != Action.DUPLICATE) {
            throw new IllegalArgumentException("decision regionShift must be 0 for " + action + ", got " + regionShift);
        }
        if (delay == null || (action == Action.THROTTLE) == delay.equals(SimDuration.ZERO)) {
            throw new IllegalArgumentException("decision delay must be > 0 for THROTTLE and zero otherwise, got "
                    + delay + " for " + action);
        }
        if (subRegions != ALL_SUB_REGIONS && (action != Action.MIGRATE || (1L << regionShift) < SUB_REGIONS
                || subRegions == 0)) {
            throw new IllegalArgumentException("decision subRegions must be ALL_SUB_REGIONS unless a MIGRATE of at least "
                    + SUB_REGIONS + " pages names at least one of its sub-regions, got " + Integer.toHexString(subRegions)
                    + " for " + action + " of " + (1L << regionShift) + " pages");
        }
    }

    /** A decision over its whole region. */
    public Decision(Action action, int regionShift, SimDuration delay) {
        this(action, regionShift, delay, ALL_SUB_REGIONS);
    }

    /** This migration limited to the sub-regions set in {@code mask} (bit k: the k-th 32th of the region). */
    public Decision withSubRegions(int mask) {
        return mask == subRegions ? this : new Decision(action, regionShift, delay, mask);
    }

    /** Whether {@code page}, in the region around the decision's page, is in one of the sub-regions that move. */
    public boolean coversSubRegion(long page) {
        if (subRegions == ALL_SUB_REGIONS) {
            return true;
        }
        long perSub = (1L << regionShift) / SUB_REGIONS;
        int k = (int) ((page & ((1L << regionShift) - 1)) / perSub);
        return (subRegions & (1 << k)) != 0;
    }

    /** Migrate the aligned region of {@code region} bytes (a power of two, 4 KiB to 4 TiB) around the fault. */
    public static Decision migrate(Bytes region) {
        return new Decision(Action.MIGRATE, Pages.regionShift("migration region", region, MAX_REGION_SHIFT),
                SimDuration.ZERO);
    }

    /** Duplicate read-only the aligned region of {@code region} bytes around the fault. */
    public static Decision duplicate(Bytes region) {
        return new Decision(Action.DUPLICATE, Pages.regionShift("duplication region", region, MAX_REGION_SHIFT),
                SimDuration.ZERO);
    }

    /** Keep the faulting processor off the page for {@code delay} (> 0). */
    public static Decision throttle(SimDuration delay) {
        return new Decision(Action.THROTTLE, 0, delay);
    }

    /** Throttle for the detector's nap. */
    static Decision throttleOf(ThrashingDetector detector) {
        return detector instanceof NapCache c ? c.throttleDecision() : throttle(detector.nap());
    }

    /** Implemented by detectors that keep their throttle decision built once, so throttling allocates nothing. */
    interface NapCache {
        Decision throttleDecision();
    }

    /** Pages in the region. */
    public long regionPages() {
        return 1L << regionShift;
    }

    /** First page of the region that contains {@code page}. */
    public long regionFirstPage(long page) {
        return page & -(1L << regionShift);
    }

    /** Size of the region. */
    public Bytes region() {
        return Bytes.pages(regionPages());
    }
}
