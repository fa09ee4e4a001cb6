package org.hmmlab.policy;

import static org.hmmlab.policy.PrefetcherTest.mask;
import static org.hmmlab.policy.PrefetcherTest.pages;
import static org.hmmlab.policy.PrefetcherTest.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.RunResult;
import org.hmmlab.run.ResidencyModel;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The prefetchers on the tail VA block of an allocation whose size is not a multiple of 2 MiB: UVM's tree over the
 * block's real pages (uvm_perf_prefetch.c) and the peer's tree over the rounded tail (cudaMallocManaged() in
 * GPGPU-Sim UVMSmart's cuda_runtime_api.cc).
 */
class TailBlockPrefetchTest {

    /** A tail of 1 MiB + 64 KiB: 272 pages, 17 big pages. */
    static final int TAIL = 272;

    static List<Integer> prefetch(Prefetcher p, int first, int outer, long[] resident, long[] faulted) {
        long[] out = mask(0, 512); // the callee must clear it
        p.prefetch(7, first, outer, resident, faulted, out);
        return pages(out);
    }

    /** Every other big page of [0, 256) resident: 8 of the first 16 big pages, 128 pages. */
    static long[] everyOtherBigPage() {
        long[] m = PageMask.create();
        for (int first = 0; first < 256; first += 32) {
            PageMask.setRange(m, first, first + 16);
        }
        return m;
    }

    static List<Integer> missingOfEveryOtherBigPage() {
        List<Integer> out = new ArrayList<>();
        for (int first = 16; first < 256; first += 32) {
            out.addAll(range(first, first + 16));
        }
        return out;
    }

    @Nested
    class Density {
        @Test
        void nodesOverhangingTheTailAreJudgedOnTheirRealPages() {
            // uvm_perf_prefetch_bitmap_tree_iter_get_range() clamps a node to leaf_count: the root covers the 272
            // real pages, and 128 resident + the faulted big page [256, 272) = 144/272 = 53 % > 51 %, so the whole
            // tail comes; judged on 512 pages (144/512) only the faulted big page would
            List<Integer> got = prefetch(new DensityPrefetcher(), 0, TAIL, everyOtherBigPage(), mask(256, 257));
            List<Integer> want = new ArrayList<>(missingOfEveryOtherBigPage());
            want.addAll(range(257, TAIL));
            assertEquals(want, got);
            assertEquals(range(257, TAIL),
                    PrefetcherTest.prefetch(new DensityPrefetcher(), everyOtherBigPage(), mask(256, 257)),
                    "the same faults in a whole block: 144/512 is under 51 %");
        }

        @Test
        void thePartialBigPageAtTheTailGrowsWhole() {
            // grow_fault_granularity()'s suffix: a tail of 264 pages ends in 8 pages of a big page; a fault there
            // grows to those 8, and the chosen subtree is clamped to the region (compute_prefetch_region())
            assertEquals(range(257, 264), prefetch(new DensityPrefetcher(), 0, 264, mask(0, 0), mask(256, 257)));
        }

        @Test
        void theWholeBlockAsARegionIsTheBlockAnswer() {
            // init_bitmap_tree_from_region() over [0, 512) is the tree of the block
            long[] resident = everyOtherBigPage();
            assertEquals(PrefetcherTest.prefetch(new DensityPrefetcher(), resident, mask(300, 301)),
                    prefetch(new DensityPrefetcher(), 0, 512, resident, mask(300, 301)));
        }

        @Test
        void aRegionOffTheBigPageGridShiftsTheTree() {
            // update_bitmap_tree_from_va_block(): a region starting at page 8 has a prefix of 8 pages before its
            // first big page, so offset = 16 - 8 = 8 and the leaves are the block's pages again; a fault at page
            // 8 grows to the prefix [8, 16); the node [0, 16) then holds 8 of its 16 leaves (50 %), its parent
            // 8 of 32: the prefix [8, 16) is the region
            assertEquals(range(9, 16), prefetch(new DensityPrefetcher(), 8, 512, mask(0, 0), mask(8, 9)));
            // with [16, 24) resident the node [0, 32) holds 16 of 32 (50 %): still the prefix alone
            assertEquals(range(9, 16), prefetch(new DensityPrefetcher(), 8, 512, mask(16, 24), mask(8, 9)));
        }

        @Test
        void aSubtreeStartingInTheAlignmentPaddingStartsAtPageOffset() {
            // compute_prefetch_region()'s clamp as written: with [16, 32) resident the node [0, 32) holds 24 of 32
            // leaves (75 %) and is chosen; it starts at leaf 0 < offset 8, so the region starts at the block's page
            // `offset` (8 pages past the region's first), [16, 32): all resident, and the grown prefix [9, 16)
            // that only counted in the tree is not prefetched
            assertEquals(List.of(), prefetch(new DensityPrefetcher(), 8, 512, mask(16, 32), mask(8, 9)));
        }

        @Test
        void aResidencyRunPrefetchesTheTailAsTheDriverDoes() {
            // ResidencyModel hands the tail block's region to the prefetcher: the CPU writes 1 MiB + 64 KiB, the
            // GPU touches every other big page (9 faults), the last one, at page 256, lifts the tail's root to
            // 144/272 and the rest of the tail comes with it: every page moves
            Bytes size = Bytes.KiB(1088);
            Workload w = Workload.of(List.of(new Allocation("x", size)), List.of(
                    Phase.cpu("init", "x", Patterns.sequential(), size, size.pagesCeil()).withWriteFraction(1),
                    Phase.gpu("kernel", "x", Patterns.strided(Bytes.KiB(128)), size, 9)));
            ResidencyModel.Result r = new ResidencyModel(Bytes.GiB(1),
                    Policies.onDemand().withPrefetcher(Policies.density())).run(w, 42);
            assertEquals(9, r.faults(), r.toString());
            assertEquals(TAIL, r.pagesToDevice(), "judged on 512 pages, 9 big pages (144) would move: " + r);
        }
    }

    @Test
    void aTimedRunPrefetchesTheTailAsTheDriverDoes() {
        // VaBlockService hands the tail block's region (the faulting allocation's pages) to the prefetcher: the same
        // workload as the residency run, one warp, on the timing engine's A100
        Bytes size = Bytes.KiB(1088);
        Workload w = PolicyTimingTest.initThenGpu(size, Patterns.strided(Bytes.KiB(128)), 9, 1);
        RunResult r = PolicyTimingTest.run(Bytes.GiB(1), w,
                () -> Policies.onDemand().withPrefetcher(Policies.density()));
        assertEquals(TAIL, r.count(Counter.PAGES_TO_DEVICE), "judged on 512 pages, 144 would move");
    }

    @Nested
    class Tree {
        @Test
        void theTailTreeIsTheSmallest64KiBTimesPowerOfTwoAndNothingLeavesTheRegion() {
            // cudaMallocManaged() rounds a tail of 5 leaves (320 KiB) to a tree of 8 (512 KiB): leaves 0, 1, 2, 4
            // valid, the node [0, 4) fills leaf 3, then the root of 8 holds 5 > 4 and fills its padding leaves 5..7;
            // the lab's allocation ends at page 80, so the padding (pages 80..127) is not prefetched
            long[] resident = mask(0, 0);
            PageMask.setRange(resident, 0, 32);
            PageMask.setRange(resident, 64, 65);
            List<Integer> got = prefetch(new TreeNeighbourhoodPrefetcher(), 0, 80, resident, mask(32, 33));
            List<Integer> want = new ArrayList<>(range(33, 64));
            want.addAll(range(65, 80));
            assertEquals(want, got);
        }

        @Test
        void nodesAboveTheTailTreeNeverFillSoTheDecisionsAreTheBlocksClipped() {
            // a node twice the tail tree's size holds at most the tail tree's leaves, half of it, never above
            // half (traverse_and_fill_lp_tree()): for every single fault in a 320 KiB tail the rounded tree and the
            // block's tree clipped to the tail agree
            for (int leaf = 0; leaf < 5; leaf++) {
                long[] faulted = mask(leaf * 16, leaf * 16 + 1);
                long[] resident = mask(0, 16);
                PageMask.andNot(resident, faulted);
                List<Integer> block = PrefetcherTest.prefetch(new TreeNeighbourhoodPrefetcher(), resident, faulted);
                block.removeIf(p -> p >= 80);
                assertEquals(block, prefetch(new TreeNeighbourhoodPrefetcher(), 0, 80, resident, faulted),
                        "fault in leaf " + leaf);
            }
        }

        @Test
        void onTheSameTailUvmAndThePeerDiffer() {
            // UVM judges the tail's root on its 272 real pages (53 % > 51 %: the whole tail); the peer's tail tree
            // of 1088 KiB rounds to 2 MiB, 32 leaves, of which 9 are valid: not above half, only the faulted leaf
            List<Integer> peer = prefetch(new TreeNeighbourhoodPrefetcher(), 0, TAIL, everyOtherBigPage(),
                    mask(256, 257));
            assertEquals(range(257, TAIL), peer);
            assertTrue(prefetch(new DensityPrefetcher(), 0, TAIL, everyOtherBigPage(), mask(256, 257))
                    .containsAll(missingOfEveryOtherBigPage()));
        }
    }

    @Test
    void aRegionOutsideTheBlockIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> prefetch(new DensityPrefetcher(), 0, 513, mask(0, 0), mask(0, 1)));
        assertTrue(e.getMessage().contains("regionOuter") && e.getMessage().contains("513"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> prefetch(new TreeNeighbourhoodPrefetcher(), 5, 5, mask(0, 0), mask(5, 6)));
        assertTrue(e.getMessage().contains("regionFirst"), e.getMessage());
    }

    @Test
    void otherPrefetchersStayInsideTheRegion() {
        // Prefetcher's default region answer: the block's pages outside max_prefetch_region are never prefetched
        List<Integer> got = prefetch(new NeighbourhoodPrefetcher(Bytes.MiB(2)), 0, 100, mask(0, 0), mask(0, 1));
        assertEquals(range(1, 100), got);
    }
}
