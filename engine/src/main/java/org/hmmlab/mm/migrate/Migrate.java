package org.hmmlab.mm.migrate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hmmlab.mm.Errno;
import org.hmmlab.mm.Frames;
import org.hmmlab.mm.Mman;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.PageTable;
import org.hmmlab.mm.Pte;
import org.hmmlab.mm.VmFlags;
import org.hmmlab.mm.Vma;
import org.hmmlab.mm.devmem.DevPagemap;
import org.hmmlab.mm.notifier.MmuNotifierRange;
import org.hmmlab.mm.notifier.MmuNotifyEvent;

/**
 * Migrates the pages of a range of one area between system memory and device memory, in three steps around the
 * driver's copy.
 *
 * <p>Mirrors mm/migrate_device.c. {@link #vmaSetup} collects: under one MIGRATE invalidation (owner =
 * {@code pgmapOwner}) it replaces each selected entry by a migration entry and fills {@code src}; holes of anonymous
 * areas and the zero page are selected as pfn-less entries the driver zero-fills; a whole 2 MiB folio or hole moves
 * as one COMPOUND entry when SELECT_COMPOUND allows it, otherwise it is split. Then the unmap stage refuses pages
 * with references the migration cannot account for (GUP pins, extra users) and puts their entries back; pages
 * mapped by other address spaces are unmapped there too (try_to_migrate). The driver allocates and copies into
 * {@code dst}; {@link #vmaPages} commits (inserting pages for holes under a second MIGRATE invalidation, refusing
 * page-cache sources for device destinations, splitting a compound source the driver declined to take whole);
 * {@link #vmaFinalize} turns every migration entry into the new page, or back into the old one.
 */
public final class Migrate {
    private Migrate() {
    }

    /**
     * Collects and unmaps the pages of {@code [args.start, args.end)}; returns 0 or {@code -EINVAL} (no area, a
     * range outside it or shorter than a page, a hugetlb or VM_SPECIAL area, missing arrays, a fault page that is
     * not device-private). Mirrors migrate_vma_setup(): {@code args.start} and {@code args.end} are aligned down to
     * a page first, and the caller sees the aligned values.
     */
    public static int vmaSetup(MigrateVma args) {
        if (args == null) {
            throw new IllegalArgumentException("args must not be null");
        }
        Vma vma = args.vma;
        // The page count comes from the range as given; then both ends are aligned down to a page, so an unaligned
        // start is not refused (migrate_vma_setup(): args->start &= PAGE_MASK, args->end &= PAGE_MASK).
        long nrPages = (args.end - args.start) >> Mman.PAGE_SHIFT;
        args.start &= -Mman.PAGE_SIZE;
        args.end &= -Mman.PAGE_SIZE;
        if (vma == null || vma.isHugetlb() || (vma.flags() & VmFlags.VM_SPECIAL) != 0) {
            return -Errno.EINVAL;
        }
        if (nrPages <= 0) {
            return -Errno.EINVAL;
        }
        if (args.start < vma.start() || args.start >= vma.end()) {
            return -Errno.EINVAL;
        }
        if (args.end <= vma.start() || args.end > vma.end()) {
            return -Errno.EINVAL;
        }
        int nr = args.entries();
        if (args.src == null || args.dst == null || args.src.length < nr || args.dst.length < nr) {
            return -Errno.EINVAL;
        }
        MmStruct mm = vma.mm();
        Frames fr = mm.frames();
        if (mm.isDead() || mm.findVma(args.start) != vma) {
            return -Errno.EINVAL;
        }
        if (args.faultPage >= 0 && !fr.isDevicePrivate(args.faultPage)) {
            return -Errno.EINVAL;
        }
        Arrays.fill(args.src, 0, nr, 0);
        Arrays.fill(args.dst, 0, nr, 0);
        args.cpages = 0;
        args.npages = 0;
        args.remote.clear();
        MmuNotifierRange r = MmuNotifierRange.of(mm, args.start, args.end, MmuNotifyEvent.MIGRATE, args.pgmapOwner);
        mm.invalidateRangeStart(r);
        collect(args, mm, fr);
        mm.invalidateRangeEnd(r);
        unmap(args, mm, fr);
        args.setUp = true;
        mm.mmget(); // held until vmaFinalize(): an exiting task's space outlives the migration, as with the
                    // driver's mmget_not_zero() in the kernel
        return 0;
    }

    private static boolean selected(MigrateVma a, Frames fr, long e, long pfn) {
        if (Pte.isPresent(e)) {
            if (fr.isDeviceCoherent(pfn)) {
                return (a.flags & MigratePfn.SELECT_DEVICE_COHERENT) != 0 && fr.pagemap(pfn).owner() == a.pgmapOwner;
            }
            return (a.flags & MigratePfn.SELECT_SYSTEM) != 0 && fr.zone(pfn) == Frames.ZONE_NORMAL;
        }
        if (Pte.isDevicePrivate(e)) {
            DevPagemap pg = fr.pagemap(pfn);
            return (a.flags & MigratePfn.SELECT_DEVICE_PRIVATE) != 0 && pg != null && pg.owner() == a.pgmapOwner;
        }
        return false;
    }

    private static void collect(MigrateVma a, MmStruct mm, Frames fr) {
        PageTable pt = mm.pageTable();
        boolean anon = a.vma.isAnonymous();
        boolean compound = (a.flags & MigratePfn.SELECT_COMPOUND) != 0;
        for (long addr = a.start; addr < a.end; ) {
            long pa = addr & -Mman.PMD_SIZE;
            long pmdEnd = Math.min(pa + Mman.PMD_SIZE, a.end);
            boolean fullPmd = addr == pa && pmdEnd == pa + Mman.PMD_SIZE;
            int i = idx(a, addr);
            long pmde = pt.pmd(addr);
            if (pmde == 0) {
                if (anon && compound && fullPmd) {
                    a.src[i] = MigratePfn.MIGRATE | MigratePfn.COMPOUND;
                    a.cpages++;
                    a.npages += Mman.PMD_NR;
                } else {
                    for (long b = addr; b < pmdEnd; b += Mman.PAGE_SIZE) {
                        a.src[idx(a, b)] = anon ? MigratePfn.MIGRATE : 0;
                        a.cpages += anon ? 1 : 0;
                        a.npages++;
                    }
                }
                addr = pmdEnd;
                continue;
            }
            if (PageTable.pmdIsLeaf(pmde)) {
                long head = Pte.pfn(pmde);
                if (Pte.isPresent(pmde) && fr.isZero(head)) {
                    if ((a.flags & MigratePfn.SELECT_SYSTEM) != 0 && anon && compound && fullPmd) {
                        a.src[i] = MigratePfn.MIGRATE | MigratePfn.COMPOUND;
                        a.cpages++;
                        a.npages += Mman.PMD_NR;
                        addr = pmdEnd;
                        continue;
                    }
                    mm.splitHugePmd(pa, true);
                } else if (!selected(a, fr, pmde, head) || Pte.isMigration(pmde)) {
                    a.npages += (pmdEnd - addr) >>> Mman.PAGE_SHIFT;
                    addr = pmdEnd;
                    continue;
                } else if (compound && fullPmd && fr.mapcount(head) == 1 && !fr.hasFlag(head, Frames.F_LOCKED)
                        && !fr.maybePinned(head)) {
                    boolean write = Pte.isWrite(pmde);
                    mm.setPmdLeaf(pa, Pte.mkSwp(Pte.SWP_MIGRATION, head, write) | Pte.HUGE);
                    fr.decMapcount(head);
                    fr.addFlags(head, Frames.F_LOCKED);
                    a.src[i] = MigratePfn.of(head) | MigratePfn.MIGRATE | MigratePfn.COMPOUND
                            | (write ? MigratePfn.WRITE : 0);
                    a.cpages++;
                    a.npages += Mman.PMD_NR;
                    addr = pmdEnd;
                    continue;
                } else if (Pte.isPresent(pmde) && fr.maybePinned(head)) {
                    // migrate_vma_collect_huge_pmd() (mainline; migrate_vma_collect_pmd() in 6.12) splits the folio
                    // with split_folio(), which refuses a pinned folio (can_split_folio(): references beyond the
                    // mappings): the whole range is skipped (migrate_vma_collect_skip()), nothing split, nothing moved.
                    a.npages += (pmdEnd - addr) >>> Mman.PAGE_SHIFT;
                    addr = pmdEnd;
                    continue;
                } else {
                    mm.splitHugePageRemappingZeros(pa);
                }
            }
            long[] t = pt.pteTable(addr);
            for (long b = addr; b < pmdEnd; b += Mman.PAGE_SIZE) {
                int j = idx(a, b);
                a.npages++;
                long e = t == null ? 0 : t[PageTable.pteIndex(b)];
                if (e == 0) {
                    a.src[j] = anon ? MigratePfn.MIGRATE : 0;
                    a.cpages += anon ? 1 : 0;
                    continue;
                }
                long pfn = Pte.pfn(e);
                if (Pte.isPresent(e) && Pte.isSpecial(e)) {
                    if (pfn == Frames.ZERO_PFN && (a.flags & MigratePfn.SELECT_SYSTEM) != 0) {
                        a.src[j] = MigratePfn.MIGRATE;
                        a.cpages++;
                    }
                    continue;
                }
                if (!selected(a, fr, e, pfn)) {
                    continue;
                }
                if (Pte.isPresent(e)) {
                    int f = fr.flags(pfn);
                    if ((f & (Frames.F_ANON | Frames.F_PAGECACHE)) == 0 || (f & Frames.F_LOCKED) != 0) {
                        continue; // no page->mapping (a driver page), or folio_trylock failed
                    }
                    if ((f & Frames.F_ANON) != 0 && fr.maybePinned(pfn)) {
                        continue; // folio_try_share_anon_rmap_pte() refuses a maybe-pinned page
                    }
                }
                boolean write = Pte.isWrite(e);
                t[PageTable.pteIndex(b)] = Pte.mkSwp(Pte.SWP_MIGRATION, pfn, write);
                fr.decMapcount(pfn);
                fr.addFlags(pfn, Frames.F_LOCKED);
                a.src[j] = MigratePfn.of(pfn) | MigratePfn.MIGRATE | (write ? MigratePfn.WRITE : 0);
                a.cpages++;
            }
            addr = pmdEnd;
        }
    }

    private static int idx(MigrateVma a, long addr) {
        return (int) ((addr - a.start) >>> Mman.PAGE_SHIFT);
    }

    private static long addrOf(MigrateVma a, int i) {
        return a.start + ((long) i << Mman.PAGE_SHIFT);
    }

    /** The unmap stage: try_to_migrate other mappings, then refuse pages whose references do not add up. */
    private static void unmap(MigrateVma a, MmStruct mm, Frames fr) {
        int nr = a.entries();
        for (int i = 0; i < nr; i++) {
            long s = a.src[i];
            long p = MigratePfn.pfn(s);
            if ((s & MigratePfn.MIGRATE) == 0 || p < 0) {
                continue;
            }
            if (fr.mapcount(p) > 0 && (s & MigratePfn.COMPOUND) == 0) {
                tryToMigrateRemote(a, fr, p, addrOf(a, i));
            }
            int remote = 0;
            for (MigrateVma.Remote r : a.remote) {
                remote += r.pfn() == p ? 1 : 0;
            }
            int extra = 1 + remote + (fr.hasFlag(p, Frames.F_PAGECACHE) ? 1 : 0);
            if (fr.mapcount(p) > 0 || fr.refcount(p) - extra > fr.mapcount(p)) {
                restore(a, fr, i);
            }
        }
        long c = 0;
        for (int i = 0; i < nr; i++) {
            c += (a.src[i] & MigratePfn.MIGRATE) != 0 ? 1 : 0;
        }
        a.cpages = c;
    }

    /**
     * Unmaps {@code p} wherever else it is mapped, putting migration entries in place. Mirrors try_to_migrate() and
     * its rmap_walk_anon() (mm/rmap.c): the kernel does not scan page tables, it asks each area of the page's anon_vma
     * for the page at the address the page's index gives there, which after fork is the address it has here. So the
     * walk first looks at {@code addr} in every address space; when that finds as many mappings as the frame's
     * mapcount it has found them all (mapcount counts every mapping), and only otherwise (a page moved by mremap,
     * mapped twice in one space, held device-exclusive elsewhere) does it scan every page table as before. Both ways
     * find the same entries in the same order: address spaces in creation order, addresses ascending.
     */
    private static void tryToMigrateRemote(MigrateVma a, Frames fr, long p, long addr) {
        List<MmStruct> spaces = fr.addressSpaces();
        long[] at = new long[spaces.size()];
        int found = 0;
        for (int k = 0; k < spaces.size(); k++) {
            MmStruct o = spaces.get(k);
            long pmde = o.pageTable().pmd(addr);
            if (pmde == 0 || PageTable.pmdIsLeaf(pmde) || o.findVma(addr) == null) {
                continue;
            }
            long e = o.pageTable().pte(addr);
            if (mapsForMigration(e, p)) {
                at[k] = e;
                found++;
            }
        }
        if (found == fr.mapcount(p)) {
            for (int k = 0; k < spaces.size(); k++) {
                if (at[k] != 0) {
                    unmapRemote(a, fr, p, spaces.get(k), addr, at[k]);
                }
            }
            return;
        }
        for (MmStruct o : spaces) {
            List<long[]> hits = new ArrayList<>();
            o.forEachEntry((m, v, va, e, pmd) -> {
                if (!pmd && mapsForMigration(e, p)) {
                    hits.add(new long[] {va, e});
                }
            });
            for (long[] h : hits) {
                unmapRemote(a, fr, p, o, h[0], h[1]);
            }
        }
    }

    private static boolean mapsForMigration(long e, long p) {
        return Pte.pfn(e) == p && ((Pte.isPresent(e) && !Pte.isSpecial(e)) || Pte.isDevicePrivate(e));
    }

    private static void unmapRemote(MigrateVma a, Frames fr, long p, MmStruct o, long va, long e) {
        boolean write = Pte.isWrite(e);
        o.notify(va, va + Mman.PAGE_SIZE, MmuNotifyEvent.CLEAR, null);
        o.setPte(va, Pte.mkSwp(Pte.SWP_MIGRATION, p, write));
        fr.decMapcount(p);
        a.remote.add(new MigrateVma.Remote(o, va, p, write));
    }

    private static boolean remoteStillThere(MigrateVma.Remote r) {
        long e = r.mm().isDead() ? 0 : r.mm().entry(r.addr());
        return Pte.isMigration(e) && Pte.pfn(e) == r.pfn();
    }

    private static long mkEntry(Frames fr, long pfn, boolean write, boolean huge) {
        long e = fr.isDevicePrivate(pfn) ? Pte.mkSwp(Pte.SWP_DEVICE_PRIVATE, pfn, write) : Pte.mk(pfn, write, true);
        return huge ? e | Pte.HUGE : e;
    }

    private static void restore(MigrateVma a, Frames fr, int i) {
        long s = a.src[i];
        long p = MigratePfn.pfn(s);
        boolean compound = (s & MigratePfn.COMPOUND) != 0;
        MmStruct mm = a.vma.mm();
        long addr = addrOf(a, i);
        boolean write = (s & MigratePfn.WRITE) != 0;
        if (compound) {
            mm.setPmdLeaf(addr, mkEntry(fr, p, write, true));
        } else {
            mm.setPte(addr, mkEntry(fr, p, write, false));
        }
        fr.incMapcount(p);
        fr.clearFlags(p, Frames.F_LOCKED);
        for (var it = a.remote.iterator(); it.hasNext(); ) {
            MigrateVma.Remote r = it.next();
            if (r.pfn() == p) {
                r.mm().setPte(r.addr(), mkEntry(fr, p, r.write(), false));
                fr.incMapcount(p);
                it.remove();
            }
        }
        a.src[i] = 0;
    }

    /**
     * Commits the entries the driver filled in {@code dst}; an entry left 0, a page-cache source bound for device
     * memory, or a hole that can no longer take a page loses its MIGRATE flag. Mirrors migrate_vma_pages().
     */
    public static void vmaPages(MigrateVma args) {
        if (args == null || !args.setUp) {
            throw new IllegalStateException("migrate_vma_pages() without a successful migrate_vma_setup()");
        }
        MmStruct mm = args.vma.mm();
        Frames fr = mm.frames();
        MmuNotifierRange notified = null;
        int nr = args.entries();
        for (int i = 0; i < nr; i++) {
            long s = args.src[i];
            long d = args.dst[i];
            if ((s & MigratePfn.MIGRATE) == 0) {
                continue;
            }
            long dp = MigratePfn.pfn(d);
            if (dp < 0 || mm.isDead()) {
                args.src[i] = s & ~MigratePfn.MIGRATE;
                continue;
            }
            boolean sComp = (s & MigratePfn.COMPOUND) != 0;
            boolean dComp = (d & MigratePfn.COMPOUND) != 0;
            if (sComp && !dComp) {
                splitSource(args, mm, fr, i);
                s = args.src[i];
                sComp = false;
            }
            if (!sComp && dComp) {
                args.src[i] = s & ~MigratePfn.MIGRATE;
                continue;
            }
            long p = MigratePfn.pfn(s);
            if (p < 0) {
                if (notified == null) {
                    notified = MmuNotifierRange.of(mm, addrOf(args, i), args.end, MmuNotifyEvent.MIGRATE,
                            args.pgmapOwner);
                    mm.invalidateRangeStart(notified);
                }
                if (!insertPage(args, mm, fr, i, dp, dComp)) {
                    args.src[i] = s & ~MigratePfn.MIGRATE;
                }
                continue;
            }
            boolean toDevice = fr.isDevicePrivate(dp) || fr.isDeviceCoherent(dp);
            if (toDevice && fr.hasFlag(p, Frames.F_PAGECACHE)) {
                args.src[i] = s & ~MigratePfn.MIGRATE;
            }
        }
        if (notified != null) {
            mm.invalidateRangeEnd(notified);
        }
    }

    /** The driver declined to take a 2 MiB source whole: split it into 512 entries. */
    private static void splitSource(MigrateVma a, MmStruct mm, Frames fr, int i) {
        long s = a.src[i];
        long p = MigratePfn.pfn(s);
        long addr = addrOf(a, i);
        if (p < 0) {
            long pmde = mm.pageTable().pmd(addr);
            if (PageTable.pmdIsLeaf(pmde)) {
                mm.splitHugePmd(addr, false);
            }
            for (int k = 0; k < Mman.PMD_NR; k++) {
                a.src[i + k] = MigratePfn.MIGRATE;
            }
            return;
        }
        boolean write = (s & MigratePfn.WRITE) != 0;
        fr.splitFolio(p, 1, 0);
        long[] ptes = new long[PageTable.ENTRIES];
        for (int k = 0; k < Mman.PMD_NR; k++) {
            fr.addFlags(p + k, Frames.F_LOCKED);
            ptes[k] = Pte.mkSwp(Pte.SWP_MIGRATION, p + k, write);
            a.src[i + k] = MigratePfn.of(p + k) | MigratePfn.MIGRATE | (write ? MigratePfn.WRITE : 0);
        }
        mm.setPmdLeaf(addr, 0);
        mm.pageTable().installPteTable(addr, ptes);
    }

    /** Inserts the new page of a hole. Mirrors migrate_vma_insert_page() and its huge variant. */
    private static boolean insertPage(MigrateVma a, MmStruct mm, Frames fr, int i, long dp, boolean huge) {
        Vma vma = a.vma;
        if (!vma.isAnonymous()) {
            return false;
        }
        vma.anonVmaPrepare();
        long addr = addrOf(a, i);
        PageTable pt = mm.pageTable();
        boolean w = vma.has(VmFlags.VM_WRITE);
        long pmde = pt.pmd(addr);
        if (huge) {
            if (pmde != 0 && !(PageTable.pmdIsLeaf(pmde) && Pte.isPresent(pmde) && fr.isZero(Pte.pfn(pmde)))) {
                if (PageTable.pmdIsLeaf(pmde)) {
                    return false;
                }
                long[] t = pt.pteTable(addr);
                for (long e : t) {
                    if (e != 0 && !(Pte.isPresent(e) && Pte.pfn(e) == Frames.ZERO_PFN)) {
                        return false;
                    }
                }
                Arrays.fill(t, 0);
                mm.replacePteTableWithLeaf(addr, mkEntry(fr, dp, w, true));
            } else {
                mm.setPmdLeaf(addr, mkEntry(fr, dp, w, true));
            }
            fr.incMapcount(dp);
            mm.reportMigrated(addr, -1, dp);
            return true;
        }
        if (PageTable.pmdIsLeaf(pmde)) {
            if (Pte.isPresent(pmde) && fr.isZero(Pte.pfn(pmde))) {
                mm.splitHugePmd(addr, false);
            } else {
                return false;
            }
        }
        long e = pt.pte(addr);
        if (e != 0 && !(Pte.isPresent(e) && Pte.pfn(e) == Frames.ZERO_PFN)) {
            return false;
        }
        mm.setPte(addr, mkEntry(fr, dp, w, false));
        fr.incMapcount(dp);
        mm.reportMigrated(addr, -1, dp);
        return true;
    }

    /**
     * Replaces every migration entry by the new page (MIGRATE kept and a destination given) or the old one, and
     * releases the pages no longer used. Mirrors migrate_vma_finalize().
     */
    public static void vmaFinalize(MigrateVma args) {
        if (args == null || !args.setUp) {
            throw new IllegalStateException("migrate_vma_finalize() without a successful migrate_vma_setup()");
        }
        MmStruct mm = args.vma.mm();
        Frames fr = mm.frames();
        int nr = args.entries();
        for (int i = 0; i < nr; i++) {
            long s = args.src[i];
            long d = args.dst[i];
            long p = MigratePfn.pfn(s);
            long dp = MigratePfn.pfn(d);
            if (p < 0) {
                if (dp >= 0 && (s & MigratePfn.MIGRATE) == 0) {
                    fr.put(dp);
                }
                continue;
            }
            boolean migrated = (s & MigratePfn.MIGRATE) != 0 && dp >= 0;
            long np = migrated ? dp : p;
            boolean compound = (s & MigratePfn.COMPOUND) != 0;
            long addr = addrOf(args, i);
            long cur = compound ? mm.pageTable().pmd(addr) : mm.pageTable().pte(addr);
            if (!Pte.isMigration(cur) || Pte.pfn(cur) != p) {
                // The range was unmapped (or the process exited) during the migration: nobody maps the page any
                // more; drop the collector's reference and the unused destination, like remove_migration_ptes()
                // finding nothing to restore.
                fr.clearFlags(p, Frames.F_LOCKED);
                for (var it = args.remote.iterator(); it.hasNext(); ) {
                    MigrateVma.Remote r = it.next();
                    if (r.pfn() == p) {
                        if (remoteStillThere(r)) {
                            r.mm().setPte(r.addr(), mkEntry(fr, p, r.write(), false));
                            fr.incMapcount(p);
                        } else {
                            fr.put(p);
                        }
                        it.remove();
                    }
                }
                fr.put(p);
                if (dp >= 0) {
                    fr.put(dp);
                }
                continue;
            }
            boolean write = Pte.isWrite(cur);
            if (compound) {
                mm.setPmdLeaf(addr, mkEntry(fr, np, write, true));
            } else {
                mm.setPte(addr, mkEntry(fr, np, write, false));
            }
            fr.incMapcount(np);
            fr.clearFlags(p, Frames.F_LOCKED);
            for (var it = args.remote.iterator(); it.hasNext(); ) {
                MigrateVma.Remote r = it.next();
                if (r.pfn() != p) {
                    continue;
                }
                if (!remoteStillThere(r)) {
                    fr.put(p); // that process unmapped the page meanwhile: drop the reference its entry held
                    it.remove();
                    continue;
                }
                r.mm().setPte(r.addr(), mkEntry(fr, np, r.write(), false));
                fr.incMapcount(np);
                if (migrated) {
                    fr.get(np);
                    fr.put(p);
                    r.mm().reportMigrated(r.addr(), p, np);
                }
                it.remove();
            }
            if (migrated) {
                fr.clearFlags(dp, Frames.F_LOCKED);
                fr.put(p);
                mm.reportMigrated(addr, p, np);
            } else if (dp >= 0) {
                fr.put(dp);
            }
        }
        args.remote.clear();
        args.setUp = false;
        mm.mmput();
    }
}
