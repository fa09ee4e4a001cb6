package org.hmmlab.policy;

/**
 * The eviction options of GPGPU-Sim UVMSmart (Ganguly et al. ISCA'19, IPDPS'20), as one value the peer evictors
 * share.
 *
 * <p>Each mirrors one option of the peer's {@code gpgpusim.config} and the function that reads it
 * ({@code src/gpgpu-sim/gpu-sim.cc}, {@code src/cuda-sim/memory.cc}):
 * <ul>
 *   <li>{@code reservePercent}: {@code -reserve_accessed_page_percent}; {@code page_eviction_procedure()} starts its
 *       search that far into the ordered list of resident chunks, so the N % least recently used (or least
 *       frequently used) are spared "in hope that they will be accessed in next iteration";</li>
 *   <li>{@code freeBufferPercent}: {@code -percentage_of_free_page_buffer}; {@code should_evict_page()} evicts once
 *       the pages in use plus those on their way in would leave less than N % of device memory free;</li>
 *   <li>{@code dropClean}: {@code -invalidate_clean}; a victim never written on the GPU is invalidated
 *       ({@code latency_type::INVALIDATE}) instead of written back over the link.</li>
 * </ul>
 *
 * @param reservePercent    percent of the ordered resident chunks spared from eviction, 0 to 100 (peer default 0)
 * @param freeBufferPercent percent of device memory kept free by evicting ahead of need, 0 to 100 (peer default 0)
 * @param dropClean         drop chunks the GPU never wrote instead of writing them back (peer default off)
 */
public record PeerEvictionOptions(int reservePercent, int freeBufferPercent, boolean dropClean) {

    /** The peer's defaults: nothing reserved, no buffer, everything written back. */
    public static final PeerEvictionOptions DEFAULTS = new PeerEvictionOptions(0, 0, false);

    public PeerEvictionOptions {
        Costs.inRange("eviction reserve_pct", reservePercent, 0, 100);
        Costs.inRange("eviction free_buffer_pct", freeBufferPercent, 0, 100);
    }

    /** These options with {@code pct} percent reserved. */
    public PeerEvictionOptions withReservePercent(int pct) {
        return new PeerEvictionOptions(pct, freeBufferPercent, dropClean);
    }

    /** These options with a free-page buffer of {@code pct} percent. */
    public PeerEvictionOptions withFreeBufferPercent(int pct) {
        return new PeerEvictionOptions(reservePercent, pct, dropClean);
    }

    /** These options dropping clean victims ({@code true}) or writing every victim back. */
    public PeerEvictionOptions withDropClean(boolean drop) {
        return new PeerEvictionOptions(reservePercent, freeBufferPercent, drop);
    }

    /** Pages kept free on a GPU of {@code capacityPages}. */
    long headroomPages(long capacityPages) {
        return capacityPages * freeBufferPercent / 100;
    }

    /** {@code , reserve=10%, buffer=5%, drop-clean} for the options that differ from the defaults. */
    String suffix() {
        return (reservePercent > 0 ? ", reserve=" + reservePercent + "%" : "")
                + (freeBufferPercent > 0 ? ", buffer=" + freeBufferPercent + "%" : "")
                + (dropClean ? ", drop-clean" : "");
    }
}
