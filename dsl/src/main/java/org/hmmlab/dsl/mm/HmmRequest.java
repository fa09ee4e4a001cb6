package org.hmmlab.dsl.mm;

import org.hmmlab.mm.hmm.HmmPfn;

/**
 * What a driver asks of {@code hmm_range_fault()} for each page. Mirrors HMM_PFN_REQ_FAULT and HMM_PFN_REQ_WRITE
 * (include/linux/hmm.h), set in the range's default_flags: without any request a page is only reported.
 */
public enum HmmRequest {
    /** HMM_PFN_REQ_FAULT: fault the page in if it is not present. */
    REQ_FAULT(HmmPfn.REQ_FAULT),
    /** HMM_PFN_REQ_WRITE: fault it in writable (breaking COW, replacing the zero page); implies REQ_FAULT. */
    REQ_WRITE(HmmPfn.REQ_FAULT | HmmPfn.REQ_WRITE);

    final long bits;

    HmmRequest(long bits) {
        this.bits = bits;
    }
}
