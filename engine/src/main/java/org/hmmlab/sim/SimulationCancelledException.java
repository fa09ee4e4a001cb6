package org.hmmlab.sim;

/** Thrown out of a run whose {@link CancellationToken} was cancelled (a notebook interrupt, Ctrl-C). */
public class SimulationCancelledException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SimulationCancelledException() {
        super("simulation cancelled (interrupted)");
    }

    /** A cancellation that says more than the default message (what was kept, say). */
    protected SimulationCancelledException(String message) {
        super(message);
    }
}
