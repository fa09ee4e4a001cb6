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
        PageMask.clearAll(out);
        if (PageMask.count(faulted) == 0) {
            return;
        }
        for (int leaf = 0; leaf < LEAVES; leaf++) {
            int first = leaf * LEAF;
            valid[leaf] = PageMask.count(resident, first, first + LEAF) > 0
                    || PageMask.count(faulted, first, first + LEAF) > 0;
            if (PageMask.count(faulted, first, first + LEAF) > 0) {
                PageMask.setRange(out, first, first + LEAF); // the faulting basic block, whole
            }
        }
        for (int size = 2; size <= LEAVES; size <<= 1) {
            for (int first = 0; first < LEAVES; first += size) {
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
    }

    @Override
    public String name() {
        return "tree-based-neighbourhood";
    }
}
