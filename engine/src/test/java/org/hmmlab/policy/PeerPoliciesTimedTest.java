package org.hmmlab.policy;

import static org.hmmlab.policy.PolicyTimingTest.initThenGpu;
import static org.hmmlab.policy.PolicyTimingTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.RunResult;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The GPGPU-Sim UVMSmart policies on the timing layer's GPU model (fault buffer, batches, copy engines, link), an
 * oversubscribed stream: 48 MiB read twice through 32 MiB of device memory. Rules are tested one by one in
 * {@link PeerPoliciesTest}; here each policy must run the timed engine to the end, evict, and replay the same
 * bits with the same seed.
 */
class PeerPoliciesTimedTest {

    static final Workload STREAM = initThenGpu(Bytes.MiB(48), Patterns.sequential(), 2 * 48 * 256, 8);
    static final Bytes VRAM = Bytes.MiB(32);
    static final PeerEvictionOptions NONE = PeerEvictionOptions.DEFAULTS;

    static Stream<Arguments> evictors() {
        return Stream.<Supplier<Evictor>>of(
                () -> Policies.peerLru(Pages.BLOCK, NONE),
                () -> Policies.peerLru(Bytes.PAGE, NONE),
                () -> Policies.peerSequentialLocal(NONE),
                () -> Policies.peerRandom(Bytes.PAGE, NONE),
                () -> Policies.peerLfu(NONE),
                () -> Policies.treeBasedNeighbourhoodEviction(NONE),
                () -> Policies.peerLru(Pages.BLOCK, NONE.withReservePercent(10).withFreeBufferPercent(10)))
                .map(e -> Arguments.of(e.get().name(), e));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("evictors")
    void everyEvictorRunsTheTimedEngine(String name, Supplier<Evictor> evictor) {
        Supplier<MigrationPolicy> p = () -> Policies.onDemand().withPrefetcher(Policies.treeBasedNeighbourhood())
                .withEvictor(evictor.get());
        RunResult a = run(VRAM, STREAM, p);
        RunResult b = run(VRAM, STREAM, p);
        assertTrue(a.count(Counter.EVICTIONS) >= Bytes.MiB(16).pagesCeil(), name + " evicted "
                + a.count(Counter.EVICTIONS));
        assertEquals(a.count(Counter.EVICTIONS), b.count(Counter.EVICTIONS), "same seed, same evictions");
        assertEquals(a.phases().get(1).duration_ns(), b.phases().get(1).duration_ns(), "same seed, same time");
    }

    @Test
    void dropCleanSendsNothingBackForAReadOnlyKernel() {
        // invalidate_clean: read-only victims are invalidated, not written back (gmmu_t::cycle())
        RunResult wb = run(VRAM, STREAM, () -> Policies.onDemand().withEvictor(Policies.peerLru(Pages.BLOCK, NONE)));
        RunResult drop = run(VRAM, STREAM, () -> Policies.onDemand()
                .withEvictor(Policies.peerLru(Pages.BLOCK, NONE.withDropClean(true))));
        assertTrue(wb.count(Counter.BYTES_TO_HOST) > 0);
        assertEquals(0, drop.count(Counter.BYTES_TO_HOST));
        assertEquals(wb.count(Counter.EVICTIONS), drop.count(Counter.EVICTIONS));
        assertTrue(drop.phases().get(1).duration_ns() <= wb.phases().get(1).duration_ns(),
                "no write-backs, no more time: " + drop.phases().get(1).duration_ns() + " vs " + wb.phases().get(1).duration_ns());
    }

    @Test
    void theAdaptivePlacementServesReadsRemotelyUntilTheThreshold() {
        // should_cause_page_migration(), ADAPTIVE: a read-once stream stays remote where its blocks are touched
        // fewer times than the threshold; first touch migrates everything
        RunResult adaptive = run(Bytes.MiB(64), STREAM, () -> Policies.onDemand()
                .withPlacement(Policies.adaptiveAccessCounters(64, 2)));
        RunResult firstTouch = run(Bytes.MiB(64), STREAM, Policies::onDemand);
        assertTrue(adaptive.count(Counter.PAGES_TO_DEVICE) < firstTouch.count(Counter.PAGES_TO_DEVICE),
                adaptive.count(Counter.PAGES_TO_DEVICE) + " vs " + firstTouch.count(Counter.PAGES_TO_DEVICE));
        assertTrue(adaptive.count(Counter.REMOTE_ACCESSES) > 0);
    }
}
