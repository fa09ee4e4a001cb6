/**
 * Heterogeneous memory management: snapshotting and faulting CPU page tables for a device mirror.
 *
 * <p>Mirrors include/linux/hmm.h and mm/hmm.c: {@link org.hmmlab.mm.hmm.Hmm#rangeFault} with
 * {@link org.hmmlab.mm.hmm.HmmRange} and the {@link org.hmmlab.mm.hmm.HmmPfn} flag words.
 */
package org.hmmlab.mm.hmm;
