package org.hmmlab.kernel;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.function.BooleanSupplier;

import jdk.jshell.JShell;

/**
 * Warms JShell's compiler off the critical path: after start-up, a throwaway JShell in the kernel's JVM compiles a
 * few typical snippets while no cell runs, so that the JIT has compiled javac before the user's cells need it.
 *
 * <p>Why: a cell's time is almost all javac (parse, attribute, generate) running inside JShell, and a fresh JVM runs
 * javac interpreted at first: the kernel's first cells took 200-400 ms and only reached 20-30 ms after about twenty
 * cells. The throwaway shell shares nothing with the user's (its own snippets, its own class loader), only the JVM's
 * compiled code, so the user's session is unchanged. It gives way to cells: it compiles only after the kernel has
 * been idle for {@link #PAUSE_NANOS} (the kernel's busy test), and stops after {@link #SNIPPETS} snippets or
 * {@link #BUDGET_NANOS} of wall time.
 */
final class CompilerWarmup {

    /** Snippets compiled and run in all: about what it takes for javac's hot paths to be compiled. */
    static final int SNIPPETS = 60;
    /** Wall-time budget: the warm-up never outlives the first minute of a session by much. */
    static final long BUDGET_NANOS = 60_000_000_000L;
    /** How long the kernel must have been idle after a cell before the warm-up compiles: a user's pause. */
    static final long PAUSE_NANOS = 500_000_000L;
    /** A fresh throwaway shell every this many snippets, so it stays as small as a new session's. */
    private static final int SHELL_LIFE = 15;

    /** The kinds of snippet a session has: expressions, declarations, methods, lambdas, the DSL's builders. */
    static final List<String> SAMPLE = List.of(
            "2 + 2",
            "var warm = new java.util.ArrayList<Integer>(java.util.List.of(1, 2, 3));",
            "warm.stream().mapToInt(i -> i * 2).sum()",
            "int twice(int a) { return 2 * a; }",
            "twice(warm.size())",
            "String.format(\"%d pages\", twice(21))");

    private CompilerWarmup() {
    }

    /**
     * Runs the warm-up on the calling thread; returns how many snippets it compiled. {@code busy} says when to
     * wait; {@code extraImports} (the DSL's static import, when present) are declared in every throwaway shell.
     */
    static int run(BooleanSupplier busy, List<String> extraImports, int snippets, long budgetNanos) {
        long start = System.nanoTime();
        int done = 0;
        JShell shell = null;
        try {
            while (done < snippets && System.nanoTime() - start < budgetNanos) {
                if (busy.getAsBoolean()) {
                    Thread.sleep(20);
                    continue;
                }
                if (shell == null || done % SHELL_LIFE == 0) {
                    if (shell != null) {
                        shell.close();
                    }
                    shell = JShell.builder().executionEngine("local").compilerOptions("-Xlint:none", "-proc:none")
                            .out(new PrintStream(OutputStream.nullOutputStream()))
                            .err(new PrintStream(OutputStream.nullOutputStream())).build();
                    for (String imp : extraImports) {
                        shell.eval(imp);
                    }
                }
                shell.eval(SAMPLE.get(done % SAMPLE.size()));
                done++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | LinkageError e) {
            // A warm-up that fails costs only speed: the user's cells compile as before.
        } finally {
            if (shell != null) {
                shell.close();
            }
        }
        return done;
    }
}
