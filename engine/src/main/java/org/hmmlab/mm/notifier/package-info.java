/**
 * MMU interval notifiers: how a device mirror learns that CPU page-table entries it copied are going away.
 *
 * <p>Mirrors include/linux/mmu_notifier.h and mm/mmu_notifier.c: {@link org.hmmlab.mm.notifier.MmuIntervalNotifier}
 * with {@code read_begin}/{@code read_retry} sequence numbers, {@link org.hmmlab.mm.notifier.MmuNotifierRange} and
 * the event reasons of {@link org.hmmlab.mm.notifier.MmuNotifyEvent}.
 */
package org.hmmlab.mm.notifier;
