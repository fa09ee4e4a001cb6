package org.hmmlab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.hmmlab.dsl.Cancellation;
import org.hmmlab.sim.CancellationToken;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The evaluator on a real JShell in this JVM: values, errors at cell lines, editor answers, interrupts. */
class CellEvaluatorTest {

    private static CellEvaluator shell;

    @BeforeAll
    static void start() {
        shell = new CellEvaluator();
        shell.runScript("startup.jsh", "import org.hmmlab.units.*;\nimport static org.hmmlab.dsl.Lab.*;");
    }

    @AfterAll
    static void stop() {
        shell.close();
    }

    private static String plain(CellError e) {
        return String.join("\n", e.traceback()).replaceAll("\u001b\\[[0-9;]*m", "");
    }

    @Nested
    class Values {
        @Test
        void lastExpressionIsTheLiveObjectNotItsText() {
            Object v = shell.eval("var xs = new java.util.ArrayList<Bytes>();\nxs.add(MiB(2));\nxs", "cell [1]", 1);
            List<?> list = assertInstanceOf(List.class, v);
            assertEquals(Bytes.MiB(2), list.get(0));
        }

        @Test
        void statementsAndDeclarationsShowNothing() {
            assertSame(CellEvaluator.NO_VALUE, shell.eval("int quiet = 3;", "cell [2]", 1));
            assertSame(CellEvaluator.NO_VALUE, shell.eval("System.out.print(\"\");", "cell [3]", 1));
            assertSame(CellEvaluator.NO_VALUE, shell.eval("quiet = 4", "cell [4]", 1));
        }

        @Test
        void aVariableAloneShowsItsValue() {
            shell.eval("var named = KiB(64);", "cell [5]", 1);
            assertEquals(Bytes.KiB(64), shell.eval("named", "cell [6]", 1));
            assertEquals(Bytes.KiB(64), shell.valueOf("named"));
        }
    }

    @Nested
    class Errors {
        @Test
        void compileErrorQuotesTheCellLineWithACaret() {
            CellError e = assertThrows(CellError.class,
                    () -> shell.eval("int a = 1;\n\nint b = nosuch + a;", "cell [7]", 1));
            assertEquals("CompileError", e.name());
            String text = plain(e);
            assertTrue(text.contains("cell [7] line 3"), text);
            assertTrue(text.contains("    int b = nosuch + a;\n            ^~~~~~"), text);
        }

        @Test
        void runtimeErrorNamesTheExceptionAndTheCellLineAndHidesTheKernel() {
            CellError e = assertThrows(CellError.class,
                    () -> shell.eval("int c = 1;\nMiB(-1)", "cell [8]", 1));
            assertEquals("IllegalArgumentException", e.name());
            assertTrue(e.getMessage().startsWith("MiB(n): n is negative (-1); a size is zero or more"), e.getMessage());
            String text = plain(e);
            assertTrue(text.contains("at cell [8] line 2: MiB(-1)"), text);
            assertTrue(!text.contains("org.hmmlab."), "a refused value needs only its message and the cell's line: " + text);
            assertTrue(!text.contains("jdk.jshell") && !text.contains("org.hmmlab.kernel") && !text.contains("reflect"), text);
        }

        @Test
        void anExceptionFromOtherCodeKeepsItsFrames() {
            CellError e = assertThrows(CellError.class, () -> shell.eval("Integer.parseInt(\"x\")", "cell [12]", 1));
            String text = plain(e);
            assertTrue(text.contains("at java.base/java.lang.Integer.parseInt(") || text.contains("at java.lang.Integer.parseInt("),
                    text);
            assertTrue(text.contains("at cell [12] line 1"), text);
        }

        @Test
        void snippetsBeforeTheFailingOneStayDefined() {
            assertThrows(CellError.class, () -> shell.eval("int kept = 9;\nthrow new RuntimeException(\"x\");", "cell [9]", 1));
            assertEquals(9, shell.eval("kept", "cell [10]", 1));
        }

        @Test
        void aCellEndingInsideAStatementSaysSo() {
            CellError e = assertThrows(CellError.class, () -> shell.eval("int d = 1;\nMath.max(1,", "cell [11]", 1));
            assertTrue(plain(e).contains("cell [11] line 2"), plain(e));
        }
    }

    @Nested
    class Editor {
        @Test
        void isCompleteAnswersLikeAConsole() {
            assertEquals("complete", shell.isComplete("int x = 1;\nx + 1"));
            assertEquals("invalid", shell.isComplete(")"));
            assertEquals("    ", shell.isComplete("for (int i = 0; i < 3; i++) {"));
        }

        @Test
        void completionReplacesTheWordInTheLastSnippetOfTheCell() {
            String code = "int y = 2;\nMath.toRad";
            CellEvaluator.Completions c = shell.complete(code, code.length());
            assertEquals(List.of("toRadians("), c.matches());
            assertEquals(code.indexOf("toRad"), c.start());
            assertEquals(code.length(), c.end());
        }

        @Test
        void completionSeesAVariableDeclaredEarlierInTheSameCell() {
            String code = "String s = \"abc\"; s.toUpperCa";
            CellEvaluator.Completions c = shell.complete(code, code.length());
            assertEquals(List.of("toUpperCase("), c.matches());
            assertEquals(code.indexOf("toUpperCa"), c.start());
        }

        @Test
        void memberCompletionLeavesOutObjectsMethodsAndDisplayPlumbing() {
            String code = "var freshTable = org.hmmlab.dsl.results.Table.of(\"t\", org.hmmlab.dsl.results.Column.longs(\"x\", 1));\nfreshTable.";
            List<String> all = shell.complete(code, code.length()).matches();
            assertTrue(all.contains("select("), all.toString());
            for (String hidden : List.of("mimeBundle()", "toPlainText()", "getClass()", "hashCode()", "notify()", "wait(")) {
                assertTrue(!all.contains(hidden), hidden + " offered: " + all);
            }
            assertEquals(List.of("hashCode()"), shell.complete(code + "hash", code.length() + 4).matches(),
                    "typed, an Object method completes as usual");
        }

        @Test
        void inspectionShowsTheJavadocOfTheLabsOwnMethods() {
            Inspection found = shell.inspect("doublings", 3);
            assertNotNull(found);
            String text = found.plainText();
            assertTrue(text.contains("doublings(Bytes from, Bytes to)"), text);
            assertTrue(text.contains("doubling each step"), text);
        }
    }

    @Test
    void interruptCancelsAWaitingCellAndTheKernelCarriesOn() throws Exception {
        CancellationToken token = Cancellation.begin();
        CompletableFuture<Throwable> run = CompletableFuture.supplyAsync(() -> {
            try {
                shell.eval("var t = org.hmmlab.dsl.Cancellation.current();\nwhile (true) { t.throwIfCancelled(); Thread.onSpinWait(); }",
                        "cell [12]", 1);
                return null;
            } catch (Throwable e) {
                return e;
            }
        });
        try {
            Thread.sleep(300);
            token.cancel();
            shell.interrupt();
            CellError e = assertInstanceOf(CellError.class, run.get(10, TimeUnit.SECONDS));
            assertEquals("Interrupted", e.name());
        } finally {
            // as the kernel does before each cell: the cancelled token must not stay current for the test classes
            // that run in this JVM after this one (their runs would stop "at your interrupt")
            Cancellation.begin();
        }
        assertEquals(5, shell.eval("2 + 3", "cell [13]", 1));
    }

    /** The cell guard (CellBytecode, CellGuard) in-process: what no cell may call, and loops that must stop. */
    @Nested
    class Guard {
        @Test
        void exitHaltAndTheirRelativesAreRefusedAtTheCall() {
            String[] cells = {
                "System.exit(1);",
                "Runtime.getRuntime().halt(0);",
                "System.class.getMethod(\"exit\", int.class).invoke(null, 0);",
                "java.util.function.IntConsumer bye = System::exit;\nbye.accept(0);",
                "java.lang.invoke.MethodHandles.lookup().findVirtual(Runtime.class, \"exit\",\n"
                        + "    java.lang.invoke.MethodType.methodType(void.class, int.class)).invoke(Runtime.getRuntime(), 0);",
            };
            for (String cell : cells) {
                CellError e = assertThrows(CellError.class, () -> shell.eval(cell, "cell [20]", 1), cell);
                assertTrue(plain(e).contains("is refused in a notebook cell"), plain(e));
            }
            assertEquals(5, shell.eval("2 + 3", "cell [21]", 1), "the JVM is still here");
        }

        @Test
        void aCellThatOnlyMentionsExitInABranchItDoesNotTakeRuns() {
            assertEquals(7, shell.eval("int code = 7;\nif (code < 0) System.exit(code);\ncode", "cell [22]", 1));
        }

        @Test
        void interruptStopsALoopThatChecksNothing() throws Exception {
            CompletableFuture<Throwable> run = CompletableFuture.supplyAsync(() -> {
                try {
                    shell.eval("long n = 0;\nwhile (n >= 0) { n = n + 1 - 1; }", "cell [23]", 1);
                    return null;
                } catch (Throwable e) {
                    return e;
                }
            });
            Thread.sleep(300);
            long interrupted = System.nanoTime();
            shell.interrupt();
            CellError e = assertInstanceOf(CellError.class, run.get(10, TimeUnit.SECONDS));
            long tookMs = (System.nanoTime() - interrupted) / 1_000_000;
            assertEquals("Interrupted", e.name());
            assertTrue(tookMs < 1_000, "stopped " + tookMs + " ms after the interrupt");
            assertTrue(!e.getMessage().contains("background"), e.getMessage());
            assertEquals(5, shell.eval("2 + 3", "cell [24]", 1));
        }
    }
}
