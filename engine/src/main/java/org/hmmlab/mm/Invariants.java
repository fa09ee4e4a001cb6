package org.hmmlab.mm;

/**
 * Checks that physical memory and every page table agree; throws {@link IllegalStateException} naming the first
 * broken rule.
 *
 * <p>Rules: every frame an entry points at is allocated (no use after free); a frame's mapcount equals the number of
 * entries that map it in all address spaces (no frame mapped in a place it does not know, none lost); refcount is at
 * least mapcount plus pins; a page-cache page also holds the cache's reference. Devices add their own rules through
 * {@link Frames#addInvariantHook(Runnable)} (a device mapping never outlives or disagrees with the CPU mapping).
 * There is no kernel counterpart as one function; it encodes what CONFIG_DEBUG_VM's checks assert piecemeal.
 */
public final class Invariants {
    private Invariants() {
    }

    public static void check(Frames frames) {
        int nseg = frames.segments();
        int[][] counted = new int[nseg][];
        for (MmStruct mm : frames.addressSpaces()) {
            mm.forEachEntry((m, vma, addr, e, pmd) -> {
                if (!checkEntry(frames, m, vma, addr, e, pmd) || Pte.isMigration(e)) {
                    return; // a migration entry holds a reference, not a mapping (folio_remove_rmap at collection)
                }
                long pfn = Pte.pfn(e);
                int s = (int) (pfn >>> Frames.SEG_SHIFT);
                if (counted[s] == null) {
                    counted[s] = new int[Frames.SEG_FRAMES];
                }
                counted[s][(int) pfn & (Frames.SEG_FRAMES - 1)]++;
            });
        }
        for (int s = 0; s < nseg; s++) {
            if (!frames.valid(((long) s << Frames.SEG_SHIFT)) || frames.zoneSegmentReleased(s)) {
                continue;
            }
            for (int i = 0; i < Frames.SEG_FRAMES; i++) {
                long pfn = ((long) s << Frames.SEG_SHIFT) | i;
                int c = counted[s] == null ? 0 : counted[s][i];
                if (frames.isZero(pfn)) {
                    continue;
                }
                if (frames.isFree(pfn)) {
                    continue;
                }
                checkFrameCounts(frames, pfn, c);
            }
        }
    }

    /**
     * The rules of one entry on its own: the frame it names exists and is in use, a huge entry names a folio head and
     * a PTE no part of an unsplit folio, device-private memory only behind non-present entries. Returns false for a
     * special entry (no frame to account), true for an entry that names a frame.
     */
    static boolean checkEntry(Frames frames, MmStruct m, Vma vma, long addr, long e, boolean pmd) {
        long pfn = Pte.pfn(e);
        if (Pte.isPresent(e) && Pte.isSpecial(e)) {
            // A VM_PFNMAP entry may name a pfn with no frame behind it (device memory, MMIO): the kernel
            // never looks for its struct page (vm_normal_page() returns NULL), so neither does this check.
            boolean zero = frames.valid(pfn) && frames.isZero(pfn);
            if (!zero && !vma.has(VmFlags.VM_PFNMAP)) {
                fail(m, addr, e, "special entry outside a PFNMAP area");
            }
            return false;
        }
        if (!frames.valid(pfn) || frames.isFree(pfn)) {
            fail(m, addr, e, "maps a free frame");
        }
        if (pmd && !frames.hasFlag(pfn, Frames.F_HEAD)) {
            fail(m, addr, e, "huge entry on a frame that is not a folio head");
        }
        if (!pmd && (frames.hasFlag(pfn, Frames.F_HEAD) || frames.hasFlag(pfn, Frames.F_TAIL))) {
            fail(m, addr, e, "PTE maps part of an unsplit 2 MiB folio");
        }
        if (!Pte.isPresent(e) && !Pte.isMigration(e) && !Pte.isDeviceExclusive(e) && !frames.isDevicePrivate(pfn)) {
            fail(m, addr, e, "device-private entry on a frame that is not device-private");
        }
        if (Pte.isPresent(e) && frames.isDevicePrivate(pfn)) {
            fail(m, addr, e, "present entry maps device-private memory the CPU cannot address");
        }
        return true;
    }

    /** The rules of one frame against what the page tables say of it: mapcount and references. */
    static void checkFrameCounts(Frames frames, long pfn, int mapped) {
        int map = frames.mapcount(pfn);
        if (map != mapped) {
            throw new IllegalStateException("pfn " + pfn + ": mapcount " + map + " but mapped " + mapped + " times");
        }
        int ref = frames.refcount(pfn);
        int need = map + frames.pincount(pfn) + (frames.hasFlag(pfn, Frames.F_PAGECACHE) ? 1 : 0);
        if (ref < need) {
            throw new IllegalStateException("pfn " + pfn + ": refcount " + ref + " < mapcount " + map
                    + " + pins " + frames.pincount(pfn));
        }
    }

    static void fail(MmStruct mm, long addr, long e, String what) {
        throw new IllegalStateException(mm + " 0x" + Long.toHexString(addr) + " (" + Pte.describe(e) + "): " + what);
    }
}
