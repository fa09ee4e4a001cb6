/**
 * Heterogeneous memory management: snapshotting and faulting CPU page tables for a device mirror.
 *
 * <p>Mirrors include/linux/hmm.h and mm/hmm.c: {@link org.hmmlab.mm.hmm.Hmm#rangeFault} with
 * {@link org.hmmlab.mm.hmm.HmmRange} and the {@link org.hmmlab.mm.hmm.HmmPfn} flag words; and the driver's side
 * of the contract, the read_begin / hmm_range_fault / read_retry loop of Documentation/mm/hmm.rst, once, in
 * {@link org.hmmlab.mm.hmm.RangeFaultLoop}, which every mirror (dmirror, the timing engine's host memory, the
 * DSL's tutorial mirror) calls.
 *
 * <p>May depend on {@code org.hmmlab.mm}, {@code mm.notifier} and {@code mm.devmem}; nothing of the timing layer.
 */
package org.hmmlab.mm.hmm;
