package org.hmmlab.policy;

/**
 * Why pages moved, as reported to the policies after every completed migration.
 *
 * <p>Mirrors the UVM driver's {@code uvm_make_resident_cause_t} (replayable fault, non-replayable fault, access
 * counter, prefetch, eviction, API migrate) with the CPU fault of HMM's {@code migrate_to_ram}.
 */
public enum MigrationCause {
    /** A GPU fault decided to migrate. */
    DEVICE_FAULT,
    /** A CPU fault on a device page brought it back ({@code dev_pagemap_ops.migrate_to_ram}). */
    HOST_FAULT,
    /** An access-counter notification migrated a region. */
    ACCESS_COUNTER,
    /** The prefetcher added the pages to a fault's migration. */
    PREFETCH,
    /** Device memory was full and the evictor chose the pages. */
    EVICTION,
    /** An explicit migration ({@code cudaMemPrefetchAsync}, a DSL {@code migrate} step). */
    EXPLICIT,
    /**
     * The allocation was freed ({@code munmap}, {@code cudaFree}): the pages left every place, reported with
     * {@code to == Location.UNPOPULATED}. Mirrors MMU_NOTIFY_UNMAP and the pagemap's page_free (mm/memremap.c).
     */
    UNMAP
}
