package org.hmmlab.sim;

/**
 * Thrown when a run stops making progress: too many events at one instant (a retry loop that never lets
 * time advance) or the clock passing the run's horizon. A programmer error in a model or a policy, so an
 * exception rather than a result.
 */
public final class SimulationStalledException extends IllegalStateException {

    public SimulationStalledException(String message) {
        super(message);
    }
}
