package org.hmmlab.kernel;

/**
 * Thrown at a {@link CellGuard#poll()} in the code of a cell the user interrupted: a loop that ignores
 * {@link Thread#interrupted()} and the engine's token stops here. An {@code Error}, so that a
 * {@code catch (Exception e)} inside the loop lets it by.
 */
public final class CellStoppedError extends Error {

    CellStoppedError() {
        super("stopped at the user's interrupt", null, false, false);
    }
}
