package org.hmmlab.sim;

/** Thrown out of a run whose {@link CancellationToken} was cancelled (a notebook interrupt, Ctrl-C). */
public final class SimulationCancelledException extends RuntimeException {

    public SimulationCancelledException() {
        super("simulation cancelled (interrupted)");
    }
}
