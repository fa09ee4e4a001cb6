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
    REPLAY
}
