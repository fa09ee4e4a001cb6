package org.hmmlab.mm.hmm;

import org.hmmlab.mm.Mman;
import org.hmmlab.mm.notifier.MmuIntervalNotifier;

/**
 * One request to {@link Hmm#rangeFault}: the range, its notifier and sequence, and one flag word per page.
 *
 * <p>Mirrors struct hmm_range: {@code notifier}, {@code notifier_seq} (from read_begin), {@code start}/{@code end}
 * (page aligned, end exclusive), {@code hmm_pfns} (input requests, output pfns and flags), {@code default_flags},
 * {@code pfn_flags_mask} and {@code dev_private_owner}. Mutable like the C struct so a driver reuses one range and
 * one array across retries without allocating.
 */
public final class HmmRange {
    public MmuIntervalNotifier notifier;
    public long notifierSeq;
    public long start;
    public long end;
    public long[] hmmPfns;
    public long defaultFlags;
    public long pfnFlagsMask;
    public Object devPrivateOwner;

    public HmmRange() {
    }

    public HmmRange(MmuIntervalNotifier notifier, long start, long end, long[] hmmPfns, long defaultFlags,
                    long pfnFlagsMask, Object devPrivateOwner) {
        this.notifier = notifier;
        this.start = start;
        this.end = end;
        this.hmmPfns = hmmPfns;
        this.defaultFlags = defaultFlags;
        this.pfnFlagsMask = pfnFlagsMask;
        this.devPrivateOwner = devPrivateOwner;
    }

    public MmuIntervalNotifier notifier() {
        return notifier;
    }

    public long[] hmmPfns() {
        return hmmPfns;
    }

    public int npages() {
        return (int) ((end - start) >>> Mman.PAGE_SHIFT);
    }
}
