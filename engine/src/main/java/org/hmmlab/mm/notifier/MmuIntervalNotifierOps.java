package org.hmmlab.mm.notifier;

/**
 * The callback of an interval notifier.
 *
 * <p>Mirrors struct mmu_interval_notifier_ops.invalidate. Before returning, the driver must take the lock it holds
 * around {@link MmuIntervalNotifier#readRetry}, call {@link MmuIntervalNotifier#setSeq(long)} with {@code curSeq}
 * and drop its device mappings of the range. Returning false is allowed only for a non-blockable range.
 */
@FunctionalInterface
public interface MmuIntervalNotifierOps {
    boolean invalidate(MmuIntervalNotifier sub, MmuNotifierRange range, long curSeq);
}
