package org.hmmlab.dsl.script;

/**
 * A script failed: a syntax error, an exception thrown by the script, a call to something it may not use,
 * or a budget exceeded. The message starts with {@code script:line} so the user finds the line.
 */
public final class ScriptException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String script;
    private final int line;

    ScriptException(String script, int line, String message, Throwable cause) {
        super(script + (line > 0 ? ":" + line : "") + ": " + message, cause);
        this.script = script;
        this.line = line;
    }

    /** The script's name, as given when it was loaded. */
    public String script() {
        return script;
    }

    /** The 1-based line the error points at, or 0 when there is none (a budget exceeded between lines). */
    public int line() {
        return line;
    }
}
