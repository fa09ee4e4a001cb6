package org.hmmlab.dsl;

import org.hmmlab.sim.SimulationCancelledException;

/**
 * A sweep was interrupted (a notebook interrupt, Ctrl-C): the points that had finished are kept, in
 * {@link #partial()} and in {@link Sweep#lastInterrupted()}, so an hour of a long sweep is not lost to one stop.
 */
public final class SweepInterruptedException extends SimulationCancelledException {

    private static final long serialVersionUID = 1L;

    private final transient SweepResult partial;

    SweepInterruptedException(String sweep, SweepResult partial, int finished, int points) {
        super("sweep '" + sweep + "' interrupted after " + finished + " of " + points + " points; their rows are kept:"
                + " Sweep.lastInterrupted().get().table()");
        this.partial = partial;
    }

    /** The finished points' rows, in point order. */
    public SweepResult partial() {
        return partial;
    }
}
