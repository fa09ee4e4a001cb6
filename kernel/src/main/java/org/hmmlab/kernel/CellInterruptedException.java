package org.hmmlab.kernel;

/**
 * Thrown out of a cell that the user interrupted.
 *
 * <p>{@code abandoned} says the cell did not stop within the grace period and still runs on a thread the
 * kernel no longer waits for (a loop written in the cell that checks neither the engine's token nor
 * {@link Thread#interrupted()}).
 */
final class CellInterruptedException extends RuntimeException {

    private final boolean abandoned;

    CellInterruptedException(boolean abandoned) {
        super(abandoned
                ? "the cell did not stop within " + CellExecutionControl.ABANDON_AFTER_MS / 1000
                        + " s and keeps running in the background; restart the kernel to stop it"
                : "interrupted");
        this.abandoned = abandoned;
    }

    boolean abandoned() {
        return abandoned;
    }
}
