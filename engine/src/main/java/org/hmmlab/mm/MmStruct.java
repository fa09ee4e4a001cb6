package org.hmmlab.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hmmlab.mm.devmem.DevPagemap;
import org.hmmlab.mm.notifier.MmuIntervalNotifier;
import org.hmmlab.mm.notifier.MmuNotifierRange;
import org.hmmlab.mm.notifier.MmuNotifyEvent;

/**
 * A process address space: its areas, its CPU page table, its MMU notifiers, and the system calls and CPU faults
 * that change them.
 *
 * <p>Mirrors struct mm_struct with mm/mmap.c, mm/mprotect.c, mm/madvise.c, mm/memory.c (handle_mm_fault, do_wp_page,
 * zap_page_range), mm/huge_memory.c and kernel/fork.c's dup_mmap. Every page-table change the kernel notifies is
 * notified here, with the kernel's event reason, before the entries change; a fault that fills an empty entry
 * notifies nothing. System calls return 0 or {@code -errno} and change nothing when they fail.
 *
 * <p>One file of more than 600 lines on purpose: the system calls and the fault handler share private page-table
 * walkers, the VMA tree and the rule that every change is notified before the entries change; kept in one class,
 * nothing outside can change an entry without that notification.
 */
public final class MmStruct {
    /** handle_mm_fault() flag: the access is a write (FAULT_FLAG_WRITE). */
    public static final int FAULT_FLAG_WRITE = 1;
    /** handle_mm_fault() flag: the fault is made on behalf of a device or another process (FAULT_FLAG_REMOTE). */
    public static final int FAULT_FLAG_REMOTE = 1 << 1;
    /**
     * handle_mm_fault() flag: make the page exclusive to this mapping without making it writable
     * (FAULT_FLAG_UNSHARE): what GUP asks before a read-only pin of a page that may be shared.
     */
    public static final int FAULT_FLAG_UNSHARE = 1 << 2;

    /** The lowest address mmap hands out (mmap_min_addr-like placement floor). */
    public static final long MMAP_BASE = 0x1000_0000L;

    private static final int FALLBACK = -1;

    private final Frames frames;
    private final PageTable pt = new PageTable();
    private final TreeMap<Long, Vma> vmas = new TreeMap<>();
    private final MmuIntervalNotifier.Subscriptions subs = new MmuIntervalNotifier.Subscriptions(this);
    private final List<MmObserver> observers = new ArrayList<>();
    private final int id;
    private Vma lastVma;
    private boolean dead;
    /** mm_users: the task's own reference plus those drivers took with mmget(). */
    private int users = 1;
    private boolean exiting;
    private int depth;

    private MmStruct(Frames frames) {
        this.frames = frames;
        this.id = frames.nextMmId();
        frames.register(this);
    }

    /** A new, empty address space on {@code frames} (the exec of a new process). */
    public static MmStruct create(Frames frames) {
        return new MmStruct(frames);
    }

    public Frames frames() {
        return frames;
    }

    public PageTable pageTable() {
        return pt;
    }

    /** A small number naming this address space in dumps and messages. */
    public int id() {
        return id;
    }

    public boolean isDead() {
        return dead;
    }

    /** The interval-notifier state; engine-internal. */
    public MmuIntervalNotifier.Subscriptions notifierSubscriptions() {
        return subs;
    }

    public void addObserver(MmObserver o) {
        observers.add(o);
    }

    public void removeObserver(MmObserver o) {
        observers.remove(o);
    }

    /** Reports a page migration to the observers (called by the migration code). */
    public void reportMigrated(long addr, long srcPfn, long dstPfn) {
        for (int i = 0; i < observers.size(); i++) {
            observers.get(i).migrated(this, addr, srcPfn, dstPfn);
        }
    }

    @Override
    public String toString() {
        return "mm" + id;
    }

    // ---- areas ----------------------------------------------------------------------------------------------

    /** The area containing {@code addr}, or null. Mirrors vma_lookup(). */
    public Vma findVma(long addr) {
        Vma v = lastVma;
        if (v != null && addr >= v.start && addr < v.end) {
            return v;
        }
        Map.Entry<Long, Vma> e = vmas.floorEntry(addr);
        if (e == null || addr >= e.getValue().end) {
            return null;
        }
        lastVma = e.getValue();
        return lastVma;
    }

    /** The first area ending above {@code addr}, or null. Mirrors find_vma(). */
    public Vma findVmaFrom(long addr) {
        Vma v = findVma(addr);
        if (v != null) {
            return v;
        }
        Map.Entry<Long, Vma> e = vmas.ceilingEntry(addr);
        return e == null ? null : e.getValue();
    }

    /** The areas in address order. */
    public List<Vma> vmas() {
        return List.copyOf(vmas.values());
    }

    private void insertVma(Vma v) {
        pt.touchRange(v.start, v.end);
        vmas.put(v.start, v);
        lastVma = null;
    }

    private void removeVma(Vma v) {
        pt.touchRange(v.start, v.end);
        vmas.remove(v.start);
        lastVma = null;
    }

    /** Splits areas so that {@code addr} is a boundary. */
    private void splitAt(long addr) {
        Vma v = findVma(addr);
        if (v == null || v.start == addr) {
            return;
        }
        if ((addr & (Mman.PMD_SIZE - 1)) != 0 && PageTable.pmdIsLeaf(pt.pmd(addr)) && !v.isHugetlb()) {
            splitHugePmd(addr & -Mman.PMD_SIZE, true); // vma_adjust_trans_huge(): no 2 MiB leaf across areas
        }
        removeVma(v);
        insertVma(v.slice(v.start, addr));
        insertVma(v.slice(addr, v.end));
    }

    /** Whether [start, end) is fully covered by areas. */
    private boolean fullyMapped(long start, long end) {
        long a = start;
        while (a < end) {
            Vma v = findVma(a);
            if (v == null) {
                return false;
            }
            a = v.end;
        }
        return true;
    }

    private List<Vma> vmasIn(long start, long end) {
        List<Vma> out = new ArrayList<>();
        for (Vma v : vmas.subMap(Math.max(0, start - 1), true, end, false).values()) {
            if (v.end > start && v.start < end) {
                out.add(v);
            }
        }
        Map.Entry<Long, Vma> e = vmas.floorEntry(start);
        if (e != null && e.getValue().end > start && !out.contains(e.getValue())) {
            out.add(0, e.getValue());
        }
        out.sort((a, b) -> Long.compare(a.start, b.start));
        return out;
    }

    private long findGap(long len, long align) {
        long a = MMAP_BASE;
        for (Vma v : vmas.values()) {
            long cand = (a + align - 1) & -align;
            if (cand + len <= v.start) {
                return cand;
            }
            a = Math.max(a, v.end);
        }
        long cand = (a + align - 1) & -align;
        return cand + len <= Mman.TASK_SIZE ? cand : -Errno.ENOMEM;
    }

    // ---- notifications --------------------------------------------------------------------------------------

    /** Starts an invalidation over {@code range}: observers first, then the interval notifiers. */
    public void invalidateRangeStart(MmuNotifierRange range) {
        for (int i = 0; i < observers.size(); i++) {
            observers.get(i).invalidate(range);
        }
        subs.invalidateStart(range);
    }

    public void invalidateRangeEnd(MmuNotifierRange range) {
        subs.invalidateEnd();
    }

    /** Sends one complete invalidation (start then end) with the given reason and owner. */
    public void notify(long start, long end, MmuNotifyEvent event, Object owner) {
        MmuNotifierRange r = MmuNotifierRange.of(this, start, end, event, owner);
        invalidateRangeStart(r);
        invalidateRangeEnd(r);
    }

    // ---- mmap / munmap ---------------------------------------------------------------------------------------

    /** Anonymous mmap at a kernel-chosen address; returns the address or {@code -errno}. */
    public long mmap(long length, int prot, int flags) {
        return mmap(0, length, prot, flags | Mman.MAP_ANONYMOUS, null, 0);
    }

    /**
     * Maps {@code length} bytes; returns the address or {@code -errno}. Mirrors mmap(2): anonymous private or shared
     * (shmem), file-backed through {@code file}'s page cache, MAP_HUGETLB (2 MiB pages), MAP_FIXED.
     */
    public long mmap(long addr, long length, int prot, int flags, MemFile file, long offset) {
        return doMmap(addr, length, prot, flags, file, offset, null);
    }

    /** Maps a device file; its {@link DeviceFile#mmap} populates the area. Mirrors mmap(2) on a character device. */
    public long mmapDevice(long addr, long length, int prot, int flags, DeviceFile device) {
        if (device == null) {
            throw new IllegalArgumentException("device must not be null");
        }
        return doMmap(addr, length, prot, flags, null, 0, device);
    }

    private long doMmap(long addr, long length, int prot, int flags, MemFile file, long offset, DeviceFile device) {
        checkAlive();
        int known = Mman.MAP_SHARED | Mman.MAP_PRIVATE | Mman.MAP_FIXED | Mman.MAP_ANONYMOUS | Mman.MAP_NORESERVE
                | Mman.MAP_POPULATE | Mman.MAP_HUGETLB;
        if ((flags & ~known) != 0 || (prot & ~(Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC)) != 0) {
            return -Errno.EINVAL;
        }
        boolean shared = (flags & Mman.MAP_SHARED) != 0;
        if (shared == ((flags & Mman.MAP_PRIVATE) != 0)) {
            return -Errno.EINVAL;
        }
        boolean anon = (flags & Mman.MAP_ANONYMOUS) != 0;
        boolean hugetlb = (flags & Mman.MAP_HUGETLB) != 0;
        if (length <= 0 || length > Mman.TASK_SIZE) {
            return length == 0 ? -Errno.EINVAL : -Errno.ENOMEM;
        }
        if (!Mman.pageAligned(offset) || offset < 0) {
            return -Errno.EINVAL;
        }
        if (anon && (file != null || device != null)) {
            return -Errno.EINVAL;
        }
        if (!anon && file == null && device == null) {
            return -Errno.EBADF;
        }
        if (hugetlb && !anon) {
            return -Errno.EINVAL;
        }
        if (file != null && shared && (prot & Mman.PROT_WRITE) != 0 && !file.writable()) {
            return -Errno.EACCES;
        }
        long align = hugetlb ? Mman.PMD_SIZE : Mman.PAGE_SIZE;
        long len = (length + align - 1) & -align;
        long start;
        if ((flags & Mman.MAP_FIXED) != 0) {
            if ((addr & (align - 1)) != 0) {
                return -Errno.EINVAL;
            }
            if (addr < MMAP_BASE || addr + len > Mman.TASK_SIZE || addr + len < addr) {
                return -Errno.ENOMEM;
            }
            start = addr;
            munmap(start, len);
        } else {
            start = findGap(len, align);
            if (start < 0) {
                return start;
            }
        }
        long vmFlags = VmFlags.fromProt(prot);
        if (shared) {
            vmFlags |= VmFlags.VM_SHARED;
        }
        if (hugetlb) {
            vmFlags |= VmFlags.VM_HUGETLB;
        }
        MemFile backing = file;
        long pgoff = offset >>> Mman.PAGE_SHIFT;
        if (anon && shared) {
            backing = MemFile.shmem(frames, len);
            pgoff = 0;
        } else if (anon) {
            pgoff = start >>> Mman.PAGE_SHIFT; // do_mmap(): a private anonymous area's vm_pgoff is its address
        }
        Vma v = new Vma(this, start, start + len, vmFlags, backing, pgoff, device);
        insertVma(v);
        if (device == null) {
            mergeAround(v); // vma_merge_new_range() (mm/vma.c) before a new area is made
        }
        if (device != null) {
            int rc = device.mmap(this, v);
            if (rc != 0) {
                Vma cur = findVma(start);
                zapRange(start, start + len);
                if (cur != null) {
                    removeVma(cur);
                    freePgtables(List.of(cur)); // the error path's unmap_region()
                }
                return rc;
            }
        }
        if ((flags & Mman.MAP_POPULATE) != 0) {
            for (long a = start; a < start + len; a += Mman.PAGE_SIZE) {
                handleMmFault(a, (prot & Mman.PROT_WRITE) != 0 ? FAULT_FLAG_WRITE : 0);
            }
        }
        frames.checkpoint();
        return start;
    }

    /**
     * Unmaps {@code [addr, addr + length)}; returns 0 or {@code -errno}. Mirrors munmap(2): one UNMAP invalidation
     * over the range, then the entries are zapped (device-private pages go back to their device) and the areas go.
     */
    public int munmap(long addr, long length) {
        checkAlive();
        if (!Mman.pageAligned(addr) || length <= 0) {
            return -Errno.EINVAL;
        }
        long len = Mman.pageAlignUp(length);
        long end = addr + len;
        if (end > Mman.TASK_SIZE || end < addr) {
            return -Errno.EINVAL;
        }
        for (Vma v : vmasIn(addr, end)) {
            if (v.isHugetlb() && (((Math.max(addr, v.start)) & (Mman.PMD_SIZE - 1)) != 0
                    || (Math.min(end, v.end) & (Mman.PMD_SIZE - 1)) != 0)) {
                return -Errno.EINVAL;
            }
        }
        List<Vma> hit = vmasIn(addr, end);
        if (hit.isEmpty()) {
            return 0;
        }
        notify(addr, end, MmuNotifyEvent.UNMAP, null);
        splitAt(addr);
        splitAt(end);
        zapRange(addr, end);
        List<Vma> gone = vmasIn(addr, end);
        for (Vma v : gone) {
            removeVma(v);
        }
        freePgtables(gone);
        frames.checkpoint();
        return 0;
    }

    /**
     * Frees the page tables of areas just removed wherever no remaining area needs them. Mirrors free_pgtables()
     * (mm/memory.c) as unmap_region()/vms_clear_ptes() (mm/vma.c) call it: the floor is the end of the area below
     * the first removed one, the ceiling the start of the area above the last; removed areas less than 2 MiB apart
     * are freed in one free_pgd_range() call, a hugetlb area always on its own. Without this, a PUD entry would stay
     * populated after munmap and change_pud_range() would invalidate areas the kernel leaves alone.
     */
    private void freePgtables(List<Vma> gone) {
        if (gone.isEmpty()) {
            return;
        }
        Map.Entry<Long, Vma> below = vmas.lowerEntry(gone.get(0).start);
        long floor = below == null ? 0 : below.getValue().end; // FIRST_USER_ADDRESS is 0 on x86-64
        Map.Entry<Long, Vma> above = vmas.ceilingEntry(gone.get(gone.size() - 1).end);
        long ceiling = above == null ? 0 : above.getValue().start; // USER_PGTABLES_CEILING is 0: the top
        for (int i = 0; i < gone.size(); ) {
            Vma first = gone.get(i);
            Vma last = first;
            i++;
            if (!first.isHugetlb()) {
                while (i < gone.size() && gone.get(i).start <= last.end + Mman.PMD_SIZE && !gone.get(i).isHugetlb()) {
                    last = gone.get(i++);
                }
            }
            long groupCeiling = i < gone.size() ? gone.get(i).start : ceiling;
            pt.freePgdRange(first.start, last.end, floor, groupCeiling);
        }
    }

    // ---- mprotect --------------------------------------------------------------------------------------------

    /**
     * Changes the protection of {@code [addr, addr + length)}; returns 0 or {@code -errno}. Mirrors do_mprotect_pkey()
     * (mm/mprotect.c): the range must start inside an area (else -ENOMEM and nothing changes); the areas are then
     * changed one by one from the start, and a gap or an area that refuses the change stops the walk with the areas
     * before it already changed (-ENOMEM for a gap or an unmapped tail, -EACCES, -EINVAL). Each area goes through
     * {@link #mprotectFixup}.
     */
    public int mprotect(long addr, long length, int prot) {
        checkAlive();
        if (!Mman.pageAligned(addr)) {
            return -Errno.EINVAL;
        }
        if (length == 0) {
            return 0;
        }
        // size_t arithmetic: a negative length wraps the end below the start.
        long end = length < 0 ? addr - 1 : addr + Mman.pageAlignUp(length);
        if (Long.compareUnsigned(end, addr) <= 0) {
            return -Errno.ENOMEM;
        }
        if ((prot & ~(Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC)) != 0) {
            return -Errno.EINVAL; // arch_validate_prot()
        }
        Vma v = findVmaFrom(addr);
        if (v == null || v.start >= end || v.start > addr) {
            return -Errno.ENOMEM;
        }
        long newProt = VmFlags.fromProt(prot);
        long nstart = addr;
        long tmp = v.start;
        int error = 0;
        while (v != null && v.start < end) {
            if (v.start != tmp) {
                error = -Errno.ENOMEM; // a gap between areas
                break;
            }
            if ((prot & Mman.PROT_WRITE) != 0 && v.file != null && v.has(VmFlags.VM_SHARED) && !v.file.writable()) {
                error = -Errno.EACCES; // VM_MAYWRITE missing
                break;
            }
            tmp = Math.min(v.end, end);
            long newflags = (v.flags & ~(VmFlags.VM_READ | VmFlags.VM_WRITE | VmFlags.VM_EXEC)) | newProt;
            error = mprotectFixup(v, nstart, tmp, newflags);
            if (error != 0) {
                break;
            }
            tmp = findVma(tmp - Mman.PAGE_SIZE).end; // vma_iter_end(): past a next area the change merged with
            nstart = tmp;
            v = tmp < end ? findVmaFrom(tmp) : null;
        }
        if (error == 0 && tmp < end) {
            error = -Errno.ENOMEM; // the range runs past the last area
        }
        frames.checkpoint();
        return error;
    }

    /**
     * Gives {@code [start, end)} of area {@code v} the flags {@code newflags}. Mirrors mprotect_fixup()
     * (mm/mprotect.c): unchanged flags return at once, with no split and no invalidation; otherwise the area is split
     * at the range's ends (a hugetlb area refuses a split off its huge-page boundary with -EINVAL,
     * hugetlb_vm_op_split()) and change_protection() rewrites its entries.
     */
    private int mprotectFixup(Vma v, long start, long end, long newflags) {
        if (newflags == v.flags) {
            return 0;
        }
        if (v.isHugetlb() && (((start > v.start) && (start & (Mman.PMD_SIZE - 1)) != 0)
                || ((end < v.end) && (end & (Mman.PMD_SIZE - 1)) != 0))) {
            return -Errno.EINVAL;
        }
        splitAt(start);
        splitAt(end);
        for (Vma w : vmasIn(start, end)) {
            w.flags = newflags;
            changeProtection(w);
        }
        mergeAround(findVma(start)); // vma_modify_flags() -> vma_merge_existing_range()
        return 0;
    }

    /**
     * Merges area {@code v} with its neighbours where the kernel would: vma_merge_existing_range() after mprotect or
     * madvise changed its flags, vma_merge_new_range() for a new mapping, vma_merge_copied_range() for the
     * destination of mremap (mm/vma.c). Neighbours merge when they touch,
     * have the same flags, the same file (none for anonymous memory) at contiguous page offsets (vm_pgoff, the
     * address for anonymous areas) and compatible anon_vmas; never an area with VM_SPECIAL flags, a device file's or
     * a hugetlb area (its vm_ops has close(), can_merge_remove_vma()). Returns the area that holds {@code v}'s range.
     */
    private Vma mergeAround(Vma v) {
        if (v == null) {
            return null;
        }
        Map.Entry<Long, Vma> p = vmas.lowerEntry(v.start);
        if (p != null && mergeable(p.getValue(), v)) {
            v = merge(p.getValue(), v);
        }
        Vma next = vmas.get(v.end);
        if (next != null && mergeable(v, next)) {
            v = merge(v, next);
        }
        return v;
    }

    private static boolean mergeable(Vma a, Vma b) {
        if (a.end != b.start || a.flags != b.flags || a.file != b.file || a.device != null || b.device != null
                || (a.flags & (VmFlags.VM_SPECIAL | VmFlags.VM_HUGETLB)) != 0
                || a.pgoff + ((a.end - a.start) >>> Mman.PAGE_SHIFT) != b.pgoff) {
            return false;
        }
        // is_mergeable_anon_vma(): one side without an anon_vma takes the other's unless that one also holds a
        // parent's (vma_had_uncowed_parents()); two anon_vmas must be the same one.
        if (a.anonVma == null || b.anonVma == null) {
            Vma with = a.anonVma != null ? a : b;
            return with.anonVma == null || !with.uncowedParents;
        }
        return a.anonVma == b.anonVma;
    }

    private Vma merge(Vma a, Vma b) {
        removeVma(a);
        removeVma(b);
        Vma m = new Vma(this, a.start, b.end, a.flags, a.file, a.pgoff, a.device);
        m.anonVma = a.anonVma != null ? a.anonVma : b.anonVma;
        m.uncowedParents = a.uncowedParents || b.uncowedParents;
        insertVma(m);
        return m;
    }

    /**
     * Rewrites the entries of area {@code v} for its new flags. Mirrors change_protection() (mm/mprotect.c): a hugetlb
     * area is always invalidated (hugetlb_change_protection()); any other area from the first PUD entry in range
     * that is not none to the end of its PGD entry's span (change_pud_range()), so an area with no page table above
     * it sends nothing, while one that shares a PMD table with populated neighbours is invalidated even when its own
     * entries are all none.
     */
    private void changeProtection(Vma v) {
        if (v.isHugetlb()) {
            notify(v.start, v.end, MmuNotifyEvent.PROTECTION_VMA, null);
        } else {
            notifyPopulatedPuds(v.start, v.end);
        }
        boolean vmWrite = v.has(VmFlags.VM_WRITE);
        boolean shared = v.has(VmFlags.VM_SHARED);
        for (long a = v.start; a < v.end; ) {
            long next = Math.min((a | (Mman.PMD_SIZE - 1)) + 1, v.end);
            long[] pmdt = pt.pmdTable(a);
            if (pmdt == null) {
                a = next;
                continue;
            }
            int mi = PageTable.pmdIndex(a);
            long pmde = pmdt[mi];
            if (PageTable.pmdIsLeaf(pmde)) {
                pmdt[mi] = protEntry(pmde, vmWrite, shared, true);
            } else if (pmde != 0) {
                long[] t = pt.pteTable(a);
                for (long b = a; b < next; b += Mman.PAGE_SIZE) {
                    int i = PageTable.pteIndex(b);
                    if (t[i] != 0) {
                        t[i] = protEntry(t[i], vmWrite, shared, false);
                    }
                }
            }
            a = next;
        }
    }

    private long protEntry(long e, boolean vmWrite, boolean shared, boolean huge) {
        if (!Pte.isPresent(e)) {
            return Pte.wrprotect(e);
        }
        if (!vmWrite || Pte.isSpecial(e)) {
            return Pte.wrprotect(e);
        }
        if (shared) {
            return e | Pte.WRITE;
        }
        long pfn = Pte.pfn(e);
        if (frames.hasFlag(pfn, Frames.F_ANON) && !frames.isZero(pfn) && exclusive(pfn)) {
            return e | Pte.WRITE;
        }
        return e;
    }

    /** One PROTECTION_VMA invalidation per PGD entry's span, from its first PUD entry that is not none. */
    private void notifyPopulatedPuds(long start, long end) {
        final long pgdirSize = 1L << 39;
        final long pudSize = 1L << Mman.PUD_SHIFT;
        for (long a = start; a < end; ) {
            long pgdEnd = Math.min((a | (pgdirSize - 1)) + 1, end);
            for (long b = a; b < pgdEnd; b = Math.min((b | (pudSize - 1)) + 1, pgdEnd)) {
                if (pt.pmdTable(b) != null) {
                    notify(b, pgdEnd, MmuNotifyEvent.PROTECTION_VMA, null);
                    break;
                }
            }
            a = pgdEnd;
        }
    }

    /** Whether an anonymous page is mapped once and has no reference beyond its mapping and pins (PageAnonExclusive). */
    public boolean exclusive(long pfn) {
        return frames.mapcount(pfn) == 1 && frames.refcount(pfn) - frames.pincount(pfn) == 1;
    }

    // ---- madvise ---------------------------------------------------------------------------------------------

    /**
     * Gives advice about {@code [addr, addr + length)}; returns 0 or {@code -errno}. Mirrors madvise(2) for
     * MADV_DONTNEED (zap, CLEAR), MADV_FREE (CLEAR; data kept until reclaim, device-private entries left in place),
     * MADV_HUGEPAGE/MADV_NOHUGEPAGE (THP eligibility) and MADV_COLLAPSE (collapse into 2 MiB pages now).
     *
     * <p>The areas are visited as madvise_walk_vmas() (mm/madvise.c) does: a gap inside the range does not stop the
     * walk, the advice is applied to every mapped part and the call then returns -ENOMEM (unmapped_error); an area
     * that refuses the advice stops the walk with its error, the areas before it already advised.
     */
    public int madvise(long addr, long length, int advice) {
        checkAlive();
        if (!Mman.pageAligned(addr) || length < 0) {
            return -Errno.EINVAL;
        }
        if (advice != Mman.MADV_DONTNEED && advice != Mman.MADV_FREE && advice != Mman.MADV_HUGEPAGE
                && advice != Mman.MADV_NOHUGEPAGE && advice != Mman.MADV_NORMAL && advice != Mman.MADV_COLLAPSE) {
            return -Errno.EINVAL;
        }
        if (length == 0) {
            return 0;
        }
        long end = addr + Mman.pageAlignUp(length);
        if (end < addr) {
            return -Errno.EINVAL;
        }
        int unmappedError = 0;
        long start = addr;
        Vma v = findVmaFrom(start);
        while (true) {
            if (v == null) {
                frames.checkpoint();
                return -Errno.ENOMEM;
            }
            if (start < v.start) {
                unmappedError = -Errno.ENOMEM; // a gap: carry on with the next area
                start = v.start;
                if (start >= end) {
                    break;
                }
            }
            long e = Math.min(v.end, end);
            int error = madviseVma(v, start, e, advice);
            if (error != 0) {
                frames.checkpoint();
                return error;
            }
            if (e >= end) {
                break;
            }
            start = e;
            v = findVmaFrom(e);
        }
        frames.checkpoint();
        return unmappedError;
    }

    /**
     * Applies {@code advice} to {@code [start, end)} inside area {@code v}. Mirrors madvise_vma_behavior()
     * (mm/madvise.c) for the advice this engine models.
     */
    private int madviseVma(Vma v, long start, long end, int advice) {
        switch (advice) {
            case Mman.MADV_DONTNEED -> {
                // madvise_dontneed_free_valid_vma(): no VM_PFNMAP; on hugetlb the start must be huge-page aligned
                // and the end is rounded down to a huge page.
                if (v.has(VmFlags.VM_PFNMAP)) {
                    return -Errno.EINVAL;
                }
                if (v.isHugetlb()) {
                    if ((start & (Mman.PMD_SIZE - 1)) != 0) {
                        return -Errno.EINVAL;
                    }
                    end &= -Mman.PMD_SIZE;
                    if (start == end) {
                        return 0;
                    }
                }
                notify(start, end, MmuNotifyEvent.CLEAR, null);
                zapRange(start, end, true);
            }
            case Mman.MADV_FREE -> {
                if (!v.isAnonymous()) {
                    return -Errno.EINVAL; // madvise_free_single_vma(): anonymous areas only
                }
                notify(start, end, MmuNotifyEvent.CLEAR, null);
                lazyFree(start, end);
            }
            case Mman.MADV_HUGEPAGE, Mman.MADV_NOHUGEPAGE, Mman.MADV_NORMAL -> {
                // madvise_update_vma() splits the area only when its flags change, and a hugetlb area refuses a
                // split off its huge-page boundary (__split_vma() -> hugetlb_vm_op_split(): -EINVAL). Without this
                // refusal one 2 MiB hugetlb entry ended up inside three areas and was counted three times.
                // MADV_NORMAL clears only VM_RAND_READ and VM_SEQ_READ, which this engine does not model: the THP
                // flags stay (madvise_vma_behavior()); hugepage_madvise() sets one of them and clears the other.
                long newflags = advice == Mman.MADV_NORMAL ? v.flags
                        : (v.flags & ~(VmFlags.VM_HUGEPAGE | VmFlags.VM_NOHUGEPAGE))
                                | (advice == Mman.MADV_HUGEPAGE ? VmFlags.VM_HUGEPAGE : VmFlags.VM_NOHUGEPAGE);
                if (newflags == v.flags) {
                    return 0; // madvise_update_vma(): unchanged flags, no split and no merge
                }
                if (v.isHugetlb() && (((start > v.start) && (start & (Mman.PMD_SIZE - 1)) != 0)
                        || ((end < v.end) && (end & (Mman.PMD_SIZE - 1)) != 0))) {
                    return -Errno.EINVAL;
                }
                splitAt(start);
                splitAt(end);
                for (Vma w : vmasIn(start, end)) {
                    w.flags = newflags;
                }
                mergeAround(findVma(start)); // vma_modify_flags() -> vma_merge_existing_range()
            }
            case Mman.MADV_COLLAPSE -> {
                return collapse(start, end);
            }
            default -> throw new AssertionError();
        }
        return 0;
    }

    private void lazyFree(long start, long end) {
        for (long a = start; a < end; ) {
            long next = Math.min((a | (Mman.PMD_SIZE - 1)) + 1, end);
            long pmde = pt.pmd(a);
            if (pmde != 0 && !PageTable.pmdIsLeaf(pmde)) {
                long[] t = pt.pteTable(a);
                for (long b = a; b < next; b += Mman.PAGE_SIZE) {
                    int i = PageTable.pteIndex(b);
                    if (Pte.isPresent(t[i])) {
                        t[i] &= ~(Pte.DIRTY | Pte.YOUNG);
                    }
                }
            }
            a = next;
        }
    }

    /** A collapseBlock() result outside madvise_collapse()'s whitelist that is not an allocation failure. */
    private static final int COLLAPSE_STOP = Integer.MIN_VALUE;

    /**
     * MADV_COLLAPSE over {@code [start, end)} inside one area. Mirrors madvise_collapse() (mm/khugepaged.c): an area
     * THP may not back gives -EINVAL (thp_vma_allowable_order()); each aligned 2 MiB block is scanned as
     * hpage_collapse_scan_pmd() does for a caller that is not khugepaged (no limits on none, zero or shared PTEs); a
     * block already mapped by a PMD, the huge zero page included, counts as done and is left as it is
     * (SCAN_PMD_MAPPED); a block that fails with a result on madvise_collapse()'s whitelist is skipped and the walk
     * carries on, any other failure stops it. The call returns 0 when every block is done, else the errno that
     * madvise_collapse_errno() gives the last failure.
     */
    private int collapse(long start, long end) {
        Vma v = findVma(start);
        if (v == null || !v.isAnonymous() || v.has(VmFlags.VM_NOHUGEPAGE)) {
            return -Errno.EINVAL;
        }
        long hstart = (start + Mman.PMD_SIZE - 1) & -Mman.PMD_SIZE;
        long hend = end & -Mman.PMD_SIZE;
        if (hend < hstart) {
            return -Errno.EINVAL; // (hend - hstart) >> HPAGE_PMD_SHIFT wraps: thps can never match it (SCAN_FAIL)
        }
        long blocks = (hend - hstart) >>> Mman.PMD_SHIFT;
        long thps = 0;
        int lastFail = -Errno.EINVAL; // SCAN_FAIL
        for (long pa = hstart; pa < hend; pa += Mman.PMD_SIZE) {
            int result = collapseBlock(v, pa);
            if (result == 0) {
                thps++;
            } else if (result == -Errno.ENOMEM) {
                return result; // SCAN_ALLOC_HUGE_PAGE_FAIL is not on the whitelist: the walk stops
            } else if (result == COLLAPSE_STOP) {
                return -Errno.EINVAL; // SCAN_PAGE_ANON: not on the whitelist either
            } else {
                lastFail = result; // whitelisted: SCAN_NO_PTE_TABLE, SCAN_PTE_NON_PRESENT, SCAN_PAGE_NULL,
                                   // SCAN_PAGE_COUNT, SCAN_PAGE_RO
            }
        }
        return thps == blocks ? 0 : lastFail;
    }

    /**
     * One 2 MiB block of MADV_COLLAPSE: 0 when it is (or already was) mapped by a PMD, else the errno of its scan
     * result through madvise_collapse_errno(). Mirrors find_pmd_or_thp_or_none(), hpage_collapse_scan_pmd() and
     * collapse_huge_page() for an anonymous area.
     */
    private int collapseBlock(Vma v, long pa) {
        long[] pmdt = pt.pmdTable(pa);
        long pmde = pmdt == null ? 0 : pmdt[PageTable.pmdIndex(pa)];
        if (pmde == 0) {
            return -Errno.EINVAL; // no PMD table or pmd_none: SCAN_NO_PTE_TABLE (SCAN_PMD_NULL/SCAN_PMD_NONE)
        }
        if (PageTable.pmdIsLeaf(pmde)) {
            // pmd_trans_huge() (a THP or the huge zero page): SCAN_PMD_MAPPED, done; a non-present PMD (a migration
            // or device-private entry) has no PTE table to scan.
            return Pte.isPresent(pmde) ? 0 : -Errno.EINVAL;
        }
        long[] t = pt.pteTable(pa);
        boolean anyWrite = false;
        for (long e : t) {
            if (e == 0 || Pte.isPresent(e) && frames.isZero(Pte.pfn(e))) {
                continue; // pte_none_or_zero(): no limit for MADV_COLLAPSE
            }
            if (!Pte.isPresent(e)) {
                return -Errno.EINVAL; // a device-private, exclusive or migration entry: SCAN_PTE_NON_PRESENT
            }
            long pfn = Pte.pfn(e);
            if (Pte.isSpecial(e) || frames.isDevicePrivate(pfn) || frames.isDeviceCoherent(pfn)) {
                return -Errno.EINVAL; // vm_normal_page() is NULL or is_zone_device_page(): SCAN_PAGE_NULL
            }
            if (frames.refcount(pfn) != frames.mapcount(pfn)) {
                return -Errno.EAGAIN; // is_refcount_suitable(): a pin or other extra reference, SCAN_PAGE_COUNT
            }
            anyWrite |= Pte.isWrite(e);
        }
        if (!anyWrite) {
            return -Errno.EINVAL; // only none, zero or read-only PTEs: SCAN_PAGE_RO
        }
        if (v.anonVma == null) {
            // collapse_huge_page() revalidates with hugepage_vma_revalidate(expect_anon): no anon_vma is
            // SCAN_PAGE_ANON, which is not on the whitelist (reported as SCAN_FAIL below, -EINVAL).
            return COLLAPSE_STOP;
        }
        long head = frames.allocHuge(Frames.F_ANON);
        if (head < 0) {
            return -Errno.ENOMEM; // SCAN_ALLOC_HUGE_PAGE_FAIL
        }
        notify(pa, pa + Mman.PMD_SIZE, MmuNotifyEvent.CLEAR, null);
        for (int i = 0; i < PageTable.ENTRIES; i++) {
            long e = t[i];
            if (e != 0) {
                long pfn = Pte.pfn(e);
                if (!frames.isZero(pfn)) {
                    frames.copyPage(head + i, pfn);
                    frames.decMapcount(pfn);
                    frames.put(pfn);
                }
            }
        }
        pt.freePteTable(pa);
        frames.incMapcount(head);
        pt.setPmdLeaf(pa, Pte.mk(head, v.has(VmFlags.VM_WRITE), anyWrite) | Pte.HUGE);
        return 0;
    }

    // ---- zap -------------------------------------------------------------------------------------------------

    /**
     * Removes every entry of [start, end) and drops its page references (the caller has notified). Page tables stay:
     * free_pgtables() frees them once no area needs them.
     */
    public void zapRange(long start, long end) {
        zapRange(start, end, false);
    }

    /**
     * As {@link #zapRange(long, long)}; with {@code reclaimPt} (MADV_DONTNEED), a PTE table that the zap covers whole
     * and leaves empty is freed: mainline's PT_RECLAIM (mm/pt_reclaim.c, reclaim_pt_is_enabled() asks for a full PMD;
     * "mm: pgtable: reclaim empty PTE page in madvise(MADV_DONTNEED)", 6.14), so a later fault there may map a THP.
     */
    private void zapRange(long start, long end, boolean reclaimPt) {
        for (long a = start; a < end; ) {
            long[] pmdt = pt.pmdTable(a);
            if (pmdt == null) {
                a = Math.min((a | ((1L << Mman.PUD_SHIFT) - 1)) + 1, end);
                continue;
            }
            long pa = a & -Mman.PMD_SIZE;
            long next = Math.min(pa + Mman.PMD_SIZE, end);
            int mi = PageTable.pmdIndex(a);
            long pmde = pmdt[mi];
            if (PageTable.pmdIsLeaf(pmde)) {
                if (a == pa && next == pa + Mman.PMD_SIZE) {
                    pmdt[mi] = 0;
                    zapEntry(pmde);
                    a = next;
                    continue;
                }
                // zap_pmd_range() splits a PMD the range covers in part through __split_huge_pmd(), which sends
                // its own CLEAR over the whole 2 MiB: mirrors of the pages outside the zapped range go too.
                splitHugePmd(pa, true);
                pmde = pmdt[mi];
            }
            if (pmde != 0) {
                long[] t = pt.pteTable(a);
                boolean empty = true;
                for (int i = 0; i < PageTable.ENTRIES; i++) {
                    long b = pa + ((long) i << Mman.PAGE_SHIFT);
                    if (b >= a && b < next && t[i] != 0) {
                        long e = t[i];
                        t[i] = 0;
                        zapEntry(e);
                    }
                    empty &= t[i] == 0;
                }
                if (empty && reclaimPt && a == pa && next == pa + Mman.PMD_SIZE) {
                    pt.freePteTable(pa);
                }
            }
            a = next;
        }
    }

    private void zapEntry(long e) {
        if (Pte.isPresent(e)) {
            if (Pte.isSpecial(e)) {
                return;
            }
        } else if (Pte.isMigration(e)) {
            return; // the migration's collector holds the page; migrate_vma_finalize() finds the entry gone
        }
        long pfn = Pte.pfn(e);
        frames.decMapcount(pfn);
        frames.put(pfn);
    }

    // ---- huge pages ------------------------------------------------------------------------------------------

    private boolean thpEligible(Vma v, long pa) {
        return v.isAnonymous() && v.has(VmFlags.VM_HUGEPAGE) && !v.has(VmFlags.VM_NOHUGEPAGE)
                && pa >= v.start && pa + Mman.PMD_SIZE <= v.end;
    }

    /**
     * Replaces the huge PMD leaf at {@code pa} by a table of 512 PTEs mapping the same pages, and splits the folio
     * (in every address space that maps it). Mirrors split_huge_pmd() followed by split_folio(); the kernel can keep
     * a PTE-mapped folio whole, the engine does not (no HMM result depends on it). Sends CLEAR when {@code notify}.
     */
    public void splitHugePmd(long pa, boolean notify) {
        long pmde = pt.pmd(pa);
        if (!PageTable.pmdIsLeaf(pmde)) {
            return;
        }
        long head = Pte.pfn(pmde);
        boolean zero = Pte.isPresent(pmde) && frames.isZero(head);
        if (zero || Pte.isSpecial(pmde)) {
            if (notify) {
                notify(pa, pa + Mman.PMD_SIZE, MmuNotifyEvent.CLEAR, null);
            }
            splitPmdMapping(pa);
            return;
        }
        int maps = frames.mapcount(head);
        int refs = frames.refcount(head);
        if (maps > 1) {
            for (MmStruct other : frames.addressSpaces()) {
                other.splitAllMappingsOf(head, this, pa, notify);
            }
        } else {
            if (notify) {
                notify(pa, pa + Mman.PMD_SIZE, MmuNotifyEvent.CLEAR, null);
            }
            splitPmdMapping(pa);
        }
        frames.splitFolio(head, refs, maps);
    }

    /**
     * split_folio() of the THP mapped at {@code pa}, as migrate_vma collection does before it takes part of one: the
     * PMD and the folio split, then __folio_split() puts the mappings back with remap_page(RMP_USE_SHARED_ZEROPAGE), so
     * every subpage that holds only zeros is mapped to the shared zero page instead, in every address space that
     * maps it, and freed (try_to_map_unused_to_zeropage() in mm/migrate.c; mainline and 6.12 alike for an anonymous,
     * not device-private folio). A plain PMD split (munmap or mprotect of part of it) keeps the pages.
     */
    public void splitHugePageRemappingZeros(long pa) {
        long pmde = pt.pmd(pa);
        if (!PageTable.pmdIsLeaf(pmde) || !Pte.isPresent(pmde) || Pte.isSpecial(pmde)
                || frames.isZero(Pte.pfn(pmde)) || !frames.hasFlag(Pte.pfn(pmde), Frames.F_ANON)) {
            splitHugePmd(pa, true);
            return;
        }
        long head = Pte.pfn(pmde);
        boolean shared = frames.mapcount(head) > 1;
        splitHugePmd(pa, true);
        if (!shared) { // mapped once, here: the only PTEs to look at are the 512 that just replaced the PMD
            remapZeroFilledSubpages(head, pa, pa + Mman.PMD_SIZE);
            return;
        }
        for (MmStruct m : frames.addressSpaces()) { // the rmap walk: every anonymous area of every space
            for (Vma v : m.vmas.values()) {
                if (v.isAnonymous()) {
                    m.remapZeroFilledSubpages(head, v.start, v.end);
                }
            }
        }
    }

    /** Maps to the zero page each zero-filled page of the folio at {@code head} that [start, end) maps by a PTE. */
    private void remapZeroFilledSubpages(long head, long start, long end) {
        for (long a = start; a < end; a += Mman.PAGE_SIZE) {
            long[] t = pt.pteTable(a);
            if (t == null) {
                a = (a & -Mman.PMD_SIZE) + Mman.PMD_SIZE - Mman.PAGE_SIZE;
                continue;
            }
            int i = PageTable.pteIndex(a);
            long e = t[i];
            long pfn = Pte.pfn(e);
            if (!Pte.isPresent(e) || Pte.isSpecial(e) || pfn < head || pfn >= head + Mman.PMD_NR
                    || !zeroFilled(frames.data(pfn))) {
                continue;
            }
            t[i] = Pte.mk(Frames.ZERO_PFN, false, false) | Pte.SPECIAL;
            frames.decMapcount(pfn);
            frames.put(pfn);
        }
    }

    private static boolean zeroFilled(byte[] d) {
        if (d == null) {
            return true;
        }
        for (byte b : d) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private void splitAllMappingsOf(long head, MmStruct origin, long originPa, boolean notify) {
        List<Long> found = new ArrayList<>();
        for (Vma v : vmas.values()) {
            for (long pa = v.start & -Mman.PMD_SIZE; pa < v.end; pa += Mman.PMD_SIZE) {
                long e = pt.pmd(pa);
                if (PageTable.pmdIsLeaf(e) && Pte.pfn(e) == head && !found.contains(pa)) {
                    found.add(pa);
                }
            }
        }
        for (long pa : found) {
            if (notify || this != origin || pa != originPa) {
                notify(pa, pa + Mman.PMD_SIZE, MmuNotifyEvent.CLEAR, null);
            }
            splitPmdMapping(pa);
        }
    }

    /** Converts the PMD leaf at {@code pa} into 512 PTEs with the same pages and permissions. */
    private void splitPmdMapping(long pa) {
        long pmde = pt.pmd(pa);
        long[] ptes = new long[PageTable.ENTRIES];
        long head = Pte.pfn(pmde);
        boolean zero = Pte.isPresent(pmde) && frames.isZero(head);
        for (int k = 0; k < PageTable.ENTRIES; k++) {
            if (zero) {
                ptes[k] = Pte.mk(Frames.ZERO_PFN, false, false) | Pte.SPECIAL;
            } else if (Pte.isPresent(pmde)) {
                ptes[k] = (pmde & ~Pte.HUGE & ~(Pte.PFN_MAX << Pte.PFN_SHIFT)) | ((head + k) << Pte.PFN_SHIFT);
            } else {
                ptes[k] = Pte.mkSwp(Pte.swpType(pmde), head + k, Pte.isWrite(pmde));
            }
        }
        pt.setPmdLeaf(pa, 0);
        pt.installPteTable(pa, ptes);
    }

    // ---- faults ----------------------------------------------------------------------------------------------

    /**
     * Handles a page fault at {@code addr}; returns a {@link VmFault} code (0 when resolved). Mirrors
     * handle_mm_fault(): zero page on a first read of anonymous memory, a new page on a first write, copy-on-write
     * on a write to a shared or read-only page, a 2 MiB page where the area allows THP, {@code migrate_to_ram} of the
     * owning device for a device-private entry, revocation of device exclusivity. Permission is checked against the
     * area (SIGSEGV), as the arch fault handler and GUP do.
     */
    public int handleMmFault(long addr, int faultFlags) {
        if (addr < 0 || addr >= Mman.TASK_SIZE) {
            return VmFault.SIGSEGV;
        }
        int r;
        depth++;
        try {
            r = (faultFlags & FAULT_FLAG_UNSHARE) != 0 && (faultFlags & FAULT_FLAG_WRITE) == 0
                    ? unshareFault(addr & -Mman.PAGE_SIZE)
                    : doFault(addr & -Mman.PAGE_SIZE, (faultFlags & FAULT_FLAG_WRITE) != 0);
        } finally {
            depth--;
        }
        for (int i = 0; i < observers.size(); i++) {
            observers.get(i).cpuFault(this, addr, (faultFlags & FAULT_FLAG_WRITE) != 0, r);
        }
        return r;
    }

    /**
     * Whether a CPU access of this kind may fault pages into {@code vma}. Mirrors access_error() in
     * arch/x86/mm/fault.c: a store needs VM_WRITE; a load needs only vma_is_accessible() (any of VM_READ, VM_WRITE,
     * VM_EXEC), since x86 page tables cannot express write-only, so a PROT_WRITE-only mapping is readable.
     */
    private static boolean cpuMayAccess(Vma vma, boolean write) {
        return write ? vma.has(VmFlags.VM_WRITE)
                : vma.has(VmFlags.VM_READ) || vma.has(VmFlags.VM_WRITE) || vma.has(VmFlags.VM_EXEC);
    }

    /**
     * An unsharing fault on a present, read-only entry of a private mapping: the zero page, a page-cache page or an
     * anonymous page that may be shared is replaced by a copy of its own, mapped read-only and clean; an exclusive
     * anonymous page stays. Mirrors do_wp_page() with FAULT_FLAG_UNSHARE (mm/memory.c: wp_page_copy() maps the copy
     * without maybe_mkwrite() when unsharing), reached from GUP when gup_must_unshare() (mm/internal.h) says a
     * read-only pin needs an exclusive page. A 2 MiB mapping is split first, as do_huge_pmd_wp_page() falls back.
     * Any other entry takes an ordinary read fault.
     */
    private int unshareFault(long addr) {
        for (int attempt = 0; attempt < 4; attempt++) {
            Vma vma = findVma(addr);
            if (vma == null || !cpuMayAccess(vma, false)) {
                return VmFault.SIGSEGV;
            }
            long e = pt.entry(addr);
            if (!Pte.isPresent(e) || Pte.isWrite(e) || vma.has(VmFlags.VM_SHARED) || vma.isHugetlb()) {
                return doFault(addr, false);
            }
            if (Pte.isHuge(e)) {
                splitHugePmd(addr & -Mman.PMD_SIZE, true);
                continue;
            }
            long pfn = Pte.pfn(e);
            boolean zero = frames.isZero(pfn);
            if (!zero && (Pte.isSpecial(e) || (frames.hasFlag(pfn, Frames.F_ANON) && exclusive(pfn)))) {
                return VmFault.OK; // already exclusive (or a special mapping GUP refuses anyway)
            }
            return wpPageCopy(vma, addr, pfn, zero, false);
        }
        return VmFault.RETRY;
    }

    private int doFault(long addr, boolean write) {
        for (int attempt = 0; attempt < 4; attempt++) {
            Vma vma = findVma(addr);
            if (vma == null) {
                return VmFault.SIGSEGV;
            }
            if (!cpuMayAccess(vma, write)) {
                return VmFault.SIGSEGV;
            }
            long pa = addr & -Mman.PMD_SIZE;
            if (vma.isHugetlb()) {
                return hugetlbFault(vma, pa, write);
            }
            long[] pmdt = pt.pmdTableAlloc(addr);
            int mi = PageTable.pmdIndex(addr);
            long pmde = pmdt[mi];
            if (pmde == 0 && thpEligible(vma, pa)) {
                int r = hugeAnonymousFault(vma, pa, write);
                if (r != FALLBACK) {
                    return r;
                }
            }
            if (PageTable.pmdIsLeaf(pmde)) {
                if (Pte.isPresent(pmde)) {
                    if (!write || Pte.isWrite(pmde)) {
                        pmdt[mi] = pmde | Pte.YOUNG | (write ? Pte.DIRTY : 0);
                        return VmFault.OK;
                    }
                    int r = hugeWpFault(vma, pa, pmde);
                    if (r != FALLBACK) {
                        return r;
                    }
                } else if (Pte.isDevicePrivate(pmde)) {
                    int r = devicePrivateFault(vma, addr, pmde, write);
                    if (r != 0) {
                        return r;
                    }
                    continue;
                } else {
                    return VmFault.RETRY;
                }
            }
            long[] t = pt.pteTableAlloc(addr);
            int i = PageTable.pteIndex(addr);
            long e = t[i];
            if (e == 0) {
                return pteNoneFault(vma, addr, write, t, i);
            }
            if (Pte.isPresent(e)) {
                if (!write || Pte.isWrite(e)) {
                    t[i] = e | Pte.YOUNG | (write ? Pte.DIRTY : 0);
                    return VmFault.OK;
                }
                return wpFault(vma, addr, e, t, i);
            }
            switch (Pte.swpType(e)) {
                case Pte.SWP_DEVICE_PRIVATE -> {
                    int r = devicePrivateFault(vma, addr, e, write);
                    if (r != 0) {
                        return r;
                    }
                }
                case Pte.SWP_DEVICE_EXCLUSIVE -> restoreExclusive(addr, e);
                default -> {
                    return VmFault.RETRY;
                }
            }
        }
        return VmFault.RETRY;
    }

    private int hugeAnonymousFault(Vma vma, long pa, boolean write) {
        vma.anonVmaPrepare(); // do_huge_pmd_anonymous_page(): vmf_anon_prepare() before the huge zero page too
        if (!write) {
            pt.setPmdLeaf(pa, Pte.mk(Frames.HUGE_ZERO_PFN, false, false) | Pte.HUGE | Pte.SPECIAL);
            return VmFault.OK;
        }
        long head = frames.allocHuge(Frames.F_ANON);
        if (head < 0) {
            return FALLBACK;
        }
        frames.incMapcount(head);
        pt.setPmdLeaf(pa, Pte.mk(head, true, true) | Pte.HUGE);
        return VmFault.OK;
    }

    private int hugeWpFault(Vma vma, long pa, long pmde) {
        long head = Pte.pfn(pmde);
        if (frames.isZero(head)) {
            // do_huge_pmd_wp_page() (mm/huge_memory.c): a write to the huge zero page goes to "fallback", which
            // splits the PMD into zero-page PTEs (__split_huge_pmd(), with its CLEAR over the 2 MiB) and lets the
            // PTE-level fault copy just the written page. No THP is allocated here.
            splitHugePmd(pa, true);
            return FALLBACK;
        }
        if (frames.hasFlag(head, Frames.F_ANON) && exclusive(head)) {
            pt.setPmdLeaf(pa, pmde | Pte.WRITE | Pte.DIRTY | Pte.YOUNG);
            return VmFault.OK;
        }
        splitHugePmd(pa, true);
        return FALLBACK;
    }

    private int hugetlbFault(Vma vma, long pa, boolean write) {
        long pmde = pt.pmd(pa);
        boolean shared = vma.has(VmFlags.VM_SHARED);
        if (pmde == 0) {
            long head = frames.allocHuge(Frames.F_ANON);
            if (head < 0) {
                return VmFault.OOM;
            }
            if (!shared) {
                vma.anonVmaPrepare(); // hugetlb_no_page(): a private mapping's page is anonymous
            }
            frames.incMapcount(head);
            pt.setPmdLeaf(pa, Pte.mk(head, write || (shared && vma.has(VmFlags.VM_WRITE)), write) | Pte.HUGE);
            return VmFault.OK;
        }
        if (!write || Pte.isWrite(pmde)) {
            pt.setPmdLeaf(pa, pmde | Pte.YOUNG | (write ? Pte.DIRTY : 0));
            return VmFault.OK;
        }
        long head = Pte.pfn(pmde);
        if (shared || exclusive(head)) {
            pt.setPmdLeaf(pa, pmde | Pte.WRITE | Pte.DIRTY | Pte.YOUNG);
            return VmFault.OK;
        }
        long nh = frames.allocHuge(Frames.F_ANON);
        if (nh < 0) {
            return VmFault.OOM;
        }
        vma.anonVmaPrepare();
        for (int k = 0; k < Mman.PMD_NR; k++) {
            frames.copyPage(nh + k, head + k);
        }
        notify(pa, pa + Mman.PMD_SIZE, MmuNotifyEvent.CLEAR, null);
        frames.incMapcount(nh);
        pt.setPmdLeaf(pa, Pte.mk(nh, true, true) | Pte.HUGE);
        frames.decMapcount(head);
        frames.put(head);
        return VmFault.OK;
    }

    private int pteNoneFault(Vma vma, long addr, boolean write, long[] t, int i) {
        if (vma.device != null || vma.has(VmFlags.VM_PFNMAP)) {
            return VmFault.SIGBUS;
        }
        if (vma.file == null) {
            if (!write) {
                t[i] = Pte.mk(Frames.ZERO_PFN, false, false) | Pte.SPECIAL;
                return VmFault.OK;
            }
            long pfn = frames.allocPage(Frames.F_ANON);
            if (pfn < 0) {
                return VmFault.OOM;
            }
            vma.anonVmaPrepare(); // do_anonymous_page(), after its zero-page path
            frames.incMapcount(pfn);
            t[i] = Pte.mk(pfn, true, true);
            return VmFault.OK;
        }
        long index = vma.pgoff + ((addr - vma.start) >>> Mman.PAGE_SHIFT);
        long cpfn = vma.file.getPage(index);
        if (cpfn == -2) {
            return VmFault.SIGBUS;
        }
        if (cpfn < 0) {
            return VmFault.OOM;
        }
        boolean shared = vma.has(VmFlags.VM_SHARED);
        if (!shared && write) {
            long pfn = frames.allocPage(Frames.F_ANON);
            if (pfn < 0) {
                return VmFault.OOM;
            }
            vma.anonVmaPrepare(); // do_cow_fault()
            frames.copyPage(pfn, cpfn);
            frames.incMapcount(pfn);
            t[i] = Pte.mk(pfn, true, true);
            return VmFault.OK;
        }
        frames.get(cpfn);
        frames.incMapcount(cpfn);
        t[i] = Pte.mk(cpfn, shared && vma.has(VmFlags.VM_WRITE), write);
        if (!write) {
            faultAround(vma, addr, t, i);
        }
        return VmFault.OK;
    }

    /** fault_around_bytes: 64 KiB, 16 pages (mm/memory.c). */
    static final int FAULT_AROUND_PAGES = 16;

    /**
     * A read fault on a file or shmem page also maps the neighbours that are already in the page cache, read as
     * the area's protection says (writable in a shared writable shmem mapping, which wants no write notification;
     * read-only in a private one), into empty entries only. Mirrors do_read_fault() -> do_fault_around() ->
     * filemap_map_pages() (mm/memory.c, mm/filemap.c): the window is the 16-page aligned run around the fault
     * (fault_around_bytes), clipped to the area and to the page table; pages past the end of the file, not
     * cached, or whose entry is not empty are skipped. Filling empty entries notifies nothing.
     */
    private void faultAround(Vma vma, long addr, long[] t, int i) {
        int pteOff = i;
        long vmaOff = (addr - vma.start) >>> Mman.PAGE_SHIFT;
        long vmaPages = (vma.end - vma.start) >>> Mman.PAGE_SHIFT;
        long from = Math.max(pteOff & -FAULT_AROUND_PAGES, pteOff - Math.min(pteOff, vmaOff));
        long to = Math.min(Math.min(from + FAULT_AROUND_PAGES, PageTable.ENTRIES), pteOff + vmaPages - vmaOff) - 1;
        boolean writable = vma.has(VmFlags.VM_SHARED) && vma.has(VmFlags.VM_WRITE);
        for (long j = from; j <= to; j++) {
            if (j == pteOff || t[(int) j] != 0) {
                continue;
            }
            long index = vma.pgoff + vmaOff + (j - pteOff);
            long cpfn = index < 0 ? -1 : vma.file.cachedPfn(index);
            if (cpfn < 0 || index >= (vma.file.size() + Mman.PAGE_SIZE - 1) / Mman.PAGE_SIZE) {
                continue;
            }
            frames.get(cpfn);
            frames.incMapcount(cpfn);
            t[(int) j] = Pte.mk(cpfn, writable, false);
        }
    }

    private int wpFault(Vma vma, long addr, long e, long[] t, int i) {
        long pfn = Pte.pfn(e);
        if (vma.has(VmFlags.VM_SHARED)) {
            if (Pte.isSpecial(e)) {
                return VmFault.SIGBUS;
            }
            t[i] = e | Pte.WRITE | Pte.DIRTY | Pte.YOUNG;
            return VmFault.OK;
        }
        boolean zero = frames.isZero(pfn);
        if (!zero && !Pte.isSpecial(e) && frames.hasFlag(pfn, Frames.F_ANON) && exclusive(pfn)) {
            t[i] = e | Pte.WRITE | Pte.DIRTY | Pte.YOUNG;
            return VmFault.OK;
        }
        if (Pte.isSpecial(e) && !zero) {
            return VmFault.SIGBUS;
        }
        return wpPageCopy(vma, addr, pfn, zero, true);
    }

    /**
     * Replaces the page at {@code addr} by a copy of its own (a zeroed page for the zero page): writable and dirty
     * for a write fault, read-only and clean when only unsharing. Mirrors wp_page_copy() (mm/memory.c), which sends
     * CLEAR over the page before the entry changes.
     */
    private int wpPageCopy(Vma vma, long addr, long pfn, boolean zero, boolean write) {
        long npfn = frames.allocPage(Frames.F_ANON);
        if (npfn < 0) {
            return VmFault.OOM;
        }
        vma.anonVmaPrepare(); // wp_page_copy()
        if (!zero) {
            frames.copyPage(npfn, pfn);
        }
        notify(addr, addr + Mman.PAGE_SIZE, MmuNotifyEvent.CLEAR, null);
        frames.incMapcount(npfn);
        pt.pteTableAlloc(addr)[PageTable.pteIndex(addr)] = Pte.mk(npfn, write, write);
        if (!zero) {
            frames.decMapcount(pfn);
            frames.put(pfn);
        }
        return VmFault.OK;
    }

    private int devicePrivateFault(Vma vma, long addr, long e, boolean write) {
        long pfn = Pte.pfn(e);
        DevPagemap pg = frames.pagemap(pfn);
        if (pg == null) {
            return VmFault.SIGBUS;
        }
        long faultPfn = pfn;
        if (Pte.isHuge(e)) {
            faultPfn = pfn + ((addr >>> Mman.PAGE_SHIFT) & (Mman.PMD_NR - 1));
        }
        // The kernel takes a page reference here to keep the page alive while the fault sleeps; nothing runs
        // concurrently in the engine, so migrate_vma sees the page with its mapping references only.
        return pg.ops().migrateToRam(this, vma, addr, faultPfn, write);
    }

    /**
     * Turns a device-exclusive entry back into a normal one; the device loses its atomic access. Mirrors
     * remove_device_exclusive_entry(): a CLEAR invalidation with no owner (6.15+).
     */
    public void restoreExclusive(long addr, long e) {
        notify(addr, addr + Mman.PAGE_SIZE, MmuNotifyEvent.CLEAR, null);
        restoreExclusivePte(addr, e);
    }

    /**
     * Puts the normal entry back in place of device-exclusive entry {@code e}, sending nothing. Mirrors
     * restore_exclusive_pte() (mm/memory.c): "no need to invalidate - it was non-present before"; callers that
     * revoke a device's access notify first.
     */
    private void restoreExclusivePte(long addr, long e) {
        long[] t = pt.pteTableAlloc(addr);
        int i = PageTable.pteIndex(addr);
        if (t[i] == e) {
            t[i] = Pte.mk(Pte.pfn(e), Pte.isWrite(e), true);
        }
    }

    // ---- device-exclusive access ------------------------------------------------------------------------------

    /**
     * Gives a device exclusive access to the anonymous page at {@code addr} for atomics; returns its frame or
     * {@code -errno} (-EFAULT when it cannot be faulted in writable, -EOPNOTSUPP for a non-anonymous or hugetlb
     * page). Mirrors make_device_exclusive() (6.15+): fault in writable (splitting a 2 MiB mapping), an EXCLUSIVE
     * invalidation with {@code owner}, then a device-exclusive entry; any later CPU access restores the page. The
     * entry keeps the page's mapcount, as mainline does since "mm/rmap: keep mapcount untouched for device-exclusive
     * entries" (6.12 drops it; oracle/version-differences.md entry 7).
     */
    public long makeDeviceExclusive(long addr, Object owner) {
        checkAlive();
        addr &= -Mman.PAGE_SIZE;
        Vma vma = findVma(addr);
        // check_vma_flags() (mm/gup.c) for FOLL_WRITE asks for VM_WRITE only: a PROT_WRITE-only area qualifies.
        if (vma == null || !vma.has(VmFlags.VM_WRITE) || vma.has(VmFlags.VM_IO) || vma.has(VmFlags.VM_PFNMAP)) {
            return -Errno.EFAULT;
        }
        if (vma.isHugetlb()) {
            return -Errno.EOPNOTSUPP;
        }
        for (int attempt = 0; attempt < 4; attempt++) {
            long e = pt.entry(addr);
            if (Pte.isPresent(e) && Pte.isWrite(e)) {
                break;
            }
            int r = handleMmFault(addr, FAULT_FLAG_WRITE | FAULT_FLAG_REMOTE);
            if ((r & VmFault.OOM) != 0) {
                return -Errno.ENOMEM;
            }
            if ((r & VmFault.ERROR) != 0) {
                return -Errno.EFAULT;
            }
        }
        long e = pt.entry(addr);
        if (!Pte.isPresent(e) || !Pte.isWrite(e)) {
            return -Errno.EBUSY;
        }
        if (Pte.isHuge(e)) {
            splitHugePmd(addr & -Mman.PMD_SIZE, true);
            e = pt.pte(addr);
        }
        long pfn = Pte.pfn(e);
        if (!frames.hasFlag(pfn, Frames.F_ANON) || Pte.isSpecial(e)) {
            return -Errno.EOPNOTSUPP;
        }
        notify(addr, addr + Mman.PAGE_SIZE, MmuNotifyEvent.EXCLUSIVE, owner);
        pt.setPte(addr, Pte.mkSwp(Pte.SWP_DEVICE_EXCLUSIVE, pfn, Pte.isWrite(e)));
        return pfn;
    }

    // ---- mremap ----------------------------------------------------------------------------------------------

    /**
     * Moves {@code [oldAddr, oldAddr + oldLen)} to {@code newAddr}; returns the new address or {@code -errno}.
     * Mirrors mremap(2) with MREMAP_MAYMOVE|MREMAP_FIXED [|MREMAP_DONTUNMAP] and an unchanged size: entries move as
     * they are (device-private entries included; a 2 MiB leaf moves whole when both ends are PMD aligned and is
     * split otherwise) and the old range gets an UNMAP invalidation. With DONTUNMAP the old area stays, empty.
     * Growing or shrinking is refused with -EINVAL in this engine.
     */
    public long mremap(long oldAddr, long oldLen, long newLen, int flags, long newAddr) {
        checkAlive();
        int known = Mman.MREMAP_MAYMOVE | Mman.MREMAP_FIXED | Mman.MREMAP_DONTUNMAP;
        if ((flags & ~known) != 0 || (flags & Mman.MREMAP_FIXED) == 0 || (flags & Mman.MREMAP_MAYMOVE) == 0) {
            return -Errno.EINVAL;
        }
        if (!Mman.pageAligned(oldAddr) || !Mman.pageAligned(newAddr) || oldLen <= 0 || newLen != oldLen) {
            return -Errno.EINVAL;
        }
        long len = Mman.pageAlignUp(oldLen);
        if (newAddr + len > Mman.TASK_SIZE || newAddr < MMAP_BASE) {
            return -Errno.EINVAL;
        }
        if (newAddr < oldAddr + len && oldAddr < newAddr + len) {
            return -Errno.EINVAL;
        }
        Vma vma = findVma(oldAddr);
        if (vma == null || oldAddr + len > vma.end) {
            return -Errno.EFAULT;
        }
        if (vma.isHugetlb() || (vma.flags & VmFlags.VM_SPECIAL) != 0
                || ((flags & Mman.MREMAP_DONTUNMAP) != 0 && !vma.isAnonymous())) {
            return -Errno.EINVAL;
        }
        munmap(newAddr, len);
        splitAt(oldAddr);
        splitAt(oldAddr + len);
        Vma old = findVma(oldAddr);
        notify(oldAddr, oldAddr + len, MmuNotifyEvent.UNMAP, null);
        Vma moved = new Vma(this, newAddr, newAddr + len, old.flags, old.file, old.pgoff, old.device);
        moved.anonVma = old.anonVma;
        moved.uncowedParents = old.uncowedParents;
        insertVma(moved);
        boolean aligned = ((oldAddr ^ newAddr) & (Mman.PMD_SIZE - 1)) == 0;
        for (long a = oldAddr; a < oldAddr + len; ) {
            long pa = a & -Mman.PMD_SIZE;
            long next = Math.min(pa + Mman.PMD_SIZE, oldAddr + len);
            long pmde = pt.pmd(a);
            if (PageTable.pmdIsLeaf(pmde)) {
                if (aligned && a == pa && next == pa + Mman.PMD_SIZE) {
                    pt.setPmdLeaf(pa, 0);
                    pt.setPmdLeaf(newAddr + (pa - oldAddr), pmde);
                    a = next;
                    continue;
                }
                splitHugePmd(pa, false);
            }
            long[] t = pt.pteTable(a);
            if (t != null) {
                for (long b = a; b < next; b += Mman.PAGE_SIZE) {
                    int i = PageTable.pteIndex(b);
                    long e = t[i];
                    if (e != 0) {
                        t[i] = 0;
                        pt.setPte(newAddr + (b - oldAddr), e);
                    }
                }
                boolean empty = true;
                for (long x : t) {
                    empty &= x == 0;
                }
                if (empty) {
                    pt.freePteTable(pa);
                }
            }
            a = next;
        }
        if ((flags & Mman.MREMAP_DONTUNMAP) == 0) {
            removeVma(old);
        }
        if (old.device == null) {
            mergeAround(findVma(newAddr)); // copy_vma() -> vma_merge_copied_range() at the destination
        }
        frames.checkpoint();
        return newAddr;
    }

    // ---- pinning accounting ----------------------------------------------------------------------------------

    private long pinnedPages;
    private long pinLimitPages = (8L << 20) / Mman.PAGE_SIZE;
    private long pinRefusals;

    /** Pages pinned long-term by this process now (the locked_vm counter). */
    public long pinnedPages() {
        return pinnedPages;
    }

    /** Pin requests refused because they would pass the limit. */
    public long pinRefusals() {
        return pinRefusals;
    }

    /** The pinnable-memory limit in pages (RLIMIT_MEMLOCK; 8 MiB by default). */
    public long pinLimitPages() {
        return pinLimitPages;
    }

    public void setPinLimit(org.hmmlab.units.Bytes limit) {
        pinLimitPages = limit.bytes() / Mman.PAGE_SIZE;
    }

    /** Charges {@code n} pinned pages; false (and a refusal counted) when the limit would be passed. */
    boolean chargePins(long n) {
        if (pinnedPages + n > pinLimitPages) {
            pinRefusals++;
            return false;
        }
        pinnedPages += n;
        return true;
    }

    void unchargePins(long n) {
        pinnedPages -= n;
    }

    // ---- CPU access ------------------------------------------------------------------------------------------

    /**
     * Makes one CPU access to {@code addr}, faulting as needed; returns 0 or the {@link VmFault} code that would kill
     * the process. The value form of a load or store.
     */
    public int touch(long addr, boolean write) {
        checkAlive();
        long r = accessiblePfn(addr, write);
        frames.checkpoint();
        return r >= 0 ? 0 : (int) -r;
    }

    private long accessiblePfn(long addr, boolean write) {
        boolean lastOom = false;
        for (int attempt = 0; attempt < 8; attempt++) {
            Vma v = findVma(addr);
            if (v == null || !cpuMayAccess(v, write)) {
                int r = handleMmFault(addr, write ? FAULT_FLAG_WRITE : 0);
                return -(r == 0 ? VmFault.SIGSEGV : r);
            }
            long e = pt.entry(addr);
            if (Pte.isPresent(e) && (!write || Pte.isWrite(e))) {
                long pfn = Pte.pfn(e);
                if (Pte.isHuge(e)) {
                    pfn += (addr >>> Mman.PAGE_SHIFT) & (Mman.PMD_NR - 1);
                }
                if (write && (e & Pte.DIRTY) == 0) {
                    markDirty(addr, e);
                }
                return pfn;
            }
            int r = handleMmFault(addr, write ? FAULT_FLAG_WRITE : 0);
            // A user fault that ends in VM_FAULT_OOM returns to the task, which retries the access
            // (do_user_addr_fault() -> pagefault_out_of_memory()); this engine bounds the retries.
            lastOom = r == VmFault.OOM;
            if (lastOom) {
                continue;
            }
            if ((r & VmFault.ERROR) != 0) {
                return -r;
            }
        }
        return lastOom ? -VmFault.OOM : -VmFault.SIGBUS;
    }

    private void markDirty(long addr, long e) {
        if (Pte.isHuge(e)) {
            pt.setPmdLeaf(addr & -Mman.PMD_SIZE, e | Pte.DIRTY | Pte.YOUNG);
        } else {
            pt.setPte(addr, e | Pte.DIRTY | Pte.YOUNG);
        }
    }

    /** Loads the little-endian {@code int} at {@code addr} (4-byte aligned) as the CPU would. */
    public int readInt(long addr) {
        checkIntAddr(addr);
        long pfn = accessiblePfn(addr, false);
        if (pfn < 0) {
            throw new MemoryAccessException(addr, false, (int) -pfn);
        }
        return frames.readInt(pfn, (int) (addr & (Mman.PAGE_SIZE - 1)));
    }

    /** Stores {@code value} at {@code addr} (4-byte aligned) as the CPU would. */
    public void writeInt(long addr, int value) {
        checkIntAddr(addr);
        long pfn = accessiblePfn(addr, true);
        if (pfn < 0) {
            throw new MemoryAccessException(addr, true, (int) -pfn);
        }
        frames.writeInt(pfn, (int) (addr & (Mman.PAGE_SIZE - 1)), value);
    }

    private static void checkIntAddr(long addr) {
        if ((addr & 3) != 0) {
            throw new IllegalArgumentException("addr must be 4-byte aligned, got 0x" + Long.toHexString(addr));
        }
    }

    /** Copies {@code len} bytes at {@code addr} into {@code dst} through CPU loads. */
    public void read(long addr, byte[] dst, int off, int len) {
        int done = 0;
        while (done < len) {
            long a = addr + done;
            int in = (int) (a & (Mman.PAGE_SIZE - 1));
            int n = Math.min(len - done, (int) Mman.PAGE_SIZE - in);
            long pfn = accessiblePfn(a, false);
            if (pfn < 0) {
                throw new MemoryAccessException(a, false, (int) -pfn);
            }
            frames.read(pfn, in, dst, off + done, n);
            done += n;
        }
    }

    /** Copies {@code len} bytes of {@code src} to {@code addr} through CPU stores. */
    public void write(long addr, byte[] src, int off, int len) {
        int done = 0;
        while (done < len) {
            long a = addr + done;
            int in = (int) (a & (Mman.PAGE_SIZE - 1));
            int n = Math.min(len - done, (int) Mman.PAGE_SIZE - in);
            long pfn = accessiblePfn(a, true);
            if (pfn < 0) {
                throw new MemoryAccessException(a, true, (int) -pfn);
            }
            frames.write(pfn, in, src, off + done, n);
            done += n;
        }
    }

    // ---- driver helpers --------------------------------------------------------------------------------------

    /**
     * Inserts a driver page into {@code vma} at {@code addr} (the area becomes VM_MIXEDMAP). Mirrors vm_insert_page():
     * the entry is writable only in a shared writable mapping; returns 0 or {@code -errno}.
     */
    public int vmInsertPage(Vma vma, long addr, long pfn) {
        if (!vma.contains(addr) || !Mman.pageAligned(addr)) {
            return -Errno.EFAULT;
        }
        if (pt.entry(addr) != 0) {
            return -Errno.EBUSY;
        }
        vma.flags |= VmFlags.VM_MIXEDMAP;
        frames.get(pfn);
        frames.incMapcount(pfn);
        pt.setPte(addr, Pte.mk(pfn, vma.has(VmFlags.VM_SHARED) && vma.has(VmFlags.VM_WRITE), false));
        return 0;
    }

    /**
     * Maps raw frames (no page reference: I/O memory) at {@code addr}; the area becomes VM_IO|VM_PFNMAP. Mirrors
     * remap_pfn_range().
     */
    public int remapPfnRange(Vma vma, long addr, long pfn, long size) {
        if (addr < vma.start || addr + size > vma.end || !Mman.pageAligned(addr) || !Mman.pageAligned(size)) {
            return -Errno.EINVAL;
        }
        vma.flags |= VmFlags.VM_IO | VmFlags.VM_PFNMAP | VmFlags.VM_DONTEXPAND;
        boolean w = vma.has(VmFlags.VM_SHARED) && vma.has(VmFlags.VM_WRITE);
        for (long k = 0; k < size / Mman.PAGE_SIZE; k++) {
            pt.setPte(addr + k * Mman.PAGE_SIZE, Pte.mk(pfn + k, w, false) | Pte.SPECIAL);
        }
        return 0;
    }

    /** The leaf entry (PTE or huge PMD) mapping {@code addr}, 0 when none. */
    public long entry(long addr) {
        return pt.entry(addr);
    }

    /** Replaces the PTE at {@code addr} (engine-internal: migration, device-exclusive). */
    public void setPte(long addr, long e) {
        pt.setPte(addr, e);
    }

    /** Replaces the huge PMD leaf at {@code pa} (engine-internal). */
    public void setPmdLeaf(long pa, long e) {
        pt.setPmdLeaf(pa, e);
    }

    /** Frees an empty PTE table under {@code pa} and installs a huge leaf (engine-internal, THP migration). */
    public void replacePteTableWithLeaf(long pa, long e) {
        pt.freePteTable(pa);
        pt.setPmdLeaf(pa, e);
    }

    /**
     * Visits every populated leaf entry in address order. A reader: it reports no region to an incremental invariant
     * checker (what a visitor changes, it changes through the setters, which do).
     */
    public void forEachEntry(EntryVisitor v) {
        for (Vma vma : vmas.values()) {
            walk(vma, vma.start, vma.end, v);
        }
    }

    /** {@link #forEachEntry} over the parts of the areas inside [start, end) (the incremental checker's walk). */
    void forEachEntryIn(long start, long end, EntryVisitor v) {
        Map.Entry<Long, Vma> below = vmas.floorEntry(start);
        long from = below == null ? start : below.getKey();
        for (Vma vma : vmas.subMap(from, true, end, false).values()) {
            if (vma.end > start) {
                walk(vma, Math.max(vma.start, start), Math.min(vma.end, end), v);
            }
        }
    }

    /** The leaf entries of {@code vma} in [lo, hi): a huge leaf once per 2 MiB step, then the PTEs of each table. */
    private void walk(Vma vma, long lo, long hi, EntryVisitor v) {
        for (long a = lo; a < hi; ) {
            long[] pmdt = pt.pmdTableQuiet(a);
            long next = Math.min((a | (Mman.PMD_SIZE - 1)) + 1, hi);
            if (pmdt == null) {
                a = Math.min((a | ((1L << Mman.PUD_SHIFT) - 1)) + 1, hi);
                continue;
            }
            long pmde = pmdt[PageTable.pmdIndex(a)];
            if (PageTable.pmdIsLeaf(pmde)) {
                v.visit(this, vma, a & -Mman.PMD_SIZE, pmde, true);
            } else if (pmde != 0) {
                long[] t = pt.pteTableQuiet(a);
                for (long b = a; b < next; b += Mman.PAGE_SIZE) {
                    long e = t[PageTable.pteIndex(b)];
                    if (e != 0) {
                        v.visit(this, vma, b, e, false);
                    }
                }
            }
            a = next;
        }
    }

    /** A visitor of page-table leaf entries. */
    @FunctionalInterface
    public interface EntryVisitor {
        void visit(MmStruct mm, Vma vma, long addr, long entry, boolean pmd);
    }

    // ---- fork and exit ---------------------------------------------------------------------------------------

    /**
     * Creates a child address space. Mirrors dup_mmap()/copy_page_range(): private anonymous pages are shared
     * write-protected in both (a PROTECTION_PAGE invalidation over each such parent area); pinned pages are copied
     * at once; device-private entries are shared (writable ones become read-only in both); device-exclusive entries
     * of the parent are restored in place, with no invalidation beyond the area's PROTECTION_PAGE; shared file and shmem areas are not copied (the child faults them in).
     */
    public MmStruct fork() {
        checkAlive();
        MmStruct child = new MmStruct(frames);
        for (Vma v : vmas.values()) {
            if (v.has(VmFlags.VM_DONTCOPY)) {
                continue;
            }
            Vma cv = new Vma(child, v.start, v.end, v.flags, v.file, v.pgoff, v.device);
            if (v.anonVma != null) { // anon_vma_fork(): the child's own anon_vma, chained to the parent's
                cv.anonVma = new Object();
                cv.uncowedParents = true;
            }
            child.insertVma(cv);
            boolean cow = !v.has(VmFlags.VM_SHARED);
            // vma_needs_copy(): only areas with an anon_vma or raw pfns have their page table copied; the child
            // faults everything else in again, and the parent's entries are neither write-protected nor notified.
            boolean copy = v.anonVma != null || v.has(VmFlags.VM_PFNMAP) || v.has(VmFlags.VM_MIXEDMAP);
            if (!copy) {
                continue;
            }
            if (cow) {
                // copy_page_range(): PROTECTION_PAGE over the whole area, populated or not;
                // copy_hugetlb_page_range() sends CLEAR instead.
                notify(v.start, v.end, v.isHugetlb() ? MmuNotifyEvent.CLEAR : MmuNotifyEvent.PROTECTION_PAGE, null);
                // copy_nonpresent_pte(): a device-exclusive entry is restored in place by try_restore_exclusive_pte(),
                // inside that invalidation and with none of its own, then copied as the present entry it now is.
                List<long[]> excl = new ArrayList<>();
                walk(v, v.start, v.end, (mm, vv, a, e, pmd) -> {
                    if (Pte.isDeviceExclusive(e)) {
                        excl.add(new long[] {a, e});
                    }
                });
                for (long[] x : excl) {
                    restoreExclusivePte(x[0], x[1]);
                }
            }
            List<long[]> entries = new ArrayList<>();
            walk(v, v.start, v.end, (mm, vv, a, e, pmd) -> entries.add(new long[] {a, e, pmd ? 1 : 0}));
            for (long[] x : entries) {
                copyEntry(child, v, x[0], x[1], x[2] != 0, cow);
            }
        }
        frames.checkpoint();
        return child;
    }

    private void copyEntry(MmStruct child, Vma v, long a, long e, boolean pmd, boolean cow) {
        long pfn = Pte.pfn(e);
        long ce = e;
        if (Pte.isPresent(e)) {
            if (!Pte.isSpecial(e) && !frames.isZero(pfn)) {
                if (cow && frames.hasFlag(pfn, Frames.F_ANON) && frames.maybePinned(pfn) && !pmd) {
                    long npfn = frames.allocPage(Frames.F_ANON);
                    if (npfn >= 0) {
                        frames.copyPage(npfn, pfn);
                        frames.incMapcount(npfn);
                        child.pt.setPte(a, Pte.mk(npfn, v.has(VmFlags.VM_WRITE), true));
                        return;
                    }
                }
                frames.get(pfn);
                frames.incMapcount(pfn);
                if (cow) {
                    ce = Pte.wrprotect(e);
                    setEntry(a, ce, pmd);
                }
            }
        } else if (Pte.isDevicePrivate(e)) {
            frames.get(pfn);
            frames.incMapcount(pfn);
            if (cow && Pte.isWrite(e)) {
                ce = Pte.wrprotect(e);
                setEntry(a, ce, pmd);
            }
        } else {
            throw new IllegalStateException("fork with a " + Pte.describe(e) + " at 0x" + Long.toHexString(a));
        }
        child.setEntry(a, ce, pmd);
    }

    private void setEntry(long a, long e, boolean pmd) {
        if (pmd) {
            pt.setPmdLeaf(a, e);
        } else {
            pt.setPte(a, e);
        }
    }

    /**
     * Tears the address space down: one RELEASE invalidation over everything, then every area is unmapped. Mirrors
     * exit_mmap() with mmu_notifier_release().
     */
    public void exit() {
        if (dead || exiting) {
            return;
        }
        exiting = true;
        mmput();
    }

    /**
     * Takes a reference that keeps the address space (not its task) alive: a driver holds one across a migration, so
     * a task that exits meanwhile is torn down only when the driver is done. Mirrors mmget().
     */
    public void mmget() {
        if (dead) {
            throw new IllegalStateException(this + " has been torn down");
        }
        users++;
    }

    /** Drops a reference taken by {@link #mmget()}; the last one tears an exited task's space down. Mirrors mmput(). */
    public void mmput() {
        if (users <= 0 || dead) {
            throw new IllegalStateException("mmput() without a matching mmget() on " + this);
        }
        if (--users == 0) {
            teardown();
        }
    }

    /** Whether the task has exited (its space may still live while a driver holds a reference). */
    public boolean isExiting() {
        return exiting;
    }

    private void teardown() {
        notify(0, Mman.TASK_SIZE, MmuNotifyEvent.RELEASE, null);
        for (Vma v : List.copyOf(vmas.values())) {
            zapRange(v.start, v.end);
            removeVma(v);
        }
        dead = true;
        frames.unregister(this);
        frames.checkpoint();
    }

    private void checkAlive() {
        if (dead || exiting) {
            throw new IllegalStateException(this + " has exited");
        }
    }

    /** Whether a fault is being handled right now (engine-internal). */
    boolean inFault() {
        return depth > 0;
    }
}
