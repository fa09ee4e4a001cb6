package org.hmmlab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The compiler warm-up compiles its snippets in a throwaway shell and gives way to cells. */
class CompilerWarmupTest {

    @Test
    void compilesEverySampleSnippetWhileNoCellRuns() {
        int n = CompilerWarmup.SAMPLE.size() + 1;
        assertEquals(n, CompilerWarmup.run(() -> false, List.of("import static org.hmmlab.dsl.Lab.*;"), n,
                60_000_000_000L));
    }

    @Test
    void compilesNothingWhileACellRuns() {
        assertEquals(0, CompilerWarmup.run(() -> true, List.of(), 10, 200_000_000L));
    }

    @Test
    void everySampleSnippetCompilesAndRuns() {
        try (var shell = jdk.jshell.JShell.builder().executionEngine("local").build()) {
            for (String s : CompilerWarmup.SAMPLE) {
                for (var e : shell.eval(s)) {
                    assertEquals(jdk.jshell.Snippet.Status.VALID, e.status(), s);
                    assertEquals(null, e.exception(), s);
                }
            }
        }
    }
}
