package org.hmmlab.dsl.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hmmlab.dsl.json.ScenarioJson;
import org.hmmlab.dsl.script.JsScript;
import org.hmmlab.dsl.script.ScriptException;
import org.hmmlab.dsl.script.ScriptLimits;
import org.junit.jupiter.api.Test;

/** The {@code lab} global of a JavaScript scenario: patterns written as short strings. */
class JsLabTest {

    /** The JSON of the scenario a script shows. */
    private static String shownScenario(String script) {
        List<Object> shown = new ArrayList<>();
        JsScript.load("s.js", script, Map.of("lab", new JsLab(shown::add)), ScriptLimits.DEFAULT, System.out).close();
        assertEquals(1, shown.size(), "shown values");
        return ScenarioJson.write(((JsLab.JsScenario) shown.get(0)).scenario());
    }

    @Test
    void gemmPatternsTakeTheTileAndOptionallyTheSide() {
        String tileOnly = shownScenario("lab.show(lab.scenario('mm').alloc('abc', '12MiB')"
                + ".gpu(lab.kernel('sgemm').reads('abc').pattern('gemm:32').accessSize('128B')))");
        assertTrue(tileOnly.matches("(?s).*\"kind\" : \"gemm\",\\s*\"tile\" : 32.*"), tileOnly);
        String both = shownScenario("lab.show(lab.scenario('mm').alloc('abc', '12MiB')"
                + ".gpu(lab.kernel('sgemm').reads('abc').pattern('gemm:1024:32').accessSize('128B')))");
        assertTrue(both.matches("(?s).*\"kind\" : \"gemm\",\\s*\"n\" : 1024,\\s*\"tile\" : 32.*"), both);
    }

    @Test
    void aBadGemmTextNamesTheForm() {
        ScriptException e = assertThrows(ScriptException.class, () -> shownScenario(
                "lab.show(lab.kernel('sgemm').pattern('gemm:32.5'))"));
        assertTrue(e.getMessage().contains("gemm:TILE needs whole numbers"), e.getMessage());
        ScriptException range = assertThrows(ScriptException.class, () -> shownScenario(
                "lab.show(lab.kernel('sgemm').pattern('gemm:100:32'))"));
        assertTrue(range.getMessage().contains("gemm n must be 0 (from the footprint) or a multiple of tile (32)"),
                range.getMessage());
    }

    @Test
    void aSweepDescribedAsDataIsTheSameSweepInJavaScriptJavaAndJson() {
        List<Object> shown = new ArrayList<>();
        JsScript.load("grid.js", """
                const base = lab.scenario("scan").on("A100_PCIE4").vram("8MiB").engine("residency-model")
                    .policy("on-demand").accessCounters(4, "64KiB").alloc("x", "16MiB")
                    .cpu(lab.phase("init").writes("x")).gpu(lab.kernel("scan").reads("x").passes(2).warps(64));
                const grid = lab.sweep(base).vary("policy.placement.threshold", [1, 8]).vary("vram", ["4MiB", "32MiB"])
                    .columns(["faults", "evictions"]).seed(7);
                lab.show(grid);
                lab.show(base);
                lab.show(grid.run());
                """, Map.of("lab", new JsLab(shown::add)), ScriptLimits.DEFAULT, System.out).close();
        JsLab.JsGrid grid = (JsLab.JsGrid) shown.get(0);
        org.hmmlab.dsl.Scenario base = ((JsLab.JsScenario) shown.get(1)).scenario();
        var java = org.hmmlab.dsl.grid.Grids.sweep(base).vary("policy.placement.threshold", 1, 8)
                .vary("vram", org.hmmlab.dsl.Lab.MiB(4), org.hmmlab.dsl.Lab.MiB(32)).columns("faults", "evictions").seed(7);
        assertEquals(java.toJson(), grid.toJson());
        assertEquals(java.toJson(), org.hmmlab.dsl.grid.SweepJson.read(grid.toJson(), null).toJson());
        var table = (org.hmmlab.dsl.results.Table) shown.get(2);
        assertEquals(List.of("threshold", "vram_bytes", "faults", "evictions"), table.columnNames());
        assertEquals(java.run().table().toCsv(), table.toCsv());
    }
}
