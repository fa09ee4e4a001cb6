package org.hmmlab.mm;

import org.hmmlab.mm.devmem.DevPagemap;
import org.hmmlab.mm.migrate.Migrate;
import org.hmmlab.mm.migrate.MigratePfn;
import org.hmmlab.mm.migrate.MigrateVma;

/**
 * Gets references to, or pins, the pages behind a user range, faulting them in first.
 *
 * <p>Mirrors mm/gup.c: get_user_pages() and pin_user_pages() with FOLL_WRITE and FOLL_LONGTERM. A device-private
 * page is faulted back to system memory first (GUP never pins device-private memory); a device-coherent page is pinned
 * in place, unless FOLL_LONGTERM, which migrates it to system memory first (migrate_device_coherent_folio(), -EBUSY
 * when it cannot). A pin holds a reference and the pin count, so the page refuses migration until unpinned. Pins
 * are charged against the process's pinnable-memory limit (RLIMIT_MEMLOCK, as drivers account them with
 * account_locked_vm()): past it the pin fails with -ENOMEM and the refusal is counted.
 */
public final class Gup {
    public static final int FOLL_WRITE = 0x01;
    public static final int FOLL_LONGTERM = 0x10000;

    private Gup() {
    }

    /** Takes a reference on each of {@code npages} pages; returns the count or {@code -errno}. */
    public static long getUserPages(MmStruct mm, long start, int npages, int gupFlags, long[] pages) {
        return gup(mm, start, npages, gupFlags, pages, false);
    }

    /** Pins {@code npages} pages (FOLL_PIN); returns the count or {@code -errno}. Mirrors pin_user_pages(). */
    public static long pinUserPages(MmStruct mm, long start, int npages, int gupFlags, long[] pages) {
        if (!mm.chargePins(npages)) {
            return -Errno.ENOMEM;
        }
        long n = gup(mm, start, npages, gupFlags, pages, true);
        if (n < 0) {
            mm.unchargePins(npages);
        }
        return n;
    }

    /** Drops the pins of {@code n} pages. Mirrors unpin_user_pages(). */
    public static void unpinUserPages(MmStruct mm, long[] pages, int n) {
        Frames fr = mm.frames();
        for (int i = 0; i < n; i++) {
            long head = fr.folioHead(pages[i]);
            fr.addPins(head, -1);
            fr.put(head);
        }
        mm.unchargePins(n);
    }

    /** Drops the references of {@code n} pages. Mirrors put_page(). */
    public static void putPages(Frames fr, long[] pages, int n) {
        for (int i = 0; i < n; i++) {
            fr.put(fr.folioHead(pages[i]));
        }
    }

    private static long gup(MmStruct mm, long start, int npages, int flags, long[] pages, boolean pin) {
        if (!Mman.pageAligned(start) || npages <= 0 || pages == null || pages.length < npages) {
            return -Errno.EINVAL;
        }
        Frames fr = mm.frames();
        boolean write = (flags & FOLL_WRITE) != 0;
        for (int i = 0; i < npages; i++) {
            long addr = start + ((long) i << Mman.PAGE_SHIFT);
            long pfn = resolve(mm, addr, write, (flags & FOLL_LONGTERM) != 0, pin);
            if (pfn < 0) {
                for (int k = 0; k < i; k++) {
                    long h = fr.folioHead(pages[k]);
                    if (pin) {
                        fr.addPins(h, -1);
                    }
                    fr.put(h);
                }
                return pfn;
            }
            long head = fr.folioHead(pfn);
            fr.get(head);
            if (pin) {
                fr.addPins(head, 1);
            }
            pages[i] = pfn;
        }
        mm.frames().checkpoint();
        return npages;
    }

    /**
     * Whether a read-only pin must first make the page exclusive (gup_must_unshare(), mm/internal.h): an anonymous
     * page that may be shared (not PageAnonExclusive), for any read-only pin; any other page (the zero page, a
     * page-cache page) for a long-term one in a private mapping that could be written (is_cow_mapping()), so that
     * the pinned page stays the one the process sees.
     */
    private static boolean mustUnshare(MmStruct mm, Vma vma, long pfn, boolean longterm) {
        Frames fr = mm.frames();
        if (fr.hasFlag(pfn, Frames.F_ANON) && !fr.isZero(pfn)) {
            return !mm.exclusive(fr.folioHead(pfn));
        }
        boolean cow = !vma.has(VmFlags.VM_SHARED) && (vma.file == null || vma.file.writable());
        return longterm && cow;
    }

    private static long resolve(MmStruct mm, long addr, boolean write, boolean longterm, boolean pin) {
        Vma vma = mm.findVma(addr);
        if (vma == null || (vma.flags() & (VmFlags.VM_IO | VmFlags.VM_PFNMAP)) != 0
                || (write ? !vma.has(VmFlags.VM_WRITE) : !vma.has(VmFlags.VM_READ))) {
            return -Errno.EFAULT;
        }
        Frames fr = mm.frames();
        for (int attempt = 0; attempt < 8; attempt++) {
            long e = mm.entry(addr);
            if (Pte.isPresent(e) && (!write || Pte.isWrite(e))) {
                long pfn = Pte.pfn(e) + (Pte.isHuge(e) ? (addr >>> Mman.PAGE_SHIFT) & (Mman.PMD_NR - 1) : 0);
                if (Pte.isSpecial(e) && !fr.isZero(pfn)) {
                    return -Errno.EFAULT;
                }
                if (pin && !write && !Pte.isWrite(e) && mustUnshare(mm, vma, pfn, longterm)) {
                    int r = mm.handleMmFault(addr, MmStruct.FAULT_FLAG_REMOTE | MmStruct.FAULT_FLAG_UNSHARE);
                    if ((r & VmFault.OOM) != 0) {
                        return -Errno.ENOMEM;
                    }
                    if ((r & VmFault.ERROR) != 0) {
                        return -Errno.EFAULT;
                    }
                    if (Pte.pfn(mm.entry(addr)) != pfn) {
                        continue; // unshared: pin the new page
                    }
                }
                if (longterm && fr.isDeviceCoherent(pfn)) {
                    if (!migrateCoherentToRam(mm, vma, addr & -Mman.PAGE_SIZE, pfn)) {
                        return -Errno.EBUSY;
                    }
                    continue;
                }
                return pfn;
            }
            int r = mm.handleMmFault(addr, MmStruct.FAULT_FLAG_REMOTE | (write ? MmStruct.FAULT_FLAG_WRITE : 0));
            if ((r & VmFault.OOM) != 0) {
                return -Errno.ENOMEM;
            }
            if ((r & VmFault.ERROR) != 0) {
                return -Errno.EFAULT;
            }
        }
        return -Errno.EBUSY;
    }

    /** Mirrors migrate_device_coherent_folio(): one coherent page to a new system page. */
    private static boolean migrateCoherentToRam(MmStruct mm, Vma vma, long addr, long pfn) {
        Frames fr = mm.frames();
        if (Pte.isHuge(mm.entry(addr))) {
            mm.splitHugePmd(addr & -Mman.PMD_SIZE, true);
        }
        DevPagemap pg = fr.pagemap(pfn);
        // migrate_device_coherent_folio() unmaps with try_to_migrate(): an invalidation without an owner, so every
        // mirror (the page's own device included) drops the page.
        mm.notify(addr, addr + Mman.PAGE_SIZE, org.hmmlab.mm.notifier.MmuNotifyEvent.CLEAR, null);
        MigrateVma args = new MigrateVma(vma, addr, addr + Mman.PAGE_SIZE, new long[1], new long[1], pg.owner(),
                MigratePfn.SELECT_DEVICE_COHERENT);
        if (Migrate.vmaSetup(args) != 0) {
            return false;
        }
        long s = args.src[0];
        if ((s & MigratePfn.MIGRATE) != 0 && MigratePfn.pfn(s) >= 0) {
            long np = fr.allocPage(Frames.F_ANON);
            if (np >= 0) {
                fr.copyPage(np, MigratePfn.pfn(s));
                args.dst[0] = MigratePfn.of(np) | (s & MigratePfn.WRITE);
            }
        }
        Migrate.vmaPages(args);
        boolean moved = (args.src[0] & MigratePfn.MIGRATE) != 0;
        Migrate.vmaFinalize(args);
        return moved;
    }
}
