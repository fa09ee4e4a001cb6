package org.hmmlab.driver.uvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.hmmlab.metrics.RunResult;
import org.hmmlab.metrics.Stage;
import org.hmmlab.platform.Platform;
import org.hmmlab.platform.Platforms;
import org.hmmlab.policy.Policies;
import org.hmmlab.run.Experiment;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A fault batch's fixed cost comes in the driver's named parts, which sum to the platform constants they split and
 * are charged to the stages the parts belong to.
 *
 * <p>Source: uvm-driver-notes.md, "One batch's fixed cost": uvm_isr_top_half() (uvm_gpu_isr.c), then in
 * uvm_gpu_replayable_faults.c fetch_fault_buffer_entries(), preprocess_fault_batch(), service_fault_batch()'s map
 * push, fault_buffer_flush_locked() and push_replay_on_gpu() with uvm_tracker_wait() (BATCH_FLUSH).
 */
class BatchFixedCostTest {

    static List<Platform> platforms() {
        return List.of(Platforms.V100_PCIE3, Platforms.A100_PCIE4, Platforms.H100_PCIE5);
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void thePartsSumToTheConstantsTheySplit(Platform p) {
        BatchFixedCost c = BatchFixedCost.of(p.host(), p.gpu());
        assertEquals(List.of("isr_top_half", "bottom_half_wakeup", "buffer_pointer_reads", "preprocess_sort",
                "buffer_flush", "map_push", "replay_push_and_wait"), List.copyOf(c.parts().keySet()));
        long sum = c.parts().values().stream().mapToLong(e -> e.getValue().nanos()).sum();
        assertEquals(p.host().faultEntry().plus(p.host().batchOverhead()).plus(p.host().ptePushOverhead())
                .plus(p.gpu().replayLatency()).nanos(), sum);
        assertEquals(c.total().nanos(), sum);
        assertEquals(p.host().faultEntry().nanos(), c.entryNanos());
        assertEquals(p.host().batchOverhead().nanos(), c.handlerNanos());
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void aConstantSmallerThanItsDefaultSharesGoesToTheFirstParts(Platform p) {
        var h = new org.hmmlab.platform.HostProfile(p.host().name(), SimDuration.ns(400), SimDuration.us(4),
                p.host().perFaultOverhead(), p.host().rangeFaultWalk(), p.host().rangeFaultPerPage(),
                p.host().blockOverhead(), p.host().populatePerPage(), p.host().dmaMapPerPage(),
                p.host().pteUpdatePerPage(), p.host().ptePushOverhead(), p.host().tlbShootdown(),
                p.host().iommuWalk(), p.host().priDispatch(), p.host().memoryBandwidth(), p.host().stagingChunk(),
                p.host().memcpyBandwidth());
        BatchFixedCost c = BatchFixedCost.of(h, p.gpu());
        assertEquals(400, c.isrTopHalf().nanos());
        assertEquals(0, c.bottomHalfWakeup().nanos());
        assertEquals(2000, c.bufferPointerReads().nanos());
        assertEquals(2000, c.preprocessSort().nanos());
        assertEquals(0, c.bufferFlush().nanos());
    }

    /** One warp reads one page the CPU wrote, on demand: one batch of one fault, mapped remotely. */
    @ParameterizedTest
    @MethodSource("platforms")
    void aOneFaultBatchPaysEachPartInItsStage(Platform p) {
        Bytes size = Bytes.KiB(4);
        Workload w = Workload.of(List.of(new Allocation("x", size)), List.of(
                Phase.cpu("init", "x", Patterns.sequential(), size, 1).withWriteFraction(1),
                Phase.gpu("read", "x", Patterns.sequential(), size, 1).withConcurrency(1)));
        RunResult r = Experiment.of(p, w, Policies::zeroCopy).withSeed(1).run();
        BatchFixedCost c = BatchFixedCost.of(p.host(), p.gpu());
        Map<String, Map.Entry<Stage, SimDuration>> parts = c.parts();
        long perFault = p.host().perFaultOverhead().plus(Policies.zeroCopy().deviceFaultCost()).nanos();
        // the batch's own time leaves the interrupt out (it is before the handler runs); the fault's includes it
        assertEquals(c.handlerNanos() + perFault, r.batches().stage(Stage.FAULT_ENTRY).total().nanos());
        assertEquals(c.entryNanos() + c.handlerNanos() + perFault, r.faults().stage(Stage.FAULT_ENTRY).total().nanos());
        // the replay comes after the batch's service: the fault that waited for it counts it
        assertEquals(parts.get("replay_push_and_wait").getValue().nanos(),
                r.faults().stage(Stage.REPLAY).total().nanos());
        assertEquals(c.mapPush().nanos() + p.host().pteUpdatePerPage().nanos(),
                r.batches().stage(Stage.PTE_UPDATE).total().nanos());
    }
}
