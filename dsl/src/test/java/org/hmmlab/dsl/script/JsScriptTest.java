package org.hmmlab.dsl.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.graalvm.polyglot.HostAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JavaScript sandbox: what a script may reach, the budgets, and errors that point at the line. */
class JsScriptTest {

    /** A host object with one exported and one hidden method. */
    public static final class Counters {
        private long faults = 7;

        @HostAccess.Export
        public long faults() {
            return faults;
        }

        public void reset() {
            faults = 0;
        }
    }

    @Test
    void callsAFunctionWithArguments() {
        try (JsScript s = JsScript.load("policy.js", "function decide(count, threshold) { return count >= threshold; }")) {
            JsFunction f = s.function("decide");
            assertTrue(f.callBoolean(300, 256));
            assertEquals(false, f.callBoolean(3, 256));
        }
    }

    @Test
    void seesOnlyExportedMembersOfGlobals() {
        Counters c = new Counters();
        try (JsScript s = JsScript.load("c.js", "function f() { return counters.faults(); }\nfunction g() { counters.reset(); }",
                Map.of("counters", c), ScriptLimits.DEFAULT)) {
            assertEquals(7, s.function("f").callLong());
            ScriptException e = assertThrows(ScriptException.class, () -> s.function("g").call());
            assertEquals(2, e.line(), e.getMessage());
            assertEquals(7, c.faults(), "the hidden method did not run");
        }
    }

    @Test
    void hasNoJavaClassLookupNoIoNoThreads() {
        try (JsScript s = JsScript.load("evil.js", """
                function javaType() { return Java.type('java.lang.System'); }
                function packages() { return java.lang.System.getProperty('user.home'); }
                function load2() { return load('/etc/passwd'); }
                """)) {
            assertThrows(ScriptException.class, () -> s.function("javaType").call());
            assertThrows(ScriptException.class, () -> s.function("packages").call());
            assertThrows(ScriptException.class, () -> s.function("load2").call());
        }
    }

    /**
     * Every way out of the sandbox tried against it (issue 18's hostile review): host classes, the shell's loaders,
     * modules, other languages, prototype and reflection tricks on an exported object, runaway recursion and
     * allocations too large for the host. Each must end in a ScriptException, with the JVM and the host object intact.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "Java.type('java.lang.Runtime').getRuntime().exit(0)",
        "Java.type('java.lang.Class').forName('java.lang.System')",
        "Packages.java.lang.System.exit(0)",
        "java.lang.Runtime.getRuntime().halt(0)",
        "Java.extend(Java.type('java.lang.Thread'))",
        "load('/etc/passwd')",
        "load('nashorn:mozilla_compat.js')",
        "require('fs').readFileSync('/etc/passwd')",
        "readFully('/etc/passwd')",
        "Polyglot.eval('python', 'import os')",
        "Polyglot.import('counters')",
        "counters.getClass().forName('java.lang.Runtime')",
        "counters.getClass().getClassLoader()",
        "counters.reset()",
        "counters['reset']()",
        "counters.faults.getClass()",
        "Object.getPrototypeOf(counters).reset.call(counters)",
        "counters.constructor.constructor('return Java')().type('java.lang.System')",
        "Function('return this')().Java.type('java.lang.System')",
        "Object.getOwnPropertyNames(this).filter(n => /java|Packages|Graal/i.test(n)).map(n => this[n].type('java.lang.System'))[0].exit(0)",
        "new Worker('evil.js')",
        "quit(0)",
        "(function f() { return f() + 1; })()",
        "'x'.repeat(2 ** 31)",
        "new Array(2 ** 32)",
        "new ArrayBuffer(2 ** 40)",
    })
    void escapeAttemptsEndInAScriptError(String attempt) {
        Counters c = new Counters();
        try (JsScript s = JsScript.load("escape.js", "function attempt() { return " + attempt + "; }\n"
                        + "function attemptIsGone() { return counters.faults(); }",
                Map.of("counters", c), ScriptLimits.DEFAULT)) {
            assertThrows(ScriptException.class, () -> s.function("attempt").call(), attempt);
            assertEquals(7, c.faults(), "the hidden reset() did not run");
            assertEquals(7, s.function("attemptIsGone").callLong(), "the context still works");
        } catch (ScriptException loadFailed) {
            throw new AssertionError("the script should load: " + loadFailed.getMessage(), loadFailed);
        }
    }

    @Test
    void errorsNameTheScriptAndLine() {
        ScriptException syntax = assertThrows(ScriptException.class,
                () -> JsScript.load("bad.js", "function ok() { return 1; }\nfunction broken( { }"));
        assertEquals(2, syntax.line(), syntax.getMessage());
        assertTrue(syntax.getMessage().startsWith("bad.js:2: "), syntax.getMessage());
        try (JsScript s = JsScript.load("throws.js", "function a() {\n  return 1;\n}\nfunction b() {\n  throw new Error('no page');\n}")) {
            ScriptException e = assertThrows(ScriptException.class, () -> s.function("b").call());
            assertEquals(5, e.line());
            assertTrue(e.getMessage().contains("no page"), e.getMessage());
        }
    }

    @Test
    void aRunawayLoopStopsAtTheStatementBudget() {
        try (JsScript s = JsScript.load("loop.js", "function spin() { while (true) {} }", Map.of(),
                ScriptLimits.DEFAULT.statements(10_000))) {
            ScriptException e = assertThrows(ScriptException.class, () -> s.function("spin").call());
            assertTrue(e.getMessage().contains("10000 statements"), e.getMessage());
        }
    }

    @Test
    void aLongCallStopsAtTheTimeBudget() {
        try (JsScript s = JsScript.load("slow.js", "function spin() { while (true) {} }", Map.of(),
                new ScriptLimits(1_000_000_000_000L, Duration.ofMillis(100)))) {
            ScriptException e = assertThrows(ScriptException.class, () -> s.function("spin").call());
            assertTrue(e.getMessage().contains("longer than 100 ms"), e.getMessage());
        }
    }

    @Test
    void anInterruptOfTheFrontEndStopsARunawayTopLevelWithinASecond() throws Exception {
        org.hmmlab.sim.CancellationToken token = new org.hmmlab.sim.CancellationToken();
        Thread interrupter = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            token.cancel();
        });
        interrupter.start();
        long started = System.nanoTime();
        ScriptException e = assertThrows(ScriptException.class, () -> JsScript.load("spin.js", "while (true) {}",
                Map.of(), new ScriptLimits(1_000_000_000_000L, Duration.ofMinutes(10)), System.out, token));
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        interrupter.join();
        assertTrue(e.getMessage().startsWith("spin.js") && e.getMessage().endsWith(": interrupted"), e.getMessage());
        assertTrue(e.getCause() instanceof org.hmmlab.sim.SimulationCancelledException);
        assertTrue(tookMs < 300 + 1000, "stopped " + (tookMs - 300) + " ms after the interrupt");
    }

    @Test
    void anInterruptStopsACallInAScriptLoadedEarlier() {
        org.hmmlab.sim.CancellationToken token = new org.hmmlab.sim.CancellationToken();
        // a statement budget far beyond what 200 ms can run, so only the interrupt can stop the call
        try (JsScript s = JsScript.load("policy.js", "function spin() { while (true) {} }", Map.of(),
                new ScriptLimits(1_000_000_000_000L, Duration.ofMinutes(1)), System.out, token)) {
            new Thread(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                token.cancel();
            }).start();
            ScriptException e = assertThrows(ScriptException.class, () -> s.function("spin").call());
            assertTrue(e.getMessage().endsWith("interrupted"), e.getMessage());
            ScriptException again = assertThrows(ScriptException.class, () -> s.function("spin").call());
            assertTrue(again.getMessage().endsWith("interrupted"), "a cancelled run stays cancelled: " + again.getMessage());
        }
    }

    @Test
    void missingFunctionIsNamed() {
        try (JsScript s = JsScript.load("p.js", "var decide = 3;")) {
            ScriptException e = assertThrows(ScriptException.class, () -> s.function("decide"));
            assertTrue(e.getMessage().contains("must define a function 'decide'"), e.getMessage());
        }
    }

    @Test
    void limitsRefuseOutOfRangeValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScriptLimits.DEFAULT.statements(5));
        assertTrue(e.getMessage().contains("statementsPerCall must be in [1000"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ScriptLimits.DEFAULT.time(Duration.ZERO));
    }
}
