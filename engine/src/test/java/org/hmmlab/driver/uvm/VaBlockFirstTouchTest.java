package org.hmmlab.driver.uvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.hmmlab.metrics.RunResult;
import org.hmmlab.metrics.Stage;
import org.hmmlab.platform.Platform;
import org.hmmlab.platform.Platforms;
import org.hmmlab.policy.Policies;
import org.hmmlab.run.Experiment;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;
import org.junit.jupiter.api.Test;

/**
 * The first fault in a 2 MiB VA block costs a GPU more than later ones: the block's creation, its GPU state, page
 * tables and the split of its 2 MiB entry, its first chunk (a batch from the resource manager when the free list is
 * empty) and zeroing, all in the stage {@code first_touch}.
 *
 * <p>Source: uvm-driver-notes.md, "The first fault in a 2 MiB VA block": uvm_va_block_create(),
 * uvm_va_block_gpu_state_get_alloc(), uvm_page_tree_get_ptes() and allocate_directory(), block_gpu_map_split_2m(),
 * block_populate_gpu_chunk() -> uvm_pmm_gpu_alloc_user() (uvm_perf_pma_batch_nonpinned_order), and
 * block_zero_new_gpu_chunk() (uvm_va_block.c, uvm_pmm_gpu.c, uvm_page_tree.c).
 */
class VaBlockFirstTouchTest {

    static final Platform A100 = Platforms.A100_PCIE4;

    /** The CPU writes 4 MiB (two VA blocks); then one warp reads pages 0, 16, 512 and 528, one access each. */
    static RunResult touch(boolean cpuWritesFirst) {
        Bytes size = Bytes.MiB(4);
        var gpu = Phase.gpu("touch", "x", Patterns.strided(Bytes.KiB(64)), size, 64).withConcurrency(1);
        List<Phase> phases = cpuWritesFirst
                ? List.of(Phase.cpu("init", "x", Patterns.sequential(), size, size.pagesCeil()).withWriteFraction(1), gpu)
                : List.of(gpu);
        return Experiment.of(A100, Workload.of(List.of(new Allocation("x", size)), phases), Policies::onDemand)
                .withSeed(2).run();
    }

    static long blockSetUp() {
        return VaBlockFirstTouch.BLOCK_CREATE.nanos() + VaBlockFirstTouch.GPU_STATE.nanos()
                + VaBlockFirstTouch.PAGE_TABLES.nanos() + 32 * A100.host().pteUpdatePerPage().nanos()
                + A100.gpu().atcInvalidate().nanos();
    }

    @Test
    void eachBlockPaysItsSetUpOnceAndTheRunOnePmaBatch() {
        RunResult r = touch(true);
        // 64 strided accesses over 4 MiB: each 64 KiB piece once, two VA blocks, one 512 MiB directory region
        long expected = 2 * blockSetUp() + VaBlockFirstTouch.UPPER_DIRECTORIES.nanos()
                + 2 * VaBlockFirstTouch.CHUNK_ALLOC.nanos() + VaBlockFirstTouch.PMA_BATCH.nanos();
        assertEquals(expected, r.batches().stage(Stage.FIRST_TOUCH).total().nanos(),
                "the CPU wrote every page: nothing to zero");
        assertEquals(expected, r.faults().stage(Stage.FIRST_TOUCH).total().nanos(), "the faults that paid it");
        assertTrue(r.faults().listed().contains(Stage.FIRST_TOUCH), "the stage breakdown shows it");
    }

    @Test
    void theFirstFaultOfABlockCostsMoreThanTheNext() {
        RunResult r = touch(true);
        long first = r.batches().total().max().nanos();
        long min = r.batches().total().min().nanos();
        assertTrue(first - min >= blockSetUp(), "first " + first + " ns, later " + min + " ns");
    }

    @Test
    void pagesWithNoDataElsewhereAreZeroed() {
        RunResult r = touch(false); // nothing written by the CPU: the first touch populates on the device
        // each block's chunk: its 512 pages hold no data anywhere, all zeroed
        long zero = A100.gpu().localBandwidth().timeToTransfer(Bytes.pages(512)).nanos();
        long expected = 2 * blockSetUp() + VaBlockFirstTouch.UPPER_DIRECTORIES.nanos()
                + 2 * (VaBlockFirstTouch.CHUNK_ALLOC.nanos() + zero) + VaBlockFirstTouch.PMA_BATCH.nanos();
        assertEquals(expected, r.batches().stage(Stage.FIRST_TOUCH).total().nanos());
    }
}
