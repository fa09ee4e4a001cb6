package org.hmmlab.kernel;

import java.util.List;

/**
 * A cell's failure as the notebook shows it: a name, a one-line message and the traceback lines.
 *
 * <p>The traceback speaks in the cell's own lines ("cell line 3") and leaves out the kernel's frames (JShell's
 * wrapper, reflection, the cell thread), so what the user reads is about their code and the lab's API.
 */
final class CellError extends RuntimeException {

    private final String name;
    private final List<String> traceback;

    CellError(String name, String message, List<String> traceback) {
        super(message);
        this.name = name;
        this.traceback = List.copyOf(traceback);
    }

    /** The error's name, for example {@code IllegalArgumentException} or {@code CompileError}. */
    String name() {
        return name;
    }

    /** The lines the notebook prints, with ANSI colours. */
    List<String> traceback() {
        return traceback;
    }
}
