package org.hmmlab.dsl;

import org.hmmlab.sim.CancellationToken;

/**
 * The cancellation token that the DSL's runs and sweeps started from now on watch.
 *
 * <p>A front end (the notebook kernel per cell, the CLI per command) installs a fresh token before it starts
 * work and cancels it on an interrupt. {@link Scenario#run(long)} and {@link Sweep#run} read {@link #current()}
 * when they start and pass it down to the engine, so a sweep's worker threads and the cell's thread all watch the
 * same token. The engine itself reads no static: its runs are handed their token
 * ({@code org.hmmlab.run.Engine#run}, {@code Experiment.withCancellation}).
 */
public final class Cancellation {

    private static volatile CancellationToken current = new CancellationToken();

    private Cancellation() {
    }

    /** The token runs started from now on will watch. */
    public static CancellationToken current() {
        return current;
    }

    /** Installs a fresh token and returns it; the previous one is left as it was. */
    public static CancellationToken begin() {
        CancellationToken token = new CancellationToken();
        current = token;
        return token;
    }
}
