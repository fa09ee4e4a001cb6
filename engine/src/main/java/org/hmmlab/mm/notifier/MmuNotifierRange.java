package org.hmmlab.mm.notifier;

import org.hmmlab.mm.MmStruct;

/**
 * The range, reason and owner of one invalidation, given to every overlapping interval notifier.
 *
 * <p>Mirrors struct mmu_notifier_range ({@code mm}, {@code start}, {@code end} exclusive, {@code flags} with
 * MMU_NOTIFIER_RANGE_BLOCKABLE, {@code event}, {@code owner}). One object per invalidation, not per page.
 */
public record MmuNotifierRange(MmStruct mm, long start, long end, MmuNotifyEvent event, Object owner,
                               boolean blockable) {

    public MmuNotifierRange {
        if (end <= start) {
            throw new IllegalArgumentException("range end must be > start, got [" + start + ", " + end + ")");
        }
    }

    /** A blockable range, the usual case (everything except the OOM reaper). */
    public static MmuNotifierRange of(MmStruct mm, long start, long end, MmuNotifyEvent event, Object owner) {
        return new MmuNotifierRange(mm, start, end, event, owner, true);
    }

    /** Mirrors mmu_notifier_range_blockable(). */
    public boolean isBlockable() {
        return blockable;
    }

    @Override
    public String toString() {
        return String.format("%s [%x, %x)%s", event, start, end, owner == null ? "" : " owner=" + owner);
    }
}
