package org.hmmlab.mm;

/**
 * A virtual memory area: a range of one address space with one protection, one kind and one backing.
 *
 * <p>Mirrors struct vm_area_struct (vm_start, vm_end, vm_flags, vm_file, vm_pgoff). One object per area, never
 * per page. Neighbours merge where the kernel merges them (see {@code MmStruct.mergeAround}): a merged area allows a
 * THP across the old boundary and widens the fault-around window, so the difference shows in page tables.
 */
public final class Vma {
    final long start;
    final long end;
    long flags;
    final MemFile file;
    final long pgoff;
    final DeviceFile device;
    final MmStruct mm;
    /**
     * Whether the area has an anon_vma: set by the first fault that maps an anonymous page into it (not by a read
     * that maps the shared zero page), inherited by splits, fork and mremap. Mirrors vma->anon_vma, which
     * vma_needs_copy() (mm/memory.c) tests to decide whether fork copies the area's page table.
     */
    Object anonVma;
    /**
     * Whether the area's anon_vma chain holds a parent's anon_vma as well as its own (a child's area after fork):
     * vma_had_uncowed_parents() in mm/vma.c, which keeps such an area from merging with one that has no anon_vma.
     */
    boolean uncowedParents;

    Vma(MmStruct mm, long start, long end, long flags, MemFile file, long pgoff, DeviceFile device) {
        this.mm = mm;
        this.start = start;
        this.end = end;
        this.flags = flags;
        this.file = file;
        this.pgoff = pgoff;
        this.device = device;
    }

    /** The part [s, e) of this area: vm_pgoff moves with the start, for anonymous areas too (__split_vma()). */
    Vma slice(long s, long e) {
        Vma v = new Vma(mm, s, e, flags, file, pgoff + ((s - start) >>> Mman.PAGE_SHIFT), device);
        v.anonVma = anonVma;
        v.uncowedParents = uncowedParents;
        return v;
    }

    /** Whether the area has an anon_vma (vma->anon_vma != NULL). */
    public boolean hasAnonVma() {
        return anonVma != null;
    }

    /**
     * Gives the area an anon_vma if it has none. Mirrors anon_vma_prepare() (mm/rmap.c), which every path that maps
     * a new anonymous page calls first.
     */
    public void anonVmaPrepare() {
        if (anonVma == null) {
            anonVma = new Object();
        }
    }

    /** The address space the area belongs to (vm_mm). */
    public MmStruct mm() {
        return mm;
    }

    public long start() {
        return start;
    }

    public long end() {
        return end;
    }

    public long flags() {
        return flags;
    }

    public boolean has(long flag) {
        return (flags & flag) != 0;
    }

    public MemFile file() {
        return file;
    }

    /** The file page index of the first page (vm_pgoff). */
    public long pgoff() {
        return pgoff;
    }

    /**
     * Whether the area is anonymous in the kernel's sense (vma_is_anonymous(): no vm_ops), that is private anonymous
     * memory. Shared anonymous memory is shmem and is not.
     */
    public boolean isAnonymous() {
        return file == null && device == null && !has(VmFlags.VM_SHARED) && !has(VmFlags.VM_PFNMAP);
    }

    public boolean isHugetlb() {
        return has(VmFlags.VM_HUGETLB);
    }

    /** The protection as PROT_* bits. */
    public int prot() {
        int p = 0;
        if (has(VmFlags.VM_READ)) {
            p |= Mman.PROT_READ;
        }
        if (has(VmFlags.VM_WRITE)) {
            p |= Mman.PROT_WRITE;
        }
        if (has(VmFlags.VM_EXEC)) {
            p |= Mman.PROT_EXEC;
        }
        return p;
    }

    public String flagNames() {
        return VmFlags.toString(flags);
    }

    boolean contains(long addr) {
        return addr >= start && addr < end;
    }

    @Override
    public String toString() {
        return String.format("%x-%x %s%s", start, end, flagNames(), file != null ? " file" : device != null ? " dev" : "");
    }
}
