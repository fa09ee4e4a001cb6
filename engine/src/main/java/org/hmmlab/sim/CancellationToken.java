package org.hmmlab.sim;

/**
 * A flag that asks running simulations to stop at their next check.
 *
 * <p>On JDK 20 and later a thread cannot be stopped from outside, so long runs cooperate: the event loop
 * and sweep workers poll {@link #throwIfCancelled()} often enough to stop within 100 ms of {@link #cancel()}.
 */
public final class CancellationToken {

    private volatile boolean cancelled;

    /** Asks every run that watches this token to stop. Idempotent. */
    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** Throws {@link SimulationCancelledException} if {@link #cancel()} was called. */
    public void throwIfCancelled() {
        if (cancelled) {
            throw new SimulationCancelledException();
        }
    }
}
