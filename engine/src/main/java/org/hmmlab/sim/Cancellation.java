package org.hmmlab.sim;

/**
 * The cancellation token that new runs watch.
 *
 * <p>A front end (the notebook kernel per cell, the CLI per command) installs a fresh token before it starts
 * work and cancels it on an interrupt. A run captures {@link #current()} when it starts, so a sweep's worker
 * threads and the cell's thread all watch the same token.
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
