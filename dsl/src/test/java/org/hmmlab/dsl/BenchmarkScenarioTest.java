package org.hmmlab.dsl;

import static org.hmmlab.dsl.Lab.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.hmmlab.dsl.grid.Grids;
import org.hmmlab.dsl.json.JsonFormatException;
import org.hmmlab.dsl.json.ScenarioJson;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.KernelLaunch;
import org.hmmlab.workload.Phase;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The benchmark catalogue from the DSL and JSON: listing, phases in a scenario, oversubscription, bad input. */
class BenchmarkScenarioTest {

    @Test
    void theCatalogueIsATableOfNineBenchmarks() {
        Table t = benchmarks();
        assertEquals(List.of("backprop", "bfs", "fdtd-2d", "hotspot", "nw", "pathfinder", "ra", "srad", "sssp"),
                List.of(t.column("benchmark").stringValues()));
        assertEquals(List.of("benchmark", "suite", "kernels", "launches", "footprint_bytes", "peer_working_set_bytes",
                "gpu_accesses", "source"), t.columnNames());
        int nw = 4;
        assertEquals("needle_cuda_shared_1, needle_cuda_shared_2", t.get(nw, "kernels"));
        assertEquals(127L, t.get(nw, "launches"));
        assertEquals(Bytes.MiB(8).bytes() + Bytes.KiB(128).bytes(), t.get(nw, "peer_working_set_bytes"));
        assertEquals(benchmark("nw").footprint().bytes(), t.get(nw, "footprint_bytes"));
    }

    @Test
    void aBenchmarkAllocatesItselfAndAppendsItsSteps() {
        Scenario s = scenario("nw").benchmark("nw");
        assertEquals(1, s.allocations().size());
        assertEquals("nw", s.allocations().getFirst().name());
        assertEquals(benchmark("nw").footprint(), s.allocations().getFirst().size());
        assertEquals(128, s.phases().size(), "the host's init, then 127 launches");
        assertEquals("needle_cuda_shared_1 #1", s.phases().get(1).name());
        assertEquals("needle_cuda_shared_2 #63", s.phases().getLast().name());
        assertTrue(s.phases().get(1).pattern() instanceof KernelLaunch);
        Scenario twice = s.benchmark("nw");
        assertEquals(1, twice.allocations().size(), "a second run of it reuses its allocation");
        assertEquals(256, twice.phases().size());
        Scenario both = s.benchmark("srad");
        assertEquals(2, both.allocations().size());
    }

    @Test
    void itRunsOnBothEnginesAndPhasesShowTheKernels() {
        Scenario s = scenario("srad").on(V100_PCIE3).benchmark("srad");
        ScenarioResult r = s.run();
        assertEquals(13, r.phases().rowCount(), "init, then 4 x (roi statistics, srad_cuda_1, srad_cuda_2)");
        assertTrue((Long) r.summary().get("faults") > 0);
        // every page of J_shared once, then the 128 pages of the region of interest again after each of the 3 later
        // host reads took them back
        assertEquals(Bytes.MiB(4).pagesCeil() + 3 * 128, (long) (Long) r.summary().get("pages_to_device"));
        ScenarioResult m = s.engine(RESIDENCY_MODEL).run();
        assertTrue((Long) m.summary().get("faults") > 0);
    }

    @Test
    void oversubscriptionSizesDeviceMemoryFromTheWorkingSet() {
        Scenario s = scenario("hotspot").benchmark("hotspot");
        assertEquals(Bytes.MiB(12), s.allocations().getFirst().size());
        assertEquals(Bytes.KiB(12 * 1024 * 100 / 125 / 64 * 64), s.oversubscribe(1.25).platform().gpu().vram());
        assertEquals(Bytes.MiB(12), s.oversubscribe(1).platform().gpu().vram());
        assertEquals(Bytes.of(16_711_680), benchmark("backprop").deviceMemoryAt(1.1),
                "the peer's -gddr_size 15.96591MB, in whole 64 KiB");
    }

    @Test
    void aBenchmarkScenarioSweepsAsDataLikeAnyOther() {
        Scenario nw = scenario("nw").engine(RESIDENCY_MODEL).benchmark("nw");
        var grid = Grids.sweep(nw).vary("vram", MiB(4), MiB(6), MiB(16)).columns("faults", "evictions")
                .seed(3).run().table();
        assertEquals(3, grid.rowCount());
        assertTrue((Long) grid.get(0, "evictions") > (Long) grid.get(1, "evictions"), "less memory, more evictions");
        assertEquals(0L, grid.get(2, "evictions"), "16 MiB holds its 8 MiB");
    }

    @Nested
    class BadInput {

        @Test
        void aBenchmarkThatDoesNotExistIsRefusedWithTheCatalogue() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> benchmark("lud"));
            assertEquals("benchmark(name): name \"lud\" is not in the catalogue; benchmarks: backprop, bfs, fdtd-2d,"
                    + " hotspot, nw, pathfinder, ra, srad, sssp", e.getMessage());
            assertEquals(e.getMessage(), assertThrows(IllegalArgumentException.class,
                    () -> scenario("x").benchmark("lud")).getMessage());
            assertThrows(IllegalArgumentException.class, () -> peerMatrix().benchmarks("lud"));
        }

        @Test
        void aRatioBelowOneIsRefusedNamingTheParameter() {
            Scenario s = scenario("nw").benchmark("nw");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.oversubscribe(0.9));
            assertEquals("oversubscribe(ratio): ratio must be in [1, 1000] (device memory = working set / ratio, 1"
                    + " fits it all), got 0.9", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.oversubscribe(Double.NaN));
            IllegalArgumentException d = assertThrows(IllegalArgumentException.class,
                    () -> benchmark("nw").deviceMemoryAt(0.5));
            assertTrue(d.getMessage().startsWith("deviceMemoryAt(ratio): ratio must be in [1, 1000]"), d.getMessage());
            IllegalArgumentException small = assertThrows(IllegalArgumentException.class, () -> s.oversubscribe(8));
            assertTrue(small.getMessage().contains("at least 2 MiB"), small.getMessage());
            IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                    () -> scenario("empty").oversubscribe(1.1));
            assertTrue(none.getMessage().contains("allocate first"), none.getMessage());
        }

        @Test
        void anAccessSizeOutsideItsRangeOrATooSmallAllocation() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> benchmark("nw").accessSize(MiB(4)));
            assertEquals("accessSize(size): size must be in [1 B, 2 MiB], got 4 MiB", e.getMessage());
            IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                    () -> scenario("nw").alloc("nw", MiB(1)).benchmark("nw"));
            assertTrue(small.getMessage().contains("allocation 'nw' must hold its arrays"), small.getMessage());
        }
    }

    @Nested
    class AsJson {

        @Test
        void aBenchmarkElementReadsAndWritesBackAsItsKernels() {
            Scenario s = ScenarioJson.read("""
                    {"name": "bfs", "platform": "V100_PCIE3", "oversubscription": 1.1,
                     "phases": [{"benchmark": "bfs", "accessSize": "4KiB"}]}""");
            Scenario direct = scenario("bfs").on(V100_PCIE3).benchmark(benchmark("bfs").accessSize(KiB(4)))
                    .oversubscribe(1.1);
            assertEquals(direct.phases(), s.phases());
            assertEquals(direct.platform(), s.platform());
            String written = ScenarioJson.write(s);
            assertTrue(written.contains("{\"kind\":\"kernel\",\"benchmark\":\"bfs\",\"step\":1}")
                    || written.contains("\"kind\" : \"kernel\""), written.substring(0, 400));
            Scenario back = ScenarioJson.read(written);
            assertEquals(s.phases(), back.phases());
            assertEquals(s.platform(), back.platform());
            Phase k = back.phases().get(1);
            assertEquals("Kernel #1", k.name());
        }

        @Test
        void badBenchmarkInputNamesItsPath() {
            JsonFormatException e = assertThrows(JsonFormatException.class, () -> ScenarioJson.read("""
                    {"name": "x", "phases": [{"benchmark": "lud"}]}"""));
            assertTrue(e.getMessage().startsWith("$.phases[0].benchmark: "), e.getMessage());
            assertTrue(e.getMessage().contains("benchmarks: backprop, bfs"), e.getMessage());
            JsonFormatException r = assertThrows(JsonFormatException.class, () -> ScenarioJson.read("""
                    {"name": "x", "oversubscription": 0.5, "phases": [{"benchmark": "nw"}]}"""));
            assertTrue(r.getMessage().startsWith("$.oversubscription: "), r.getMessage());
            JsonFormatException step = assertThrows(JsonFormatException.class, () -> ScenarioJson.read("""
                    {"name": "x", "allocations": [{"name": "nw", "size": "9MiB"}],
                     "phases": [{"name": "k", "agent": "gpu0", "allocation": "nw",
                                 "pattern": {"kind": "kernel", "benchmark": "nw", "step": 500},
                                 "footprint": "9MiB", "work": 1, "concurrency": 1, "accessSize": "4KiB",
                                 "writeFraction": 0.0}]}"""));
            assertTrue(step.getMessage().startsWith("$.phases[0].pattern.step: "), step.getMessage());
        }
    }
}
