package org.hmmlab.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.RunResult;
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
import org.junit.jupiter.api.Test;

/**
 * One run of the fault handler's bottom half services fault batches back to back, up to
 * uvm_perf_fault_max_batches_per_service (20) of them, before it yields the GPU's one bottom-half queue: an
 * access-counter notification batch queued meanwhile runs between two runs, never between two batches of one run.
 *
 * <p>The loop is uvm_parent_gpu_service_replayable_faults() (uvm_gpu_replayable_faults.c): {@code while (1)} it
 * breaks when {@code num_throttled >= uvm_perf_fault_max_throttle_per_service || num_batches >=
 * uvm_perf_fault_max_batches_per_service}, or when a FAULT_FETCH_MODE_BATCH_READY fetch comes back empty; under
 * BATCH_FLUSH each batch flushes the buffer and waits for its replay before the next fetch. The bottom halves share
 * {@code parent_gpu->isr.bottom_half_q} (uvm_gpu_isr.c).
 */
class BatchesPerServiceTest {

    static final Platform A100 = Platforms.A100_PCIE4;
    static final Bytes SIZE = Bytes.MiB(64);
    static final Bytes REGION = Bytes.KiB(64);
    /** Small batches, so the handler runs many of them while notifications wait. */
    static final Platform SMALL_BATCHES = A100.withGpu(A100.gpu().withFaultBatchCount(8));

    /**
     * The CPU writes 64 MiB; 64 warps map its first quarter remotely (a fault per page: 16 remote accesses per
     * 64 KiB region, below the threshold of 32), then 2048 warps read the whole buffer at random: the mapped quarter
     * through remote accesses that cross the threshold (notifications) while the rest faults, batch after batch.
     */
    static Workload faultsWhileCounting() {
        Bytes quarter = Bytes.of(SIZE.bytes() / 4);
        return Workload.of(List.of(new Allocation("x", SIZE)), List.of(
                Phase.cpu("init", "x", Patterns.sequential(), SIZE, SIZE.pagesCeil()).withWriteFraction(1),
                Phase.gpu("map", "x", Patterns.sequential(), quarter, quarter.pagesCeil()).withConcurrency(64),
                Phase.gpu("mixed", "x", Patterns.uniformRandom(), SIZE, 4 * SIZE.pagesCeil())
                        .withConcurrency(2048)));
    }

    static MigrationPolicy counters() {
        return Policies.onDemand().withPlacement(Policies.accessCounters(32, REGION));
    }

    /**
     * For each notification batch: how many fault batches the host started after the oldest notification it
     * services had landed, that is how many fault batches that notification waited behind.
     */
    static List<Integer> faultBatchesAheadOfEachNotificationBatch(Platform p, RunResult[] out) {
        StringBuilder trace = new StringBuilder();
        out[0] = Experiment.of(p, faultsWhileCounting(), BatchesPerServiceTest::counters).withSeed(42)
                .withTrace(trace).run();
        TraceLog t = new TraceLog(trace);
        List<Long> landed = t.of("access_counter_notification").stream().map(TraceLog.Event::time).sorted().toList();
        List<Long> faultBatches = t.of("batch").stream().map(TraceLog.Event::time).toList();
        List<Integer> ahead = new ArrayList<>();
        long serviced = 0;
        for (TraceLog.Event b : t.of("access_counter_batch")) {
            long oldest = landed.get((int) serviced);
            ahead.add((int) faultBatches.stream().filter(f -> f > oldest && f < b.time()).count());
            serviced += b.pages(); // the notifications the batch took
        }
        return ahead;
    }

    @Test
    void upToTwentyFaultBatchesRunBackToBackBeforeANotificationBatch() {
        RunResult[] r = new RunResult[1];
        List<Integer> ahead = faultBatchesAheadOfEachNotificationBatch(SMALL_BATCHES, r);
        assertEquals(20, SMALL_BATCHES.gpu().faultMaxBatchesPerService());
        assertTrue(r[0].count(Counter.ACCESS_COUNTER_BATCHES) > 2, ahead.toString());
        // a notification landing during a run of the fault handler waits for the run, batch after batch ...
        assertTrue(ahead.stream().anyMatch(n -> n > 1), "fault batches back to back ahead of a notification: " + ahead);
        // ... but for no more than one run's 20 batches: the fault handler's next run goes behind it (a run counts
        // whole when the notification lands during the interrupt-to-handler entry of a run queued before it)
        assertTrue(ahead.stream().allMatch(n -> n <= 20), "at most 20 fault batches per run: " + ahead);
    }

    @Test
    void theLimitIsTheDriverTunable() {
        RunResult[] r = new RunResult[1];
        Platform one = SMALL_BATCHES.withGpu(SMALL_BATCHES.gpu().withFaultBatchesPerService(1, 5));
        List<Integer> ahead = faultBatchesAheadOfEachNotificationBatch(one, r);
        assertTrue(r[0].count(Counter.ACCESS_COUNTER_BATCHES) > 2, ahead.toString());
        // one batch per run: a landed notification goes before the fault handler's next run, so at most the batch of
        // a run already queued when it landed goes ahead of it
        assertTrue(ahead.stream().allMatch(n -> n <= 1), "at most one fault batch ahead of a notification: " + ahead);
    }
}
