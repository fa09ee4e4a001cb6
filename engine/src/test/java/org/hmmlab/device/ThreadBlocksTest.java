package org.hmmlab.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.RunResult;
import org.hmmlab.platform.Platforms;
import org.hmmlab.policy.Policies;
import org.hmmlab.policy.Prefetcher;
import org.hmmlab.run.Experiment;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;
import org.junit.jupiter.api.Test;

/**
 * The resident thread blocks of a grid run side by side, each on its own part of the data: a tiled sgemm's blocks
 * load the A and B tiles of their own output tiles at the same time, instead of every warp taking the next access
 * of block 0, then block 1.
 *
 * <p>Source: the CUDA C++ Programming Guide, "Thread Hierarchy" (thread blocks execute independently, in any order,
 * concurrently as the SMs' resources allow; all threads of a block run on one SM), and the CUDA samples'
 * {@code matrixMul} ({@code dim3 threads(block_size, block_size)}: one 1024-thread block of 32 warps per 32 x 32
 * output tile). Allen and Ge (SC'21, Table 3) measured sgemm batches over 7 VA blocks on a Titan V, which a
 * single shared stream of accesses could not produce.
 */
class ThreadBlocksTest {

    /** 64 x 64 floats, 32 x 32 tiles: 4 output tiles, each a block of 32 warps; 128 warps hold all 4. */
    static final int N = 64;
    static final int TILE = 32;
    static final Bytes SIZE = Bytes.of(3L * 4 * N * N);

    static RunResult sgemm(StringBuilder trace) {
        Patterns.Gemm gemm = Patterns.gemm(N, TILE);
        long accesses = gemm.accessesPerPass(SIZE, Bytes.of(128));
        Workload w = Workload.of(List.of(new Allocation("abc", SIZE)), List.of(
                Phase.cpu("init", "abc", Patterns.sequential(), SIZE, SIZE.pagesCeil()).withWriteFraction(1),
                Phase.gpu("sgemm", "abc", gemm, SIZE, accesses).withAccessSize(Bytes.of(128)).withConcurrency(128)));
        return Experiment.of(Platforms.V100_PCIE3, w, () -> Policies.uvmDefaults().withPrefetcher(Prefetcher.NONE))
                .withSeed(7).withTrace(trace).run();
    }

    @Test
    void residentBlocksFaultOnTheirOwnTilesBeforeTheFirstReplay() {
        StringBuilder trace = new StringBuilder();
        sgemm(trace);
        TraceLog t = new TraceLog(trace);
        long firstReplay = t.of("replay").get(0).time();
        List<TraceLog.Event> faults = t.of("fault");
        long base = faults.stream().mapToLong(TraceLog.Event::page).min().orElseThrow();
        Set<Long> early = faults.stream().filter(f -> f.time() < firstReplay).map(f -> f.page() - base)
                .collect(Collectors.toSet());
        // A's rows 32..63 (blocks 2 and 3, blockIdx.y = 1) lie in A's pages 2 and 3: 64 floats = 256 B a row
        assertTrue(early.contains(2L) && early.contains(3L),
                "blocks with blockIdx.y = 1 load their A tile at the launch, got pages " + early);
        // and block 0 its own, at the same time
        assertTrue(early.contains(0L), "block 0 loads A's first rows at the launch, got pages " + early);
    }

    @Test
    void theGridIssuesEveryAccessOnceWhateverBlockRunsIt() {
        RunResult r = sgemm(new StringBuilder());
        long grid = Patterns.gemm(N, TILE).accessesPerPass(SIZE, Bytes.of(128));
        assertEquals(grid, r.count(Counter.ACCESSES), "warp accesses: the sgemm's tile rows, each once");
    }
}
