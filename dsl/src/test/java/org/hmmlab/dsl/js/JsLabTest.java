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

    /** Issue 14: a JavaScript number that must be whole is refused, not truncated, with the call as written. */
    @Test
    void numbersThatCountAreRefusedUnlessWhole() {
        String base = "lab.show(lab.scenario('s').alloc('x', '1MiB')";
        for (String[] c : new String[][] {
                {".seed(2.5))", "seed(n): n must be a whole number, got 2.5"},
                {".gpu(lab.kernel('k').reads('x').accesses(100.5)))", "accesses(n): n must be a whole number, got 100.5"},
                {".gpu(lab.kernel('k').reads('x').passes(1.5)))", "passes(n): n must be a whole number, got 1.5"},
                {".gpu(lab.kernel('k').reads('x').warps('8')))", "warps(n): n must be a whole number, got \"8\""},
                {".cpu(lab.phase('i').writes('x').threads(2.25)))", "threads(n): n must be a whole number, got 2.25"},
                {".accessCounters(64.5, '64KiB'))", "accessCounters(threshold, granularity): threshold must be a whole"
                        + " number, got 64.5"},
                {".prefetch(30.5))", "prefetch(percent): percent must be a whole number, got 30.5"}}) {
            ScriptException e = assertThrows(ScriptException.class, () -> shownScenario(base + c[0]), c[0]);
            assertTrue(e.getMessage().startsWith("s.js:1: ") && e.getMessage().contains(c[1]), e.getMessage());
        }
        String whole = shownScenario(base + ".seed(7).gpu(lab.kernel('k').reads('x').accesses(100).passes(2).warps(8)))");
        assertTrue(whole.contains("\"seed\" : 7,"), whole);
        assertTrue(whole.contains("\"work\" : 512,") && whole.contains("\"concurrency\" : 8,"), whole);
    }

    @Test
    void aPingPongTakesItsWarps() {
        String twoArgs = shownScenario("lab.show(lab.scenario('s').alloc('x', '2MiB').pingPong('x', 2))");
        String warps = shownScenario("lab.show(lab.scenario('s').alloc('x', '2MiB').pingPong('x', 2, 128))");
        assertEquals(4, twoArgs.split("\"concurrency\" : 1,").length - 1, "one warp, one thread by default");
        assertEquals(2, warps.split("\"concurrency\" : 128,").length - 1, "the GPU rounds on 128 warps");
        ScriptException e = assertThrows(ScriptException.class,
                () -> shownScenario("lab.show(lab.scenario('s').alloc('x', '2MiB').pingPong('x', 2, 0.5))"));
        assertTrue(e.getMessage().contains("pingPong(allocation, rounds, warps): warps must be a whole number, got 0.5"),
                e.getMessage());
    }

    /** Issue 14: what only the timing engine answers is refused in the script's words, not the Java DSL's. */
    @Test
    void theResidencyEnginesRefusalsSpeakJavaScript() {
        String run = "const r = lab.scenario('s').engine('residency-model').alloc('x', '1MiB')"
                + ".gpu(lab.kernel('k').reads('x')).run();\n";
        for (String[] c : new String[][] {
                {"r.latencyByStage();", "s.js:2: ", "latencyByStage() needs the \"timing\" engine; this run used the"
                        + " \"residency-model\" engine, which counts policy decisions without a clock (run the scenario"
                        + " with .engine(\"timing\"), the default)"},
                {"r.latencyCdf();", "s.js:2: ", "latencyCdf() needs the \"timing\" engine"},
                {"r.get('fault_p50_ns');", "s.js:2: ", "get(counter): this run of the \"residency-model\" engine has no"
                        + " counter \"fault_p50_ns\" (times and latencies need the \"timing\" engine, the default:"
                        + " .engine(\"timing\")); it has faults, "},
                {"r.get('faultz');", "s.js:2: ", "has no counter \"faultz\"; it has faults, "},
                {"lab.scenario('big').engine('residency-model').alloc('x', '2TiB').gpu(lab.kernel('k').reads('x')"
                        + ".accesses(10)).run();", "s.js:2: ", "run() on the \"residency-model\" engine: workload"
                        + " working set (2 TiB) must be <= host memory (1 TiB)"}}) {
            ScriptException e = assertThrows(ScriptException.class, () -> JsScript.load("s.js", run + c[0],
                    Map.of("lab", new JsLab(x -> { })), ScriptLimits.DEFAULT, System.out).close(), c[0]);
            assertTrue(e.getMessage().startsWith(c[1]) && e.getMessage().contains(c[2]), e.getMessage());
            assertTrue(!e.getMessage().contains("Engine.TIMING"), "no Java in a script's error: " + e.getMessage());
        }
    }

    /** Issue 14: a JavaScript scenario chooses a JavaScript placement by giving the function itself. */
    @Test
    void aPlacementGivenAsAFunctionRunsAsAJavaScriptPlacement() {
        List<Object> shown = new ArrayList<>();
        JsScript.load("s.js", """
                const s = lab.scenario('s').engine('residency-model').policy('on-demand').alloc('x', '1MiB')
                    .cpu(lab.phase('init').writes('x'))
                    .gpu(lab.kernel('k').reads('x'))
                    .eviction({kind: 'random', granularity: '64KiB'})
                    .thrashing({kind: 'uvm', threshold: 2, mitigation: 'throttle'});
                lab.show(s.placement(function onDeviceFault(f) { return 'map-remote'; }));
                lab.show(s.placement(f => f.access() === 'read' ? 'map-remote' : 'migrate'));
                lab.show(s.placement(function onDeviceFault(f) { return 'map-remote'; }).run());
                """, Map.of("lab", new JsLab(shown::add)), ScriptLimits.DEFAULT, System.out).close();
        var named = ((JsLab.JsScenario) shown.get(0)).scenario().policy();
        assertEquals(org.hmmlab.dsl.spec.PolicySpec.javascript("onDeviceFault",
                "function onDeviceFault(f) { return 'map-remote'; }"), named.placement());
        assertEquals(org.hmmlab.dsl.spec.PolicySpec.randomEviction(org.hmmlab.units.Bytes.KiB(64)), named.eviction());
        assertEquals("uvm(threshold=2, mitigation=throttle)", named.thrashing().label());
        var arrow = (org.hmmlab.dsl.spec.PlacementSpec.JavaScript) ((JsLab.JsScenario) shown.get(1)).scenario().policy()
                .placement();
        assertEquals("var onDeviceFault = f => f.access() === 'read' ? 'map-remote' : 'migrate';", arrow.source());
        var run = ((org.hmmlab.dsl.ScenarioResult) shown.get(2)).summary();
        assertEquals(0L, run.get("pages_to_device"), "every fault mapped remotely: " + run);
        assertTrue((Long) run.get("remote_accesses") > 0, run.toString());
        ScriptException broken = assertThrows(ScriptException.class, () -> JsScript.load("s.js",
                "lab.scenario('s').placement(Math.max);", Map.of("lab", new JsLab(x -> { })), ScriptLimits.DEFAULT,
                System.out).close());
        assertTrue(broken.getMessage().contains("placement(fn): fn must be a function written in the script"),
                broken.getMessage());
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

    /** Issue 23: the host IOMMU from a script, by mode or with its parameters, refused as Java refuses it. */
    @Test
    void theIommuIsAPlatformOption() {
        String strict = shownScenario("lab.show(lab.scenario('z').on('A100_PCIE4').iommu('strict').alloc('x', '1MiB'))");
        assertTrue(strict.matches("(?s).*\"preset\" : \"A100_PCIE4\",\\s*\"iommu\" : \\{\\s*\"mode\" : \"strict\".*"), strict);
        String shaped = shownScenario("lab.show(lab.scenario('z').on('A100_PCIE4')"
                + ".iommu({mode: 'lazy', ioPageSize: '2MiB', iotlbEntries: 128, iotlbMiss: '300ns'}).alloc('x', '1MiB'))");
        assertTrue(shaped.contains("\"ioPageSize\" : \"2MiB\"") && shaped.contains("\"iotlbEntries\" : 128")
                && shaped.contains("\"iotlbMiss\" : \"300ns\""), shaped);
        for (String[] c : new String[][] {
                {".iommu({mode: 'off', strict: true})", "iommu.strictInvalidation needs a translating IOMMU"},
                {".iommu({mode: 'lazy', ioPageSize: '64KiB'})", "iommu.ioPageSize must be one of 4KiB, 2MiB"},
                {".iommu({mode: 'lazy', iotlbEntries: -1})", "iommu.iotlbEntries must be between 0 and"},
                {".iommu('sometimes')", "iommu.mode must be one of off, passthrough, lazy, strict; got 'sometimes'"}}) {
            ScriptException e = assertThrows(ScriptException.class,
                    () -> shownScenario("lab.show(lab.scenario('z').on('A100_PCIE4')" + c[0] + ")"));
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
    }

    /** Issue 17: the driver personality from a script, by name or with its options, refused as Java refuses it. */
    @Test
    void theDriverIsAPlatformOption() {
        String off = shownScenario("lab.show(lab.scenario('z').on('MI210_PCIE4')"
                + ".driver({name: 'amdSvm', xnack: false, ranges: {x: {prefetchLoc: 'gpu'}}}).alloc('x', '4MiB'))");
        assertTrue(off.contains("\"platform\" : \"MI210_PCIE4\"") && off.contains("\"xnack\" : false")
                && off.contains("\"prefetchLoc\" : \"gpu\""), off);
        String uvm = shownScenario("lab.show(lab.scenario('z').on('MI210_PCIE4').driver('uvm').alloc('x', '4MiB'))");
        assertTrue(uvm.contains("\"name\" : \"uvm\""), uvm);
        for (String[] c : new String[][] {
                {".driver({name: 'uvm', xnack: true})", "driver.xnack is an option of the amdSvm driver; the uvm driver"},
                {".driver({name: 'amdSvm', granularity: 64})", "must be between 0 and 63; got 64"},
                {".driver('nouveau')", "driver.name must be one of uvm, amdSvm; got 'nouveau'"}}) {
            ScriptException e = assertThrows(ScriptException.class,
                    () -> shownScenario("lab.show(lab.scenario('z').on('MI210_PCIE4')" + c[0] + ")"));
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
    }
}
