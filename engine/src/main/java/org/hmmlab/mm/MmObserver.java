package org.hmmlab.mm;

import org.hmmlab.mm.notifier.MmuNotifierRange;

/**
 * Receives the events of one address space as they happen: CPU faults, MMU-notifier invalidations and page
 * migrations.
 *
 * <p>Plays the role of the kernel's tracepoints (exceptions:page_fault_user, mmu notifier, migrate). Callbacks take
 * primitives, so observing costs no allocation per page; the timing layer charges costs from them.
 */
public interface MmObserver {
    /** A CPU fault at {@code addr} was handled with result {@code vmFault} ({@link VmFault}). */
    default void cpuFault(MmStruct mm, long addr, boolean write, int vmFault) {
    }

    /** An invalidation starts over {@code range} (before the interval notifiers are called). */
    default void invalidate(MmuNotifierRange range) {
    }

    /** The page at {@code addr} moved from frame {@code srcPfn} (-1 for a hole) to frame {@code dstPfn}. */
    default void migrated(MmStruct mm, long addr, long srcPfn, long dstPfn) {
    }
}
