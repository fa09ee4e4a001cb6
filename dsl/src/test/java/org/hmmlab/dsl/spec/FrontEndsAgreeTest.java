package org.hmmlab.dsl.spec;

import static org.hmmlab.dsl.Lab.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import java.util.stream.Stream;
import org.hmmlab.dsl.json.JsonFormatException;
import org.hmmlab.dsl.script.ScriptException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The three front ends map onto one spec: the same policy written in Java, JSON and JavaScript is the same
 * {@link PolicySpec}, and the same bad value is refused with the same text (JSON puts the field's path in front,
 * JavaScript the script's line).
 */
class FrontEndsAgreeTest {

    static final String JS_SOURCE = "function onDeviceFault(f) { return 'migrate'; }";

    static Stream<Arguments> samePolicy() {
        return Stream.of(
                Arguments.of("access counters with decay",
                        uvmDefaults().placement(accessCounters().threshold(64).granularity(KiB(64)).decay(us(100))),
                        "{\"placement\": {\"kind\": \"access-counters\", \"threshold\": 64, \"granularity\": \"64KiB\","
                                + " \"decay\": \"100us\"}}",
                        ".placement({kind: 'access-counters', threshold: 64, granularity: '64KiB', decay: '100us'})"),
                Arguments.of("access counters, two-argument form",
                        uvmDefaults().placement(accessCounters(16, MiB(2))),
                        "{\"placement\": {\"kind\": \"access-counters\", \"threshold\": 16, \"granularity\": \"2MiB\"}}",
                        ".accessCounters(16, '2MiB')"),
                Arguments.of("remote map, density 30",
                        uvmDefaults().placement(remoteMap()).prefetch(density(30)),
                        "{\"placement\": {\"kind\": \"remote-map\"}, \"prefetch\": {\"kind\": \"density\", \"threshold_pct\": 30}}",
                        ".placement({kind: 'remote-map'}).prefetch(30)"),
                Arguments.of("neighbourhood, lru refreshed on access, no thrashing",
                        uvmDefaults().prefetch(neighbourhood(KiB(64))).eviction(lru().granularity(KiB(64)).refreshOnAccess(true))
                                .thrashing(noThrashing()),
                        "{\"prefetch\": {\"kind\": \"neighbourhood\", \"size\": \"64KiB\"}, \"eviction\": {\"kind\": \"lru\","
                                + " \"granularity\": \"64KiB\", \"refresh_on_access\": true}, \"thrashing\": {\"kind\": \"none\"}}",
                        ".prefetch({kind: 'neighbourhood', size: '64KiB'})"
                                + ".eviction({kind: 'lru', granularity: '64KiB', refresh_on_access: true})"
                                + ".thrashing({kind: 'none'})"),
                Arguments.of("rrip", onDemand().eviction(rrip(KiB(64))),
                        "{\"prefetch\": {\"kind\": \"none\"}, \"eviction\": {\"kind\": \"rrip\", \"granularity\": \"64KiB\"},"
                                + " \"thrashing\": {\"kind\": \"none\"}}",
                        ".policy('on-demand').eviction({kind: 'rrip', granularity: '64KiB'})"),
                Arguments.of("random eviction", onDemand().eviction(randomEviction(MiB(2))),
                        "{\"prefetch\": {\"kind\": \"none\"}, \"eviction\": {\"kind\": \"random\", \"granularity\": \"2MiB\"},"
                                + " \"thrashing\": {\"kind\": \"none\"}}",
                        ".prefetch(0).eviction({kind: 'random', granularity: '2MiB'}).thrashing({kind: 'none'})"),
                Arguments.of("javascript placement", zeroCopy().placement(javascript("p.js", JS_SOURCE)),
                        "{\"placement\": {\"kind\": \"javascript\", \"name\": \"p.js\", \"source\": \"" + JS_SOURCE + "\"},"
                                + " \"prefetch\": {\"kind\": \"none\"}, \"thrashing\": {\"kind\": \"none\"}}",
                        ".policy('zero-copy').placement({kind: 'javascript', name: 'p.js', source: \"" + JS_SOURCE + "\"})"),
                Arguments.of("uvm thrashing, every parameter",
                        uvmDefaults().thrashing(uvmThrashing().threshold(5).lapse(us(250)).nap(us(100)).pinThreshold(3)
                                .pinDuration(ms(10)).epoch(ms(100)).throttleOnly()),
                        "{\"thrashing\": {\"kind\": \"uvm\", \"threshold\": 5, \"lapse\": \"250us\", \"nap\": \"100us\","
                                + " \"pin_threshold\": 3, \"pin_duration\": \"10ms\", \"epoch\": \"100ms\","
                                + " \"mitigation\": \"throttle\"}}",
                        ".thrashing({kind: 'uvm', threshold: 5, lapse: '250us', nap: '100us', pin_threshold: 3,"
                                + " pin_duration: '10ms', epoch: '100ms', mitigation: 'throttle'})"),
                Arguments.of("uvm thrashing pinning for good at once",
                        onDemand().thrashing(uvmThrashing().pinDuration(ns(0)).pinAtOnce()),
                        "{\"prefetch\": {\"kind\": \"none\"}, \"thrashing\": {\"kind\": \"uvm\", \"pin_duration\": \"0ns\","
                                + " \"mitigation\": \"pin\"}}",
                        ".policy('on-demand').thrashing({kind: 'uvm', pin_duration: '0ns', mitigation: 'pin'})"),
                Arguments.of("hints",
                        uvmDefaults().hints(readMostly("x"), preferredLocation("x", HOST), accessedBy("x", gpu(0))),
                        "{\"hints\": [{\"kind\": \"read-mostly\", \"allocation\": \"x\"},"
                                + " {\"kind\": \"preferred-location\", \"allocation\": \"x\", \"location\": \"host\"},"
                                + " {\"kind\": \"accessed-by\", \"allocation\": \"x\", \"gpu\": \"gpu0\"}]}",
                        ".readMostly('x').hint({kind: 'preferred-location', allocation: 'x', location: 'host'})"
                                + ".accessedBy('x', 'gpu0')"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samePolicy")
    void theThreeFrontEndsGiveEqualSpecs(String what, PolicySpec java, String json, String js) {
        assertEquals(java, FrontEnds.json(json).policy(), "JSON");
        assertEquals(java, FrontEnds.js(js).policy(), "JavaScript");
        assertEquals(java, FrontEnds.json(org.hmmlab.dsl.json.Json.write(
                org.hmmlab.dsl.json.ScenarioJson.tree(FrontEnds.json(json)).get("policy"))).policy(),
                "written and read back");
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("threshold 0", () -> accessCounters().threshold(0),
                        "{\"placement\": {\"kind\": \"access-counters\", \"threshold\": 0}}",
                        ".placement({kind: 'access-counters', threshold: 0})",
                        "$.policy.placement.threshold", "access-counters threshold must be in [1, 65535], got 0"),
                bad("threshold above the counter", () -> accessCounters(65_536, KiB(64)),
                        "{\"placement\": {\"kind\": \"access-counters\", \"threshold\": 65536, \"granularity\": \"64KiB\"}}",
                        ".accessCounters(65536, '64KiB')",
                        "$.policy.placement.threshold", "access-counters threshold must be in [1, 65535], got 65536"),
                bad("granularity not a power of two", () -> accessCounters().granularity(KiB(96)),
                        "{\"placement\": {\"kind\": \"access-counters\", \"granularity\": \"96KiB\"}}",
                        ".placement({kind: 'access-counters', granularity: '96KiB'})",
                        "$.policy.placement.granularity",
                        "access-counters granularity must be a power of two from 4 KiB to 16 GiB, got 96 KiB"),
                bad("decay over an hour", () -> accessCounters().decay(ms(3_600_001)),
                        "{\"placement\": {\"kind\": \"access-counters\", \"decay\": \"3600001ms\"}}",
                        ".placement({kind: 'access-counters', decay: '3600001ms'})",
                        "$.policy.placement.decay", "access-counters decay must be a duration in [0 ns, "),
                bad("density 101", () -> density(101),
                        "{\"prefetch\": {\"kind\": \"density\", \"threshold_pct\": 101}}",
                        ".prefetch({kind: 'density', threshold_pct: 101})",
                        "$.policy.prefetch.threshold_pct", "density threshold_pct must be in [1, 100], got 101"),
                bad("neighbourhood over a block", () -> neighbourhood(MiB(4)),
                        "{\"prefetch\": {\"kind\": \"neighbourhood\", \"size\": \"4MiB\"}}",
                        ".prefetch({kind: 'neighbourhood', size: '4MiB'})",
                        "$.policy.prefetch.size", "neighbourhood size must be a power of two from 4 KiB to 2 MiB, got 4 MiB"),
                bad("lru chunk", () -> lru(KiB(3), false),
                        "{\"eviction\": {\"kind\": \"lru\", \"granularity\": \"3KiB\", \"refresh_on_access\": false}}",
                        ".eviction({kind: 'lru', granularity: '3KiB', refresh_on_access: false})",
                        "$.policy.eviction.granularity", "lru granularity must be a power of two from 4 KiB to 2 MiB, got 3 KiB"),
                bad("rrip chunk", () -> rrip(MiB(4)),
                        "{\"eviction\": {\"kind\": \"rrip\", \"granularity\": \"4MiB\"}}",
                        ".eviction({kind: 'rrip', granularity: '4MiB'})",
                        "$.policy.eviction.granularity", "rrip granularity must be a power of two from 4 KiB to 2 MiB, got 4 MiB"),
                bad("random chunk", () -> randomEviction(KiB(12)),
                        "{\"eviction\": {\"kind\": \"random\", \"granularity\": \"12KiB\"}}",
                        ".eviction({kind: 'random', granularity: '12KiB'})",
                        "$.policy.eviction.granularity", "random granularity must be a power of two from 4 KiB to 2 MiB, got 12 KiB"),
                bad("thrashing threshold 8", () -> uvmThrashing().threshold(8),
                        "{\"thrashing\": {\"kind\": \"uvm\", \"threshold\": 8}}",
                        ".thrashing({kind: 'uvm', threshold: 8})",
                        "$.policy.thrashing.threshold", "uvm threshold must be in [1, 7], got 8"),
                bad("thrashing lapse 0", () -> uvmThrashing().lapse(ns(0)),
                        "{\"thrashing\": {\"kind\": \"uvm\", \"lapse\": \"0ns\"}}",
                        ".thrashing({kind: 'uvm', lapse: '0ns'})",
                        "$.policy.thrashing.lapse", "uvm lapse must be a duration in [1 ns, "),
                bad("thrashing nap over a second", () -> uvmThrashing().nap(ms(1001)),
                        "{\"thrashing\": {\"kind\": \"uvm\", \"nap\": \"1001ms\"}}",
                        ".thrashing({kind: 'uvm', nap: '1001ms'})",
                        "$.policy.thrashing.nap", "uvm nap must be a duration in [1 ns, "),
                bad("thrashing pin threshold 0", () -> uvmThrashing().pinThreshold(0),
                        "{\"thrashing\": {\"kind\": \"uvm\", \"pin_threshold\": 0}}",
                        ".thrashing({kind: 'uvm', pin_threshold: 0})",
                        "$.policy.thrashing.pin_threshold", "uvm pin_threshold must be in [1, 1000], got 0"),
                bad("thrashing epoch shorter than the lapse", () -> uvmThrashing().epoch(us(100)),
                        "{\"thrashing\": {\"kind\": \"uvm\", \"epoch\": \"100us\"}}",
                        ".thrashing({kind: 'uvm', epoch: '100us'})",
                        "$.policy.thrashing.epoch", "uvm epoch must be a duration in [lapse (500 us), "),
                bad("thrashing mitigation unknown", () -> ThrashingSpec.Uvm.mitigationNamed("nap"),
                        "{\"thrashing\": {\"kind\": \"uvm\", \"mitigation\": \"nap\"}}",
                        ".thrashing({kind: 'uvm', mitigation: 'nap'})",
                        "$.policy.thrashing.mitigation",
                        "uvm mitigation must be one of none, throttle, pin, throttle-then-pin, got 'nap'"),
                bad("hint on a blank name", () -> readMostly(" "),
                        "{\"hints\": [{\"kind\": \"read-mostly\", \"allocation\": \" \"}]}",
                        ".readMostly(' ')",
                        "$.policy.hints[0].allocation", "read-mostly allocation must be non-empty text, got ' '"),
                bad("hint on gpu64", () -> preferredLocation("x", gpu(64)),
                        "{\"hints\": [{\"kind\": \"preferred-location\", \"allocation\": \"x\", \"location\": \"gpu64\"}]}",
                        ".preferredLocation('x', 'gpu64')",
                        "$.policy.hints[0].location", "a processor must be host or gpu0 .. gpu63, got 'gpu64'"),
                bad("unknown ready policy", () -> PolicySpec.preset("fast"),
                        "\"fast\"", ".policy('fast')",
                        "$.policy", "policy must be one of uvm-defaults, on-demand, zero-copy, uvmsmart-defaults, got 'fast'"));
    }

    static Arguments bad(String what, Supplier<?> java, String json, String js, String jsonPath, String message) {
        return Arguments.of(what, java, json, js, jsonPath, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void theSameBadValueHasTheSameMessage(String what, Supplier<?> java, String json, String js, String jsonPath,
            String message) {
        IllegalArgumentException j = assertThrows(IllegalArgumentException.class, java::get);
        JsonFormatException fromJson = assertThrows(JsonFormatException.class, () -> FrontEnds.json(json));
        ScriptException fromJs = assertThrows(ScriptException.class, () -> FrontEnds.js(js));
        assertTrue(j.getMessage().startsWith(message), j.getMessage());
        assertEquals(jsonPath + ": " + j.getMessage(), fromJson.getMessage(), "JSON: the path, then the same text");
        assertTrue(fromJs.getMessage().contains(j.getMessage()), "JavaScript: " + fromJs.getMessage());
        assertTrue(fromJs.getMessage().startsWith("s.js:1: "), "JavaScript names the line: " + fromJs.getMessage());
    }

    @Test
    void aHintOnAnAllocationTheScenarioLacksIsRefusedWhereItIsWritten() {
        JsonFormatException e = assertThrows(JsonFormatException.class, () -> FrontEnds.json(
                "{\"hints\": [{\"kind\": \"read-mostly\", \"allocation\": \"y\"}]}"));
        assertEquals("$.policy.hints[0].allocation: \"y\" is not allocated; allocations: [x]", e.getMessage());
        IllegalArgumentException j = assertThrows(IllegalArgumentException.class,
                () -> scenario("s").alloc("x", MiB(1)).policy(uvmDefaults().hints(readMostly("y")))
                        .gpu(kernel("k").reads("x")).workload());
        assertTrue(j.getMessage().contains("hint read-mostly(allocation=y) names 'y', which is not allocated"),
                j.getMessage());
    }

    /** Issue 14: a JavaScript placement whose script does not load is a bad {@code source}, located as such. */
    @Test
    void aJavaScriptPlacementThatDoesNotLoadIsRefusedAtItsField() {
        String broken = "function onDeviceFault(f) { return 'migrate' ";
        IllegalArgumentException j = assertThrows(IllegalArgumentException.class, () -> javascript("p.js", broken));
        assertTrue(j.getMessage().startsWith("javascript source does not load: p.js:1: "), j.getMessage());
        assertTrue(j.getCause() instanceof ScriptException, "the script's own error is the cause");
        JsonFormatException fromJson = assertThrows(JsonFormatException.class, () -> FrontEnds.json(
                "{\"placement\": {\"kind\": \"javascript\", \"name\": \"p.js\", \"source\": \"" + broken + "\"}}"));
        assertEquals("$.policy.placement.source: " + j.getMessage(), fromJson.getMessage());
        JsonFormatException noFunction = assertThrows(JsonFormatException.class, () -> FrontEnds.json(
                "{\"placement\": {\"kind\": \"javascript\", \"name\": \"q.js\", \"source\": \"let x = 1;\"}}"));
        assertTrue(noFunction.getMessage().startsWith("$.policy.placement.source: javascript source does not load: q.js"),
                noFunction.getMessage());
        ScriptException fromJs = assertThrows(ScriptException.class, () -> FrontEnds.js(
                ".placement({kind: 'javascript', name: 'p.js', source: \"" + broken + "\"})"));
        assertTrue(fromJs.getMessage().startsWith("s.js:1: ") && fromJs.getMessage().contains("placement.source: "
                + j.getMessage()), fromJs.getMessage());
    }
}
