package org.hmmlab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.hmmlab.metrics.Counter;
import org.hmmlab.platform.Platforms;
import org.hmmlab.policy.Policies;
import org.hmmlab.sim.CancellationToken;
import org.hmmlab.sim.SimulationCancelledException;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;
import org.junit.jupiter.api.Test;

/**
 * The run layer: both engines behind one interface, one outcome type and one column vocabulary, each run handed
 * its cancellation token.
 */
class EngineTest {

    static final Bytes SIZE = Bytes.MiB(4);

    /** The CPU writes 4 MiB, then the GPU reads it once, on demand: one fault and one migration per page. */
    static Workload writeThenRead() {
        long pages = SIZE.pagesCeil();
        return Workload.of(List.of(new Allocation("x", SIZE)),
                List.of(Phase.cpu("init", "x", Patterns.sequential(), SIZE, pages).withWriteFraction(1),
                        Phase.gpu("read", "x", Patterns.sequential(), SIZE, pages)));
    }

    @Test
    void bothEnginesCountTheSameMigrationsUnderTheSameColumnNames() {
        Workload w = writeThenRead();
        Outcome timed = Engine.timed(Platforms.A100_PCIE4).run(w, Policies::onDemand, 5, new CancellationToken());
        Outcome model = Engine.residency(Platforms.A100_PCIE4).run(w, Policies::onDemand, 5, new CancellationToken());
        assertTrue(timed instanceof Outcome.Timed);
        assertTrue(model instanceof Outcome.Residency);
        Map<String, Long> t = timed.summary();
        Map<String, Long> m = model.summary();
        for (String c : List.of(Columns.PAGES_TO_DEVICE, Columns.PAGES_TO_HOST, Columns.EVICTIONS,
                Columns.REMOTE_ACCESSES)) {
            assertEquals(t.get(c), m.get(c), c + " on both engines");
        }
        assertEquals(SIZE.pagesCeil(), m.get(Columns.PAGES_TO_DEVICE));
        assertEquals(5, timed.seed());
        assertEquals(5, model.seed());
    }

    // One meaning per column on both engines (issue 14's counting defects): pages_to_device counts pages whose
    // contents were copied to the device; a buffer the GPU touches first is populated in device memory
    // (migrate_vma with no source page: zero-filled, nothing copied), counted as pages_populated_on_device; accesses
    // are the warps' accesses, the CPU phase's loads and stores are host_accesses.
    @Test
    void aBufferFirstTouchedByTheGpuIsPopulatedOnTheDeviceNotMigratedOnBothEngines() {
        long pages = SIZE.pagesCeil();
        Workload gpuFirst = Workload.of(List.of(new Allocation("x", SIZE)),
                List.of(Phase.gpu("fill", "x", Patterns.sequential(), SIZE, pages).withWriteFraction(1),
                        Phase.cpu("check", "x", Patterns.sequential(), SIZE, pages)));
        Map<String, Long> t = Engine.timed(Platforms.A100_PCIE4).run(gpuFirst, Policies::onDemand, 5,
                new CancellationToken()).summary();
        Map<String, Long> m = Engine.residency(Platforms.A100_PCIE4).run(gpuFirst, Policies::onDemand, 5,
                new CancellationToken()).summary();
        for (Map<String, Long> s : List.of(t, m)) {
            assertEquals(0, s.get(Columns.PAGES_TO_DEVICE), "nothing was copied to the device: " + s);
            assertEquals(pages, s.get(Columns.PAGES_POPULATED_ON_DEVICE), "every page was populated there: " + s);
            assertEquals(pages, s.get(Columns.PAGES_TO_HOST), "and copied back when the CPU read it: " + s);
        }
        assertEquals(0, t.get(Columns.of(Counter.BYTES_TO_DEVICE)));
        assertEquals(pages, t.get(Columns.of(Counter.ACCESSES)), "the warps' accesses only");
        assertEquals(pages, t.get(Columns.of(Counter.HOST_ACCESSES)), "the CPU phase's, counted apart");
    }

    // An access-counter notification carries a sub_granularity mask: which 32ths of its region were accessed; the
    // driver migrates those sub-regions, not the whole region (expand_notification_block(),
    // uvm_gpu_access_counters.c, UVM_SUB_GRANULARITY_REGIONS = 32). A GPU reading only the first 128 KiB of a
    // CPU-written 2 MiB buffer through remote mappings (2 MiB counters, threshold 64) brings those two 64 KiB
    // sub-regions over, 32 pages, on both engines; the rest of the block stays in host memory.
    @Test
    void anAccessCounterNotificationMigratesTheSubRegionsItReportsOnBothEngines() {
        Bytes block = Bytes.MiB(2);
        Workload w = Workload.of(List.of(new Allocation("x", block)), List.of(
                Phase.cpu("init", "x", Patterns.sequential(), block, block.pagesCeil()).withWriteFraction(1),
                Phase.gpu("read", "x", Patterns.sequential(), Bytes.KiB(128), 256)));
        java.util.function.Supplier<org.hmmlab.policy.MigrationPolicy> counters =
                () -> Policies.onDemand().withPlacement(Policies.accessCounters(64, block));
        for (Engine e : List.of(Engine.timed(Platforms.A100_PCIE4), Engine.residency(Platforms.A100_PCIE4))) {
            Map<String, Long> s = e.run(w, counters, 5, new CancellationToken()).summary();
            assertEquals(32, s.get(Columns.PAGES_TO_DEVICE), e.getClass().getSimpleName() + ": the two accessed 64 KiB sub-regions: " + s);
        }
    }

    @Test
    void bothEnginesReplayTheSamePhaseStreamForTheSameSeed() {
        // the CPU writes 16 MiB, then 4096 random touches over its 4096 pages: about 63 % distinct, a count that
        // depends on the stream's seed (standard deviation about 20 pages)
        Bytes size = Bytes.MiB(16);
        Phase read = Phase.gpu("scatter", "x", Patterns.uniformRandom(), size, 4096);
        Workload w = Workload.of(List.of(new Allocation("x", size)), List.of(
                Phase.cpu("init", "x", Patterns.sequential(), size, size.pagesCeil()).withWriteFraction(1), read));
        long seed = 77;
        java.util.Set<Long> pages = new java.util.HashSet<>();
        org.hmmlab.workload.AccessStream s = read.stream(Seeds.phase(seed, 1, "scatter"));
        while (s.next()) {
            for (long p = s.offset() >>> 12; p <= (s.offset() + s.size() - 1) >>> 12; p++) {
                pages.add(p);
            }
        }
        for (Engine e : List.of(Engine.timed(Platforms.A100_PCIE4), Engine.residency(Platforms.A100_PCIE4))) {
            Outcome o = e.run(w, Policies::onDemand, seed, new CancellationToken());
            assertEquals((long) pages.size(), o.summary().get(Columns.PAGES_TO_DEVICE), e.toString());
        }
    }

    @Test
    void theTimedSummaryNamesEveryCounterLowercased() {
        Outcome.Timed o = Engine.timed(Platforms.A100_PCIE4).run(writeThenRead(), Policies::onDemand, 1,
                new CancellationToken());
        for (Counter c : Counter.values()) {
            if (c.iommu()) {
                // no translating IOMMU on this platform: its counters are not listed, the columns stay as they were
                assertEquals(null, o.summary().get(Columns.of(c)), c.name());
            } else {
                assertEquals(o.result().count(c), o.summary().get(c.name().toLowerCase(java.util.Locale.ROOT)), c.name());
            }
        }
        assertEquals(o.result().simTime().nanos(), o.summary().get(Columns.SIM_TIME_NS));
        Outcome.Timed io = Engine.timed(Platforms.A100_PCIE4.withIommu(org.hmmlab.pcie.IommuConfig.translated()))
                .run(writeThenRead(), Policies::onDemand, 1, new CancellationToken());
        for (Counter c : Counter.values()) {
            assertEquals(io.result().count(c), io.summary().get(Columns.of(c)), "with an IOMMU: " + c.name());
        }
        assertTrue(io.result().count(Counter.DMA_MAPS) > 0, "the migrations mapped their sources");
    }

    @Test
    void aCancelledTokenStopsEitherEngine() {
        CancellationToken token = new CancellationToken();
        token.cancel();
        for (Engine e : List.of(Engine.timed(Platforms.A100_PCIE4), Engine.residency(Platforms.A100_PCIE4))) {
            assertThrows(SimulationCancelledException.class,
                    () -> e.run(writeThenRead(), Policies::onDemand, 1, token), e.toString());
        }
    }

    @Test
    void aMissingInputIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Engine.Timed(null, org.hmmlab.device.FaultPath.ATS_PRI));
        assertTrue(e.getMessage().contains("platform"), e.getMessage());
    }
}
