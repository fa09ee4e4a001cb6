package org.hmmlab.dsl.examples;

import static org.hmmlab.dsl.Lab.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hmmlab.dsl.Engine;
import org.hmmlab.dsl.Param;
import org.hmmlab.dsl.Scenario;
import org.hmmlab.dsl.ScenarioResult;
import org.hmmlab.dsl.SweepResult;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.Test;

/**
 * Experiments as a notebook would run them: each builds a scenario, runs it, and asserts on what the
 * result says, not merely that it ran.
 */
class OversubscriptionExperimentTest {

    /** A GPU kernel streaming twice over a 256 MiB buffer the CPU wrote first. */
    static final Scenario STREAM = scenario("stream")
            .engine(Engine.RESIDENCY_MODEL)          // counts of policy decisions; fast enough for 256 MiB
            .on(A100_PCIE4)
            .policy(onDemand())
            .alloc("x", MiB(256))
            .cpu(phase("init").writes("x"))
            .gpu(kernel("scan").reads("x").passes(2).warps(1024));

    @Test
    void whenTheBufferFitsEveryPageMigratesOnceAndNothingIsEvicted() {
        ScenarioResult r = STREAM.run();
        long pages = MiB(256).pagesCeil();
        assertEquals(pages, r.summary().get("pages_to_device"), "first touch moves each page to the GPU once");
        assertEquals(0L, r.summary().get("evictions"));
        assertEquals(pages, r.summary().get("faults"), "on demand: one fault per page, no prefetch");
        assertTrue(r.counters().toText().contains("pages_to_device"));
    }

    @Test
    void oversubscribingDeviceMemoryEvictsAndRefetches() {
        ScenarioResult fits = STREAM.vram(MiB(512)).run();
        ScenarioResult half = STREAM.vram(MiB(128)).run();
        assertEquals(0L, fits.summary().get("evictions"));
        assertTrue((Long) half.summary().get("evictions") > 0, "a 256 MiB stream cannot stay in 128 MiB");
        assertTrue((Long) half.summary().get("pages_to_device") > (Long) fits.summary().get("pages_to_device"),
                "the second pass must fetch evicted pages again");
    }

    @Test
    void zeroCopyMovesNothingAndReadsOverTheLink() {
        ScenarioResult r = STREAM.policy(zeroCopy()).run();
        assertEquals(0L, r.summary().get("pages_to_device"));
        assertEquals(2 * MiB(256).pagesCeil(), r.summary().get("remote_accesses"), "two passes, one access per page");
    }

    @Test
    void densityPrefetchCutsFaultsOnAStream() {
        ScenarioResult demand = STREAM.run();
        ScenarioResult prefetch = STREAM.policy(onDemand().prefetch(density(51))).run();
        assertTrue((Long) prefetch.summary().get("faults") < (Long) demand.summary().get("faults") / 2,
                "prefetching 51%-dense blocks should remove most faults of a sequential scan");
        assertTrue((Long) prefetch.summary().get("prefetched_pages") > 0);
    }

    @Test
    void aVramSweepShowsTheOversubscriptionCliff() {
        Param<Bytes> vram = param("vram", MiB(64), MiB(128), MiB(256), MiB(512));
        SweepResult sweep = sweep(vram).seed(42).run(p -> STREAM.vram(p.get(vram)).run(p.seed()).summary());
        Table t = sweep.table();
        assertEquals(4, t.rowCount());
        long[] evicted = t.longs("evictions");
        assertTrue(evicted[0] >= evicted[1] && evicted[1] >= evicted[2], "less memory, more evictions");
        assertEquals(0, evicted[3]);
        assertEquals(1, sweep.curves("evictions").seriesCount());
    }
}
