package org.hmmlab.policy;

/**
 * Chooses pages to migrate along with the faulted ones, within one 2 MiB VA block.
 *
 * <p>Mirrors the UVM driver's prefetch hint ({@code uvm_perf_prefetch_get_hint_va_block()} in
 * {@code uvm_perf_prefetch.c}): given the pages of a block that are faulting towards a processor in this service
 * and those already resident there, it returns more pages of the same block to migrate at the same time, saving
 * later faults and batching copies.
 *
 * <p>Masks are {@link PageMask} bitmaps over the block's 512 pages, owned by the caller and reused; the prefetcher
 * must not keep them.
 */
public interface Prefetcher extends DriverPolicy {

    /**
     * Fills {@code out} with the pages of block {@code block} to prefetch.
     *
     * @param block    the VA block number ({@code page >>> 9})
     * @param resident pages of the block already resident on the destination processor
     * @param faulted  pages of the block migrating to it in this service (at least one)
     * @param out      cleared by the callee, then set to the pages to prefetch: never a faulted or resident page
     */
    void prefetch(long block, long[] resident, long[] faulted, long[] out);

    /**
     * Fills {@code out} with the pages of block {@code block} to prefetch when only the block's pages
     * {@code [regionFirst, regionOuter)} belong to the faulting allocation, as in the tail VA block of an allocation
     * whose size is not a multiple of 2 MiB.
     *
     * <p>Mirrors {@code max_prefetch_region} of {@code uvm_perf_prefetch_prenotify_fault_migrations()}
     * ({@code uvm_perf_prefetch.c}): a VA block ends where its VA range ends ({@code block_calc_end()},
     * {@code uvm_va_range.c}), so the region is the block's own pages. The default answers for the whole block and
     * drops what falls outside the region; prefetchers whose decision depends on the region's extent override it.
     * The whole block ({@code 0, 512}) gives {@link #prefetch(long, long[], long[], long[])} exactly.
     *
     * @param regionFirst first page of the region, {@code 0 ..} {@code regionOuter - 1}
     * @param regionOuter one past its last page, {@code regionFirst + 1 ..} 512
     */
    default void prefetch(long block, int regionFirst, int regionOuter, long[] resident, long[] faulted,
                          long[] out) {
        prefetch(block, resident, faulted, out);
        Pages.clipToRegion(out, regionFirst, regionOuter);
    }

    /**
     * Seeds the prefetcher's random choices from the run: the engine calls it once, before the run's first access,
     * with the run's prefetcher seed ({@code org.hmmlab.run.Seeds.prefetcher(runSeed)}). Prefetchers that draw
     * nothing ignore it (the default).
     */
    default void seedFrom(long prefetcherSeed) {
    }

    /** No prefetching ({@code uvm_perf_prefetch_enable=0}). */
    Prefetcher NONE = new Prefetcher() {
        @Override
        public void prefetch(long block, long[] resident, long[] faulted, long[] out) {
            PageMask.clearAll(out);
        }

        @Override
        public String name() {
            return "none";
        }
    };
}
