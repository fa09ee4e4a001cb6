package org.hmmlab.mm.hmm;

import org.hmmlab.mm.Errno;
import org.hmmlab.mm.Frames;
import org.hmmlab.mm.Mman;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.PageTable;
import org.hmmlab.mm.Pte;
import org.hmmlab.mm.VmFault;
import org.hmmlab.mm.VmFlags;
import org.hmmlab.mm.Vma;
import org.hmmlab.mm.devmem.DevPagemap;

/**
 * Snapshots, and where asked faults in, the CPU page table of a range for a device.
 *
 * <p>Mirrors mm/hmm.c. The flag contract, the order of checks and the errors follow the kernel: the request for page
 * {@code i} is {@code (hmmPfns[i] & pfnFlagsMask) | defaultFlags}; without REQ_FAULT a page is only reported; with it
 * a page that is not VALID (or not writable under REQ_WRITE) is faulted with handle_mm_fault(FAULT_FLAG_REMOTE),
 * from that page to the end of the current PMD walk segment, and the walk resumes there. Before every walk pass the
 * notifier sequence is checked, so an invalidation caused by a fault (a COW break, a device page coming back)
 * returns {@code -EBUSY} and the caller restarts from read_begin, exactly as drivers loop in the kernel.
 */
public final class Hmm {
    private static final int NEED_FAULT = 1;
    private static final int NEED_WRITE_FAULT = 2;
    private static final int AGAIN = 1;

    private Hmm() {
    }

    /**
     * Fills {@code range.hmmPfns} for {@code [range.start, range.end)} of the notifier's address space; returns 0,
     * {@code -EBUSY} (an invalidation raced: call read_begin and retry), {@code -EFAULT} (a fault was required where
     * none is possible: no area, an unreadable or VM_IO/VM_PFNMAP area, a special entry, a failed fault) or
     * {@code -EPERM} (a write fault was required in an area without VM_WRITE). Mirrors hmm_range_fault(); addresses
     * at or above TASK_SIZE are a hole like any other address with no area.
     */
    public static int rangeFault(HmmRange range) {
        if (range.notifier == null) {
            throw new IllegalArgumentException("range.notifier must be set (mmu_interval_notifier_insert)");
        }
        MmStruct mm = range.notifier.mm();
        long last = range.start;
        Walk w = null;
        for (;;) {
            if (range.notifier.checkRetry(range.notifierSeq)) {
                return -Errno.EBUSY;
            }
            // An empty or inverted range: walk_page_range() (mm/pagewalk.c) returns -EINVAL for start >= end, after
            // the retry check above and before any alignment matters (the kernel checks none).
            if (Long.compareUnsigned(last, range.end) >= 0) {
                return -Errno.EINVAL;
            }
            if (w == null) {
                // The kernel indexes hmm_pfns by (addr - start) >> PAGE_SHIFT and never checks alignment; an
                // unaligned bound has no defined result there, so the engine refuses it as bad input.
                // No TASK_SIZE bound: walk_page_range() finds no area at or above TASK_SIZE, so that part of the
                // range is a hole (hmm_vma_walk_hole() with no vma: HMM_PFN_ERROR, or -EFAULT when a fault is asked).
                if (!Mman.pageAligned(range.start) || !Mman.pageAligned(range.end)) {
                    throw new IllegalArgumentException("range.start and range.end must be page aligned, got [0x"
                            + Long.toHexString(range.start) + ", 0x" + Long.toHexString(range.end) + ")");
                }
                if (range.hmmPfns == null || range.hmmPfns.length < range.npages()) {
                    throw new IllegalArgumentException("hmmPfns must hold " + range.npages() + " entries");
                }
                w = new Walk(range, mm);
            }
            w.last = last;
            int ret = w.walk(last);
            if (ret == AGAIN) {
                last = w.last;
                continue;
            }
            return ret;
        }
    }

    /** One hmm_vma_walk. */
    private static final class Walk {
        final HmmRange range;
        final MmStruct mm;
        final Frames frames;
        final long[] pfns;
        long last;

        Walk(HmmRange range, MmStruct mm) {
            this.range = range;
            this.mm = mm;
            this.frames = mm.frames();
            this.pfns = range.hmmPfns;
        }

        private int idx(long addr) {
            return (int) ((addr - range.start) >>> Mman.PAGE_SHIFT);
        }

        private long req(int i) {
            return (pfns[i] & range.pfnFlagsMask) | range.defaultFlags;
        }

        /** Mirrors hmm_pte_need_fault(). */
        private static int needFault(long req, long cpuFlags) {
            if ((req & HmmPfn.REQ_FAULT) == 0) {
                return 0;
            }
            if ((req & HmmPfn.REQ_WRITE) != 0 && (cpuFlags & HmmPfn.WRITE) == 0) {
                return NEED_FAULT | NEED_WRITE_FAULT;
            }
            if ((cpuFlags & HmmPfn.VALID) == 0) {
                return NEED_FAULT;
            }
            return 0;
        }

        /** Mirrors hmm_range_need_fault(): the union over [start, end). */
        private int rangeNeedFault(long start, long end, long cpuFlags) {
            if (((range.defaultFlags | range.pfnFlagsMask) & HmmPfn.REQ_FAULT) == 0) {
                return 0;
            }
            int required = 0;
            for (long a = start; a < end; a += Mman.PAGE_SIZE) {
                required |= needFault(req(idx(a)), cpuFlags);
                if (required == (NEED_FAULT | NEED_WRITE_FAULT)) {
                    return required;
                }
            }
            return required;
        }

        private void fill(long start, long end, long value) {
            for (int i = idx(start), n = idx(end); i < n; i++) {
                pfns[i] = (pfns[i] & HmmPfn.INOUT_FLAGS) | value;
            }
        }

        /** Mirrors hmm_vma_fault(): fault every page of [addr, end), then ask the caller to walk again. */
        private int fault(Vma vma, long addr, long end, int required) {
            int flags = MmStruct.FAULT_FLAG_REMOTE;
            last = addr;
            if ((required & NEED_WRITE_FAULT) != 0) {
                if (!vma.has(VmFlags.VM_WRITE)) {
                    return -Errno.EPERM;
                }
                flags |= MmStruct.FAULT_FLAG_WRITE;
            }
            for (long a = addr; a < end; a += Mman.PAGE_SIZE) {
                int r = mm.handleMmFault(a, flags);
                if ((r & VmFault.ERROR) != 0) {
                    return -Errno.EFAULT;
                }
                if ((r & VmFault.RETRY) != 0) {
                    return -Errno.EBUSY;
                }
            }
            return AGAIN;
        }

        int walk(long from) {
            long addr = from;
            long end = range.end;
            while (addr < end) {
                Vma vma = mm.findVmaFrom(addr);
                if (vma == null || vma.start() > addr) {
                    long next = vma == null ? end : Math.min(end, vma.start());
                    if (rangeNeedFault(addr, next, 0) != 0) {
                        return -Errno.EFAULT;
                    }
                    fill(addr, next, HmmPfn.ERROR);
                    addr = next;
                    continue;
                }
                long segEnd = Math.min(end, vma.end());
                if (vma.has(VmFlags.VM_IO) || vma.has(VmFlags.VM_PFNMAP) || !vma.has(VmFlags.VM_READ)) {
                    if (rangeNeedFault(addr, segEnd, 0) != 0) {
                        return -Errno.EFAULT;
                    }
                    fill(addr, segEnd, HmmPfn.ERROR);
                    addr = segEnd;
                    continue;
                }
                while (addr < segEnd) {
                    long pmdEnd = Math.min(segEnd, (addr | (Mman.PMD_SIZE - 1)) + 1);
                    int r = walkPmd(vma, addr, pmdEnd);
                    if (r != 0) {
                        return r;
                    }
                    addr = pmdEnd;
                }
            }
            return 0;
        }

        private int walkPmd(Vma vma, long addr, long end) {
            PageTable pt = mm.pageTable();
            long pmde = pt.pmd(addr);
            if (pmde == 0) {
                int required = rangeNeedFault(addr, end, 0);
                if (required != 0) {
                    return fault(vma, addr, end, required);
                }
                fill(addr, end, 0);
                return 0;
            }
            if (PageTable.pmdIsLeaf(pmde)) {
                return walkHuge(vma, addr, end, pmde);
            }
            long[] t = pt.pteTable(addr);
            for (long a = addr; a < end; a += Mman.PAGE_SIZE) {
                int i = idx(a);
                long e = t[PageTable.pteIndex(a)];
                long req = req(i);
                long out;
                if (e == 0) {
                    if (needFault(req, 0) != 0) {
                        return fault(vma, a, end, needFault(req, 0));
                    }
                    out = 0;
                } else if (Pte.isPresent(e)) {
                    long cpu = HmmPfn.VALID | (Pte.isWrite(e) ? HmmPfn.WRITE : 0);
                    int required = needFault(req, cpu);
                    if (required != 0) {
                        return fault(vma, a, end, required);
                    }
                    long pfn = Pte.pfn(e);
                    if (Pte.isSpecial(e) && !frames.isZero(pfn)) {
                        if (needFault(req, 0) != 0) {
                            return -Errno.EFAULT;
                        }
                        out = HmmPfn.ERROR;
                    } else {
                        out = pfn | cpu;
                    }
                } else {
                    long pfn = Pte.pfn(e);
                    if (Pte.isDevicePrivate(e) && ownerMatches(pfn)) {
                        out = pfn | HmmPfn.VALID | (Pte.isWrite(e) ? HmmPfn.WRITE : 0);
                    } else {
                        int required = needFault(req, 0);
                        if (required == 0) {
                            out = 0;
                        } else if (Pte.isDevicePrivate(e) || Pte.isDeviceExclusive(e)) {
                            return fault(vma, a, end, required);
                        } else if (Pte.isMigration(e)) {
                            last = a;
                            return -Errno.EBUSY;
                        } else {
                            return -Errno.EFAULT;
                        }
                    }
                }
                pfns[i] = (pfns[i] & HmmPfn.INOUT_FLAGS) | out;
            }
            return 0;
        }

        private boolean ownerMatches(long pfn) {
            DevPagemap pg = frames.pagemap(pfn);
            return pg != null && range.devPrivateOwner != null && pg.owner() == range.devPrivateOwner;
        }

        private int walkHuge(Vma vma, long addr, long end, long pmde) {
            long head = Pte.pfn(pmde);
            long pa = addr & -Mman.PMD_SIZE;
            long cpu;
            if (Pte.isPresent(pmde)) {
                cpu = HmmPfn.VALID | (Pte.isWrite(pmde) ? HmmPfn.WRITE : 0);
            } else if (Pte.isDevicePrivate(pmde) && ownerMatches(head)) {
                cpu = HmmPfn.VALID | (Pte.isWrite(pmde) ? HmmPfn.WRITE : 0);
            } else {
                int required = rangeNeedFault(addr, end, 0);
                if (required != 0) {
                    if (Pte.isDevicePrivate(pmde)) {
                        return fault(vma, addr, end, required);
                    }
                    if (Pte.isMigration(pmde)) {
                        last = addr;
                        return -Errno.EBUSY;
                    }
                    return -Errno.EFAULT;
                }
                fill(addr, end, Pte.isDevicePrivate(pmde) ? HmmPfn.ERROR : 0);
                return 0;
            }
            int required = rangeNeedFault(addr, end, cpu);
            if (required != 0) {
                return fault(vma, addr, end, required);
            }
            long flags = cpu | HmmPfn.flagsOrder(Mman.PMD_SHIFT - Mman.PAGE_SHIFT);
            for (long a = addr; a < end; a += Mman.PAGE_SIZE) {
                int i = idx(a);
                pfns[i] = (pfns[i] & HmmPfn.INOUT_FLAGS) | (head + ((a - pa) >>> Mman.PAGE_SHIFT)) | flags;
            }
            return 0;
        }
    }
}
