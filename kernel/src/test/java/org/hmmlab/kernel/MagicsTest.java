package org.hmmlab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.hmmlab.dsl.script.JsScript;
import org.hmmlab.platform.Platform;
import org.hmmlab.platform.Platforms;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Line and cell magics run in order with the cell's Java, against a real JShell. */
class MagicsTest {

    private static CellEvaluator shell;
    private static final Magics MAGICS = new Magics();

    @BeforeAll
    static void start() {
        shell = new CellEvaluator();
    }

    @AfterAll
    static void stop() {
        shell.close();
    }

    @Test
    void lineMagicsAndJavaRunTopToBottom(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("helpers.jsh");
        Files.writeString(script, "int twice(int x) { return 2 * x; }\n");
        Object v = MAGICS.run("int base = 20;\n%load " + script + "\ntwice(base) + 2", shell, "cell [1]");
        assertEquals(42, v);
    }

    @Test
    void helpListsTheLabsEntryPointsAsWellAsTheMagics() throws Exception {
        String help = String.valueOf(MAGICS.run("%help", shell, "cell [9]"));
        for (String entry : java.util.List.of("%lsmagic", "%%js", "scenario(name)", "param(name", "sweep(p", "Charts",
                "machine()", "calibration()")) {
            assertTrue(help.contains(entry), entry + " missing from %help:\n" + help);
        }
    }

    @Test
    void platformMagicBindsTheReadyProfile() throws Exception {
        Object shown = MAGICS.run("%platform A100_PCIE4", shell, "cell [2]");
        assertTrue(shown.toString().contains("\"gen\": 4"), shown.toString());
        assertEquals(Platforms.A100_PCIE4, assertInstanceOf(Platform.class, shell.valueOf("platform")));
        CellError e = assertThrows(CellError.class, () -> MAGICS.run("%nosuch", shell, "cell [3]"));
        assertEquals("UnknownMagic", e.name());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> MAGICS.run("%platform Z80", shell, "cell [4]"));
        assertTrue(bad.getMessage().contains("A100_PCIE4"), bad.getMessage());
    }

    @Test
    void jsCellMagicChecksTheScriptAndBindsItsSource() throws Exception {
        MAGICS.run("%%js policy\nfunction threshold(pages) { return pages > 256 ? 1 : 0; }", shell, "cell [5]");
        String source = assertInstanceOf(String.class, shell.valueOf("policy"));
        try (JsScript script = JsScript.load("policy.js", source)) {
            assertEquals(1, script.function("threshold").callLong(300));
        }
        assertEquals(1L, MAGICS.run("org.hmmlab.dsl.script.JsScript.load(\"p.js\", policy).function(\"threshold\").callLong(512)",
                shell, "cell [6]"));
    }

    @Test
    void jsCellsSeeTheScenarioApiAsLab() throws Exception {
        MAGICS.run("%%js\nvar s = lab.scenario(\"tiny\").engine(\"residency-model\").alloc(\"x\", \"4MiB\")"
                + ".gpu(lab.kernel(\"k\").reads(\"x\"));", shell, "cell [8]");
        CellError e = assertThrows(CellError.class,
                () -> MAGICS.run("%%js\nlab.scenario(\"bad\").alloc(\"x\", \"-4MiB\");", shell, "cell [9]"));
        assertEquals("ScriptError", e.name());
    }

    @Test
    void jsErrorsPointAtTheCellLine() {
        CellError e = assertThrows(CellError.class,
                () -> MAGICS.run("%%js\nvar ok = 1;\nnotDefined();", shell, "cell [7]"));
        assertEquals("ScriptError", e.name());
        assertTrue(String.join("\n", e.traceback()).contains("cell [7] line 3"), String.join("\n", e.traceback()));
    }

    @Test
    void historyGlobMatchesLikeSqlite() {
        assertTrue(CellHistory.globToRegex("6 * 7").matcher("6 * 7").matches());
        assertTrue(CellHistory.globToRegex("a?c").matcher("abc").matches());
        assertTrue(!CellHistory.globToRegex("a[^b]c").matcher("abc").matches());
    }
}
