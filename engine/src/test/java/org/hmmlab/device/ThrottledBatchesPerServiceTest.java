package org.hmmlab.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.hmmlab.platform.Platform;
import org.hmmlab.policy.Decision;
import org.hmmlab.policy.FaultContext;
import org.hmmlab.policy.Hints;
import org.hmmlab.policy.MigrationPolicy;
import org.hmmlab.policy.Placement;
import org.hmmlab.policy.Prefetcher;
import org.hmmlab.policy.ThrashingDetector;
import org.hmmlab.run.Experiment;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;
import org.junit.jupiter.api.Test;

/**
 * One run of the fault handler ends after uvm_perf_fault_max_throttle_per_service (5) batches with throttled faults,
 * even with faults ready and fewer than uvm_perf_fault_max_batches_per_service (20) batches behind it.
 *
 * <p>The rule is the loop of uvm_parent_gpu_service_replayable_faults() (uvm_gpu_replayable_faults.c): after each
 * batch's replay, {@code if (batch_context->has_throttled_faults) ++num_throttled;} and the loop breaks when
 * {@code num_throttled >= uvm_perf_fault_max_throttle_per_service || num_batches >=
 * uvm_perf_fault_max_batches_per_service}. The trace's {@code fault_service_run} event marks where each run ended,
 * with its batches, its throttled batches and why.
 */
class ThrottledBatchesPerServiceTest {

    static final Platform A100 = BatchesPerServiceTest.A100;

    record Run(int batches, int throttled, String reason) {
    }

    /**
     * Each page's first fault is throttled for 2 us (the thrashing hint THROTTLE, as the thrashing detector's
     * throttle gives it), its next migrates the page.
     */
    static MigrationPolicy throttleOnce(boolean throttle) {
        Set<Long> seen = new HashSet<>();
        Placement p = new Placement() {
            @Override
            public Decision onDeviceFault(FaultContext fault) {
                return throttle && seen.add(fault.page()) ? Decision.throttle(SimDuration.us(2)) : Decision.MIGRATE_PAGE;
            }

            @Override
            public String name() {
                return "throttle-once";
            }
        };
        return new MigrationPolicy(p, Prefetcher.NONE, new TestPolicies.FifoEvictor(), ThrashingDetector.NONE,
                Hints.none());
    }

    /**
     * The CPU writes 64 MiB; the GPU brings its first 4 MiB in, then 2048 warps read it 64 B at a time, 99.5 % of
     * the reads in those 4 MiB (device memory, no fault) and the rest anywhere: the warps keep running, and their
     * faults keep arriving while the handler services batch after batch.
     */
    static List<Run> runs(Platform p, boolean throttle) {
        Bytes size = BatchesPerServiceTest.SIZE;
        Bytes hot = Bytes.of(size.bytes() / 16);
        Workload w = Workload.of(List.of(new Allocation("x", size)), List.of(
                Phase.cpu("init", "x", Patterns.sequential(), size, size.pagesCeil()).withWriteFraction(1),
                Phase.gpu("warm", "x", Patterns.sequential(), hot, hot.pagesCeil()).withConcurrency(256),
                Phase.gpu("read", "x", Patterns.hotSet(1.0 / 16, 0.995), size, 2048 * 400)
                        .withAccessSize(Bytes.of(64)).withConcurrency(2048)));
        StringBuilder trace = new StringBuilder();
        Experiment.of(p, w, () -> throttleOnce(throttle)).withSeed(3).withTrace(trace).run();
        Matcher m = Pattern.compile("\"type\":\"fault_service_run\",\"time_ns\":\\d+,\"batches\":(\\d+),"
                + "\"throttled\":(\\d+),\"reason\":\"(\\w+)\"").matcher(trace);
        List<Run> out = new ArrayList<>();
        while (m.find()) {
            out.add(new Run(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3)));
        }
        return out;
    }

    @Test
    void noRunServicesMoreThanFiveThrottledBatches() {
        assertEquals(5, A100.gpu().faultMaxThrottlePerService());
        List<Run> runs = runs(A100, true);
        assertTrue(runs.stream().anyMatch(r -> r.throttled() > 0), "the policy throttles: " + runs);
        for (Run r : runs) {
            assertTrue(r.throttled() <= 5 && r.batches() <= 20, "within the limits: " + r);
            // a run ends for the throttle limit exactly when it has serviced its fifth throttled batch
            assertEquals(r.reason().equals("throttled"), r.throttled() == 5, r.toString());
        }
    }

    @Test
    void withALimitOfOneEveryThrottledBatchEndsItsRun() {
        Platform one = A100.withGpu(A100.gpu().withFaultBatchesPerService(20, 1));
        List<Run> runs = runs(one, true);
        assertTrue(runs.stream().anyMatch(r -> r.reason().equals("throttled")), runs.toString());
        for (Run r : runs) {
            assertTrue(r.throttled() <= 1, r.toString());
            assertEquals(r.reason().equals("throttled"), r.throttled() == 1, r.toString());
        }
    }

    @Test
    void withoutThrottledFaultsNoRunEndsForTheThrottleLimit() {
        List<Run> runs = runs(A100.withGpu(A100.gpu().withFaultBatchesPerService(20, 1)), false);
        assertTrue(runs.size() > 1, runs.toString());
        assertTrue(runs.stream().noneMatch(r -> r.throttled() > 0 || r.reason().equals("throttled")), runs.toString());
    }
}
