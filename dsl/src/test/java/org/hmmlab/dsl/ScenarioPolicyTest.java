package org.hmmlab.dsl;

import static org.hmmlab.dsl.Lab.KiB;
import static org.hmmlab.dsl.Lab.MiB;
import static org.hmmlab.dsl.Lab.accessCounters;
import static org.hmmlab.dsl.Lab.kernel;
import static org.hmmlab.dsl.Lab.onDemand;
import static org.hmmlab.dsl.Lab.phase;
import static org.hmmlab.dsl.Lab.scenario;
import static org.hmmlab.dsl.Lab.sequential;
import static org.hmmlab.dsl.Lab.uvmDefaults;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.RunResult;
import org.junit.jupiter.api.Test;

/**
 * A scenario's policy reaches the timing model (the default engine): the prefetcher and the access-counter
 * threshold chosen in the DSL change what the run migrates and how long it takes.
 */
class ScenarioPolicyTest {

    /** The CPU writes 32 MiB (so it starts in host memory), then a GPU kernel reads it sequentially. */
    static Scenario stream(int warps, int passes) {
        return scenario("stream").alloc("x", MiB(32)).cpu(phase("init").writes("x"))
                .gpu(kernel("read").reads("x").pattern(sequential()).passes(passes).warps(warps));
    }

    // uvm_perf_prefetch.c: a fault batch with more than half of a region faulted or resident migrates the whole
    // region, so a sequential stream from few warps needs far fewer fault batches with density prefetch
    @Test
    void densityPrefetchCutsTheFaultBatchesOfASequentialStream() {
        RunResult off = stream(32, 1).policy(onDemand()).run().timing();
        RunResult on = stream(32, 1).policy(uvmDefaults()).run().timing();
        assertEquals(off.count(Counter.PAGES_TO_DEVICE), on.count(Counter.PAGES_TO_DEVICE), "every page migrates once");
        assertTrue(on.count(Counter.FAULT_BATCHES) * 2 < off.count(Counter.FAULT_BATCHES),
                "batches " + on.count(Counter.FAULT_BATCHES) + " with prefetch vs " + off.count(Counter.FAULT_BATCHES));
        assertTrue(on.simTime().nanos() < off.simTime().nanos(), on.simTime() + " vs " + off.simTime());
    }

    // uvm_gpu_access_counters.c: each notification migrates its region; at threshold 1 every remotely read region
    // is notified and migrates, as on the residency model, while 256 reads per 64 KiB region are never reached
    @Test
    void accessCounterThresholdOneMigratesEveryRegionOfARepeatedRead() {
        Scenario read = stream(1024, 2);
        long pages = MiB(32).pagesCeil();
        RunResult one = read.policy(uvmDefaults().placement(accessCounters(1, KiB(64)))).run().timing();
        RunResult many = read.policy(uvmDefaults().placement(accessCounters(256, KiB(64)))).run().timing();
        long residency = read.policy(uvmDefaults().placement(accessCounters(1, KiB(64)))).engine(Engine.RESIDENCY_MODEL)
                .run().residency().pagesToDevice();
        assertEquals(pages, residency, "the residency model migrates every page");
        assertEquals(pages, one.count(Counter.PAGES_TO_DEVICE), "so does the timing model");
        assertEquals(0, many.count(Counter.PAGES_TO_DEVICE), "two reads per page never reach 256 per region");
        assertTrue(many.count(Counter.REMOTE_ACCESSES) > one.count(Counter.REMOTE_ACCESSES));
    }
}
