package org.hmmlab.device;

import org.hmmlab.mm.notifier.MmuNotifyEvent;
import org.hmmlab.sim.EventHandler;

/**
 * What the device model needs from the host's memory management: mapping managed memory, registering the
 * device as a mirror, hmm_range_fault, CPU accesses, and migration with migrate_vma.
 *
 * <p>The functional core provides these with the kernel's semantics ({@link MmHostMemory}: {@code MmStruct}, MMU
 * interval notifiers, {@code Hmm.rangeFault}, a device-private pagemap). Its page table is the one record of where
 * a page lives: a page in device memory is a device-private entry there, and a CPU touch of one takes the kernel's
 * device-private fault, which calls the pagemap's migrate_to_ram, which hands the fault to the device's driver
 * ({@link DeviceDriver}). A CPU thread only loads and stores ({@link #cpuAccess}); what the access meets in the page
 * table (a migration entry, a device-private entry, an empty entry, a page the device holds a read-only copy of)
 * decides what the mirroring driver is asked. Page numbers are virtual page numbers (address / 4 KiB).
 */
public interface HostMemory {

    /** Maps {@code pages} of anonymous private memory (mmap); returns the first virtual page number. */
    long mapAnonymous(String name, long pages);

    /**
     * Unmaps [{@code firstPage}, {@code firstPage + pages}), a range {@link #mapAnonymous} returned: mirrors get an
     * {@link MmuNotifyEvent#UNMAP} invalidation over it first, then its pages are gone, device-private ones returned to their
     * device with their data discarded. Mirrors munmap(2): mmu_notifier_invalidate_range_start() with
     * MMU_NOTIFY_UNMAP, then the zap (mm/memory.c), which frees device-private pages through the pagemap's
     * page_free (mm/memremap.c).
     */
    void unmap(long firstPage, long pages);

    /**
     * Registers {@code device} as a mirror of [{@code firstPage}, {@code firstPage + pages}): it is told of every
     * change that invalidates its copy of the CPU page table there. Mirrors mmu_interval_notifier_insert().
     */
    void mirror(long firstPage, long pages, Invalidator device);

    /**
     * Makes [{@code firstPage}, {@code firstPage + pages}) present in the CPU page table for the device, writable
     * when {@code write}, faulting pages in as needed. Mirrors hmm_range_fault() with HMM_PFN_REQ_FAULT (and
     * REQ_WRITE); returns the number of pages that needed a CPU fault, or a negative errno (-EFAULT, -EPERM).
     */
    long rangeFault(long firstPage, long pages, boolean write);

    /** Whether the CPU page table has {@code page} present (writable when {@code write}): what an ATS translation finds. */
    boolean present(long page, boolean write);

    /** What a CPU load or store did. */
    enum CpuAccess {
        /** The access completed without a fault. */
        DONE,
        /** The access took a page fault that populated the page (first touch, write to the zero page). */
        FAULTED,
        /**
         * The page was in device memory: the fault went to the device's driver (migrate_to_ram), the thread sleeps
         * until the driver runs its resume handler, then retries the access.
         */
        WAITING
    }

    /**
     * A CPU load or store by a thread at {@code nowNanos}. On a migration entry the thread waits for the migration
     * ({@link DeviceDriver#waitForMigration}); on a device-private entry the fault goes to the registered
     * {@link DeviceDriver#migrateToRam}. In both cases {@code resume} runs with {@code arg} when the thread may retry,
     * and the access is not done: the thread retries it once resumed, as an instruction is restarted after
     * handle_mm_fault() returns. The driver's share of the access's time is then {@link #takeDriverNanos()}.
     */
    CpuAccess cpuAccess(long page, boolean write, long nowNanos, EventHandler resume, long arg);

    /**
     * The host time the mirroring driver added to the last {@link #cpuAccess} (collapsing a read-only duplicate,
     * acknowledging the invalidations of a fault), and resets it to 0.
     */
    long takeDriverNanos();

    /** Registers the device driver that mirrors this memory: CPU faults on its device-private pages go to it. */
    void driver(DeviceDriver driver);

    /**
     * Moves [{@code firstPage}, {@code firstPage + pages}) into the device's private memory with migrate_vma
     * (setup, pages, finalize), leaving device-private entries in the CPU page table. Pages that cannot move (pinned,
     * extra references) stay. Returns how many pages from the start of the range moved, as the driver reads
     * MIGRATE_PFN_MIGRATE in the source array after migrate_vma_pages().
     */
    int migrateToDevice(long firstPage, long pages);

    /** Moves [{@code firstPage}, {@code firstPage + pages}) back to system memory (migrate_to_ram, eviction). */
    void migrateToHost(long firstPage, long pages);

    /**
     * The mirroring driver's side of CPU accesses: migrate_to_ram for its device-private pages, and the state that in
     * the kernel lives in the CPU page table while the driver's copies are in flight. The functional core migrates
     * a range at once; the copy takes simulated time, and until it has landed the range is under a migration entry
     * that the driver, which times the copy, knows about.
     */
    interface DeviceDriver {

        /**
         * A CPU thread faulted on device-private {@code page} at {@code nowNanos}: the driver migrates what it
         * chooses back to system memory (with {@link #migrateToHost}) and runs {@code resume} with {@code arg}
         * when the thread may retry. Mirrors dev_pagemap_ops.migrate_to_ram (include/linux/memremap.h), called
         * from do_swap_page() (mm/memory.c).
         */
        void migrateToRam(long page, boolean write, long nowNanos, EventHandler resume, long arg);

        /**
         * Whether {@code page} is under a migration entry: a migration the driver started (to device memory, or back
         * to host memory) whose copy has not landed yet.
         */
        boolean underMigration(long page);

        /**
         * A CPU thread found {@code page} under a migration entry: {@code resume} runs with {@code arg} when the
         * copy has landed. Mirrors migration_entry_wait() (mm/migrate.c).
         */
        void waitForMigration(long page, EventHandler resume, long arg);

        /**
         * A CPU write at {@code nowNanos} to {@code page}: where the device holds a read-only duplicate of it, the
         * duplicate is dropped (the host copy is the master). Returns the host time the write waits for that.
         */
        long cpuWrite(long page, long nowNanos);

        /** A CPU fault populated {@code page} in host memory. */
        void populatedOnHost(long page);

        /** The host time of the invalidations the driver acknowledged since the last call, reset to 0. */
        long takeInvalidationCost();
    }

    /** The device side of an MMU interval notifier: drop translations for a range. */
    @FunctionalInterface
    interface Invalidator {

        /**
         * Invalidates [{@code firstPage}, {@code firstPage + pages}) for the reason {@code event}, as the kernel
         * passes struct mmu_notifier_range's event to an interval notifier's invalidate callback.
         */
        void invalidate(long firstPage, long pages, MmuNotifyEvent event);
    }
}
