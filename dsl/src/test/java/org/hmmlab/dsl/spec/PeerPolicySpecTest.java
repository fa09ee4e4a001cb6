package org.hmmlab.dsl.spec;

import static org.hmmlab.dsl.Lab.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import java.util.stream.Stream;
import org.hmmlab.dsl.json.JsonFormatException;
import org.hmmlab.dsl.script.ScriptException;
import org.hmmlab.policy.MigrationPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every GPGPU-Sim UVMSmart policy and option by name, the same in Java, JSON and JavaScript, and its bad values
 * refused with one message naming the parameter and the range (issue 21, section 1).
 */
class PeerPolicySpecTest {

    static Stream<Arguments> samePolicy() {
        return Stream.of(
                Arguments.of("random prefetcher", onDemand().prefetch(randomPrefetch()),
                        "{\"prefetch\": {\"kind\": \"random\"}, \"thrashing\": {\"kind\": \"none\"}}",
                        ".policy('on-demand').prefetch({kind: 'random'})",
                        "first-touch + random-4KiB + lru-2MiB + none"),
                Arguments.of("sequential-local prefetcher", onDemand().prefetch(sequentialLocal()),
                        "{\"prefetch\": {\"kind\": \"sequential-local\"}, \"thrashing\": {\"kind\": \"none\"}}",
                        ".policy('on-demand').prefetch({kind: 'sequential-local'})",
                        "first-touch + sequential-local + lru-2MiB + none"),
                Arguments.of("tree prefetcher, off after the first eviction",
                        onDemand().prefetch(treeBasedNeighbourhood().onEviction(noPrefetch())),
                        "{\"prefetch\": {\"kind\": \"tree-based-neighbourhood\", \"on_eviction\": \"none\"},"
                                + " \"thrashing\": {\"kind\": \"none\"}}",
                        ".policy('on-demand').prefetch({kind: 'tree-based-neighbourhood', on_eviction: 'none'})",
                        "first-touch + tree-based-neighbourhood then none after first eviction + lru-2MiB + none"),
                Arguments.of("density, then sequential-local",
                        uvmDefaults().prefetch(density(40).onEviction(sequentialLocal())),
                        "{\"prefetch\": {\"kind\": \"density\", \"threshold_pct\": 40, \"on_eviction\": \"sequential-local\"}}",
                        ".prefetch({kind: 'density', threshold_pct: 40, on_eviction: 'sequential-local'})",
                        "first-touch + density(40%) then sequential-local after first eviction + lru-2MiB + thrashing(throttle-then-pin)"),
                Arguments.of("LRU 2 MiB with every option",
                        onDemand().eviction(uvmSmartLru(MiB(2)).reservePct(10).freeBufferPct(5).dropClean(true)),
                        "{\"prefetch\": {\"kind\": \"none\"}, \"eviction\": {\"kind\": \"uvmsmart-lru\", \"granularity\":"
                                + " \"2MiB\", \"reserve_pct\": 10, \"free_buffer_pct\": 5, \"drop_clean\": true},"
                                + " \"thrashing\": {\"kind\": \"none\"}}",
                        ".policy('on-demand').eviction({kind: 'uvmsmart-lru', reserve_pct: 10, free_buffer_pct: 5,"
                                + " drop_clean: true})",
                        "first-touch + none + uvmsmart-lru-2MiB, reserve=10%, buffer=5%, drop-clean + none"),
                Arguments.of("LRU 4 KiB", onDemand().eviction(uvmSmartLru(KiB(4))),
                        "{\"prefetch\": {\"kind\": \"none\"}, \"eviction\": {\"kind\": \"uvmsmart-lru\", \"granularity\":"
                                + " \"4KiB\"}, \"thrashing\": {\"kind\": \"none\"}}",
                        ".policy('on-demand').eviction({kind: 'uvmsmart-lru', granularity: '4KiB'})",
                        "first-touch + none + uvmsmart-lru-4KiB + none"),
                Arguments.of("LFU 2 MiB", onDemand().eviction(uvmSmartLfu().reservePct(20)),
                        "{\"prefetch\": {\"kind\": \"none\"}, \"eviction\": {\"kind\": \"uvmsmart-lfu\", \"reserve_pct\": 20},"
                                + " \"thrashing\": {\"kind\": \"none\"}}",
                        ".policy('on-demand').eviction({kind: 'uvmsmart-lfu', reserve_pct: 20})",
                        "first-touch + none + uvmsmart-lfu-2MiB, reserve=20% + none"),
                Arguments.of("random 4 KiB", onDemand().eviction(uvmSmartRandom(KiB(4))),
                        "{\"prefetch\": {\"kind\": \"none\"}, \"eviction\": {\"kind\": \"uvmsmart-random\"},"
                                + " \"thrashing\": {\"kind\": \"none\"}}",
                        ".policy('on-demand').eviction({kind: 'uvmsmart-random'})",
                        "first-touch + none + uvmsmart-random-4KiB + none"),
                Arguments.of("sequential-local eviction", onDemand().eviction(sequentialLocalEviction()),
                        "{\"prefetch\": {\"kind\": \"none\"}, \"eviction\": {\"kind\": \"sequential-local\"},"
                                + " \"thrashing\": {\"kind\": \"none\"}}",
                        ".policy('on-demand').eviction({kind: 'sequential-local'})",
                        "first-touch + none + sequential-local + none"),
                Arguments.of("tree-based pre-eviction with a free-page buffer",
                        onDemand().eviction(treeBasedEviction().freeBufferPct(10)),
                        "{\"prefetch\": {\"kind\": \"none\"}, \"eviction\": {\"kind\": \"tree-based-neighbourhood\","
                                + " \"free_buffer_pct\": 10}, \"thrashing\": {\"kind\": \"none\"}}",
                        ".policy('on-demand').eviction({kind: 'tree-based-neighbourhood', free_buffer_pct: 10})",
                        "first-touch + none + tree-based-neighbourhood, buffer=10% + none"),
                Arguments.of("adaptive access counters",
                        onDemand().placement(adaptiveAccessCounters().threshold(16).penalty(4)),
                        "{\"placement\": {\"kind\": \"adaptive-access-counters\", \"threshold\": 16, \"penalty\": 4},"
                                + " \"prefetch\": {\"kind\": \"none\"}, \"thrashing\": {\"kind\": \"none\"}}",
                        ".policy('on-demand').placement({kind: 'adaptive-access-counters', threshold: 16, penalty: 4})",
                        "adaptive-access-counters(16, penalty 4) + none + lru-2MiB + none"),
                Arguments.of("the peer's defaults", uvmSmartDefaults(), "\"uvmsmart-defaults\"",
                        ".policy('uvmsmart-defaults')",
                        "first-touch + tree-based-neighbourhood + uvmsmart-lru-2MiB + none"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samePolicy")
    void theThreeFrontEndsNameTheSamePolicy(String what, PolicySpec java, String json, String js, String engine) {
        assertEquals(java, FrontEnds.json(json).policy(), "JSON");
        assertEquals(java, FrontEnds.js(js).policy(), "JavaScript");
        assertEquals(java, FrontEnds.json(org.hmmlab.dsl.json.Json.write(
                org.hmmlab.dsl.json.ScenarioJson.tree(FrontEnds.json(json)).get("policy"))).policy(),
                "written and read back");
        MigrationPolicy built = java.build();
        assertEquals(engine, built.describe().replaceAll(" \\+ no hints$", ""), "the engine's names");
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("reserve above 100", () -> uvmSmartLru(MiB(2)).reservePct(101),
                        "{\"eviction\": {\"kind\": \"uvmsmart-lru\", \"reserve_pct\": 101}}",
                        ".eviction({kind: 'uvmsmart-lru', reserve_pct: 101})",
                        "$.policy.eviction.reserve_pct", "eviction reserve_pct must be in [0, 100], got 101"),
                bad("free buffer below 0", () -> treeBasedEviction().freeBufferPct(-5),
                        "{\"eviction\": {\"kind\": \"tree-based-neighbourhood\", \"free_buffer_pct\": -5}}",
                        ".eviction({kind: 'tree-based-neighbourhood', free_buffer_pct: -5})",
                        "$.policy.eviction.free_buffer_pct", "eviction free_buffer_pct must be in [0, 100], got -5"),
                bad("a peer option on UVM's LRU", () -> EvictionSpec.read(new MapReader(
                                java.util.Map.of("kind", "lru", "reserve_pct", 10L))),
                        "{\"eviction\": {\"kind\": \"lru\", \"reserve_pct\": 10}}",
                        ".eviction({kind: 'lru', reserve_pct: 10})",
                        "$.policy.eviction.reserve_pct", "eviction reserve_pct applies to the GPGPU-Sim UVMSmart evictors"
                                + " (uvmsmart-lru, uvmsmart-lfu, uvmsmart-random, sequential-local,"
                                + " tree-based-neighbourhood), not to lru"),
                bad("drop_clean on rrip", () -> EvictionSpec.read(new MapReader(
                                java.util.Map.of("kind", "rrip", "granularity", "64KiB", "drop_clean", true))),
                        "{\"eviction\": {\"kind\": \"rrip\", \"granularity\": \"64KiB\", \"drop_clean\": true}}",
                        ".eviction({kind: 'rrip', granularity: '64KiB', drop_clean: true})",
                        "$.policy.eviction.drop_clean", "eviction drop_clean applies to the GPGPU-Sim UVMSmart evictors"),
                bad("lru at 3 KiB", () -> uvmSmartLru(KiB(3)),
                        "{\"eviction\": {\"kind\": \"uvmsmart-lru\", \"granularity\": \"3KiB\"}}",
                        ".eviction({kind: 'uvmsmart-lru', granularity: '3KiB'})",
                        "$.policy.eviction.granularity",
                        "uvmsmart-lru granularity must be a power of two from 4 KiB to 2 MiB, got 3 KiB"),
                bad("switching to a sized prefetcher", () -> treeBasedNeighbourhood().onEviction(density(30)),
                        "{\"prefetch\": {\"kind\": \"tree-based-neighbourhood\", \"on_eviction\": \"neighbourhood\"}}",
                        ".prefetch({kind: 'tree-based-neighbourhood', on_eviction: 'neighbourhood'})",
                        "$.policy.prefetch.on_eviction", "on_eviction must be one of none, density, random,"
                                + " sequential-local, tree-based-neighbourhood"),
                bad("adaptive penalty 0", () -> adaptiveAccessCounters().penalty(0),
                        "{\"placement\": {\"kind\": \"adaptive-access-counters\", \"penalty\": 0}}",
                        ".placement({kind: 'adaptive-access-counters', penalty: 0})",
                        "$.policy.placement.penalty", "adaptive-access-counters penalty must be in [1, 1000], got 0"));
    }

    static Arguments bad(String what, Supplier<?> java, String json, String js, String jsonPath, String message) {
        return Arguments.of(what, java, json, js, jsonPath, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void badValuesAreRefusedNamingTheParameterAndTheRange(String what, Supplier<?> java, String json, String js,
            String jsonPath, String message) {
        IllegalArgumentException j = assertThrows(IllegalArgumentException.class, java::get);
        JsonFormatException fromJson = assertThrows(JsonFormatException.class, () -> FrontEnds.json(json));
        ScriptException fromJs = assertThrows(ScriptException.class, () -> FrontEnds.js(js));
        assertTrue(j.getMessage().startsWith(message), j.getMessage());
        assertTrue(fromJson.getMessage().startsWith(jsonPath + ": " + message), fromJson.getMessage());
        assertTrue(fromJs.getMessage().contains(message), "JavaScript: " + fromJs.getMessage());
    }

    @Test
    void everyPeerKindIsListed() {
        assertEquals(java.util.List.of("uvmsmart-lru", "uvmsmart-lfu", "uvmsmart-random", "sequential-local",
                "tree-based-neighbourhood"), EvictionSpec.PEER_KINDS);
        assertTrue(PrefetchSpec.KINDS.containsAll(java.util.List.of("random", "sequential-local",
                "tree-based-neighbourhood")));
        assertTrue(PlacementSpec.KINDS.contains("adaptive-access-counters"));
        assertTrue(PolicySpec.PRESETS.contains("uvmsmart-defaults"));
    }

    @Test
    void theGtx1080TiIsAReadyPlatformByName() {
        org.hmmlab.dsl.Scenario json = org.hmmlab.dsl.json.ScenarioJson.read("""
                {"name": "s", "platform": "GTX1080TI_PCIE3", "policy": "uvmsmart-defaults",
                 "allocations": [{"name": "x", "size": "2MiB"}],
                 "phases": [{"name": "k", "agent": "gpu0", "allocation": "x", "pattern": {"kind": "sequential"},
                    "footprint": "2MiB", "work": 512, "concurrency": 1, "accessSize": "4KiB", "writeFraction": 0.0}]}
                """);
        assertEquals(GTX1080TI_PCIE3, json.platform());
        assertEquals("GTX1080TI_PCIE3", PlatformPresets.nameOf(GTX1080TI_PCIE3));
        assertEquals(uvmSmartDefaults(), json.policy());
    }

    /** A spec reader over a map, for refusals the Java DSL cannot even express (its types forbid them). */
    record MapReader(java.util.Map<String, Object> fields) implements SpecReader {
        @Override
        public String kind(java.util.List<String> kinds) {
            return (String) fields.get("kind");
        }

        @Override
        public void only(java.util.Set<String> names) {
        }

        @Override
        public boolean has(String name) {
            return fields.containsKey(name);
        }

        @Override
        public String text(String name) {
            return (String) fields.get(name);
        }

        @Override
        public long whole(String name) {
            return (Long) fields.get(name);
        }

        @Override
        public boolean bool(String name) {
            return (Boolean) fields.get(name);
        }

        @Override
        public org.hmmlab.units.Bytes bytes(String name) {
            return org.hmmlab.units.Bytes.parse((String) fields.get(name));
        }

        @Override
        public org.hmmlab.units.SimDuration duration(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public RuntimeException refused(String parameter, IllegalArgumentException e) {
            return e;
        }
    }
}
