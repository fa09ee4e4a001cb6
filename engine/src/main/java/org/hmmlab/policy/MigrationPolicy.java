package org.hmmlab.policy;

import org.hmmlab.units.SimDuration;
import org.hmmlab.workload.AccessType;

/**
 * The driver's complete policy: placement, prefetcher, evictor, thrashing detector and hints, composed in the
 * order the UVM driver consults them. The one object the timing layer's fault handler calls.
 *
 * <p>Mirrors the decision part of the UVM driver's fault service ({@code uvm_va_block_service_locked()} and its
 * callers): advice (the range's {@code uvm_va_policy_t}) first, then the thrashing hint
 * ({@code uvm_perf_thrashing_get_hint()}), then the residency choice; prefetch
 * ({@code uvm_perf_prefetch_get_hint_va_block()}) extends migrations; eviction ({@code pick_root_chunk_to_evict()})
 * makes room. Immutable; the components hold the run's mutable state, so build a fresh policy per run
 * (policies are cheap to build).
 *
 * @param placement  where faulting pages go
 * @param prefetcher what migrates along with them
 * @param evictor    what leaves a full GPU
 * @param thrashing  bounce detection and mitigation
 * @param hints      per-range advice
 */
public record MigrationPolicy(Placement placement, Prefetcher prefetcher, Evictor evictor,
                              ThrashingDetector thrashing, Hints hints) implements ResidencyListener {

    public MigrationPolicy {
        if (placement == null || prefetcher == null || evictor == null || thrashing == null || hints == null) {
            throw new IllegalArgumentException("migration policy: placement, prefetcher, evictor, thrashing and hints"
                    + " must all be set (use Prefetcher.NONE, ThrashingDetector.NONE, Hints.none() to disable)");
        }
    }

    /** This policy with another placement. */
    public MigrationPolicy withPlacement(Placement p) {
        return new MigrationPolicy(p, prefetcher, evictor, thrashing, hints);
    }

    public MigrationPolicy withPrefetcher(Prefetcher p) {
        return new MigrationPolicy(placement, p, evictor, thrashing, hints);
    }

    public MigrationPolicy withEvictor(Evictor e) {
        return new MigrationPolicy(placement, prefetcher, e, thrashing, hints);
    }

    public MigrationPolicy withThrashing(ThrashingDetector t) {
        return new MigrationPolicy(placement, prefetcher, evictor, t, hints);
    }

    public MigrationPolicy withHints(Hints h) {
        return new MigrationPolicy(placement, prefetcher, evictor, thrashing, h);
    }

    /** A fault batch is about to be decided: the placement's batch form ({@link Placement#onFaultBatch}). */
    public void onFaultBatch(FaultBatch batch) {
        placement.onFaultBatch(batch);
    }

    /**
     * Decides for a GPU fault: hints, then the thrashing hint, then the placement. The timing layer charges
     * {@link #deviceFaultCost()} for the call.
     */
    public Decision onDeviceFault(FaultContext fault) {
        long page = fault.page();
        int gpu = fault.processor();
        if (!hints.isEmpty()) {
            if (hints.readMostly(page)) {
                return fault.access() == AccessType.READ ? Decision.DUPLICATE_PAGE : Decision.MIGRATE_PAGE;
            }
            int preferred = hints.preferredLocation(page);
            if (preferred == Location.HOST) {
                return Decision.MAP_REMOTE;
            }
            if (preferred == gpu) {
                return Decision.MIGRATE_PAGE;
            }
            if (hints.accessedBy(page, gpu) && fault.residency(page) != Location.UNPOPULATED) {
                return Decision.MAP_REMOTE;
            }
        }
        switch (thrashing.hint(fault)) {
            case THROTTLE:
                return Decision.throttleOf(thrashing);
            case PIN_HOST:
                return Decision.MAP_REMOTE;
            default:
                break;
        }
        return withoutGrowthOverThrashing(placement.onDeviceFault(fault), page, fault.nowNanos());
    }

    /**
     * A migration grows from the faulting page to its big page or block only when no page there is thrashing; else
     * just the faulting page moves. Mirrors grow_fault_granularity_if_no_thrashing() (uvm_perf_prefetch.c).
     */
    private Decision withoutGrowthOverThrashing(Decision d, long page, long nowNanos) {
        if (d.action() != Decision.Action.MIGRATE || d.regionShift() == 0 || !thrashing.anyThrashing()) {
            return d;
        }
        long first = d.regionFirstPage(page);
        for (long p = first; p < first + d.regionPages(); p++) {
            if (thrashing.isThrashing(p, nowNanos)) {
                return Decision.MIGRATE_PAGE;
            }
        }
        return d;
    }

    /**
     * The prefetcher's pages for {@code block} at {@code nowNanos}: thrashing pages neither drive the prediction (they
     * are left out of the faulted pages) nor are prefetched. Mirrors uvm_perf_prefetch_get_hint_va_block()
     * (uvm_perf_prefetch.c); without thrashing pages it is {@link Prefetcher#prefetch} itself.
     */
    public void prefetch(long block, long[] resident, long[] faulted, long[] out, long nowNanos) {
        prefetch(block, 0, Pages.PAGES_PER_BLOCK, resident, faulted, out, nowNanos);
    }

    /**
     * As {@link #prefetch(long, long[], long[], long[], long)} for a block of which only pages
     * {@code [regionFirst, regionOuter)} belong to the faulting allocation (its tail VA block): the prefetcher's
     * {@code max_prefetch_region} ({@link Prefetcher#prefetch(long, int, int, long[], long[], long[])}).
     */
    public void prefetch(long block, int regionFirst, int regionOuter, long[] resident, long[] faulted, long[] out,
                         long nowNanos) {
        if (!thrashing.anyThrashing()) {
            prefetcher.prefetch(block, regionFirst, regionOuter, resident, faulted, out);
            return;
        }
        long first = Pages.firstPageOfBlock(block);
        long[] thrashingPages = PageMask.create();
        for (int k = 0; k < Pages.PAGES_PER_BLOCK; k++) {
            if (thrashing.isThrashing(first + k, nowNanos)) {
                PageMask.set(thrashingPages, k);
            }
        }
        long[] drivers = faulted.clone();
        PageMask.andNot(drivers, thrashingPages);
        if (PageMask.count(drivers) == 0) {
            PageMask.clearAll(out); // only thrashing pages faulted: nothing to predict from
            return;
        }
        prefetcher.prefetch(block, regionFirst, regionOuter, resident, drivers, out);
        PageMask.andNot(out, thrashingPages);
    }

    /**
     * Decides for a CPU fault on a page resident on a GPU: throttle when the thrashing detector says so, else
     * migrate back to host memory, as {@code migrate_to_ram} must for device-private memory: the page's 64 KiB big
     * page when prefetching applies (the driver then widens it with {@link #prefetch} over the CPU's resident
     * pages), else the page. Mirrors block_cpu_fault_locked() (uvm_va_block.c) and uvm_perf_prefetch.c.
     */
    public Decision onHostFault(FaultContext fault) {
        if (thrashing.hint(fault) == ThrashingHint.THROTTLE) {
            return Decision.throttleOf(thrashing);
        }
        // the CPU's faults go through the same prefetch logic as the GPU's (uvm_va_block_get_prefetch_hint() for
        // every destination, CPU included): with prefetching on, a fault grows to its 64 KiB big page
        // (grow_fault_granularity(), the CPU's big page taken as 64 KiB) unless a page there is thrashing; a
        // preferred location other than the CPU turns the prefetch logic off (should_apply_prefetch_logic())
        long page = fault.page();
        if (prefetcher == Prefetcher.NONE || (!hints.isEmpty() && hints.preferredLocation(page) != Hints.NO_PREFERENCE
                && hints.preferredLocation(page) != Location.HOST)) {
            return Decision.MIGRATE_PAGE;
        }
        return withoutGrowthOverThrashing(Decision.MIGRATE_BIG_PAGE, page, fault.nowNanos());
    }

    /**
     * Told about one remote GPU access; returns {@link Decision#NONE} or an access-counter migration. Pages the
     * hints keep remote or the thrashing detector pinned never migrate this way.
     */
    public Decision onRemoteAccess(FaultContext access) {
        long page = access.page();
        if (!hints.isEmpty() && (hints.preferredLocation(page) == Location.HOST
                || hints.accessedBy(page, access.processor()) || hints.readMostly(page))) {
            return Decision.NONE;
        }
        if (thrashing.isPinned(page, access.nowNanos())) {
            return Decision.NONE;
        }
        return placement.onRemoteAccess(access);
    }

    /**
     * Told that allocation {@code name} now spans pages {@code [firstPage, firstPage + pages)}; binds the hints that
     * name it. The engines call it once per allocation when they map it, before any access.
     */
    public void onMapped(String name, long firstPage, long pages) {
        hints.bind(name, firstPage, pages);
    }

    /** Forwards a completed migration to every component. */
    @Override
    public void onMigrated(long firstPage, long pages, int from, int to, MigrationCause cause, long nowNanos) {
        placement.onMigrated(firstPage, pages, from, to, cause, nowNanos);
        evictor.onMigrated(firstPage, pages, from, to, cause, nowNanos);
        thrashing.onMigrated(firstPage, pages, from, to, cause, nowNanos);
        if (prefetcher instanceof ResidencyListener l) {
            l.onMigrated(firstPage, pages, from, to, cause, nowNanos); // a prefetcher that changes on eviction
        }
    }

    /** Driver CPU time of one {@link #onDeviceFault} or {@link #onHostFault}: thrashing check plus placement. */
    public SimDuration deviceFaultCost() {
        return thrashing.decisionCost().plus(placement.decisionCost());
    }

    /** A one-line description: {@code first-touch + density(51%) + lru-2MiB + thrashing(uvm)}. */
    public String describe() {
        return placement.name() + " + " + prefetcher.name() + " + " + evictor.name() + " + " + thrashing.name()
                + (hints.isEmpty() ? "" : " + " + hints);
    }
}
