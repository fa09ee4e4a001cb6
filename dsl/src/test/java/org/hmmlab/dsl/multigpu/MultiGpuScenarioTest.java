package org.hmmlab.dsl.multigpu;

import static org.hmmlab.dsl.Lab.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hmmlab.dsl.Scenario;
import org.hmmlab.dsl.ScenarioResult;
import org.hmmlab.dsl.js.JsLab;
import org.hmmlab.dsl.json.ScenarioJson;
import org.hmmlab.dsl.results.Chart;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.dsl.script.JsScript;
import org.hmmlab.dsl.script.ScriptLimits;
import org.hmmlab.multigpu.MultiGpuCounter;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Several GPUs and the coherent platform through the three front ends: the Java DSL, JSON and JavaScript give the
 * same scenario and the same numbers; bad input is refused at the call, naming the parameter and what exists.
 */
class MultiGpuScenarioTest {

    /** The CPU writes x, gpu0 reads it, gpu1 reads it. */
    static Scenario handOff() {
        return scenario("hand-off").on(A100_PCIE4).gpus(2).alloc("x", MiB(4))
                .cpu(phase("init").writes("x").threads(16))
                .gpu(0, kernel("k0").reads("x").warps(64))
                .gpu(1, kernel("k1").reads("x").warps(64));
    }

    /** GPU {@code gpu}'s counter {@code column}, read from the per-GPU table. */
    static long count(ScenarioResult r, int gpu, String column) {
        return (Long) r.perGpu().column(column).values().get(gpu);
    }

    static Scenario js(String script) {
        List<Object> shown = new ArrayList<>();
        JsScript.load("s.js", "lab.show(" + script + ")", Map.of("lab", new JsLab(shown::add)), ScriptLimits.DEFAULT,
                System.out).close();
        return ((JsLab.JsScenario) shown.get(0)).scenario();
    }

    @Test
    void two_gpus_run_on_the_multi_gpu_model_with_per_gpu_counters_table_and_chart() {
        ScenarioResult r = handOff().run();
        assertTrue(handOff().multiGpu());
        var s = r.summary();
        assertEquals(2L, s.get("gpus"));
        assertEquals(1024L, count(r, 0, "pages_to_device"));
        assertEquals(1024L, count(r, 1, "staged_pages"), "no peer access: staged through system memory");
        Table t = r.perGpu();
        assertEquals(List.of("gpu0", "gpu1"), t.column("gpu").values());
        assertEquals(MultiGpuCounter.values().length + 1, t.columnNames().size());
        Chart c = r.perGpuChart("local_accesses", "remote_accesses", "peer_accesses");
        assertTrue(c.png().length > 1000);
        assertEquals(List.of("init", "k0", "k1"), r.phases().column("phase").values());
    }

    @Test
    void peer_access_and_nvlink_change_the_path_and_the_time() {
        long staged = (Long) handOff().run().summary().get("model_elapsed_ns");
        ScenarioResult peer = handOff().peerAccess(true).run();
        ScenarioResult nv = handOff().nvlink(0, 1, NVLINK3, 12).run();
        assertEquals(1024L, count(peer, 1, "peer_copied_pages"));
        assertTrue((Long) peer.summary().get("model_elapsed_ns") < staged);
        assertTrue((Long) nv.summary().get("model_elapsed_ns") < (Long) peer.summary().get("model_elapsed_ns"));
        ScenarioResult kernel = handOff().peerAccess(true).gpuToGpu(THROUGH_SYSTEM_MEMORY).run();
        assertEquals(1024L, count(kernel, 1, "staged_pages"));
    }

    @Test
    void accessed_by_a_set_of_gpus_maps_them_both_without_migrating() {
        ScenarioResult r = handOff().policy(uvmDefaults().hints(preferredLocation("x", HOST),
                accessedBy("x", gpu(0), gpu(1)))).run();
        assertEquals(0L, r.summary().get("pages_to_device"));
        assertEquals(1024L, count(r, 0, "remote_accesses"));
        assertEquals(1024L, count(r, 1, "remote_accesses"));
    }

    @Test
    void the_coherent_platform_reads_cpu_memory_over_the_link_without_faults() {
        ScenarioResult r = scenario("c2c").on(GH200_C2C).alloc("x", MiB(4))
                .cpu(phase("init").writes("x").threads(16)).gpu(kernel("k").reads("x").warps(64)).run();
        assertEquals(0L, r.summary().get("faults"));
        assertEquals(1024L, r.summary().get("remote_accesses"));
        assertTrue(r.scenario().toString().contains("coherent NVLink-C2C"), r.scenario().toString());
    }

    @Test
    void a_single_gpu_scenario_is_untouched() {
        Scenario one = scenario("one").on(A100_PCIE4).alloc("x", MiB(4)).gpu(kernel("k").reads("x"));
        assertTrue(!one.multiGpu());
        assertTrue(one.run().summary().names().contains("sim_time_ns"), "the timing engine, as before");
        assertTrue(!ScenarioJson.write(one).contains("topology"));
    }

    @Nested
    class front_ends {

        @Test
        void json_round_trips_the_topology_and_the_gpu_of_each_phase() {
            Scenario s = handOff().behindSwitch().peerAccess(true).nvlink(0, 1, NVLINK4, 18)
                    .gpuToGpu(THROUGH_SYSTEM_MEMORY).policy(uvmDefaults().hints(accessedBy("x", gpu(0), gpu(1))));
            String json = ScenarioJson.write(s);
            assertTrue(json.contains("\"topology\""), json);
            assertTrue(json.contains("\"gpus\" : [ \"gpu0\", \"gpu1\" ]") || json.contains("\"gpus\": [\"gpu0\", \"gpu1\"]")
                    || json.replaceAll("\\s", "").contains("\"gpus\":[\"gpu0\",\"gpu1\"]"), json);
            Scenario back = ScenarioJson.read(json);
            assertEquals(s.platform(), back.platform());
            assertEquals(json, ScenarioJson.write(back));
            assertEquals(s.run().summary(), back.run().summary());
        }

        @Test
        void the_coherent_preset_is_named_in_json() {
            Scenario s = scenario("c2c").on(GH200_C2C).alloc("x", MiB(1)).gpu(kernel("k").reads("x"));
            assertTrue(ScenarioJson.write(s).contains("\"GH200_C2C\""));
            assertEquals(s.platform(), ScenarioJson.read(ScenarioJson.write(s)).platform());
        }

        @Test
        void javascript_builds_the_same_scenario() {
            Scenario fromJs = js("lab.scenario('hand-off').on('A100_PCIE4').gpus(2).peerAccess(true)"
                    + ".nvlink(0, 1, 'nvlink3', 12).gpuToGpu('through-system-memory').alloc('x', '4MiB')"
                    + ".hint({kind: 'accessed-by', allocation: 'x', gpus: ['gpu0', 'gpu1']})"
                    + ".cpu(lab.phase('init').writes('x').threads(16))"
                    + ".gpu(0, lab.kernel('k0').reads('x').warps(64)).gpu(1, lab.kernel('k1').reads('x').warps(64))");
            Scenario java = handOff().peerAccess(true).nvlink(0, 1, NVLINK3, 12).gpuToGpu(THROUGH_SYSTEM_MEMORY)
                    .policy(uvmDefaults().hints(accessedBy("x", gpu(0), gpu(1))));
            assertEquals(ScenarioJson.write(java), ScenarioJson.write(fromJs));
            assertEquals(java.run().summary(), fromJs.run().summary());
        }
    }

    @Nested
    class bad_input {

        @Test
        void a_phase_naming_a_gpu_that_does_not_exist() {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> scenario("s").gpus(2).alloc("x", MiB(1)).gpu(2, kernel("k").reads("x")));
            assertEquals("gpu(2, phase): gpu2 does not exist; this platform has gpu0, gpu1", e.getMessage());
        }

        @Test
        void a_phase_on_gpu1_of_a_one_gpu_platform() {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> scenario("s").alloc("x", MiB(1)).gpu(1, kernel("k").reads("x")));
            assertEquals("gpu(1, phase): gpu1 does not exist; this platform has gpu0", e.getMessage());
        }

        @Test
        void fewer_gpus_than_a_phase_uses() {
            var e = assertThrows(IllegalArgumentException.class, () -> handOff().gpus(1));
            assertEquals("gpus(1): phase 'k1' runs on gpu1, which would not exist; the platform would have gpu0",
                    e.getMessage());
        }

        @Test
        void a_hint_for_a_gpu_set_including_a_missing_gpu() {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> handOff().policy(uvmDefaults().hints(accessedBy("x", gpu(0), gpu(3)))));
            assertEquals("policy(p): hint accessed-by(allocation=x, gpus=[gpu0, gpu3]) names gpu3, which does not"
                    + " exist; this platform has gpu0, gpu1", e.getMessage());
        }

        @Test
        void a_preferred_location_on_a_missing_gpu() {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> handOff().policy(uvmDefaults().hints(preferredLocation("x", gpu(2)))));
            assertTrue(e.getMessage().startsWith("policy(p): hint preferred-location(allocation=x, location=gpu2) names"
                    + " gpu2, which does not exist"), e.getMessage());
        }

        @Test
        void nvlink_between_a_gpu_and_itself() {
            var e = assertThrows(IllegalArgumentException.class, () -> handOff().nvlink(1, 1, NVLINK3, 4));
            assertEquals("nvlink(1, 1): a GPU cannot have NVLink to itself (gpu1 to gpu1); name two different GPUs",
                    e.getMessage());
        }

        @Test
        void nvlink_to_a_missing_gpu() {
            var e = assertThrows(IllegalArgumentException.class, () -> handOff().nvlink(0, 2, NVLINK3, 4));
            assertEquals("nvlink(0, 2, NVLINK3, 4): gpu2 does not exist; this platform has gpu0, gpu1",
                    e.getMessage());
        }

        @Test
        void json_names_the_path_of_a_phase_on_a_missing_gpu_and_of_a_self_link() {
            String base = ScenarioJson.write(handOff());
            var phase = assertThrows(IllegalArgumentException.class,
                    () -> ScenarioJson.read(base.replace("\"gpu1\"", "\"gpu2\"")));
            assertTrue(phase.getMessage().contains("gpu2 does not exist; this platform has gpu0, gpu1"),
                    phase.getMessage());
            var self = assertThrows(IllegalArgumentException.class, () -> ScenarioJson.read(base.replace(
                    "\"gpus\" : 2", "\"gpus\" : 2, \"nvlinks\" : [ {\"a\": 1, \"b\": 1, \"generation\": \"nvlink3\","
                            + " \"links\": 4} ]")));
            assertTrue(self.getMessage().contains("$.topology.nvlinks[0]")
                    && self.getMessage().contains("a GPU cannot have NVLink to itself"), self.getMessage());
        }

        @Test
        void several_gpus_under_amds_driver_are_refused_naming_the_driver() {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> scenario("s").on(A100_PCIE4).driver(amdSvm()).gpus(2));
            assertTrue(e.getMessage().startsWith("gpus(2): several GPUs run on the multi-GPU model"), e.getMessage());
            var d = assertThrows(IllegalArgumentException.class, () -> handOff().driver(amdSvm()));
            assertTrue(d.getMessage().startsWith("driver(d): amdSvm drives one GPU on PCIe here"), d.getMessage());
        }

        @Test
        void javascript_names_the_gpus_that_exist() {
            var e = assertThrows(RuntimeException.class, () -> js("lab.scenario('s').gpus(2).alloc('x', '1MiB')"
                    + ".gpu(5, lab.kernel('k').reads('x'))"));
            assertTrue(e.getMessage().contains("gpu(5, phase): gpu5 does not exist; this platform has gpu0, gpu1"),
                    e.getMessage());
        }
    }
}
