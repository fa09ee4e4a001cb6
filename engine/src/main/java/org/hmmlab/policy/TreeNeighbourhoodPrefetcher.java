package org.hmmlab.policy;

/**
 * Tree-based neighbourhood prefetching (GPGPU-Sim UVMSmart, Ganguly et al. ISCA'19): each fault brings its whole
 * 64 KiB basic block, then every node of the 2 MiB large page's binary tree of 64 KiB leaves that is more than half
 * valid, bottom-up, is filled whole.
 *
 * <p>Mirrors the {@code TBN} branch of {@code gmmu_t::do_hardware_prefetch()} ({@code gpu-sim.cc}):
 * {@code update_basic_block()} marks each faulting page's basic block valid, then
 * {@code traverse_and_fill_lp_tree()} visits the tree in post-order and, at each node whose valid size is not full
 * but above half ({@code valid_size > size / 2}), {@code fill_lp_tree()} schedules every invalid leaf below it; the
 * node's new valid size counts in its parent's test, so fills cascade upwards. A leaf counts as valid when any of
 * its pages is resident or faulting (the peer moves basic blocks whole).
 *
 * <p>How it differs from UVM's density prefetcher at 51 % ({@link DensityPrefetcher}), which takes, for each
 * faulting page, the largest subtree above it whose occupancy exceeds 51 %: on 64 KiB leaves "above half" and
 * "above 51 %" admit the same nodes (a node of n leaves needs n/2 + 1 of them either way), so one fault at a time
 * they agree; but the peer's fills cascade (a node filled because it was above half can lift its parent above half
 * too, where UVM tests the parent on its occupancy before any fill), the peer visits every node of the large page,
 * not only those above a faulting page, and it counts leaves, where UVM counts 4 KiB pages.
 */
public final class TreeNeighbourhoodPrefetcher implements Prefetcher {

    private static final int LEAF = 1 << Pages.BIG_PAGE_SHIFT;
    private static final int LEAVES = Pages.PAGES_PER_BLOCK / LEAF;
    private final boolean[] valid = new boolean[LEAVES];

    @Override
    public void prefetch(long block, long[] resident, long[] faulted, long[] out) {
        prefetch(block, 0, Pages.PAGES_PER_BLOCK, resident, faulted, out);
    }

    /**
     * The prefetch of a block whose allocation covers only its pages {@code [regionFirst, regionOuter)}. For the
     * tail of an allocation (the region starts the block and ends before it), the tree is the peer's tail tree: the
     * smallest 64 KiB x 2^i covering the tail, a full binary tree whose leaves past the allocation's end are
     * padding that starts invalid and counts in every node's size.
     *
     * <p>Mirrors {@code cudaMallocManaged()} ({@code libcuda/cuda_runtime_api.cc}): the size is rounded up to whole
     * 2 MiB large pages plus {@code corrected_remainder}, the smallest {@code MIN_PREFETCH_SIZE x 2^i} (64 KiB x
     * 2^i) not below the remainder, and {@code gmmu_t::initialize_large_page()} builds the last large page's tree
     * ({@code build_lp_tree()}) on that rounded size. The peer's allocation really is that large, so its fills move
     * the padding too; the lab's allocation ends where the user's does, so padding pages are never resident and
     * never moved ({@link Prefetcher#prefetch(long, int, int, long[], long[], long[])} stays inside the region).
     * A region that does not start the block (an allocation not 2 MiB aligned) keeps the block's 32-leaf tree,
     * clipped to the region: the peer's trees start at the allocation, which a per-block prefetcher cannot follow.
     */
    @Override
    public void prefetch(long block, int regionFirst, int regionOuter, long[] resident, long[] faulted,
                         long[] out) {
        Pages.checkRegion(regionFirst, regionOuter);
        PageMask.clearAll(out);
        if (PageMask.count(faulted, regionFirst, regionOuter) == 0) {
            return;
        }
        int leaves = LEAVES;
        if (regionFirst == 0 && regionOuter < Pages.PAGES_PER_BLOCK) {
            int realLeaves = (regionOuter + LEAF - 1) / LEAF;
            leaves = Integer.highestOneBit(realLeaves - 1) << 1; // the smallest power of two >= realLeaves
            leaves = Math.max(1, Math.min(leaves, LEAVES));
        }
        for (int leaf = 0; leaf < leaves; leaf++) {
            int first = leaf * LEAF;
            valid[leaf] = PageMask.count(resident, first, first + LEAF) > 0
                    || PageMask.count(faulted, first, first + LEAF) > 0;
            if (PageMask.count(faulted, first, first + LEAF) > 0) {
                PageMask.setRange(out, first, first + LEAF); // the faulting basic block, whole
            }
        }
        for (int size = 2; size <= leaves; size <<= 1) {
            for (int first = 0; first < leaves; first += size) {
                int count = 0;
                for (int leaf = first; leaf < first + size; leaf++) {
                    count += valid[leaf] ? 1 : 0;
                }
                if (count != size && count > size / 2) {
                    for (int leaf = first; leaf < first + size; leaf++) {
                        valid[leaf] = true;
                    }
                    PageMask.setRange(out, first * LEAF, (first + size) * LEAF);
                }
            }
        }
        PageMask.andNot(out, faulted);
        PageMask.andNot(out, resident);
        Pages.clipToRegion(out, regionFirst, regionOuter);
    }

    @Override
    public String name() {
        return "tree-based-neighbourhood";
    }
}
