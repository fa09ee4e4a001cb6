package org.hmmlab.driver.uvm;

import org.hmmlab.platform.GpuProfile;
import org.hmmlab.platform.HostProfile;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * What the first fault in a 2 MiB VA block costs a GPU beyond a later one, in the driver's named steps, and the
 * state that decides when each is paid: once per block per GPU the block's creation, its per-GPU state, its page
 * tables (and the upper directories of a VA region no block has used yet) and the split of its 2 MiB entry; once per
 * GPU chunk the allocation, a batch from the resource manager when the free list is empty, and zeroing the chunk's
 * pages that hold no data elsewhere. Charged to the stage {@code FIRST_TOUCH}.
 *
 * <p>Mirrors, in path order (uvm-driver-notes.md, "The first fault in a 2 MiB VA block"): uvm_va_block_create()
 * via uvm_va_block_find_create_in_range(); uvm_va_block_gpu_state_get_alloc(); uvm_page_tree_get_ptes() for the
 * 2 MiB level, allocate_directory() for missing upper directories (a PDE0 covers 512 MiB) and
 * uvm_page_tree_alloc_table() for the 64 KiB and 4 KiB tables; block_gpu_map_split_2m() writing the 32 big-page
 * entries and one TLB invalidate; block_populate_gpu_chunk() -> uvm_pmm_gpu_alloc_user(), which asks the resource
 * manager's PMA for a batch of root chunks (uvm_perf_pma_batch_nonpinned_order: 64 x 2 MiB) when its free list is
 * empty; block_zero_new_gpu_chunk(). Page tables persist until the block goes, so later faults pay none of this.
 * The source gives these steps, not their times: each time is a named, unpublished parameter [A], except the split
 * (32 PTE writes and a TLB invalidate, from the platform's own constants) and the zeroing (a copy-engine memset at
 * the device memory's bandwidth) [D]. Not modelled: DMA-mapping for the GPU the CPU chunks the block already holds
 * (block_gpu_map_phys_all_cpu_pages()), and the per-block thrashing state.
 */
public final class VaBlockFirstTouch {

    /** [A] uvm_va_block_create(): allocating and initialising the block. */
    public static final SimDuration BLOCK_CREATE = SimDuration.us(1);
    /** [A] uvm_va_block_gpu_state_get_alloc(): the block's per-GPU state and masks. */
    public static final SimDuration GPU_STATE = SimDuration.ns(500);
    /** [A] the block's 2 MiB PTE level (synchronous) and its 64 KiB and 4 KiB tables (each waits on the tree). */
    public static final SimDuration PAGE_TABLES = SimDuration.us(2);
    /**
     * The part of {@code host.blockOverhead} ("locking, block state, the copy push and its tracker", [A]) that is the
     * block's creation, GPU state and page tables: paid once per block as its first touch instead of on every
     * service, so a block's first service costs what it did before the split and later ones this much less.
     */
    public static final SimDuration SET_UP_SHARE = SimDuration.ns(3500);
    /** [A] allocate_directory() for the upper levels the first block of a 512 MiB region needs. */
    public static final SimDuration UPPER_DIRECTORIES = SimDuration.us(2);
    /** The VA region one PDE0 covers (Pascal and later: 512 MiB), in 2 MiB blocks. */
    public static final int BLOCKS_PER_DIRECTORY = 256;
    /** [A] uvm_pmm_gpu_alloc_user() taking a root chunk off the free list. */
    public static final SimDuration CHUNK_ALLOC = SimDuration.ns(500);
    /** [A] one call into the resource manager's PMA for a batch of root chunks. */
    public static final SimDuration PMA_BATCH = SimDuration.us(20);
    /** [P] root chunks per PMA batch: uvm_perf_pma_batch_nonpinned_order = 6, 2^6 x 2 MiB = 128 MiB. */
    public static final int PMA_BATCH_CHUNKS = 64;
    /** Big-page entries a 2 MiB entry splits into (2 MiB / 64 KiB). */
    public static final int BIG_PAGES_PER_BLOCK = 32;

    /**
     * What a block's first fault pays when the block is the first of its 512 MiB region and its chunk the first of a
     * PMA batch, with {@code zeroedPages} pages to zero, less the set-up share it takes out of
     * {@code host.blockOverhead}: the closed form of the first fault of a run, for tests and notebooks.
     */
    public static long firstFaultOfRunExtraNanos(HostProfile h, GpuProfile g, long zeroedPages) {
        return BLOCK_CREATE.nanos() + GPU_STATE.nanos() + PAGE_TABLES.nanos() + UPPER_DIRECTORIES.nanos()
                + BIG_PAGES_PER_BLOCK * h.pteUpdatePerPage().nanos() + g.atcInvalidate().nanos()
                + CHUNK_ALLOC.nanos() + PMA_BATCH.nanos()
                + (zeroedPages > 0 ? g.localBandwidth().timeToTransfer(Bytes.pages(zeroedPages)).nanos() : 0)
                - SET_UP_SHARE.nanos();
    }

    private final HostProfile h;
    private final GpuProfile g;
    private final LongSet blocks = new LongSet();
    private final LongSet directories = new LongSet();
    private final LongSet chunked = new LongSet();
    private long freeRootChunks;

    VaBlockFirstTouch(HostProfile h, GpuProfile g) {
        this.h = h;
        this.g = g;
    }

    /**
     * A fault (or notification) reaches {@code block} on this GPU: the time its first such service pays to create
     * the block, its GPU state and page tables and to split its 2 MiB entry ({@code invalidation} being the TLB
     * invalidate's cost); 0 for a block already set up.
     */
    long blockSetUp(long block, long invalidation) {
        if (!blocks.add(block)) {
            return 0;
        }
        long t = BLOCK_CREATE.nanos() + GPU_STATE.nanos() + PAGE_TABLES.nanos();
        if (directories.add(block / BLOCKS_PER_DIRECTORY)) {
            t += UPPER_DIRECTORIES.nanos();
        }
        return t + BIG_PAGES_PER_BLOCK * h.pteUpdatePerPage().nanos() + invalidation;
    }

    /**
     * Pages are about to be populated in device memory for {@code block}: the time its first population pays for a
     * root chunk (and a PMA batch when none is free) and for zeroing the {@code unpopulated} pages it will hold that
     * have no data elsewhere; 0 when the block has its chunk.
     */
    long chunkFor(long block, int unpopulated) {
        if (!chunked.add(block)) {
            return 0;
        }
        long t = CHUNK_ALLOC.nanos();
        if (freeRootChunks == 0) {
            t += PMA_BATCH.nanos();
            freeRootChunks = PMA_BATCH_CHUNKS;
        }
        freeRootChunks--;
        if (unpopulated > 0) {
            t += g.localBandwidth().timeToTransfer(Bytes.pages(unpopulated)).nanos();
        }
        return t;
    }

    /** {@code block}'s root chunk was evicted whole: it goes back to the free list, and the block needs a new one. */
    void chunkFreed(long block) {
        if (chunked.remove(block)) {
            freeRootChunks++;
        }
    }
}
