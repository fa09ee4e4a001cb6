package org.hmmlab.policy;

/**
 * Chooses which device-resident chunk to evict back to host memory when a GPU's memory is full.
 *
 * <p>Mirrors the UVM driver's physical-memory manager eviction ({@code pick_root_chunk_to_evict()} in
 * {@code uvm_pmm_gpu.c}): the driver keeps 2 MiB root chunks on a used list and evicts from its head; the victim's
 * pages migrate back to the host through the same path as any migration ({@code migrate_vma} for HMM). The
 * evictor learns residency from {@link #onMigrated}; it may also be told of device accesses.
 *
 * <p>Chunks are naturally aligned groups of {@link #chunkPages()} pages, identified by their first page.
 */
public interface Evictor extends DriverPolicy, ResidencyListener {

    /** Eviction granularity in 4 KiB pages: 1 (4 KiB) up to 512 (a 2 MiB root chunk). */
    long chunkPages();

    /**
     * The first page of the chunk to evict from GPU {@code gpu}, or -1 when it holds nothing evictable. The
     * timing layer migrates the chunk's resident pages to the host and reports them through {@link #onMigrated}
     * with {@link MigrationCause#EVICTION}. Repeated calls with no residency change or access in between return the
     * same victim.
     */
    long pickVictim(int gpu, long nowNanos);

    /**
     * Told that GPU {@code gpu} accessed its resident page {@code page} (for recency-based policies). UVM's LRU
     * ignores accesses (it orders chunks by allocation), so the default does nothing; a timing layer may skip
     * the call for evictors that do not {@link #wantsAccesses() want accesses}.
     */
    default void onDeviceAccess(int gpu, long page, long nowNanos) {
    }

    /**
     * Told of one device-local access with its kind: {@code write} when it stores, {@code faulted} when it is the
     * replay of an access that faulted the page in (its first access, not a re-reference). The timing layers call
     * this form; the default forwards accesses that did not fault to {@link #onDeviceAccess(int, long, long)}, so
     * an evictor that only counts re-references needs nothing more. GPGPU-Sim UVMSmart counts every access, faulted
     * or not ({@code inc_bb_access_counter()} and {@code update_access_type()} before the TLB lookup, shader.cc).
     */
    default void onDeviceAccess(int gpu, long page, boolean write, boolean faulted, long nowNanos) {
        if (!faulted) {
            onDeviceAccess(gpu, page, nowNanos);
        }
    }

    /**
     * How many pages from the last {@link #pickVictim} leave in this eviction: {@link #chunkPages()} by default;
     * an evictor that merges contiguous victims into one write-back returns more (a multiple of its chunk).
     */
    default long victimPages(int gpu) {
        return chunkPages();
    }

    /**
     * Pages the driver keeps free on a GPU of {@code capacityPages}: eviction starts once fewer are free (a free-page
     * buffer, GPGPU-Sim UVMSmart's {@code percentage_of_free_page_buffer}, {@code should_evict_page()} in
     * memory.cc). Zero by default: UVM evicts only when an allocation fails.
     */
    default long headroomPages(long capacityPages) {
        return 0;
    }

    /**
     * True while the evictor holds victims it has already chosen (a pre-eviction queue): the timing layer keeps
     * evicting them before it allocates, even when the pages would fit. False by default.
     */
    default boolean hasQueuedVictims(int gpu) {
        return false;
    }

    /**
     * True when the last victim may be dropped instead of written back: its pages were never written on the GPU
     * and the host copy is taken as current (GPGPU-Sim UVMSmart's {@code invalidate_clean}, the
     * {@code latency_type::INVALIDATE} write-back it skips in {@code gmmu_t::cycle()}). False by default.
     */
    default boolean dropsVictimClean(int gpu) {
        return false;
    }

    /** True when {@link #onDeviceAccess} must be called on every device-local access. */
    default boolean wantsAccesses() {
        return false;
    }

    /**
     * Seeds the evictor's random choices from the run: the engine calls it once, before the run's first access,
     * with the run's evictor seed ({@code org.hmmlab.run.Seeds.evictor(runSeed)}), so random victims replay with
     * the run's seed like every other stream. Evictors that draw nothing ignore it (the default).
     */
    default void seedFrom(long evictorSeed) {
    }
}
