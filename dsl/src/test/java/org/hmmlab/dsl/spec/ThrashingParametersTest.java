package org.hmmlab.dsl.spec;

import static org.hmmlab.dsl.Lab.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hmmlab.dsl.Engine;
import org.hmmlab.dsl.Scenario;
import org.hmmlab.dsl.ScenarioResult;
import org.hmmlab.policy.UvmThrashingDetector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The UVM thrashing detector's parameters ({@code uvm_perf_thrashing.c}'s module parameters), reachable from
 * {@code Lab}, reach the engine: a CPU/GPU ping-pong, which the defaults throttle, is only counted with
 * {@code detectOnly()}, and a threshold no page reaches leaves it alone.
 */
class ThrashingParametersTest {

    static ScenarioResult pingPong(ThrashingSpec thrashing, Engine engine) {
        Scenario s = scenario("bounce").alloc("x", MiB(2)).pingPong("x", 4)
                .policy(uvmDefaults().thrashing(thrashing)).engine(engine).seed(5);
        return s.run();
    }

    /** Mitigations started: the timing engine's thrashing events, the residency model's throttles. */
    static long throttles(ScenarioResult r) {
        return (Long) r.summary().get(r.engine() == Engine.TIMING ? "thrashing_events" : "throttles");
    }

    /** The run without its thrashing counter, which counts detections even when nothing is done about them. */
    static java.util.Map<String, Object> withoutThrashingCount(ScenarioResult r) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        r.summary().cells().forEach(c -> m.put(c.name(), c.value()));
        m.remove("thrashing_events");
        m.remove("throttles");
        return m;
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void theMitigationAndTheThresholdChangeTheRun(Engine engine) {
        ScenarioResult uvm = pingPong(uvmThrashing(), engine);
        ScenarioResult none = pingPong(noThrashing(), engine);
        assertTrue(throttles(uvm) > 0, "UVM's defaults mitigate the ping-pong: " + uvm.summary());
        assertNotEquals(withoutThrashingCount(none), withoutThrashingCount(uvm), "and that changes the run");
        assertEquals(withoutThrashingCount(none), withoutThrashingCount(pingPong(uvmThrashing().detectOnly(), engine)),
                "detect only: the run of no detector");
        assertEquals(withoutThrashingCount(none), withoutThrashingCount(pingPong(uvmThrashing().lapse(ns(1)), engine)),
                "moves 1 ns apart never happen, so no page is thrashing");
        assertEquals(0, throttles(pingPong(uvmThrashing().lapse(ns(1)), engine)));
        assertNotEquals(withoutThrashingCount(uvm),
                withoutThrashingCount(pingPong(uvmThrashing().threshold(1).pinAtOnce(), engine)),
                "pinning at the first event changes the run");
    }

    @Test
    void theDefaultsAreUvmsAndListNoParameters() {
        ThrashingSpec.Uvm u = uvmThrashing();
        assertEquals(UvmThrashingDetector.DEFAULT_THRESHOLD, u.threshold());
        assertEquals(us(500), u.lapse());
        assertEquals(ms(150), u.pinDuration());
        assertEquals(ms(1000), u.epoch());
        assertEquals("uvm", u.label(), "the defaults write as before: {\"kind\": \"uvm\"}");
        assertEquals("uvm(threshold=5, mitigation=throttle)", u.threshold(5).throttleOnly().label());
        assertEquals(u, u.threshold(5).threshold(3), "a value set back to its default is the default");
    }
}
