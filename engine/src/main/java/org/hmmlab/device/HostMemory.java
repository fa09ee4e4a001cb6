package org.hmmlab.device;

import org.hmmlab.mm.notifier.MmuNotifyEvent;

/**
 * What the device model needs from the host's memory management: mapping managed memory, registering the
 * device as a mirror, hmm_range_fault, and CPU accesses.
 *
 * <p>The functional core provides these with the kernel's semantics ({@code MmStruct}, MMU interval notifiers,
 * {@code Hmm.rangeFault}); {@link InterimHostMemory} is the stand-in used until that core is on main and for
 * runs that need no kernel-exact state. Page numbers are virtual page numbers (address / 4 KiB).
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

    /** A CPU load or store; returns true when it took a page fault (first touch, write to the zero page). */
    boolean cpuAccess(long page, boolean write);

    /**
     * Moves [{@code firstPage}, {@code firstPage + pages}) into the device's private memory with migrate_vma
     * (setup, pages, finalize), leaving device-private entries in the CPU page table. Pages that cannot move (pinned,
     * extra references) stay; the caller asks {@link #onDevice} which did. The default (no functional core) moves
     * every page.
     */
    default void migrateToDevice(long firstPage, long pages) {
    }

    /** Moves [{@code firstPage}, {@code firstPage + pages}) back to system memory (migrate_to_ram, eviction). */
    default void migrateToHost(long firstPage, long pages) {
    }

    /**
     * Whether {@code page} is in device memory according to the host's page table; without a functional core
     * this host cannot tell and answers {@code expected}, the device's own record.
     */
    default boolean onDevice(long page, boolean expected) {
        return expected;
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
