package org.hmmlab.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import org.hmmlab.sim.SimulationCancelledException;

/**
 * Turns JShell's failures into {@link CellError}s that point at the user's lines.
 *
 * <p>Compile errors quote the offending line with a caret under the span; runtime errors show the exception, the
 * lab's frames that led to it (abridged) and the cell lines that called them, without JShell's wrapper classes,
 * reflection or the kernel's threads. Colours are ANSI red and green only, readable on dark and light themes.
 */
final class Tracebacks {

    static final String RED = "\u001b[0;31m";
    static final String BOLD_RED = "\u001b[1;31m";
    static final String GREEN = "\u001b[0;32m";
    static final String RESET = "\u001b[0m";

    /** How many frames of library code above the user's line to show before eliding the rest. */
    private static final int LIBRARY_FRAMES = 8;
    private static final String RULE = "-".repeat(75);
    /** JShell's wrapper class in messages such as {@code because "REPL.$JShell$32.o" is null}. */
    private static final Pattern WRAPPER_NAME = Pattern.compile("REPL\\.\\$JShell\\$\\d+[A-Z]?\\.");

    private Tracebacks() {
    }

    static CellError compile(JShell shell, Snippet snippet, CellEvaluator.Origin origin) {
        List<Diag> diags = shell.diagnostics(snippet).filter(Diag::isError).toList();
        if (diags.isEmpty()) {
            diags = shell.diagnostics(snippet).toList();
        }
        List<String> lines = new ArrayList<>();
        lines.add(RED + RULE + RESET);
        String first = "the cell does not compile";
        String source = snippet.source();
        for (Diag d : diags) {
            long pos = d.getStartPosition() >= 0 ? d.getStartPosition() : d.getPosition();
            long end = Math.max(d.getEndPosition(), pos + 1);
            String message = d.getMessage(Locale.ROOT);
            if (first.equals("the cell does not compile")) {
                first = message.lines().findFirst().orElse(message);
            }
            if (pos < 0) {
                lines.add(BOLD_RED + "CompileError" + RESET + " in " + origin.cell() + ": " + message);
                continue;
            }
            int lineInSnippet = CellEvaluator.countLines(source, (int) pos);
            int lineStart = source.lastIndexOf('\n', (int) pos - 1) + 1;
            int lineEnd = source.indexOf('\n', (int) pos);
            if (lineEnd < 0) {
                lineEnd = source.length();
            }
            int column = (int) pos - lineStart;
            int width = (int) Math.max(1, Math.min(end, lineEnd) - pos);
            lines.add(BOLD_RED + "CompileError" + RESET + " in " + GREEN + origin.cell() + " line "
                    + (origin.firstLine() + lineInSnippet) + RESET + ":");
            lines.add("    " + source.substring(lineStart, lineEnd));
            lines.add("    " + " ".repeat(column) + RED + "^" + "~".repeat(width - 1) + RESET);
            message.lines().forEach(l -> lines.add("  " + l));
        }
        if (snippet instanceof DeclarationSnippet decl) {
            List<String> missing = shell.unresolvedDependencies(decl).toList();
            if (!missing.isEmpty()) {
                lines.add("  unresolved: " + String.join(", ", missing));
            }
        }
        return new CellError("CompileError", first, lines);
    }

    static CellError unresolved(JShell shell, DeclarationSnippet snippet, CellEvaluator.Origin origin) {
        String missing = shell.unresolvedDependencies(snippet).collect(Collectors.joining(", "));
        String message = snippet.name() + " cannot run until these are defined: " + missing;
        return new CellError("UnresolvedReference", message, List.of(
                RED + RULE + RESET,
                BOLD_RED + "UnresolvedReference" + RESET + " in " + GREEN + origin.cell() + " line "
                        + origin.firstLine() + RESET + ": " + message));
    }

    static String recoverable(JShell shell, Snippet snippet) {
        if (snippet instanceof DeclarationSnippet decl) {
            String missing = shell.unresolvedDependencies(decl).collect(Collectors.joining(", "));
            return "note: defined " + decl.name() + ", but it cannot be used until these are defined: " + missing;
        }
        return "note: " + snippet.source().lines().findFirst().orElse("") + " is defined with unresolved references";
    }

    /** A JavaScript error in a {@code %%js} cell, at the cell's line (the script starts on the line after the magic). */
    static CellError script(org.hmmlab.dsl.script.ScriptException e, String cell, int magicLine) {
        String message = e.getMessage() == null ? "the script failed" : e.getMessage();
        List<String> lines = new ArrayList<>();
        lines.add(RED + RULE + RESET);
        lines.add(BOLD_RED + "ScriptError" + RESET + " in " + GREEN + cell
                + (e.line() > 0 ? " line " + (magicLine + e.line()) : "") + RESET + ": " + message);
        return new CellError("ScriptError", message, lines);
    }

    static CellError incomplete(String cell, int line, String rest) {
        String message = "the cell ends inside an unfinished statement (a missing ';', ')' or '}'?)";
        List<String> lines = new ArrayList<>();
        lines.add(RED + RULE + RESET);
        lines.add(BOLD_RED + "CompileError" + RESET + " in " + GREEN + cell + " line " + line + RESET + ": " + message);
        rest.lines().limit(3).forEach(l -> lines.add("    " + l));
        return new CellError("CompileError", message, lines);
    }

    static CellError interrupted(Throwable cause) {
        String message = cause instanceof CellInterruptedException c && c.abandoned()
                ? c.getMessage()
                : "the cell stopped at your interrupt; the kernel and the variables of earlier cells are intact";
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof org.hmmlab.dsl.SweepInterruptedException s) {
                message += "; " + s.getMessage(); // where the finished points' rows are kept
                break;
            }
        }
        return new CellError("Interrupted", message, List.of(
                RED + RULE + RESET,
                BOLD_RED + "Interrupted" + RESET + ": " + message));
    }

    /**
     * A snippet that threw: {@code real} is the exception itself when the evaluator caught it, {@code eval} JShell's
     * summary of it otherwise.
     */
    static CellError runtime(EvalException eval, Throwable real, Map<String, CellEvaluator.Origin> origins,
                             CellEvaluator.Origin current) {
        Throwable shown = real != null ? real : eval;
        if (shown == null) {
            return new CellError("Error", "the cell failed", List.of(BOLD_RED + "Error" + RESET + ": the cell failed"));
        }
        if (isInterrupt(shown)) {
            return interrupted(shown);
        }
        String name = real != null ? real.getClass().getName()
                : eval.getExceptionClassName() != null ? eval.getExceptionClassName() : "Exception";
        String message = shown.getMessage() == null ? "" : WRAPPER_NAME.matcher(shown.getMessage()).replaceAll("");
        List<String> lines = new ArrayList<>();
        lines.add(RED + RULE + RESET);
        lines.add(BOLD_RED + name + RESET + (message.isEmpty() ? "" : ": " + message));
        // JShell's copy of the stack has the snippet frames in snippet lines; the real exception has wrapper lines.
        StackTraceElement[] stack = eval != null ? eval.getStackTrace() : shown.getStackTrace();
        frames(stack, origins, lines, refusedInput(name, stack));
        Throwable cause = shown.getCause();
        int depth = 0;
        while (cause != null && cause != shown && depth++ < 3) {
            lines.add("Caused by: " + RED + cause.getClass().getName() + RESET
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
            StackTraceElement[] st = cause.getStackTrace();
            for (int i = 0; i < Math.min(3, st.length); i++) {
                lines.add("    at " + st[i]);
            }
            cause = cause.getCause();
        }
        String simple = name.substring(name.lastIndexOf('.') + 1);
        return new CellError(simple, message, lines);
    }

    static boolean isInterrupt(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SimulationCancelledException || c instanceof CellInterruptedException
                    || c instanceof CellStoppedError) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    /**
     * Whether the lab refused a value the cell gave it: an {@code IllegalArgumentException} or {@code
     * IllegalStateException} thrown by the lab's own code, whose message names the parameter and its range. The
     * frames inside the lab add nothing to that message, so such a traceback shows only the cell's lines.
     */
    static boolean refusedInput(String exceptionClass, StackTraceElement[] stack) {
        return (exceptionClass.equals("java.lang.IllegalArgumentException")
                || exceptionClass.equals("java.lang.IllegalStateException"))
                && stack.length > 0 && stack[0].getClassName().startsWith("org.hmmlab.");
    }

    /**
     * The frames from the throw up to the last line of the user's code, cell frames rewritten to cell lines; with
     * {@code skipLab}, the lab's own frames above the user's lines are left out.
     */
    private static void frames(StackTraceElement[] st, Map<String, CellEvaluator.Origin> origins, List<String> out,
                               boolean skipLab) {
        int lastUser = -1;
        for (int i = 0; i < st.length; i++) {
            if (isSnippetFrame(st[i])) {
                lastUser = i;
            }
        }
        int end = lastUser >= 0 ? lastUser + 1 : st.length;
        int library = 0;
        int elided = 0;
        for (int i = 0; i < end; i++) {
            StackTraceElement f = st[i];
            if (isSnippetFrame(f)) {
                if (elided > 0) {
                    out.add("    ... " + elided + " more frames");
                    elided = 0;
                }
                out.add(cellFrame(f, origins));
                library = 0;
            } else if (isMachinery(f) || skipLab && f.getClassName().startsWith("org.hmmlab.")) {
                continue;
            } else if (library++ < LIBRARY_FRAMES) {
                out.add("    at " + f);
            } else {
                elided++;
            }
        }
        if (elided > 0) {
            out.add("    ... " + elided + " more frames");
        }
    }

    private static boolean isSnippetFrame(StackTraceElement f) {
        return f.getFileName() != null && f.getFileName().startsWith("#") || f.getClassName().startsWith("REPL.");
    }

    private static boolean isMachinery(StackTraceElement f) {
        String c = f.getClassName();
        return c.startsWith("jdk.internal.reflect.") || c.startsWith("java.lang.reflect.")
                || c.startsWith("jdk.jshell.") || c.startsWith("org.hmmlab.kernel.");
    }

    private static String cellFrame(StackTraceElement f, Map<String, CellEvaluator.Origin> origins) {
        String file = f.getFileName() == null ? "" : f.getFileName();
        String id = file.startsWith("#") ? file.substring(1) : file;
        CellEvaluator.Origin origin = origins.get(id);
        String method = f.getMethodName();
        String in = method.isEmpty() || method.startsWith("do_it$") || method.equals("<clinit>") ? "" : " in " + method + "()";
        if (origin == null) {
            return "    at " + GREEN + "snippet " + id + " line " + f.getLineNumber() + RESET + in;
        }
        int line = origin.firstLine() + Math.max(0, f.getLineNumber() - 1);
        String text = origin.source().lines().skip(Math.max(0, f.getLineNumber() - 1)).findFirst().orElse("").strip();
        return "    at " + GREEN + origin.cell() + " line " + line + RESET + in + (text.isEmpty() ? "" : ": " + text);
    }
}
