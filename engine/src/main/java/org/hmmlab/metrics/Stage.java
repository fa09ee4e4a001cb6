package org.hmmlab.metrics;

/**
 * The stages a device fault passes through, for the per-fault latency breakdown.
 * Each names the kernel or driver step it stands for.
 */
public enum Stage {
    /** The fault reaching the host: fault-buffer write and interrupt, or the PRI page request's trip. */
    FAULT_TRANSPORT,
    /** Waiting in the fault buffer or PRI queue until the host's handler picks the fault up. */
    QUEUEING,
    /** Host fault entry: the interrupt's bottom half, fetching and sorting the batch, dedup. */
    FAULT_ENTRY,
    /** hmm_range_fault(): walking (and faulting in) the CPU page table. */
    RANGE_FAULT,
    /** migrate_vma: allocating device pages, unmapping, DMA setup and the copy over the link. */
    MIGRATION_COPY,
    /** Writing the device page-table entries. */
    PTE_UPDATE,
    /** Invalidating stale translations: CPU TLB shootdown and device ATC invalidation round trips. */
    TLB_INVALIDATION,
    /** The replay (or PRG response) reaching the device and the access re-translating. */
    REPLAY,
    /**
     * The first fault in a 2 MiB VA block on this GPU: creating the block and its GPU state, page tables, the split of
     * the 2 MiB entry, and the block's first GPU chunk (a resource-manager batch when the free list is empty,
     * zeroing). Mirrors uvm_va_block_create(), uvm_va_block_gpu_state_get_alloc(), uvm_page_tree_get_ptes(),
     * block_gpu_map_split_2m(), uvm_pmm_gpu_alloc_user() and block_zero_new_gpu_chunk().
     */
    FIRST_TOUCH,
    /** dma_map_page() through a translating IOMMU: IOVA allocation and IO page-table writes (beyond dma-direct's
     * cost, which stays in {@link #MIGRATION_COPY}). Listed only when the platform's IOMMU translates. */
    DMA_MAP,
    /** dma_unmap_page() through a translating IOMMU: clearing IO page-table entries, freeing or queueing IOVAs. */
    DMA_UNMAP,
    /** Waiting for IOTLB invalidations: every unmap in strict mode, a full flush queue in lazy mode. */
    IOTLB_INVALIDATION;

    /** Whether this stage belongs to a translating IOMMU: listed only when the run's platform has one. */
    public boolean iommu() {
        return ordinal() >= DMA_MAP.ordinal();
    }
}
