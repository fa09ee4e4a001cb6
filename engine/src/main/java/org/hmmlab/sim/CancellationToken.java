package org.hmmlab.sim;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A flag that asks running simulations to stop at their next check.
 *
 * <p>On JDK 20 and later a thread cannot be stopped from outside, so long runs cooperate: the event loop
 * and sweep workers poll {@link #throwIfCancelled()} often enough to stop within 100 ms of {@link #cancel()}.
 */
public final class CancellationToken {

    private volatile boolean cancelled;
    private final List<Runnable> onCancel = new CopyOnWriteArrayList<>();

    /** Asks every run that watches this token to stop, and runs the actions registered with {@link #onCancel}. Idempotent. */
    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        for (Runnable action : onCancel) {
            if (onCancel.remove(action)) { // exactly once, even racing onCancel()
                action.run();
            }
        }
    }

    /**
     * Runs {@code action} when this token is cancelled (at once if it already is): for work that cannot poll, such
     * as a script engine that must be interrupted from outside. The action runs on the cancelling thread and must
     * not block.
     */
    public void onCancel(Runnable action) {
        Objects.requireNonNull(action, "action");
        onCancel.add(action);
        if (cancelled && onCancel.remove(action)) {
            action.run();
        }
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
