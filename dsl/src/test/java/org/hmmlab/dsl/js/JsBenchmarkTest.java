package org.hmmlab.dsl.js;

import static org.hmmlab.dsl.Lab.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hmmlab.dsl.Scenario;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.dsl.script.JsScript;
import org.hmmlab.dsl.script.ScriptException;
import org.hmmlab.dsl.script.ScriptLimits;
import org.junit.jupiter.api.Test;

/** The benchmark catalogue from a JavaScript scenario: the same phases and device memory as the Java DSL's. */
class JsBenchmarkTest {

    private static List<Object> shown(String script) {
        List<Object> shown = new ArrayList<>();
        JsScript.load("b.js", script, Map.of("lab", new JsLab(shown::add)), ScriptLimits.DEFAULT, System.out).close();
        return shown;
    }

    @Test
    void aBenchmarkAndItsOversubscriptionAreTheJavaDslsOnes() {
        Scenario js = ((JsLab.JsScenario) shown("lab.show(lab.scenario('h').on('V100_PCIE3').benchmark('hotspot')"
                + ".oversubscribe(1.25))").getFirst()).scenario();
        Scenario java = scenario("h").on(V100_PCIE3).benchmark("hotspot").oversubscribe(1.25);
        assertEquals(java.phases(), js.phases());
        assertEquals(java.platform(), js.platform());
        Scenario coarse = ((JsLab.JsScenario) shown("lab.show(lab.scenario('h').benchmark('hotspot', '4KiB'))")
                .getFirst()).scenario();
        assertEquals(scenario("h").benchmark(benchmark("hotspot").accessSize(KiB(4))).phases(), coarse.phases());
    }

    @Test
    void theCatalogueIsATable() {
        Table t = (Table) shown("lab.show(lab.benchmarks())").getFirst();
        assertEquals(9, t.rowCount());
    }

    @Test
    void badInputNamesTheCallAndTheCatalogue() {
        ScriptException name = assertThrows(ScriptException.class,
                () -> shown("lab.show(lab.scenario('x').benchmark('lud'))"));
        assertTrue(name.getMessage().contains("benchmarks: backprop, bfs, fdtd-2d"), name.getMessage());
        ScriptException ratio = assertThrows(ScriptException.class,
                () -> shown("lab.show(lab.scenario('x').benchmark('nw').oversubscribe(0.8))"));
        assertTrue(ratio.getMessage().contains("oversubscribe(ratio): ratio must be in [1, 1000]"), ratio.getMessage());
        ScriptException text = assertThrows(ScriptException.class,
                () -> shown("lab.show(lab.scenario('x').benchmark('nw').oversubscribe('1.1'))"));
        assertTrue(text.getMessage().contains("ratio must be a number"), text.getMessage());
    }
}
