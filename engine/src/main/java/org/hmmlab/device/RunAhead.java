package org.hmmlab.device;

import org.hmmlab.sim.EventHandler;
import org.hmmlab.sim.EventPhase;
import org.hmmlab.sim.Simulator;

/**
 * The issue event of an agent whose issuers (GPU warps, CPU threads) run ahead of the event clock in quanta: at most
 * one issue event pending, at the earliest time asked for, and the end of each quantum.
 *
 * <p>A quantum never crosses an event: it ends before the simulator's next pending event, so whatever that event
 * changes (a migration, an eviction, an invalidation) finds no issuer that already went past it. Shared by
 * {@link WarpScheduler} and {@link CpuAgent}.
 */
final class RunAhead {

    /** How far issuers may run ahead of the event clock within one issue event. */
    static final long QUANTUM_NS = 2_000;

    private final Simulator sim;
    private final EventPhase phase;
    private final EventHandler issue;
    private long gen;
    private long nextAt = Long.MAX_VALUE;

    /** Issue events run {@code issue} in {@code phase}; its argument is the generation {@link #begin} checks. */
    RunAhead(Simulator sim, EventPhase phase, EventHandler issue) {
        this.sim = sim;
        this.phase = phase;
        this.issue = issue;
    }

    /** Asks for an issue event at {@code at} (not before now); a later request than the pending one is dropped. */
    void schedule(long at) {
        if (at < nextAt) {
            nextAt = at;
            sim.scheduleAtNanos(Math.max(at, sim.nowNanos()), phase, issue, ++gen);
        }
    }

    /** An issue event of generation {@code g} runs: false when a newer one superseded it. */
    boolean begin(long g) {
        if (g != gen) {
            return false;
        }
        nextAt = Long.MAX_VALUE;
        return true;
    }

    /**
     * The end (exclusive) of the run-ahead of an issue event at {@code now}: a quantum of {@code quantumNanos}, cut
     * at the simulator's next pending event. At least one nanosecond, so issues due at {@code now} go ahead and the
     * issue event always makes progress.
     */
    long limit(long now, long quantumNanos) {
        return Math.max(now + 1, Math.min(now + quantumNanos, sim.nextEventNanos()));
    }
}
