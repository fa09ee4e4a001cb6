package org.hmmlab.policy;

/**
 * One prefetcher until the GPU first evicts, another from then on.
 *
 * <p>Mirrors GPGPU-Sim UVMSmart's {@code -hwprefetch_oversub} ({@code update_hardware_prefetcher_oversubscribed()},
 * called from {@code gmmu_t::do_hardware_prefetch()} the first time {@code should_evict_page()} says memory is
 * full, which also sets {@code over_sub}): its default turns the prefetcher off once memory is oversubscribed.
 * Here the switch happens at the first completed eviction the policy is told of.
 */
public final class SwitchOnEvictionPrefetcher implements Prefetcher, ResidencyListener {

    private final Prefetcher before;
    private final Prefetcher after;
    private boolean evicted;

    /**
     * @param before the prefetcher while nothing has been evicted
     * @param after  the prefetcher after the first eviction ({@link Prefetcher#NONE}: the peer's default)
     */
    public SwitchOnEvictionPrefetcher(Prefetcher before, Prefetcher after) {
        if (before == null || after == null) {
            throw new IllegalArgumentException("switch-on-eviction prefetchers must be set, got null");
        }
        this.before = before;
        this.after = after;
    }

    @Override
    public void prefetch(long block, long[] resident, long[] faulted, long[] out) {
        (evicted ? after : before).prefetch(block, resident, faulted, out);
    }

    @Override
    public void prefetch(long block, int regionFirst, int regionOuter, long[] resident, long[] faulted,
                         long[] out) {
        (evicted ? after : before).prefetch(block, regionFirst, regionOuter, resident, faulted, out);
    }

    @Override
    public void onMigrated(long firstPage, long pages, int from, int to, MigrationCause cause, long nowNanos) {
        if (cause == MigrationCause.EVICTION) {
            evicted = true;
        }
        if (before instanceof ResidencyListener l) {
            l.onMigrated(firstPage, pages, from, to, cause, nowNanos);
        }
        if (after instanceof ResidencyListener l) {
            l.onMigrated(firstPage, pages, from, to, cause, nowNanos);
        }
    }

    @Override
    public void seedFrom(long prefetcherSeed) {
        before.seedFrom(prefetcherSeed);
        after.seedFrom(prefetcherSeed);
    }

    /** True once the first eviction has switched the prefetcher. */
    public boolean switched() {
        return evicted;
    }

    @Override
    public org.hmmlab.units.SimDuration decisionCost() {
        return (evicted ? after : before).decisionCost();
    }

    @Override
    public String name() {
        return before.name() + " then " + after.name() + " after first eviction";
    }
}
