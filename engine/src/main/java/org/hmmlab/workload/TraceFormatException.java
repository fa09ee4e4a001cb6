package org.hmmlab.workload;

/**
 * A malformed line in an access-trace file: says which line (1-based) and which field, and what was expected.
 */
public final class TraceFormatException extends IllegalArgumentException {

    private final int lineNumber;
    private final String field;

    public TraceFormatException(int lineNumber, String field, String message) {
        super("trace line " + lineNumber + ", field '" + field + "': " + message);
        this.lineNumber = lineNumber;
        this.field = field;
    }

    /** The offending line, counting from 1 (comments and the header included). */
    public int lineNumber() {
        return lineNumber;
    }

    /** The offending column: {@code order}, {@code time_ns}, {@code agent}, {@code address}, {@code access},
     * {@code size}, or {@code line} when the column count is wrong. */
    public String field() {
        return field;
    }
}
