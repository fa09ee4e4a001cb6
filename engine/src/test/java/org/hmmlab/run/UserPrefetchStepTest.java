package org.hmmlab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.RunResult;
import org.hmmlab.platform.Platforms;
import org.hmmlab.policy.Policies;
import org.hmmlab.units.Bandwidth;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.UserPrefetch;
import org.hmmlab.workload.Workload;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The explicit prefetch step ({@code cudaMemPrefetchAsync} to the GPU), carried out as GPGPU-Sim UVMSmart's
 * prefetch-request loop in {@code gmmu_t::cycle()} (gpu-sim.cc) cuts it ({@code UserPrefetchPlan}), on both engines.
 */
class UserPrefetchStepTest {

    static final Bytes SIZE = Bytes.MiB(8);

    /** The CPU writes x, then (where asked) a prefetch, then the GPU reads x sequentially. */
    static Workload initThenScan(UserPrefetch... prefetches) {
        Workload w = Workload.of(List.of(new Allocation("x", SIZE)), List.of(
                Phase.cpu("init", "x", Patterns.sequential(), SIZE, SIZE.pagesCeil()).withWriteFraction(1),
                Phase.gpu("scan", "x", Patterns.sequential(), SIZE, SIZE.pagesCeil())));
        for (UserPrefetch u : prefetches) {
            w = w.withPrefetch(u);
        }
        return w;
    }

    static RunResult timed(Workload w) {
        return Experiment.of(Platforms.A100_PCIE4, w, Policies::onDemand).withSeed(42).run();
    }

    @Nested
    class Timed {
        @Test
        void aWholePrefetchLeavesTheKernelNothingToFault() {
            RunResult without = timed(initThenScan());
            RunResult with = timed(initThenScan(new UserPrefetch("x", Bytes.ZERO, SIZE, 0, 1)));
            assertEquals(2048, without.count(Counter.FAULTS), "on demand every page faults");
            assertEquals(0, with.count(Counter.FAULTS), "prefetched: the scan never faults");
            assertEquals(2048, with.count(Counter.PAGES_TO_DEVICE));
            List<String> rows = with.phases().stream().map(RunResult.PhaseTiming::name).toList();
            assertEquals(List.of("init", "prefetch x", "scan"), rows);
            RunResult.PhaseTiming p = with.phases().get(1);
            // four 2 MiB transfers one after the other: longer than 8 MiB at PCIe Gen4 x16's 32 GB/s
            assertTrue(p.duration_ns() > Bandwidth.GBps(32).timeToTransfer(SIZE).nanos(),
                    p.duration_ns() + " ns");
            assertTrue(with.phases().get(2).duration_ns() * 5 < without.phases().get(1).duration_ns(),
                    "the scan runs from device memory");
        }

        @Test
        void aRangeMovesOnlyItsPagesNotAlreadyThere() {
            // prefetch [2 MiB, 6 MiB), then [0, 8 MiB): the second moves only the 4 MiB the first did not
            RunResult r = timed(initThenScan(new UserPrefetch("x", Bytes.MiB(2), Bytes.MiB(4), 0, 1),
                    new UserPrefetch("x", Bytes.ZERO, SIZE, 0, 1)));
            assertEquals(2048, r.count(Counter.PAGES_TO_DEVICE));
            assertEquals(0, r.count(Counter.FAULTS));
            assertTrue(r.phases().get(1).duration_ns() > r.phases().get(2).duration_ns() / 2);
        }
    }

    @Test
    void theResidencyModelPrefetchesToo() {
        ResidencyModel.Result without = new ResidencyModel(Bytes.GiB(1), Policies.onDemand()).run(initThenScan(), 42);
        ResidencyModel.Result with = new ResidencyModel(Bytes.GiB(1), Policies.onDemand())
                .run(initThenScan(new UserPrefetch("x", Bytes.MiB(2), Bytes.MiB(4), 0, 1)), 42);
        assertEquals(2048, without.faults());
        assertEquals(1024, with.faults(), "the 4 MiB prefetched no longer fault");
        assertEquals(2048, with.pagesToDevice());
    }

    @Nested
    class BadInput {
        @Test
        void anOffsetOrSizeOffThe4KiBGridIsRefusedNamingIt() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new UserPrefetch("x", Bytes.of(100), SIZE, 0, 1));
            assertTrue(e.getMessage().contains("offset must be a multiple of 4 KiB"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> new UserPrefetch("x", Bytes.ZERO, Bytes.of(6000), 0, 1));
            assertTrue(e.getMessage().contains("size must be a multiple of 4 KiB"), e.getMessage());
        }

        @Test
        void aRangePastTheAllocationIsRefusedNamingIt() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> initThenScan(new UserPrefetch("x", Bytes.MiB(6), Bytes.MiB(4), 0, 1)));
            assertTrue(e.getMessage().contains("offset + size must be <= its size rounded to pages (8 MiB)"),
                    e.getMessage());
        }

        @Test
        void anUnknownOrFreedAllocationIsRefused() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> initThenScan(new UserPrefetch("y", Bytes.ZERO, SIZE, 0, 1)));
            assertTrue(e.getMessage().contains("'y'") && e.getMessage().contains("[x]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> initThenScan().withFree("x", 2).withPrefetch(new UserPrefetch("x", Bytes.ZERO, SIZE, 0, 2)));
            assertTrue(e.getMessage().contains("after it is freed"), e.getMessage());
        }
    }
}
