package org.hmmlab.cli;

import java.io.File;
import java.io.PrintStream;
import java.util.List;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;

/**
 * Runs a {@code .jsh} script with JShell in this JVM, after the DSL's start-up imports, as a notebook would:
 * snippet by snippet, showing the value of each bare expression (a table prints, a chart is written under
 * {@code --out}), and stopping at the first error with the script's line.
 *
 * <p>Scripts may call {@code display(x)} as in a notebook; here it prints {@code x}.
 */
final class JshRunner {

    /** The notebook kernel's own imports, before the DSL's (java.util and friends). */
    static final String PRELUDE_IMPORTS = "import java.util.*;\nimport java.util.function.*;\nimport java.util.stream.*;\n";

    private JshRunner() {
    }

    /** Runs {@code source}; returns false after printing the first error. */
    static boolean run(String name, String source, RunCommand.Output output, PrintStream err) {
        RunCommand.setCurrent(output);
        try (JShell shell = JShell.builder().executionEngine("local").compilerOptions("-Xlint:none", "-proc:none").build()) {
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    shell.addToClasspath(entry);
                }
            }
            String prelude = PRELUDE_IMPORTS + RunCommand.dslStartup()
                    + "\nvoid display(Object value) { org.hmmlab.cli.RunCommand.show(value); }\n"
                    + "java.util.function.Consumer<org.hmmlab.dsl.SweepProgress> progress(String label) {"
                    + " return org.hmmlab.cli.RunCommand.progress(label); }\n";
            if (!evalAll(shell, "startup.jsh", prelude, null, err)) {
                return false;
            }
            return evalAll(shell, name, source, output, err);
        } finally {
            RunCommand.setCurrent(null);
        }
    }

    private static boolean evalAll(JShell shell, String name, String source, RunCommand.Output output, PrintStream err) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        String rest = source;
        int consumed = 0;
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                break;
            }
            int lead = 0;
            while (lead < rest.length() && Character.isWhitespace(rest.charAt(lead))) {
                lead++;
            }
            int line = lineOf(source, consumed + lead);
            if (!info.completeness().isComplete()) {
                err.println(name + ":" + line + ": error: this statement is not complete");
                return false;
            }
            String snippet = info.source();
            if (!evalSnippet(shell, name, line, snippet.strip(), output, err)) {
                return false;
            }
            consumed += rest.length() - info.remaining().length();
            rest = info.remaining();
        }
        return true;
    }

    private static boolean evalSnippet(JShell shell, String name, int line, String src, RunCommand.Output output,
            PrintStream err) {
        List<SnippetEvent> events = shell.eval(src);
        for (SnippetEvent e : events) {
            if (e.causeSnippet() != null) {
                continue;
            }
            Snippet s = e.snippet();
            if (e.status() == Snippet.Status.REJECTED) {
                List<Diag> diags = shell.diagnostics(s).toList();
                for (Diag d : diags) {
                    if (d.isError()) {
                        int at = line + lineOf(src, (int) Math.max(0, d.getStartPosition())) - 1;
                        err.println(name + ":" + at + ": error: " + d.getMessage(java.util.Locale.ROOT));
                    }
                }
                if (diags.isEmpty()) {
                    err.println(name + ":" + line + ": error: JShell rejected this snippet");
                }
                return false;
            }
            JShellException ex = e.exception();
            if (ex != null) {
                report(name, line, s, ex, err);
                return false;
            }
            String shownName = null;
            if (s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND && s instanceof jdk.jshell.VarSnippet v) {
                shownName = v.name();
            } else if (s.subKind() == Snippet.SubKind.VAR_VALUE_SUBKIND && s instanceof jdk.jshell.ExpressionSnippet x) {
                shownName = x.name();
            }
            if (output != null && shownName != null) {
                List<SnippetEvent> shown = shell.eval("display(" + shownName + ");");
                for (SnippetEvent se : shown) {
                    if (se.exception() != null) {
                        report(name, line, s, se.exception(), err);
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static void report(String name, int line, Snippet s, JShellException ex, PrintStream err) {
        if (ex instanceof UnresolvedReferenceException u) {
            err.println(name + ":" + line + ": error: " + u.getSnippet().source().strip() + " refers to something undefined");
            return;
        }
        String kind = ex instanceof EvalException ev ? ev.getExceptionClassName() : ex.getClass().getName();
        int at = line;
        for (StackTraceElement f : ex.getStackTrace()) {
            if (f.getFileName() != null && f.getFileName().equals("#" + s.id()) && f.getLineNumber() > 0) {
                at = line + f.getLineNumber() - 1;
                break;
            }
        }
        String simple = kind.substring(kind.lastIndexOf('.') + 1);
        err.println(name + ":" + at + ": " + simple + ": " + ex.getMessage());
    }

    /** The 1-based line of character {@code offset} in {@code text}. */
    static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
