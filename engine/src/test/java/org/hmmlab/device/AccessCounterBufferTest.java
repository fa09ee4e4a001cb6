package org.hmmlab.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.hmmlab.driver.uvm.VaBlockFirstTouch;
import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.RunResult;
import org.hmmlab.platform.GpuProfile;
import org.hmmlab.platform.Platform;
import org.hmmlab.platform.Platforms;
import org.hmmlab.policy.MigrationPolicy;
import org.hmmlab.policy.Policies;
import org.hmmlab.run.Experiment;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The GPU's access-counter notification buffer, apart from the replayable fault buffer, as nvidia-uvm drains it:
 * uvm_gpu_access_counters.c (uvm_parent_gpu_service_access_counters() fetching batches of
 * uvm_perf_access_counter_batch_count = 256 notifications) on the bottom-half queue uvm_gpu_isr.c shares with the
 * fault handler.
 */
class AccessCounterBufferTest {

    static final Platform A100 = Platforms.A100_PCIE4;
    static final Bytes SIZE = Bytes.MiB(4);
    /** 64 KiB counter regions: 16 pages each, 64 in the buffer. */
    static final Bytes REGION = Bytes.KiB(64);
    static final long REGIONS = SIZE.bytes() / REGION.bytes();

    /**
     * The CPU writes the buffer (it starts in host memory); a GPU phase touches every page once (16 accesses per
     * region, below the thresholds used here: faults, mapped remotely); then a second phase reads it 8 more times
     * (remote accesses only, 128 per region: notifications, no fault).
     */
    static Workload mapThenReuse(int warps) {
        long pages = SIZE.pagesCeil();
        return Workload.of(List.of(new Allocation("x", SIZE)), List.of(
                Phase.cpu("init", "x", Patterns.sequential(), SIZE, pages).withWriteFraction(1),
                Phase.gpu("map", "x", Patterns.sequential(), SIZE, pages).withConcurrency(warps),
                Phase.gpu("reuse", "x", Patterns.sequential(), SIZE, 8 * pages).withConcurrency(warps)));
    }

    static MigrationPolicy counters(int threshold) {
        return Policies.onDemand().withPlacement(Policies.accessCounters(threshold, REGION));
    }

    static Platform withBuffer(int entries, int batch) {
        return A100.withGpu(A100.gpu().withAccessCounterBuffer(entries, batch));
    }

    static RunResult run(Platform p, Workload w, int threshold) {
        return traced(Experiment.of(p, w, () -> counters(threshold)).withSeed(42));
    }

    /** Traces of the runs, kept by result so a test can look at the trace of a run it made. */
    static final java.util.Map<RunResult, StringBuilder> TRACES = new java.util.IdentityHashMap<>();

    static RunResult traced(Experiment e) {
        StringBuilder t = new StringBuilder();
        RunResult r = e.withTrace(t).run();
        TRACES.put(r, t);
        return r;
    }

    /** The faults the trace shows in the last phase (the reuse phase of {@link #mapThenReuse}). */
    static List<TraceLog.Event> reuseFaults(RunResult r, Workload w) {
        long start = r.phases().get(w.phases().size() - 1).start_ns();
        return new TraceLog(TRACES.get(r)).of("fault").stream().filter(e -> e.time() >= start).toList();
    }

    /**
     * Every fault of the reuse phase is on a page that a notification's migration has taken from the device's
     * remote mapping and not mapped locally yet: its device mapping becomes usable after the fault (the PTE write
     * follows the copy, uvm_va_block_service_locked() in uvm_va_block.c).
     */
    static void assertNoFaultsButOnPagesStillCopying(RunResult r, Workload w) {
        TraceLog t = new TraceLog(TRACES.get(r));
        for (TraceLog.Event f : reuseFaults(r, w)) {
            TraceLog.Event mapped = t.mappedAtOrAfter(f.page(), f.time());
            assertTrue(mapped != null, "fault on page " + f.page() + " at " + f.time() + " with no mapping to come");
            boolean copying = t.of("access_counter_batch").stream().anyMatch(b -> b.time() <= f.time());
            assertTrue(copying, "fault at " + f.time() + " before any notification batch");
        }
    }

    @Nested
    class OwnBatches {

        @Test
        void notificationsAreServicedInBatchesOfTheirOwnAndLeaveTheFaultBatchesAlone() {
            Workload w = mapThenReuse(64);
            RunResult counted = run(A100, w, 64);
            RunResult never = run(A100, w, 65_535); // the threshold is never reached: no notification
            assertEquals(0, never.count(Counter.ACCESS_COUNTER_NOTIFICATIONS));
            assertEquals(REGIONS, counted.count(Counter.ACCESS_COUNTER_NOTIFICATIONS), "one per region");
            assertEquals(0, counted.count(Counter.ACCESS_COUNTER_NOTIFICATIONS_DROPPED));
            assertEquals(SIZE.pagesCeil(), counted.count(Counter.PAGES_TO_DEVICE), "every region migrated");
            long batches = counted.count(Counter.ACCESS_COUNTER_BATCHES);
            assertTrue(batches >= 1 && batches <= REGIONS, batches + " notification batches");
            // a notification raises no fault: the only faults of the reuse phase are warps touching a region whose
            // migration is still copying (its device mapping is written after the copy), none without notifications
            assertNoFaultsButOnPagesStillCopying(counted, w);
            assertEquals(0, reuseFaults(never, w).size());
            assertEquals(never.count(Counter.REPLAYS), never.count(Counter.FAULT_BATCHES));
            assertEquals(counted.count(Counter.FAULT_BATCHES), counted.count(Counter.REPLAYS),
                    "a fault batch replays once, a notification batch replays nothing");
            // and each kind of batch has its own service-time histogram
            assertEquals(batches, counted.accessCounterBatches().total().count());
            assertEquals(counted.count(Counter.FAULT_BATCHES), counted.batches().total().count());
            assertEquals(never.count(Counter.FAULT_BATCHES), never.batches().total().count());
            assertEquals(0, never.accessCounterBatches().total().count());
        }

        @Test
        void aBatchTakesUpToTheBatchCountOfTheNotificationsThatHaveLanded() {
            Workload w = mapThenReuse(64);
            RunResult one = run(withBuffer(8192, 1), w, 64);
            RunResult many = run(withBuffer(8192, 256), w, 64);
            assertEquals(REGIONS, one.count(Counter.ACCESS_COUNTER_NOTIFICATIONS));
            assertEquals(REGIONS, many.count(Counter.ACCESS_COUNTER_NOTIFICATIONS));
            assertEquals(REGIONS, one.count(Counter.ACCESS_COUNTER_BATCHES), "a batch of one per notification");
            assertTrue(many.count(Counter.ACCESS_COUNTER_BATCHES) < REGIONS / 2,
                    "notifications that land while the host is busy share a batch: "
                            + many.count(Counter.ACCESS_COUNTER_BATCHES) + " batches");
            // one batch overhead and one bottom-half entry for many notifications: less host time in all
            assertTrue(many.accessCounterBatches().total().total().compareTo(
                    one.accessCounterBatches().total().total()) < 0);
        }

        @Test
        void onTheAtsPathNotificationsAreNoPageRequests() {
            Workload w = mapThenReuse(64);
            RunResult counted = traced(Experiment.of(A100, w, () -> counters(64)).withFaultPath(FaultPath.ATS_PRI)
                    .withSeed(42));
            RunResult never = traced(Experiment.of(A100, w, () -> counters(65_535)).withFaultPath(FaultPath.ATS_PRI)
                    .withSeed(42));
            assertEquals(REGIONS, counted.count(Counter.ACCESS_COUNTER_NOTIFICATIONS));
            assertEquals(SIZE.pagesCeil(), counted.count(Counter.PAGES_TO_DEVICE));
            // page requests come only from warps touching a region still being copied, and each gets one response
            assertNoFaultsButOnPagesStillCopying(counted, w);
            assertEquals(0, reuseFaults(never, w).size());
            assertEquals(counted.count(Counter.PRI_REQUESTS), counted.count(Counter.REPLAYS), "no page response sent");
            assertEquals(never.count(Counter.PRI_REQUESTS), never.count(Counter.REPLAYS));
            assertEquals(counted.count(Counter.PRI_REQUESTS), counted.batches().total().count());
        }
    }

    @Nested
    class ServiceTime {

        @Test
        void oneNotificationCostsABatchAndOneBlockMigrationAndNoReplay() {
            // one host page, one warp, threshold 2 per page: the first read faults and is mapped remotely (one
            // fault batch, one replay); its retry is remote access 1, the second read remote access 2, which
            // notifies. The notification batch migrates the page: batch and per-notification driver time, the
            // migrate_vma walk and copy set-up, a CPU TLB shootdown, the device TLB invalidation of the remote
            // mapping, then the copy over the link and the PTE write and push, as a fault's migration costs.
            Workload w = Workload.of(List.of(new Allocation("x", Bytes.PAGE)), List.of(
                    Phase.cpu("init", "x", Patterns.sequential(), Bytes.PAGE, 1).withWriteFraction(1),
                    Phase.gpu("k", "x", Patterns.sequential(), Bytes.PAGE, 2)));
            RunResult r = Experiment.of(A100, w,
                    () -> Policies.onDemand().withPlacement(Policies.accessCounters(2, Bytes.PAGE))).run();
            var h = A100.host();
            var g = A100.gpu();
            var l = A100.link();
            assertEquals(1, r.count(Counter.FAULT_BATCHES));
            assertEquals(1, r.count(Counter.REPLAYS), "the fault's replay; the notification replays nothing");
            assertEquals(2, r.count(Counter.REMOTE_ACCESSES));
            assertEquals(1, r.count(Counter.ACCESS_COUNTER_NOTIFICATIONS));
            assertEquals(1, r.count(Counter.ACCESS_COUNTER_BATCHES));
            assertEquals(1, r.count(Counter.PAGES_TO_DEVICE));
            long copyAt = h.batchOverhead().nanos() + h.perFaultOverhead().nanos()
                    + h.rangeFaultWalk().nanos() + h.rangeFaultPerPage().nanos()
                    + h.blockOverhead().nanos() + h.populatePerPage().nanos() + h.dmaMapPerPage().nanos()
                    + h.tlbShootdown().nanos() + g.atcInvalidate().nanos()
                    // the block was set up by the fault that mapped it remotely; its first chunk comes now, from a
                    // fresh PMA batch, and the set-up share is out of blockOverhead (VaBlockFirstTouch)
                    + VaBlockFirstTouch.CHUNK_ALLOC.nanos() + VaBlockFirstTouch.PMA_BATCH.nanos()
                    - VaBlockFirstTouch.SET_UP_SHARE.nanos();
            long cpuDone = copyAt + h.pteUpdatePerPage().nanos() + h.ptePushOverhead().nanos();
            long copyDone = copyAt + g.copySetup().nanos() + l.roundTripLatency().nanos()
                    + GpuTest.wire(l.readCompletionWireBytes(4096));
            assertEquals(1, r.accessCounterBatches().total().count());
            assertEquals(Math.max(cpuDone, copyDone), r.accessCounterBatches().total().total().nanos());
            assertEquals(1, r.batches().total().count(), "the fault batch is recorded apart");
        }
    }

    @Nested
    class Capacity {

        /**
         * Half the buffer is mapped remotely first; then 256 warps read all of it at random: the untouched half
         * faults in a burst far larger than a 16-entry fault buffer while the mapped half reaches its thresholds.
         */
        static Workload burstWhileCounting() {
            Bytes half = Bytes.MiB(2);
            return Workload.of(List.of(new Allocation("x", SIZE)), List.of(
                    Phase.cpu("init", "x", Patterns.sequential(), SIZE, SIZE.pagesCeil()).withWriteFraction(1),
                    Phase.gpu("map", "x", Patterns.sequential(), half, half.pagesCeil()).withConcurrency(64),
                    Phase.gpu("burst", "x", Patterns.uniformRandom(), SIZE, 16 * SIZE.pagesCeil())
                            .withConcurrency(256)));
        }

        static Platform smallFaultBuffer(int noteEntries) {
            GpuProfile g = A100.gpu();
            return A100.withGpu(new GpuProfile(g.name(), g.sms(), g.warpsPerSm(), g.vram(), g.localBandwidth(),
                    g.localLatency(), g.tlbEntries(), g.tlbPageSize(), g.tlbHitLatency(), g.pageWalkLatency(),
                    g.faultReport(), 16, 16, g.utlbOutstandingFaults(), g.copyEngines(), g.copySetup(),
                    g.copyInflightGranules(), g.atcInvalidate(), g.replayLatency(), noteEntries,
                    Math.min(noteEntries, g.accessCounterBatchCount()), g.faultMaxBatchesPerService(),
                    g.faultMaxThrottlePerService()));
        }

        @Test
        void aFaultBurstDoesNotDropNotifications() {
            // 32 regions in the mapped half, a notification buffer with room for exactly those 32: a notification
            // is lost only if something else takes its room, as faults did when both shared the fault buffer
            RunResult r = run(smallFaultBuffer(32), burstWhileCounting(), 64);
            assertTrue(r.count(Counter.FAULTS) > 16 * 16, r.count(Counter.FAULTS) + " faults through 16 entries");
            assertTrue(r.count(Counter.ACCESS_COUNTER_NOTIFICATIONS) >= REGIONS / 2,
                    r.count(Counter.ACCESS_COUNTER_NOTIFICATIONS) + " notifications");
            assertEquals(0, r.count(Counter.ACCESS_COUNTER_NOTIFICATIONS_DROPPED));
            assertTrue(r.count(Counter.ACCESS_COUNTER_BATCHES) > 0);
        }

        @Test
        void aFullNotificationBufferDropsNewNotificationsAndCountsThem() {
            Workload w = mapThenReuse(64);
            RunResult roomy = run(withBuffer(8192, 256), w, 64);
            RunResult tiny = run(withBuffer(1, 1), w, 64);
            assertEquals(0, roomy.count(Counter.ACCESS_COUNTER_NOTIFICATIONS_DROPPED));
            long dropped = tiny.count(Counter.ACCESS_COUNTER_NOTIFICATIONS_DROPPED);
            assertTrue(dropped > 0, "regions crossing their threshold while one notification waits are lost");
            // a lost notification's region counts again from zero and crosses its threshold again later
            assertTrue(tiny.count(Counter.ACCESS_COUNTER_NOTIFICATIONS) + dropped > REGIONS,
                    tiny.count(Counter.ACCESS_COUNTER_NOTIFICATIONS) + " written, " + dropped + " dropped");
            assertEquals(tiny.count(Counter.ACCESS_COUNTER_NOTIFICATIONS), tiny.count(Counter.ACCESS_COUNTER_BATCHES));
            assertTrue(tiny.count(Counter.REMOTE_ACCESSES) > roomy.count(Counter.REMOTE_ACCESSES),
                    "regions whose notification was lost stay remote longer");
            // drops are no faults: the reuse phase faults only on regions still being copied
            assertNoFaultsButOnPagesStillCopying(roomy, w);
            assertNoFaultsButOnPagesStillCopying(tiny, w);
        }
    }

    @Nested
    class Determinism {

        @Test
        void theSameSeedGivesTheSameResultBitForBit() {
            Experiment e = Experiment.of(withBuffer(4, 2), Capacity.burstWhileCounting(), () -> counters(64))
                    .withSeed(11);
            StringBuilder t1 = new StringBuilder();
            StringBuilder t2 = new StringBuilder();
            RunResult a = e.withTrace(t1).run();
            RunResult b = e.withTrace(t2).run();
            assertTrue(a.count(Counter.ACCESS_COUNTER_BATCHES) > 0);
            assertTrue(a.count(Counter.ACCESS_COUNTER_NOTIFICATIONS_DROPPED) > 0, "the 4-entry buffer overflows");
            assertEquals(a.fingerprint(), b.fingerprint());
            assertEquals(t1.toString(), t2.toString());
            // every notification batch is in the trace, with at most the batch count of 2 notifications
            long traced = t1.toString().lines().filter(l -> l.contains("\"type\":\"access_counter_batch\"")).count();
            assertEquals(a.count(Counter.ACCESS_COUNTER_BATCHES), traced);
            assertTrue(t1.toString().lines().filter(l -> l.contains("access_counter_batch"))
                    .allMatch(l -> l.endsWith("\"notifications\":1}") || l.endsWith("\"notifications\":2}")));
            assertNotEquals(a.fingerprint(), e.withSeed(12).run().fingerprint());
        }
    }
}
