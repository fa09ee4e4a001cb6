package org.hmmlab.policy;

import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * Prefetches the fixed-size aligned neighbourhood of every faulting page (for example its 64 KiB), whatever the
 * density.
 *
 * <p>The "sequential-local" prefetcher of GPGPU-Sim UVMSmart (Ganguly et al. ISCA'19; 64 KiB basic blocks,
 * perf-figures.md section 3d), which is also what UVM's fault-granularity growth to big pages amounts to on its
 * own. Capped at the 2 MiB VA block, the unit the prefetcher interface works in.
 */
public final class NeighbourhoodPrefetcher implements Prefetcher {

    private final int shift;
    private final SimDuration cost;

    /**
     * @param size the aligned neighbourhood, a power of two from 4 KiB (no prefetch) to 2 MiB
     * @param cost driver CPU time per call, {@code >= 0}
     */
    public NeighbourhoodPrefetcher(Bytes size, SimDuration cost) {
        this.shift = Pages.regionShift("neighbourhood size", size, Pages.BLOCK_PAGE_SHIFT);
        this.cost = Costs.nonNull("prefetch decision cost", cost);
    }

    public NeighbourhoodPrefetcher(Bytes size) {
        this(size, SimDuration.ZERO);
    }

    @Override
    public void prefetch(long block, long[] resident, long[] faulted, long[] out) {
        PageMask.clearAll(out);
        int size = 1 << shift;
        for (int first = 0; first < Pages.PAGES_PER_BLOCK; first += size) {
            if (PageMask.count(faulted, first, first + size) > 0) {
                PageMask.setRange(out, first, first + size);
            }
        }
        PageMask.andNot(out, faulted);
        PageMask.andNot(out, resident);
    }

    @Override
    public SimDuration decisionCost() {
        return cost;
    }

    @Override
    public String name() {
        return "neighbourhood(" + Bytes.pages(1L << shift) + ")";
    }
}
