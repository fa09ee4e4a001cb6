package org.hmmlab.dmirror;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hmmlab.mm.Errno;
import org.hmmlab.mm.Frames;
import org.hmmlab.mm.Mman;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.PageTable;
import org.hmmlab.mm.Pte;
import org.hmmlab.mm.VmFault;
import org.hmmlab.mm.Vma;
import org.hmmlab.mm.devmem.DevPagemap;
import org.hmmlab.mm.devmem.DevPagemapOps;
import org.hmmlab.mm.devmem.MemoryType;
import org.hmmlab.mm.migrate.Migrate;
import org.hmmlab.mm.migrate.MigratePfn;
import org.hmmlab.mm.migrate.MigrateVma;
import org.hmmlab.mm.notifier.MmuNotifyEvent;

/**
 * The memory of one dmirror device: its pagemap, its 256 MiB chunks, its free lists, and the pagemap callbacks.
 *
 * <p>Mirrors the devmem part of lib/test_hmm.c: dmirror_allocate_chunk() (a chunk of 65,536 pages; the first,
 * created with the device, holds small pages; later ones made for a 2 MiB request are cut into 2 MiB folios),
 * dmirror_devmem_alloc_page(), dmirror_devmem_free(), dmirror_devmem_fault() (the CPU touched a device-private page:
 * migrate it, or its whole 2 MiB folio, back to RAM), and the eviction of RELEASE and close. A coherent device has
 * exactly one chunk; a private one up to {@link #maxChunks()} (the kernel's is bounded only by free physical address
 * space; a bound keeps "device memory exhausted" reachable). The device data lives in the device frames themselves:
 * the kernel driver's separate backing system page per device page is not modelled.
 */
public final class DeviceMemory implements DevPagemapOps {
    /** DEVMEM_CHUNK_SIZE in pages. */
    public static final int CHUNK_PAGES = Frames.SEG_FRAMES;

    private final DmirrorDevice device;
    private final Frames frames;
    private DevPagemap pagemap;
    private final List<Long> chunks = new ArrayList<>();
    private final Map<Long, Dmirror[]> owners = new HashMap<>();
    private long[] freeSmall = new long[0];
    private int nfreeSmall;
    private long[] freeHuge = new long[0];
    private int nfreeHuge;
    private int maxChunks;
    private long calloc;
    private long cfree;
    private boolean removing;

    DeviceMemory(DmirrorDevice device, Frames frames) {
        this.device = device;
        this.frames = frames;
        this.maxChunks = device.memoryType() == MemoryType.DEVICE_COHERENT ? 1 : 16;
    }

    /** The device's pagemap (created with the first chunk). */
    public DevPagemap pagemap() {
        if (pagemap == null) {
            pagemap = DevPagemap.create(frames, device.memoryType(), device, this);
        }
        return pagemap;
    }

    public int maxChunks() {
        return maxChunks;
    }

    /** Bounds the number of chunks (private devices only; a coherent device has one). */
    public void setMaxChunks(int n) {
        if (n < 1 || (device.memoryType() == MemoryType.DEVICE_COHERENT && n != 1)) {
            throw new IllegalArgumentException("maxChunks must be >= 1 (exactly 1 for a coherent device), got " + n);
        }
        maxChunks = n;
    }

    public int chunks() {
        return chunks.size();
    }

    /** Pages handed out so far (the driver's calloc counter). */
    public long allocated() {
        return calloc;
    }

    /** Pages given back so far (cfree). */
    public long freed() {
        return cfree;
    }

    /** Device pages currently in use. */
    public long inUse() {
        return calloc - cfree;
    }

    private boolean addChunk(boolean huge) {
        if (chunks.isEmpty() && huge) {
            addChunk(false); // the chunk created at module load holds only small pages
        }
        if (chunks.size() >= maxChunks) {
            return false;
        }
        long first = pagemap().addRange(1);
        chunks.add(first);
        owners.put(first >>> Frames.SEG_SHIFT, new Dmirror[CHUNK_PAGES]);
        if (huge) {
            freeHuge = Arrays.copyOf(freeHuge, nfreeHuge + CHUNK_PAGES / Mman.PMD_NR);
            for (int k = CHUNK_PAGES / Mman.PMD_NR - 1; k >= 0; k--) {
                freeHuge[nfreeHuge++] = first + (long) k * Mman.PMD_NR;
            }
        } else {
            freeSmall = Arrays.copyOf(freeSmall, nfreeSmall + CHUNK_PAGES);
            for (int k = CHUNK_PAGES - 1; k >= 0; k--) {
                freeSmall[nfreeSmall++] = first + k;
            }
        }
        return true;
    }

    /** A 4 KiB device page for {@code mirror}, or -1 when device memory is exhausted. */
    long allocPage(Dmirror mirror) {
        if (nfreeSmall == 0 && !addChunk(false)) {
            return -1;
        }
        long pfn = freeSmall[--nfreeSmall];
        frames.initDeviceFrame(pfn, Frames.F_ANON);
        setOwner(pfn, mirror);
        calloc++;
        return pfn;
    }

    /** A 2 MiB device folio for {@code mirror}, or -1. */
    long allocHuge(Dmirror mirror) {
        if (nfreeHuge == 0 && !addChunk(true)) {
            return -1;
        }
        long head = freeHuge[--nfreeHuge];
        for (int k = 0; k < Mman.PMD_NR; k++) {
            frames.initDeviceFrame(head + k, Frames.F_ANON);
            setOwner(head + k, mirror);
        }
        frames.splitFolio(head, 0, 0); // refcount and mapcount 0 on every frame
        for (int k = 0; k < Mman.PMD_NR; k++) {
            frames.setFlags(head + k, Frames.F_ANON | (k == 0 ? Frames.F_HEAD : Frames.F_TAIL));
        }
        frames.get(head);
        calloc += Mman.PMD_NR;
        return head;
    }

    private void setOwner(long pfn, Dmirror mirror) {
        owners.get(pfn >>> Frames.SEG_SHIFT)[(int) pfn & (CHUNK_PAGES - 1)] = mirror;
    }

    /** The mirror that migrated device page {@code pfn} here (zone_device_data). */
    Dmirror ownerOf(long pfn) {
        Dmirror[] o = owners.get(pfn >>> Frames.SEG_SHIFT);
        return o == null ? null : o[(int) pfn & (CHUNK_PAGES - 1)];
    }

    @Override
    public void folioFree(DevPagemap pgmap, long pfn, int npages) {
        cfree += npages;
        for (int k = 0; k < npages; k++) {
            frames.markDeviceFree(pfn + k);
            setOwner(pfn + k, null);
        }
        if (removing) {
            return;
        }
        if (npages == Mman.PMD_NR) {
            freeHuge = growIfFull(freeHuge, nfreeHuge);
            freeHuge[nfreeHuge++] = pfn;
        } else {
            freeSmall = growIfFull(freeSmall, nfreeSmall);
            freeSmall[nfreeSmall++] = pfn;
        }
    }

    private static long[] growIfFull(long[] a, int n) {
        return n < a.length ? a : Arrays.copyOf(a, Math.max(16, a.length * 2));
    }

    /**
     * The CPU touched device page {@code pfn}: migrate that page (or its whole 2 MiB folio) back to system memory.
     * Mirrors dmirror_devmem_fault(); the mirror that migrated the page loses its entries for it.
     */
    @Override
    public int migrateToRam(MmStruct mm, Vma vma, long addr, long pfn, boolean write) {
        Dmirror mirror = ownerOf(frames.folioHead(pfn));
        boolean huge = PageTable.pmdIsLeaf(mm.pageTable().pmd(addr));
        long start = huge ? addr & -Mman.PMD_SIZE : addr & -Mman.PAGE_SIZE;
        long end = start + (huge ? Mman.PMD_SIZE : Mman.PAGE_SIZE);
        int n = (int) ((end - start) >>> Mman.PAGE_SHIFT);
        MigrateVma args = new MigrateVma(vma, start, end, new long[n], new long[n], device, selectDevice());
        args.faultPage = pfn;
        if (Migrate.vmaSetup(args) != 0) {
            return VmFault.SIGBUS;
        }
        int ret = allocAndCopyToRam(args, mirror);
        if (ret != 0) {
            // dmirror_devmem_fault(): a failed allocation skips migrate_vma_pages(); finalize puts the device page
            // back and the CPU gets VM_FAULT_OOM, which retries the access (pagefault_out_of_memory()).
            Migrate.vmaFinalize(args);
            return VmFault.OOM;
        }
        Migrate.vmaPages(args);
        Migrate.vmaFinalize(args);
        return VmFault.OK;
    }

    int selectDevice() {
        return (device.memoryType() == MemoryType.DEVICE_PRIVATE ? MigratePfn.SELECT_DEVICE_PRIVATE
                : MigratePfn.SELECT_DEVICE_COHERENT) | MigratePfn.SELECT_COMPOUND;
    }

    /**
     * Allocates system pages for every collected device page, copies, and erases the mirror's entries. Mirrors
     * dmirror_devmem_fault_alloc_and_copy(): a 2 MiB source gets a 2 MiB page unless the allocation fails (or
     * FAIL_ALLOC is set), then 512 small pages; a small source whose allocation fails (or meets FAIL_ALLOC, which
     * the attempt clears) stops the loop with -ENOMEM, the driver's VM_FAULT_OOM, leaving it and the rest unmoved.
     */
    int allocAndCopyToRam(MigrateVma args, Dmirror mirror) {
        int nr = args.entries();
        for (int i = 0; i < nr; i++) {
            long s = args.src[i];
            long sp = MigratePfn.pfn(s);
            if ((s & MigratePfn.MIGRATE) == 0 || sp < 0) {
                continue;
            }
            long wr = s & MigratePfn.WRITE;
            long addr = args.start + ((long) i << Mman.PAGE_SHIFT);
            if ((s & MigratePfn.COMPOUND) != 0) {
                long head = -1;
                if (mirror != null && (mirror.flags & Dmirror.HMM_DMIRROR_FLAG_FAIL_ALLOC) != 0) {
                    mirror.flags &= ~Dmirror.HMM_DMIRROR_FLAG_FAIL_ALLOC;
                } else {
                    head = frames.allocHuge(Frames.F_ANON);
                }
                if (head >= 0) {
                    for (int k = 0; k < Mman.PMD_NR; k++) {
                        frames.copyPage(head + k, sp + k);
                        erase(mirror, addr + ((long) k << Mman.PAGE_SHIFT));
                    }
                    args.dst[i] = MigratePfn.of(head) | MigratePfn.COMPOUND | wr;
                    continue;
                }
                for (int k = 0; k < Mman.PMD_NR; k++) {
                    long p = frames.allocPage(Frames.F_ANON);
                    if (p < 0) {
                        return -Errno.ENOMEM;
                    }
                    frames.copyPage(p, sp + k);
                    erase(mirror, addr + ((long) k << Mman.PAGE_SHIFT));
                    args.dst[i + k] = MigratePfn.of(p) | wr;
                }
                continue;
            }
            if (mirror != null && (mirror.flags & Dmirror.HMM_DMIRROR_FLAG_FAIL_ALLOC) != 0) {
                mirror.flags &= ~Dmirror.HMM_DMIRROR_FLAG_FAIL_ALLOC;
                return -Errno.ENOMEM; // a small page has nothing smaller to fall back to: VM_FAULT_OOM
            }
            long p = frames.allocPage(Frames.F_ANON);
            if (p < 0) {
                return -Errno.ENOMEM;
            }
            frames.copyPage(p, sp);
            erase(mirror, addr);
            args.dst[i] = MigratePfn.of(p) | wr;
        }
        return 0;
    }

    private static void erase(Dmirror mirror, long addr) {
        if (mirror != null) {
            mirror.erase(addr);
        }
    }

    /**
     * Moves every used page of every chunk back to system memory, in every address space that maps it (the pages
     * stay mapped; mirrors are told through CLEAR invalidations). Mirrors dmirror_device_evict_chunk() with
     * migrate_device_range(). Returns the number of device pages evicted.
     */
    long evictAll() {
        long n = 0;
        for (long first : chunks) {
            n += evict(first);
        }
        return n;
    }

    private long evict(long first) {
        long last = first + CHUNK_PAGES;
        Map<Long, Long> moved = new HashMap<>();
        long count = 0;
        for (MmStruct mm : frames.addressSpaces()) {
            List<long[]> hits = new ArrayList<>();
            mm.forEachEntry((m, v, addr, e, pmd) -> {
                long p = Pte.pfn(e);
                if (p >= first && p < last && !(Pte.isPresent(e) && Pte.isSpecial(e))) {
                    hits.add(new long[] {addr, e, pmd ? 1 : 0});
                }
            });
            for (long[] h : hits) {
                long addr = h[0];
                long e = h[1];
                boolean pmd = h[2] != 0;
                long p = Pte.pfn(e);
                Long np = moved.get(p);
                if (np == null) {
                    long q = pmd ? frames.allocHuge(Frames.F_ANON) : frames.allocPage(Frames.F_ANON);
                    if (q < 0) {
                        continue; // no RAM: the page stays on the device
                    }
                    for (int k = 0; k < (pmd ? Mman.PMD_NR : 1); k++) {
                        frames.copyPage(q + k, p + k);
                    }
                    moved.put(p, q);
                    np = q;
                    count += pmd ? Mman.PMD_NR : 1;
                } else {
                    frames.get(np);
                }
                mm.notify(addr, addr + (pmd ? Mman.PMD_SIZE : Mman.PAGE_SIZE), MmuNotifyEvent.CLEAR, null);
                long ne = Pte.mk(np, Pte.isWrite(e), true);
                if (pmd) {
                    mm.setPmdLeaf(addr, ne | Pte.HUGE);
                } else {
                    mm.setPte(addr, ne);
                }
                frames.incMapcount(np);
                frames.decMapcount(p);
                frames.put(p);
                mm.reportMigrated(addr, p, np);
            }
        }
        return count;
    }

    /**
     * Evicts and removes every chunk; the next allocation creates a new one. Mirrors dmirror_device_remove_chunks()
     * (the RELEASE ioctl). A chunk with a page that could not be evicted (no RAM) stays.
     */
    void release() {
        removing = true;
        try {
            for (long first : List.copyOf(chunks)) {
                evict(first);
                boolean busy = false;
                for (long p = first; p < first + CHUNK_PAGES && !busy; p++) {
                    busy = !frames.isFree(p);
                }
                if (!busy) {
                    pagemap.removeRange(first);
                    chunks.remove(first);
                    owners.remove(first >>> Frames.SEG_SHIFT);
                }
            }
            rebuildFreeLists();
        } finally {
            removing = false;
        }
    }

    /** After RELEASE: free lists hold exactly the free pages of the chunks that survived (as small pages). */
    private void rebuildFreeLists() {
        nfreeSmall = 0;
        nfreeHuge = 0;
        for (long first : chunks) {
            for (long p = first + CHUNK_PAGES - 1; p >= first; p--) {
                if (frames.isFree(p)) {
                    freeSmall = growIfFull(freeSmall, nfreeSmall);
                    freeSmall[nfreeSmall++] = p;
                }
            }
        }
    }
}
