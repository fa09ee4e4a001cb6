package org.hmmlab.policy;

import org.hmmlab.units.SimDuration;

/**
 * Detects pages that bounce between processors (or are evicted and faulted back) within a short window, and
 * advises throttling or pinning them.
 *
 * <p>Mirrors the UVM driver's thrashing detection ({@code uvm_perf_thrashing.c}: {@code thrashing_event_cb} on
 * every migration and revocation, {@code uvm_perf_thrashing_get_hint()} on every fault). It learns about
 * migrations through {@link #onMigrated} and is asked for a {@link #hint} before the placement decides.
 */
public interface ThrashingDetector extends DriverPolicy, ResidencyListener {

    /** The advice for this fault. Called for GPU faults and for CPU faults on device pages. */
    ThrashingHint hint(FaultContext fault);

    /**
     * True when {@code page} is currently pinned (remote accesses to it must not trigger access-counter
     * migrations). Side-effect free, unlike {@link #hint}.
     */
    default boolean isPinned(long page, long nowNanos) {
        return false;
    }

    /**
     * Whether {@code page} is thrashing at {@code nowNanos}: detected and not yet reset. Such pages neither grow a
     * fault to its big page or block nor drive or join a prefetch ({@code uvm_perf_thrashing_get_thrashing_pages()},
     * used by {@code grow_fault_granularity_if_no_thrashing()} and {@code uvm_perf_prefetch_get_hint_va_block()} in
     * uvm_perf_prefetch.c). Side-effect free.
     */
    default boolean isThrashing(long page, long nowNanos) {
        return false;
    }

    /** Whether any page may be thrashing: when false, callers skip the per-page {@link #isThrashing} checks. */
    default boolean anyThrashing() {
        return false;
    }

    /** How long a {@link ThrashingHint#THROTTLE throttled} processor is kept off the page. */
    SimDuration nap();

    /** Pages for which this detector has raised thrashing so far (for the run's counters). */
    default long thrashingEvents() {
        return 0;
    }

    /** No detection ({@code uvm_perf_thrashing_enable=0}). */
    ThrashingDetector NONE = new ThrashingDetector() {
        @Override
        public ThrashingHint hint(FaultContext fault) {
            return ThrashingHint.NONE;
        }

        @Override
        public SimDuration nap() {
            return SimDuration.ns(1);
        }

        @Override
        public String name() {
            return "none";
        }
    };
}
