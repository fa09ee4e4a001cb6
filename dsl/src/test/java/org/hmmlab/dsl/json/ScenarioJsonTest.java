package org.hmmlab.dsl.json;

import static org.hmmlab.dsl.Lab.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hmmlab.dsl.Engine;
import org.hmmlab.dsl.Scenario;
import org.junit.jupiter.api.Test;

/** Scenarios to JSON and back: equal, and running to the same result; malformed files named by path. */
class ScenarioJsonTest {

    static final Scenario SCENARIO = scenario("counters-on-zipf")
            .on(H100_PCIE5).vram(MiB(64)).seed(7).engine(Engine.RESIDENCY_MODEL)
            .policy(uvmDefaults().placement(accessCounters(16, KiB(64))).prefetch(noPrefetch()))
            .alloc("table", MiB(96))
            .alloc("log", MiB(8))
            .cpu(phase("fill").writes("table"))
            .gpu(kernel("lookup").reads("table").pattern(zipf(1.1)).accesses(50_000).warps(512))
            .gpu(kernel("append").readsWrites("log", 0.5).pattern(strided(KiB(64))).accessSize(bytes(256)));

    @Test
    void aScenarioWrittenAndReadBackIsEqualAndRunsToTheSameResult() {
        String json = ScenarioJson.write(SCENARIO);
        Scenario back = ScenarioJson.read(json);
        assertEquals(json, ScenarioJson.write(back));
        assertEquals(SCENARIO.run().summary(), back.run().summary());
        assertTrue(json.contains("\"platform\" : \"H100_PCIE5\""), json);
        assertTrue(json.contains("\"granularity\" : \"64KiB\""), json);
    }

    @Test
    void customPlatformsAndJavaScriptPoliciesSurviveTheRoundTrip() {
        Scenario s = scenario("js").on(V100_PCIE3.withGpu(V100_PCIE3.gpu().withFaultBatchCount(64)))
                .policy(onDemand().placement(javascript("half.js",
                        "function onDeviceFault(f) { return f.page() % 2 == 0 ? 'migrate' : 'map-remote'; }")))
                .engine(Engine.RESIDENCY_MODEL)
                .alloc("x", MiB(4)).cpu(phase("init").writes("x")).gpu(kernel("k").reads("x"));
        String json = ScenarioJson.write(s);
        assertTrue(json.contains("\"faultBatchCount\""), "a modified platform is written whole");
        Scenario back = ScenarioJson.read(json);
        assertEquals(json, ScenarioJson.write(back));
        assertEquals(s.run().summary(), back.run().summary());
        assertEquals(MiB(2).pagesCeil(), back.run().summary().get("pages_to_device"), "even pages migrate");
    }

    @Test
    void everyPatternRoundTripsAndABadArrayCountNamesTheField() {
        for (org.hmmlab.workload.Pattern p : java.util.List.of(sequential(), strided(KiB(64)), random(), zipf(1.1),
                hotSet(0.1, 0.9), stencil(KiB(64)), pointerChase(), arrays(3), gemm(32), gemm(2048, 32))) {
            assertEquals(p, ScenarioJson.readPattern(JsonNodeReader.root(ScenarioJson.pattern(p))), p.label());
        }
        var bad = ScenarioJson.pattern(arrays(3)).put("arrays", 65);
        JsonFormatException e = assertThrows(JsonFormatException.class,
                () -> ScenarioJson.readPattern(JsonNodeReader.root(bad)));
        assertTrue(e.getMessage().contains("arrays"), e.getMessage());
    }

    @Test
    void aGemmWritesItsSideOnlyWhenGivenAndABadSideOrTileNamesTheField() {
        assertEquals("{\"kind\":\"gemm\",\"tile\":32}", ScenarioJson.pattern(gemm(32)).toString());
        assertEquals("{\"kind\":\"gemm\",\"n\":2048,\"tile\":32}", ScenarioJson.pattern(gemm(2048, 32)).toString());
        var side = ScenarioJson.pattern(gemm(2048, 32)).put("n", 100);
        JsonFormatException e = assertThrows(JsonFormatException.class,
                () -> ScenarioJson.readPattern(JsonNodeReader.root(side)));
        assertEquals("$.n: must be a multiple of tile (32), got 100", e.getMessage());
        var tile = ScenarioJson.pattern(gemm(32)).put("tile", 0);
        JsonFormatException t = assertThrows(JsonFormatException.class,
                () -> ScenarioJson.readPattern(JsonNodeReader.root(tile)));
        assertTrue(t.getMessage().startsWith("$.tile: must be in [1, 1024]"), t.getMessage());
    }

    @Test
    void malformedFilesNameThePathAndTheAllowedValues() {
        String good = ScenarioJson.write(SCENARIO);
        expect("$.phases[1].pattern.kind", "\"zipff\" is not one of sequential, strided, random, zipf, hot-set, stencil, pointer-chase, arrays, gemm, trace, kernel",
                good.replace("\"zipf\"", "\"zipff\""));
        expect("$.platform", "\"B200\" is not one of V100_PCIE3, A100_PCIE4, H100_PCIE5, GTX1080TI_PCIE3, MI100_PCIE4, MI210_PCIE4, MI300X_PCIE5",
                good.replace("\"H100_PCIE5\"", "\"B200\""));
        expect("$.vram", "needs a number and a unit", good.replace("\"64MiB\"", "\"64\""));
        expect("$.policy.placement.threshold", "must be in [1, 65535], got 0", good.replace("\"threshold\" : 16", "\"threshold\" : 0"));
        expect("$.phases[0].agent", "\"tpu\" is not one of cpu, gpu0 .. gpu63", good.replace("\"cpu\"", "\"tpu\""));
        expect("$.phases[1]", "allocation 'tabel' is not one of [table, log]", good.replace("\"allocation\" : \"table\",\n    \"pattern\" : {\n      \"kind\" : \"zipf\"",
                "\"allocation\" : \"tabel\",\n    \"pattern\" : {\n      \"kind\" : \"zipf\""));
        expect("$.phases[0].colour", "unknown field", good.replace("\"name\" : \"fill\",", "\"name\" : \"fill\", \"colour\": 1,"));
        expect("$", "not valid JSON at line 1", "{\"name\": ");
    }

    /** Issue 14, validation at build time: a stencil the run would refuse is refused at its phase's path. */
    @Test
    void aStencilThatCannotRunIsRefusedAtItsPhase() {
        String json = ScenarioJson.write(scenario("relax").alloc("grid", MiB(1))
                .gpu(kernel("relax").reads("grid").pattern(stencil(KiB(64)))));
        expect("$.phases[0]", "phase 'relax': stencil rowBytes must be at most the footprint (1 MiB), got 2 MiB",
                json.replace("\"row\" : \"64KiB\"", "\"row\" : \"2MiB\""));
        expect("$.phases[0]", "phase 'relax': stencil rowBytes must be a multiple of accessSize (4096 B), got 6000 B",
                json.replace("\"row\" : \"64KiB\"", "\"row\" : \"6000B\""));
    }

    @Test
    void aFreeRoundTripsAtItsPlaceInThePhasesAndRunsToTheSameResidency() {
        Scenario s = scenario("pipeline").vram(MiB(16)).policy(onDemand())
                .alloc("tmp", MiB(16)).alloc("out", MiB(16))
                .gpu(kernel("produce").writes("tmp").warps(256))
                .free("tmp")
                .gpu(kernel("consume").writes("out").warps(256));
        String json = ScenarioJson.write(s);
        assertTrue(json.contains("\"name\" : \"produce\"") && json.indexOf("\"free\" : \"tmp\"") > json.indexOf(
                "\"name\" : \"produce\"") && json.indexOf("\"free\" : \"tmp\"") < json.indexOf("\"name\" : \"consume\""),
                "the free sits between the two kernels: " + json);
        Scenario back = ScenarioJson.read(json);
        assertEquals(json, ScenarioJson.write(back));
        assertEquals(s.frees(), back.frees());
        assertEquals(s.workload(), back.workload());
        assertEquals(s.run().timing().fingerprint(), back.run().timing().fingerprint());
        assertEquals(0L, back.run().summary().get("evictions"), "the free made room for out");
    }

    @Test
    void aFreeThatCannotBeIsRefusedWithItsPath() {
        String good = ScenarioJson.write(scenario("f").alloc("tmp", MiB(2)).alloc("x", MiB(2))
                .gpu(kernel("k1").writes("tmp")).free("tmp").gpu(kernel("k2").reads("x")));
        expect("$.phases[1]", "'tmpp' is not allocated", good.replace("\"free\" : \"tmp\"", "\"free\" : \"tmpp\""));
        expect("$.phases[2]", "phase 'k2' uses allocation 'tmp' after it is freed after phase 'k1'",
                good.replace("\"allocation\" : \"x\"", "\"allocation\" : \"tmp\""));
        expect("$.phases[1].when", "unknown field", good.replace("\"free\" : \"tmp\"", "\"free\" : \"tmp\", \"when\": 1"));
    }

    static void expect(String path, String message, String json) {
        JsonFormatException e = assertThrows(JsonFormatException.class, () -> ScenarioJson.read(json));
        assertEquals(path, e.path(), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void aTimingScenarioRoundTripsToTheSameLatencies() {
        Scenario s = scenario("ats").on(A100_PCIE4).faultPath(org.hmmlab.device.FaultPath.ATS_PRI).policy(onDemand())
                .alloc("x", MiB(2)).cpu(phase("init").writes("x")).gpu(kernel("k").reads("x").warps(64));
        String json = ScenarioJson.write(s);
        assertTrue(json.contains("\"faultPath\" : \"ats-pri\"") && json.contains("\"engine\" : \"timing\""), json);
        Scenario back = ScenarioJson.read(json);
        assertEquals(s.run().timing().fingerprint(), back.run().timing().fingerprint());
        assertTrue(ScenarioJson.write(back.run()).contains("\"latencyByStage\""));
    }

    @Test
    void resultsCarryTheirScenarioSeedAndCounters() {
        String json = ScenarioJson.write(SCENARIO.run());
        assertTrue(json.contains("\"counters\""), json);
        assertTrue(json.contains("\"faults\""), json);
        assertTrue(json.contains("\"seed\" : 7"), json);
    }

    /** Issue 23: a preset with the host IOMMU is written short, survives the round trip, and is refused by field. */
    @Test
    void aPresetWithAnIommuIsWrittenShortAndReadBack() {
        Scenario s = Scenario.named("io").on(org.hmmlab.dsl.Lab.A100_PCIE4.withIommu(org.hmmlab.dsl.Lab.iommu()
                .strict().iotlbEntries(128)));
        String json = ScenarioJson.write(s);
        assertTrue(json.matches("(?s).*\"platform\" : \\{\\s*\"preset\" : \"A100_PCIE4\",\\s*\"iommu\" : \\{\\s*"
                + "\"mode\" : \"strict\",\\s*\"iotlbEntries\" : 128\\s*}.*"), json);
        assertEquals(s.basePlatform(), ScenarioJson.read(json).basePlatform());
        Scenario onLink = Scenario.named("io").on(org.hmmlab.dsl.Lab.A100_PCIE4.withLink(org.hmmlab.dsl.Lab.gen(5),
                org.hmmlab.dsl.Lab.lanes(16)).withIommu(org.hmmlab.dsl.Lab.iommu().passthrough()));
        assertEquals(onLink.basePlatform(), ScenarioJson.read(ScenarioJson.write(onLink)).basePlatform());
        var e = assertThrows(RuntimeException.class, () -> ScenarioJson.read(
                "{\"name\": \"io\", \"platform\": {\"preset\": \"A100_PCIE4\", \"iommu\": {\"mode\": \"lazy\", \"ioPageSize\": \"64KiB\"}}}"));
        assertTrue(e.getMessage().contains("iommu.ioPageSize must be one of 4KiB, 2MiB"), e.getMessage());
    }
}
