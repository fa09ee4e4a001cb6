package org.hmmlab.metrics;

/**
 * The events a run counts. Names follow the kernel's and the UVM driver's vocabulary where one exists
 * (the migrate counters of /proc/vmstat, the fault-buffer batch and replay of nvidia-uvm).
 */
public enum Counter {
    /** Device accesses issued by warps; an access that spans pages counts once per 4 KiB page it touches. */
    ACCESSES,
    /** CPU loads and stores of CPU phases, counted like {@link #ACCESSES}: once per 4 KiB page an access touches. */
    HOST_ACCESSES,
    /** Accesses whose translation hit in the device TLB (ATC). */
    TLB_HITS,
    /** Accesses that missed the device TLB and walked the device page table. */
    TLB_MISSES,
    /** Device page faults raised (before deduplication). */
    FAULTS,
    /**
     * Faults dropped as duplicates of one already queued (same page, same batch). Under AMD's SVM driver: retry
     * faults dropped by amdgpu_gmc_filter_faults() or skipped by svm_range_restore_pages() as already restored.
     */
    DUPLICATE_FAULTS,
    /** Fault-buffer batches serviced by the host. */
    FAULT_BATCHES,
    /** Replays issued to the device after servicing. */
    REPLAYS,
    /** hmm_range_fault calls retried after -EBUSY. */
    RETRIES,
    /** ATS translation requests sent. */
    ATS_TRANSLATIONS,
    /** PRI page requests sent. */
    PRI_REQUESTS,
    /** Device TLB invalidations requested by the host (ATS invalidations or driver TLB flushes). */
    INVALIDATIONS,
    /** CPU TLB shootdowns (IPIs) issued while unmapping. */
    TLB_SHOOTDOWNS,
    /**
     * Pages whose contents were copied into device memory: migrations from host memory and read-only duplicates
     * (pgmigrate-style counter). A page collapsing its duplicate into the only copy is not counted again.
     */
    PAGES_TO_DEVICE,
    /**
     * Pages a first device touch populated in device memory: never populated on the host, so zero-filled there
     * and nothing copied (migrate_vma with no source page, {@code MIGRATE_PFN_MIGRATE} without a valid source).
     */
    PAGES_POPULATED_ON_DEVICE,
    /** Pages migrated back to host memory. */
    PAGES_TO_HOST,
    /** Payload bytes moved host to device over the link. */
    BYTES_TO_DEVICE,
    /** Payload bytes moved device to host over the link. */
    BYTES_TO_HOST,
    /** Accesses served remotely over the link (zero-copy). */
    REMOTE_ACCESSES,
    /** Pages a migration left where they were (pinned, extra references: migrate_vma skipped them). */
    MIGRATION_FAILURES,
    /** Pages evicted from device memory to make room. */
    EVICTIONS,
    /** Thrashing events detected. */
    THRASHING_EVENTS,
    /**
     * Unique faulting pages the host serviced, summed over batches (UVM's per-batch "num_coalesced_faults"). Under
     * AMD's SVM driver: retry faults that restored a range (svm_range_restore_pages() calls that migrated or mapped).
     */
    FAULTS_SERVICED,
    /** VA blocks (2 MiB) the host serviced, summed over batches: one per block a batch's faults fall in. */
    VA_BLOCKS_SERVICED,
    /** Faults a warp raised on a page its SM's micro-TLB already had a fault outstanding for: no new entry. */
    UTLB_MERGED_FAULTS,
    /**
     * Access-counter notifications the GPU wrote into its notification buffer (a region's remote-access count
     * reached the threshold). Not faults: they have a buffer and batches of their own.
     */
    ACCESS_COUNTER_NOTIFICATIONS,
    /** Access-counter notifications lost because the notification buffer was full. */
    ACCESS_COUNTER_NOTIFICATIONS_DROPPED,
    /** Notification-buffer batches the host serviced (uvm_gpu_access_counters.c, one per fetch of up to
     * uvm_perf_access_counter_batch_count entries). */
    ACCESS_COUNTER_BATCHES,
    /** IO pages the driver DMA-mapped through a translating IOMMU (dma_map_page() over dma-iommu.c). Listed only
     * when the platform's IOMMU translates, like the counters after it. */
    DMA_MAPS,
    /** IO pages the driver DMA-unmapped through a translating IOMMU (dma_unmap_page()). */
    DMA_UNMAPS,
    /** Device reads and writes of host memory whose IO page hit the IOMMU's IOTLB. */
    IOTLB_HITS,
    /** Device reads and writes of host memory whose IO page missed the IOTLB: the IOMMU walked its page table. */
    IOTLB_MISSES,
    /** IOTLB invalidations the CPU issued: one per unmap call in strict mode, one per full flush queue in lazy mode. */
    IOTLB_INVALIDATIONS;

    /** Whether this counter belongs to a translating IOMMU: listed only when the run's platform has one. */
    public boolean iommu() {
        return ordinal() >= DMA_MAPS.ordinal();
    }
}
