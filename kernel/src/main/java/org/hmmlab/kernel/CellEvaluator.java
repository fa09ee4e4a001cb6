package org.hmmlab.kernel;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.SourceCodeAnalysis.Documentation;
import jdk.jshell.SourceCodeAnalysis.Suggestion;
import jdk.jshell.UnresolvedReferenceException;

/**
 * Evaluates notebook cells as JShell snippets in the kernel's JVM and answers the editor's questions about
 * them (is this complete, what completes here, what is this method).
 *
 * <p>A cell holds many snippets; JShell takes one at a time, so the cell is cut with
 * {@link SourceCodeAnalysis#analyzeCompletion(String)} and each piece remembers where in the cell it began. That
 * origin turns JShell's snippet-relative positions into the cell's lines, in compile errors and in stack traces.
 */
final class CellEvaluator implements AutoCloseable {

    /** The value of a cell whose last snippet is a statement or a declaration: nothing to display. */
    static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "(no value)";
        }
    };

    /** Where a snippet came from: which cell, and the cell line its first line is on (1-based). */
    record Origin(String cell, int firstLine, String source) {
    }

    private final CellExecutionControl control = new CellExecutionControl();
    private final JShell shell;
    private final SourceCodeAnalysis analysis;
    private final Map<String, Origin> origins = new ConcurrentHashMap<>();
    private final SourceDocs docs = new SourceDocs();
    private volatile boolean interrupted;

    CellEvaluator() {
        CellGuard.installQuietStops();
        shell = JShell.builder()
                .executionEngine(new CellExecutionControl.Provider(control), Map.of())
                .compilerOptions("-Xlint:none", "-proc:none")
                .build();
        analysis = shell.sourceCodeAnalysis();
    }

    /**
     * Runs {@code source} and returns the value of its last snippet if that snippet is an expression, else
     * {@link #NO_VALUE}. Throws a {@link CellError} at the first snippet that does not compile or throws; the
     * snippets before it stay defined.
     */
    Object eval(String source, String cell, int firstLine) {
        control.beginCell();
        interrupted = false;
        String rest = source;
        int consumed = 0;
        Object last = NO_VALUE;
        while (!rest.isBlank()) {
            if (interrupted) {
                throw Tracebacks.interrupted(new CellInterruptedException(false));
            }
            CompletionInfo info = analysis.analyzeCompletion(rest);
            Completeness completeness = info.completeness();
            if (completeness == Completeness.EMPTY) {
                break;
            }
            int leading = leadingWhitespace(rest);
            int line = firstLine + countLines(source, consumed + leading);
            if (completeness == Completeness.DEFINITELY_INCOMPLETE || completeness == Completeness.CONSIDERED_INCOMPLETE) {
                throw Tracebacks.incomplete(cell, line, rest.strip());
            }
            String snippetSource = completeness == Completeness.UNKNOWN ? rest : info.source();
            String remaining = completeness == Completeness.UNKNOWN ? "" : info.remaining();
            last = evalSnippet(snippetSource.strip(), new Origin(cell, line, snippetSource.strip()));
            consumed += rest.length() - remaining.length();
            rest = remaining;
        }
        return last;
    }

    /** Asks the running cell to stop: the engine's token is cancelled by the kernel, this ends waits and loops. */
    void interrupt() {
        interrupted = true;
        control.interruptCell();
    }

    private Object evalSnippet(String source, Origin origin) {
        List<SnippetEvent> events = shell.eval(source);
        Object value = NO_VALUE;
        List<String> warnings = new ArrayList<>();
        for (SnippetEvent event : events) {
            if (event.causeSnippet() != null) {
                continue;
            }
            Snippet snippet = event.snippet();
            origins.put(snippet.id(), origin);
            JShellException failure = event.exception();
            if (failure != null) {
                Throwable real = control.takeThrown();
                if (interrupted) {
                    throw Tracebacks.interrupted(real != null ? real : new CellInterruptedException(false));
                }
                if (failure instanceof UnresolvedReferenceException unresolved) {
                    throw Tracebacks.unresolved(shell, unresolved.getSnippet(), origin);
                }
                throw Tracebacks.runtime(failure instanceof EvalException eval ? eval : null, real, origins, origin);
            }
            switch (event.status()) {
                case REJECTED -> throw Tracebacks.compile(shell, snippet, origin);
                case RECOVERABLE_DEFINED, RECOVERABLE_NOT_DEFINED -> warnings.add(Tracebacks.recoverable(shell, snippet));
                default -> {
                }
            }
            if (displaysValue(snippet)) {
                Object v = control.takeValue(event.value());
                value = v == null ? NO_VALUE : v;
            }
        }
        warnings.forEach(w -> System.err.println(w));
        return value;
    }

    /** Expressions show their value (not assignments); so do JShell's temporary variables for expressions. */
    private static boolean displaysValue(Snippet snippet) {
        return switch (snippet.subKind()) {
            case VAR_VALUE_SUBKIND, OTHER_EXPRESSION_SUBKIND, TEMP_VAR_EXPRESSION_SUBKIND -> true;
            default -> false;
        };
    }

    /**
     * Whether {@code code} is ready to run: {@code "complete"}, {@code "invalid"}, or the indent for the next line
     * when a statement is still open.
     */
    String isComplete(String code) {
        String rest = code;
        while (!rest.isBlank()) {
            CompletionInfo info = analysis.analyzeCompletion(rest);
            switch (info.completeness()) {
                case COMPLETE, COMPLETE_WITH_SEMI -> rest = info.remaining();
                case EMPTY -> {
                    return "complete";
                }
                case UNKNOWN -> {
                    return "invalid";
                }
                default -> {
                    return nextIndent(code);
                }
            }
        }
        return "complete";
    }

    /** The completions at {@code cursor}: the candidate texts and the cell range they replace. */
    Completions complete(String code, int cursor) {
        int start = currentSnippetStart(code, cursor);
        String snippet = code.substring(start, cursor);
        int[] anchor = new int[1];
        List<Suggestion> suggestions = analysis.completionSuggestions(snippet, snippet.length(), anchor);
        if (suggestions.isEmpty() && start > 0) {
            // The last snippet alone may name a variable an earlier statement of this cell declares and JShell has
            // not seen yet (String s = "abc"; s.toUpperCa): analysed with the statements before it, it resolves.
            start = 0;
            suggestions = analysis.completionSuggestions(code.substring(0, cursor), cursor, anchor);
        }
        String typed = code.substring(Math.min(cursor, start + anchor[0]), cursor);
        boolean member = start + anchor[0] > 0 && code.charAt(start + anchor[0] - 1) == '.';
        Set<String> matches = new LinkedHashSet<>();
        suggestions.stream().filter(Suggestion::matchesType).forEach(s -> matches.add(s.continuation()));
        suggestions.forEach(s -> matches.add(s.continuation()));
        if (member) {
            matches.removeIf(m -> hiddenMember(m, typed));
        }
        return new Completions(List.copyOf(matches), start + anchor[0], cursor);
    }

    /**
     * Members every object has (Object's methods) or that only the kernel's display uses ({@code mimeBundle()},
     * {@code toPlainText()}): left out of a member completion unless the user has started typing that name.
     */
    private static final Set<String> PLUMBING = Set.of("getClass", "hashCode", "equals", "notify", "notifyAll", "wait",
            "mimeBundle", "mimeMetadata", "toPlainText");

    static boolean hiddenMember(String continuation, String typed) {
        int paren = continuation.indexOf('(');
        String name = paren < 0 ? continuation : continuation.substring(0, paren);
        return PLUMBING.contains(name) && (typed.isEmpty() || !name.startsWith(typed) || typed.length() < 2);
    }

    /** The candidates for a completion and the range {@code [start, end)} of the cell they replace. */
    record Completions(List<String> matches, int start, int end) {
    }

    /**
     * The signature and documentation of what is under {@code cursor}, or {@code null} if JShell knows nothing
     * there. Javadoc comes from the lab's own sources shipped in the kernel jar, or from the JDK's src.zip.
     */
    Inspection inspect(String code, int cursor) {
        int end = cursor;
        while (end < code.length() && Character.isJavaIdentifierPart(code.charAt(end))) {
            end++;
        }
        if (end < code.length() && code.charAt(end) == '(') {
            end++;
        }
        int start = currentSnippetStart(code, Math.min(end, code.length()));
        String snippet = code.substring(start, end);
        List<Documentation> found = analysis.documentation(snippet, snippet.length(), true);
        if (found.isEmpty() && !snippet.endsWith("(")) {
            found = analysis.documentation(snippet + "(", snippet.length() + 1, true);
        }
        if (found.isEmpty()) {
            return null;
        }
        List<Inspection.Entry> entries = new ArrayList<>();
        for (Documentation d : found) {
            String javadoc = d.javadoc();
            if (javadoc == null || javadoc.isBlank()) {
                javadoc = docs.javadocFor(d.signature());
            }
            entries.add(new Inspection.Entry(d.signature(), javadoc));
        }
        return new Inspection(entries);
    }

    /** Runs a start-up script (imports and helpers) as if it were a cell named {@code name}. */
    void runScript(String name, String script) {
        eval(script, name, 1);
    }

    /** Names of the variables, methods and types the cells defined so far, for {@code %vars}-style listings. */
    List<String> definitions() {
        List<String> names = new ArrayList<>();
        shell.variables().forEach(v -> names.add(v.typeName() + " " + v.name()));
        shell.methods().forEach(m -> names.add(m.name() + m.signature()));
        shell.types().forEach(t -> names.add(t.name()));
        return names;
    }

    /** The live value of the variable {@code name} the cells defined, or {@code null} if there is none. */
    Object valueOf(String name) {
        return shell.variables()
                .filter(v -> v.name().equals(name) && shell.status(v).isActive())
                .findFirst()
                .map(v -> control.takeValue(shell.varValue(v)))
                .orElse(null);
    }

    @Override
    public void close() {
        shell.close();
    }

    private int currentSnippetStart(String code, int cursor) {
        String rest = code.substring(0, cursor);
        int start = 0;
        while (!rest.isBlank()) {
            CompletionInfo info = analysis.analyzeCompletion(rest);
            if (!info.completeness().isComplete() || info.remaining().isEmpty()) {
                break;
            }
            start += rest.length() - info.remaining().length();
            rest = info.remaining();
        }
        return start + leadingWhitespace(rest);
    }

    private static String nextIndent(String code) {
        String[] lines = code.split("\n", -1);
        String lastLine = lines[lines.length - 1];
        String indent = lastLine.substring(0, leadingWhitespace(lastLine));
        String trimmed = lastLine.strip();
        if (trimmed.endsWith("{") || trimmed.endsWith("(")) {
            indent += "    ";
        }
        return indent;
    }

    static int leadingWhitespace(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    static int countLines(String s, int upTo) {
        int n = 0;
        for (int i = 0; i < upTo && i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }
}
