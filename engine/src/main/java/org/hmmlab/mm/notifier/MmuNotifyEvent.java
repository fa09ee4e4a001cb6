package org.hmmlab.mm.notifier;

/**
 * Why CPU page-table entries are being invalidated.
 *
 * <p>Mirrors enum mmu_notifier_event (include/linux/mmu_notifier.h), same order and values. Drivers use it to
 * filter: dmirror ignores a MIGRATE event whose owner is itself.
 */
public enum MmuNotifyEvent {
    /** munmap, mremap's old range, process teardown. */
    UNMAP,
    /** Entries zapped for other reasons: MADV_DONTNEED, MADV_FREE, COW, THP split, revoking device exclusivity. */
    CLEAR,
    /** mprotect over a range. */
    PROTECTION_VMA,
    /** A per-page permission change, e.g. write-protecting anon pages during fork. */
    PROTECTION_PAGE,
    /** Soft-dirty bits cleared. */
    SOFT_DIRTY,
    /** The address space is going away. */
    RELEASE,
    /** migrate_vma collection and hole insertion; carries the pgmap owner. */
    MIGRATE,
    /** make_device_exclusive; carries the caller's owner cookie. */
    EXCLUSIVE
}
