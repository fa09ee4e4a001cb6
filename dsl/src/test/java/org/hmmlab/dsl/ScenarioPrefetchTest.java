package org.hmmlab.dsl;

import static org.hmmlab.dsl.Lab.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hmmlab.dsl.js.JsLab;
import org.hmmlab.dsl.json.JsonFormatException;
import org.hmmlab.dsl.json.ScenarioJson;
import org.hmmlab.dsl.script.JsScript;
import org.hmmlab.dsl.script.ScriptException;
import org.hmmlab.dsl.script.ScriptLimits;
import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.RunResult;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.UserPrefetch;
import org.junit.jupiter.api.Test;

/**
 * {@code scenario(...).prefetchToGpu("x")}: an explicit prefetch to the GPU ({@code cudaMemPrefetchAsync}) between
 * phases, cut as GPGPU-Sim UVMSmart's {@code gmmu_t::cycle()} cuts it ({@code UserPrefetchPlan}), from Java, JSON
 * and JavaScript.
 */
class ScenarioPrefetchTest {

    static final Scenario PREFETCHED = scenario("prefetched").policy(onDemand()).alloc("x", MiB(8))
            .cpu(phase("init").writes("x"))
            .prefetchToGpu("x")
            .gpu(kernel("scan").reads("x"));

    @Test
    void aPrefetchTakesItsPlaceAndTheKernelAfterItDoesNotFault() {
        assertEquals(List.of(new UserPrefetch("x", Bytes.ZERO, MiB(8), 0, 1)), PREFETCHED.prefetches());
        assertEquals(PREFETCHED.prefetches(), PREFETCHED.renamed("b").seed(3).vram(MiB(64)).prefetches(),
                "variants keep the prefetch");
        RunResult r = PREFETCHED.run().timing();
        assertEquals(0, r.count(Counter.FAULTS));
        assertEquals(2048, r.count(Counter.PAGES_TO_DEVICE));
        assertEquals(List.of("init", "prefetch x", "scan"), r.phases().stream().map(RunResult.PhaseTiming::name)
                .toList());
        var residency = scenario("r").policy(onDemand()).engine(RESIDENCY_MODEL).alloc("x", MiB(8))
                .cpu(phase("init").writes("x")).prefetchToGpu("x", MiB(2), MiB(4)).gpu(kernel("scan").reads("x")).run();
        assertEquals(1024L, residency.summary().get("faults"), "the 4 MiB prefetched do not fault");
    }

    @Test
    void withoutAPrefetchEveryResultIsAsBefore() {
        Scenario plain = scenario("plain").policy(onDemand()).alloc("x", MiB(8)).cpu(phase("init").writes("x"))
                .gpu(kernel("scan").reads("x"));
        assertEquals(List.of(), plain.prefetches());
        assertEquals(plain.workload(), new org.hmmlab.workload.Workload(plain.allocations(), plain.phases(),
                plain.frees()));
        assertTrue(plain.run().timing().count(Counter.FAULTS) > 0);
    }

    @Test
    void badRangesAreRefusedAtTheCallNamingTheParameter() {
        Scenario s = scenario("bad").alloc("x", MiB(8)).cpu(phase("init").writes("x"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.prefetchToGpu("x", MiB(6), MiB(4)));
        assertEquals("prefetchToGpu(\"x\", offset, size): offset + size must be <= the size of 'x' rounded to pages"
                + " (8 MiB), got 6 MiB + 4 MiB", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.prefetchToGpu("x", KiB(2), MiB(1)));
        assertTrue(e.getMessage().contains("offset must be a multiple of 4 KiB"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.prefetchToGpu("x", Bytes.ZERO, KiB(6)));
        assertTrue(e.getMessage().contains("size must be a multiple of 4 KiB"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.prefetchToGpu("y"));
        assertTrue(e.getMessage().contains("'y' is not allocated; allocations: [x]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.free("x").prefetchToGpu("x"));
        assertTrue(e.getMessage().contains("prefetched after it is freed"), e.getMessage());
    }

    @Test
    void inJsonItIsAnElementOfThePhasesThatRoundTrips() {
        Scenario ranged = scenario("ranged").policy(onDemand()).alloc("x", MiB(8)).cpu(phase("init").writes("x"))
                .prefetchToGpu("x").prefetchToGpu("x", MiB(2), MiB(4)).gpu(kernel("scan").reads("x"));
        String json = ScenarioJson.write(ranged);
        assertTrue(json.contains("\"prefetchToGpu\" : \"x\"\n") && json.contains("\"offset\" : \"2MiB\""), json);
        Scenario back = ScenarioJson.read(json);
        assertEquals(json, ScenarioJson.write(back));
        assertEquals(ranged.prefetches(), back.prefetches());
        JsonFormatException e = assertThrows(JsonFormatException.class, () -> ScenarioJson.read(
                json.replace("\"offset\" : \"2MiB\"", "\"offset\" : \"6MiB\"")));
        assertEquals("$.phases[2]", e.path(), e.getMessage());
        assertTrue(e.getMessage().contains("offset + size must be <="), e.getMessage());
        e = assertThrows(JsonFormatException.class, () -> ScenarioJson.read(
                json.replace("\"offset\" : \"2MiB\",", "")));
        assertTrue(e.getMessage().contains("both \"offset\" and \"size\""), e.getMessage());
    }

    @Test
    void inJavaScriptItIsAStepOfTheScenario() {
        List<Object> shown = new ArrayList<>();
        JsScript.load("s.js", """
                lab.show(lab.scenario('s').alloc('x', '8MiB').cpu(lab.phase('init').writes('x'))
                    .prefetchToGpu('x').prefetchToGpu('x', '2MiB', '4MiB').gpu(lab.kernel('k').reads('x')));
                """, Map.of("lab", new JsLab(shown::add)), ScriptLimits.DEFAULT, System.out).close();
        assertEquals(List.of(new UserPrefetch("x", Bytes.ZERO, MiB(8), 0, 1), new UserPrefetch("x", MiB(2), MiB(4), 0, 1)),
                ((JsLab.JsScenario) shown.get(0)).scenario().prefetches());
        ScriptException e = assertThrows(ScriptException.class, () -> JsScript.load("s.js",
                "lab.scenario('s').alloc('x', '8MiB').prefetchToGpu('x', '6000B', '4MiB');",
                Map.of("lab", new JsLab(shown::add)), ScriptLimits.DEFAULT, System.out).close());
        assertTrue(e.getMessage().contains("offset must be a multiple of 4 KiB"), e.getMessage());
    }
}
