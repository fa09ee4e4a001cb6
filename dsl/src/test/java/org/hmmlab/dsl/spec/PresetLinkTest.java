package org.hmmlab.dsl.spec;

import static org.hmmlab.dsl.Lab.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hmmlab.dsl.Scenario;
import org.hmmlab.dsl.js.JsLab;
import org.hmmlab.dsl.json.JsonFormatException;
import org.hmmlab.dsl.json.ScenarioJson;
import org.hmmlab.dsl.script.JsScript;
import org.hmmlab.dsl.script.ScriptException;
import org.hmmlab.dsl.script.ScriptLimits;
import org.hmmlab.platform.Platform;
import org.junit.jupiter.api.Test;

/**
 * A ready platform on another PCIe link, {@code A100_PCIE4.withLink(gen(5), lanes(16))}, written three ways: the
 * same platform, the same refusal of a generation or width the specification lacks, and a faster link that makes
 * the same copies faster.
 */
class PresetLinkTest {

    static Scenario json(String platform) {
        return ScenarioJson.read("{\"name\": \"s\", \"platform\": " + platform + ", \"allocations\": [{\"name\": \"x\","
                + " \"size\": \"8MiB\"}], \"phases\": [{\"name\": \"k\", \"agent\": \"gpu0\", \"allocation\": \"x\","
                + " \"pattern\": {\"kind\": \"sequential\"}, \"footprint\": \"8MiB\", \"work\": 2048, \"concurrency\": 64,"
                + " \"accessSize\": \"4KiB\", \"writeFraction\": 0.0}]}");
    }

    static Scenario js(String calls) {
        List<Object> shown = new ArrayList<>();
        JsScript.load("s.js", "lab.show(lab.scenario('s')" + calls + ".alloc('x', '8MiB'))",
                Map.of("lab", new JsLab(shown::add)), ScriptLimits.DEFAULT, System.out).close();
        return ((JsLab.JsScenario) shown.get(0)).scenario();
    }

    @Test
    void theThreeFrontEndsGiveTheSamePlatform() {
        Platform java = A100_PCIE4.withLink(gen(5), lanes(16));
        assertEquals("A100 on PCIe Gen5 x16", java.name());
        Scenario fromJson = json("{\"preset\": \"A100_PCIE4\", \"gen\": 5, \"lanes\": 16}");
        assertEquals(java, fromJson.platform());
        assertEquals(java, js(".on('A100_PCIE4').link(5, 16)").platform());
        String written = ScenarioJson.write(fromJson);
        assertTrue(written.matches("(?s).*\"platform\" : \\{\\s*\"preset\" : \"A100_PCIE4\",\\s*\"gen\" : 5,\\s*\"lanes\" : 16\\s*}.*"),
                written);
        assertEquals(fromJson.platform(), ScenarioJson.read(written).platform(), "written and read back");
        assertEquals("\"A100_PCIE4\"", ScenarioJson.tree(json("\"A100_PCIE4\"")).get("platform").toString(),
                "a preset as it stands keeps its name");
    }

    @Test
    void aFasterLinkMovesTheSamePagesSooner() {
        Scenario base = scenario("copy").alloc("x", MiB(8)).cpu(phase("init").writes("x"))
                .gpu(kernel("k").reads("x").warps(64)).policy(onDemand()).seed(1);
        long gen4 = (Long) base.on(A100_PCIE4).run().summary().get("sim_time_ns");
        long gen5 = (Long) base.on(A100_PCIE4.withLink(gen(5), lanes(16))).run().summary().get("sim_time_ns");
        long x4 = (Long) base.on(A100_PCIE4.withLink(gen(4), lanes(4))).run().summary().get("sim_time_ns");
        assertTrue(gen5 < gen4, "Gen5 x16 " + gen5 + " ns, Gen4 x16 " + gen4 + " ns");
        assertTrue(x4 > gen4, "Gen4 x4 " + x4 + " ns, Gen4 x16 " + gen4 + " ns");
    }

    @Test
    void aGenerationOrWidthThePcieSpecificationLacksIsRefusedTheSameWay() {
        SpecException g = assertThrows(SpecException.class, () -> gen(7));
        assertEquals("link.gen must be one of 3, 4, 5, 6; got 7", g.getMessage());
        SpecException l = assertThrows(SpecException.class, () -> lanes(12));
        assertEquals("link.lanes must be one of 1, 2, 4, 8, 16; got 12", l.getMessage());
        JsonFormatException jg = assertThrows(JsonFormatException.class,
                () -> json("{\"preset\": \"A100_PCIE4\", \"gen\": 7, \"lanes\": 16}"));
        assertEquals("$.platform.gen: " + g.getMessage(), jg.getMessage());
        JsonFormatException jl = assertThrows(JsonFormatException.class,
                () -> json("{\"preset\": \"A100_PCIE4\", \"gen\": 5, \"lanes\": 12}"));
        assertEquals("$.platform.lanes: " + l.getMessage(), jl.getMessage());
        JsonFormatException jp = assertThrows(JsonFormatException.class,
                () -> json("{\"preset\": \"B200\", \"gen\": 5, \"lanes\": 16}"));
        assertEquals("$.platform.preset: preset must be one of V100_PCIE3, A100_PCIE4, H100_PCIE5, GTX1080TI_PCIE3, got 'B200'",
                jp.getMessage());
        ScriptException sg = assertThrows(ScriptException.class, () -> js(".link(7, 16)"));
        assertTrue(sg.getMessage().contains(g.getMessage()), sg.getMessage());
        ScriptException sl = assertThrows(ScriptException.class, () -> js(".link(5, 16.5)"));
        assertTrue(sl.getMessage().contains("link(gen, lanes): lanes must be a whole number, got 16.5"), sl.getMessage());
    }
}
