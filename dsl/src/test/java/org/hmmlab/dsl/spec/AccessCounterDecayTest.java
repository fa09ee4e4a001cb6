package org.hmmlab.dsl.spec;

import static org.hmmlab.dsl.Lab.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hmmlab.dsl.Engine;
import org.hmmlab.dsl.Scenario;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The access counters' decay, reachable from the DSL: counts that halve faster than the GPU's accesses arrive
 * never reach the threshold, so no region migrates; without decay the same accesses migrate regions. (The decay is
 * the model's addition to {@code uvm_gpu_access_counters.c}, whose counters only clear on notification.)
 */
class AccessCounterDecayTest {

    static Scenario counted(org.hmmlab.units.SimDuration decay, Engine engine) {
        return scenario("decay").alloc("x", MiB(2)).cpu(phase("init").writes("x"))
                .gpu(kernel("k").reads("x").passes(4).warps(1)) // one warp: one access in flight at a time
                .policy(onDemand().placement(accessCounters().threshold(8).granularity(KiB(64)).decay(decay)))
                .engine(engine).seed(3);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void countsThatDecayFasterThanAccessesArriveNeverMigrate(Engine engine) {
        var steady = counted(ns(0), engine).run();
        var decayed = counted(ns(1), engine).run();
        long steadyToGpu = HintsChangeTheRunTest.toGpu(steady);
        assertTrue(steadyToGpu > 0, "without decay 8 accesses per 64 KiB migrate regions: " + steady.summary());
        assertEquals(0, HintsChangeTheRunTest.toGpu(decayed), "a 1 ns half-life keeps every count below 8: "
                + decayed.summary());
        assertTrue(HintsChangeTheRunTest.remote(decayed) > HintsChangeTheRunTest.remote(steady),
                "so more accesses cross the link");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aHalfLifeLongerThanTheRunChangesNothing(Engine engine) {
        assertEquals(counted(ns(0), engine).run().summary(), counted(ms(1_000), engine).run().summary());
    }
}
