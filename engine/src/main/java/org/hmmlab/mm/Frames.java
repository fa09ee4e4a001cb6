package org.hmmlab.mm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hmmlab.mm.devmem.DevPagemap;
import org.hmmlab.units.Bytes;

/**
 * Physical memory: every frame (4 KiB page) of system RAM and of ZONE_DEVICE pagemaps, with its metadata in
 * primitive arrays indexed by frame number.
 *
 * <p>Mirrors the kernel's struct page fields that HMM depends on (_refcount, _mapcount, the GUP pin count, the zone,
 * {@code pgmap->owner}) and the page allocator. Metadata lives in segments of 65,536 frames (one dmirror chunk), each
 * wholly system RAM or wholly one device pagemap, so the zone and owner are per segment and a frame costs 13 bytes
 * (refcount, mapcount, pins, flags). Page contents are lazy: a frame holds bytes only once something writes non-zero
 * data, so experiments that never look at data pay nothing for it. This object is also the machine: it knows every
 * live address space, which the invariant checker and device eviction need.
 */
public final class Frames {
    public static final int SEG_SHIFT = 16;
    public static final int SEG_FRAMES = 1 << SEG_SHIFT;
    private static final int SEG_MASK = SEG_FRAMES - 1;
    private static final int DATA_SHIFT = 9;

    /** Zone of system RAM (ZONE_NORMAL). */
    public static final byte ZONE_NORMAL = 0;
    /** Zone of device-private pagemaps (ZONE_DEVICE, MEMORY_DEVICE_PRIVATE). */
    public static final byte ZONE_DEVICE_PRIVATE = 1;
    /** Zone of device-coherent pagemaps (ZONE_DEVICE, MEMORY_DEVICE_COHERENT). */
    public static final byte ZONE_DEVICE_COHERENT = 2;

    /** Frame flag: an anonymous page (page->mapping is an anon_vma). */
    public static final int F_ANON = 1;
    /** Frame flag: a page-cache page of a file or shmem object. */
    public static final int F_PAGECACHE = 1 << 1;
    /** Frame flag: the shared zero page or a frame of the huge zero page. */
    public static final int F_ZERO = 1 << 2;
    /** Frame flag: head of a 2 MiB folio (order 9); its refcount and mapcount stand for the folio. */
    public static final int F_HEAD = 1 << 3;
    /** Frame flag: tail of a 2 MiB folio. */
    public static final int F_TAIL = 1 << 4;
    /** Frame flag: a driver-allocated kernel page (vm_insert_page). */
    public static final int F_KERNEL = 1 << 5;
    /** Frame flag: locked (folio_lock), held during migration. */
    public static final int F_LOCKED = 1 << 6;

    /** The shared zero page (ZERO_PAGE(0)). */
    public static final int ZERO_PFN = 0;
    /** The head of the huge zero page. */
    public static final int HUGE_ZERO_PFN = 512;

    private int[][] ref = new int[8][];
    private int[][] map = new int[8][];
    private int[][] pin = new int[8][];
    private byte[][] flags = new byte[8][];
    private byte[][][] data = new byte[8 << (SEG_SHIFT - DATA_SHIFT)][][];
    private byte[] segZone = new byte[8];
    private DevPagemap[] segPagemap = new DevPagemap[8];
    private int nsegs;

    private final long ramPages;
    private long usedRam;
    private int freeHead = -1;
    private int[] hugeFree = new int[8];
    private int nhugeFree;
    private int bumpPfn;
    private int bumpEnd;

    private final List<MmStruct> mms = new ArrayList<>();
    private final List<DevPagemap> pagemaps = new ArrayList<>();
    private boolean checkInvariants;
    private final List<Runnable> invariantHooks = new ArrayList<>();
    /** The incremental checker while one watches: told of every frame whose metadata changes; null otherwise. */
    private IncrementalInvariants incremental;

    private Frames(long ramPages) {
        this.ramPages = ramPages;
        int seg = newSegment(ZONE_NORMAL, null);
        bumpPfn = seg << SEG_SHIFT;
        bumpEnd = bumpPfn + SEG_FRAMES;
        // pfn 0: the zero page; 1..511 go to the free list; 512..1023: the huge zero page.
        flags[0][ZERO_PFN] = F_ZERO;
        ref[0][ZERO_PFN] = 1;
        for (int i = 0; i < Mman.PMD_NR; i++) {
            flags[0][HUGE_ZERO_PFN + i] = (byte) (F_ZERO | (i == 0 ? F_HEAD : F_TAIL));
        }
        ref[0][HUGE_ZERO_PFN] = 1;
        bumpPfn = 2 * Mman.PMD_NR;
        for (int p = Mman.PMD_NR - 1; p >= 1; p--) {
            pushFree(p);
        }
        usedRam = 2 * Mman.PMD_NR - (Mman.PMD_NR - 1);
    }

    /** Physical memory with {@code ram} of system RAM (rounded down to pages). */
    public static Frames create(Bytes ram) {
        long pages = ram.bytes() / Mman.PAGE_SIZE;
        if (pages < 4 * Mman.PMD_NR || pages > (1L << 31) - SEG_FRAMES) {
            throw new IllegalArgumentException("ram must be between 8 MiB and 8 TiB, got " + ram);
        }
        return new Frames(pages);
    }

    /** 64 GiB of system RAM, the default machine. */
    public static Frames create() {
        return create(Bytes.GiB(64));
    }

    private int newSegment(byte zone, DevPagemap pgmap) {
        if (nsegs == ref.length) {
            int n = nsegs * 2;
            ref = Arrays.copyOf(ref, n);
            map = Arrays.copyOf(map, n);
            pin = Arrays.copyOf(pin, n);
            flags = Arrays.copyOf(flags, n);
            data = Arrays.copyOf(data, n << (SEG_SHIFT - DATA_SHIFT));
            segZone = Arrays.copyOf(segZone, n);
            segPagemap = Arrays.copyOf(segPagemap, n);
        }
        int s = nsegs++;
        ref[s] = new int[SEG_FRAMES];
        map[s] = new int[SEG_FRAMES];
        pin[s] = new int[SEG_FRAMES];
        flags[s] = new byte[SEG_FRAMES];
        segZone[s] = zone;
        segPagemap[s] = pgmap;
        return s;
    }

    // ---- metadata -------------------------------------------------------------------------------------------

    public int refcount(long pfn) {
        return ref[(int) (pfn >>> SEG_SHIFT)][(int) pfn & SEG_MASK];
    }

    /** Number of page-table mappings of the frame (0 for a free frame). */
    public int mapcount(long pfn) {
        int m = map[(int) (pfn >>> SEG_SHIFT)][(int) pfn & SEG_MASK];
        return Math.max(m, 0);
    }

    public int pincount(long pfn) {
        return pin[(int) (pfn >>> SEG_SHIFT)][(int) pfn & SEG_MASK];
    }

    public int flags(long pfn) {
        return flags[(int) (pfn >>> SEG_SHIFT)][(int) pfn & SEG_MASK];
    }

    public boolean hasFlag(long pfn, int flag) {
        return (flags(pfn) & flag) != 0;
    }

    public void setFlags(long pfn, int f) {
        touched(pfn, 1);
        flags[(int) (pfn >>> SEG_SHIFT)][(int) pfn & SEG_MASK] = (byte) f;
    }

    public void addFlags(long pfn, int f) {
        touched(pfn, 1);
        flags[(int) (pfn >>> SEG_SHIFT)][(int) pfn & SEG_MASK] |= (byte) f;
    }

    public void clearFlags(long pfn, int f) {
        touched(pfn, 1);
        flags[(int) (pfn >>> SEG_SHIFT)][(int) pfn & SEG_MASK] &= (byte) ~f;
    }

    /** The zone of a frame: {@link #ZONE_NORMAL}, {@link #ZONE_DEVICE_PRIVATE} or {@link #ZONE_DEVICE_COHERENT}. */
    public byte zone(long pfn) {
        return segZone[(int) (pfn >>> SEG_SHIFT)];
    }

    /** The device pagemap a frame belongs to (its owner is {@code pagemap.owner()}), or null for system RAM. */
    public DevPagemap pagemap(long pfn) {
        return segPagemap[(int) (pfn >>> SEG_SHIFT)];
    }

    public boolean isDevicePrivate(long pfn) {
        return zone(pfn) == ZONE_DEVICE_PRIVATE;
    }

    public boolean isDeviceCoherent(long pfn) {
        return zone(pfn) == ZONE_DEVICE_COHERENT;
    }

    public boolean isZero(long pfn) {
        return hasFlag(pfn, F_ZERO);
    }

    public boolean isFree(long pfn) {
        return map[(int) (pfn >>> SEG_SHIFT)][(int) pfn & SEG_MASK] < 0;
    }

    /** Whether the frame exists (is part of an allocated segment). */
    public boolean valid(long pfn) {
        return pfn >= 0 && (pfn >>> SEG_SHIFT) < nsegs;
    }

    public void get(long pfn) {
        touched(pfn, 1);
        ref[(int) (pfn >>> SEG_SHIFT)][(int) pfn & SEG_MASK]++;
    }

    public void incMapcount(long pfn) {
        touched(pfn, 1);
        map[(int) (pfn >>> SEG_SHIFT)][(int) pfn & SEG_MASK]++;
    }

    public void decMapcount(long pfn) {
        touched(pfn, 1);
        int[] m = map[(int) (pfn >>> SEG_SHIFT)];
        int i = (int) pfn & SEG_MASK;
        if (m[i] <= 0) {
            throw new IllegalStateException("mapcount underflow on pfn " + pfn);
        }
        m[i]--;
    }

    public void addPins(long pfn, int delta) {
        touched(pfn, 1);
        pin[(int) (pfn >>> SEG_SHIFT)][(int) pfn & SEG_MASK] += delta;
    }

    /** Whether the frame may be pinned by GUP (folio_maybe_dma_pinned()). */
    public boolean maybePinned(long pfn) {
        return pincount(pfn) > 0;
    }

    /**
     * Drops one reference; frees the frame (or the whole folio for a head) when the count reaches zero. Device frames
     * go back to their pagemap's driver through {@code folio_free}. Mirrors put_page()/folio_put().
     */
    public void put(long pfn) {
        touched(pfn, hasFlag(pfn, F_HEAD) ? Mman.PMD_NR : 1);
        int s = (int) (pfn >>> SEG_SHIFT);
        int i = (int) pfn & SEG_MASK;
        int r = --ref[s][i];
        if (r < 0) {
            throw new IllegalStateException("refcount underflow on pfn " + pfn);
        }
        if (r == 0) {
            if ((flags[s][i] & F_ZERO) != 0) {
                throw new IllegalStateException("zero page refcount reached 0");
            }
            boolean head = (flags[s][i] & F_HEAD) != 0;
            if (segZone[s] != ZONE_NORMAL) {
                DevPagemap pg = segPagemap[s];
                clearFrame(pfn, head);
                pg.ops().folioFree(pg, pfn, head ? Mman.PMD_NR : 1);
            } else if (head) {
                clearFrame(pfn, true);
                freeHuge((int) pfn);
            } else {
                clearFrame(pfn, false);
                pushFree((int) pfn);
                usedRam--;
            }
        }
    }

    private void clearFrame(long pfn, boolean head) {
        int n = head ? Mman.PMD_NR : 1;
        for (int k = 0; k < n; k++) {
            long p = pfn + k;
            int s = (int) (p >>> SEG_SHIFT);
            int i = (int) p & SEG_MASK;
            flags[s][i] = 0;
            pin[s][i] = 0;
            map[s][i] = 0;
            setData(p, null);
        }
    }

    // ---- allocation -----------------------------------------------------------------------------------------

    private void pushFree(int pfn) {
        map[pfn >>> SEG_SHIFT][pfn & SEG_MASK] = ~(freeHead + 1);
        freeHead = pfn;
    }

    private void freeHuge(int head) {
        if (nhugeFree == hugeFree.length) {
            hugeFree = Arrays.copyOf(hugeFree, nhugeFree * 2);
        }
        for (int k = 0; k < Mman.PMD_NR; k++) {
            map[(head + k) >>> SEG_SHIFT][(head + k) & SEG_MASK] = -1;
        }
        hugeFree[nhugeFree++] = head;
        usedRam -= Mman.PMD_NR;
    }

    /**
     * Allocates a zeroed 4 KiB system page with refcount 1, or returns -1 when RAM is exhausted. Mirrors
     * alloc_page(GFP_HIGHUSER | __GFP_ZERO).
     */
    public long allocPage(int frameFlags) {
        if (usedRam >= ramPages) {
            return -1;
        }
        int pfn;
        if (freeHead >= 0) {
            pfn = freeHead;
            int m = map[pfn >>> SEG_SHIFT][pfn & SEG_MASK];
            freeHead = ~m - 1;
        } else if (nhugeFree > 0) {
            int head = hugeFree[--nhugeFree];
            for (int k = Mman.PMD_NR - 1; k >= 1; k--) {
                pushFree(head + k);
            }
            pfn = head;
        } else {
            if (bumpPfn == bumpEnd) {
                int seg = newSegment(ZONE_NORMAL, null);
                bumpPfn = seg << SEG_SHIFT;
                bumpEnd = bumpPfn + SEG_FRAMES;
            }
            pfn = bumpPfn++;
        }
        usedRam++;
        touched(pfn, 1);
        int s = pfn >>> SEG_SHIFT;
        int i = pfn & SEG_MASK;
        map[s][i] = 0;
        ref[s][i] = 1;
        flags[s][i] = (byte) frameFlags;
        return pfn;
    }

    /**
     * Allocates a zeroed 2 MiB folio (512 aligned frames, refcount 1 on the head), or -1 when RAM is exhausted.
     * Mirrors vma_alloc_folio(order = HPAGE_PMD_ORDER).
     */
    public long allocHuge(int frameFlags) {
        if (usedRam + Mman.PMD_NR > ramPages) {
            return -1;
        }
        int head;
        if (nhugeFree > 0) {
            head = hugeFree[--nhugeFree];
        } else {
            while ((bumpPfn & (Mman.PMD_NR - 1)) != 0 && bumpPfn < bumpEnd) {
                int p = bumpPfn++;
                pushFree(p);
            }
            if (bumpPfn == bumpEnd) {
                int seg = newSegment(ZONE_NORMAL, null);
                bumpPfn = seg << SEG_SHIFT;
                bumpEnd = bumpPfn + SEG_FRAMES;
            }
            head = bumpPfn;
            bumpPfn += Mman.PMD_NR;
        }
        usedRam += Mman.PMD_NR;
        touched(head, Mman.PMD_NR);
        for (int k = 0; k < Mman.PMD_NR; k++) {
            int p = head + k;
            int s = p >>> SEG_SHIFT;
            int i = p & SEG_MASK;
            map[s][i] = 0;
            ref[s][i] = 0;
            flags[s][i] = (byte) (frameFlags | (k == 0 ? F_HEAD : F_TAIL));
        }
        ref[head >>> SEG_SHIFT][head & SEG_MASK] = 1;
        return head;
    }

    /**
     * Splits a 2 MiB folio into 512 small pages; each inherits the head's refcount and mapcount share as given.
     * Mirrors split_folio() for a folio mapped only by PTEs afterwards.
     */
    public void splitFolio(long head, int refEach, int mapEach) {
        touched(head, Mman.PMD_NR);
        for (int k = 0; k < Mman.PMD_NR; k++) {
            long p = head + k;
            int s = (int) (p >>> SEG_SHIFT);
            int i = (int) p & SEG_MASK;
            flags[s][i] &= (byte) ~(F_HEAD | F_TAIL);
            ref[s][i] = refEach;
            map[s][i] = mapEach;
        }
    }

    /** RAM pages in use (system frames allocated, the zero pages included). */
    public long usedRamPages() {
        return usedRam;
    }

    public long ramPages() {
        return ramPages;
    }

    /**
     * Reserves {@code nsegments} fresh segments of device frames for a pagemap and returns the first pfn. Mirrors
     * request_free_mem_region() plus memremap_pages(): the frames get struct pages (metadata) but no RAM. A range
     * released earlier is handed out again before fresh numbers are taken.
     */
    public long reserveDeviceRange(DevPagemap pgmap, int nsegments) {
        byte zone = pgmap.type() == org.hmmlab.mm.devmem.MemoryType.DEVICE_PRIVATE
                ? ZONE_DEVICE_PRIVATE : ZONE_DEVICE_COHERENT;
        long first = -1;
        int reuse = releasedRun(nsegments);
        for (int k = 0; k < nsegments; k++) {
            int s;
            if (reuse >= 0) {
                s = reuse + k;
                touched((long) s << SEG_SHIFT, SEG_FRAMES); // an entry left pointing here now names a free frame
                ref[s] = new int[SEG_FRAMES];
                map[s] = new int[SEG_FRAMES];
                pin[s] = new int[SEG_FRAMES];
                flags[s] = new byte[SEG_FRAMES];
                segZone[s] = zone;
                segPagemap[s] = pgmap;
            } else {
                s = newSegment(zone, pgmap);
            }
            Arrays.fill(map[s], -1); // every device frame starts free (owned by its driver)
            if (first < 0) {
                first = (long) s << SEG_SHIFT;
            }
        }
        if (!pagemaps.contains(pgmap)) {
            pagemaps.add(pgmap);
        }
        return first;
    }

    /**
     * The first of {@code n} consecutive segments a released device range left, or -1. The kernel's
     * request_free_mem_region() finds the physical range a released pagemap gave back (release_mem_region()) and
     * hands it out again; so does this, and a driver that releases and re-adds its memory over and over (dmirror's
     * RELEASE) keeps the same number of segments instead of adding one each time.
     */
    private int releasedRun(int n) {
        for (int s = 0; s + n <= nsegs; s++) {
            int k = 0;
            while (k < n && zoneSegmentReleased(s + k)) {
                k++;
            }
            if (k == n) {
                return s;
            }
        }
        return -1;
    }

    /** Detaches a device range (memunmap_pages()); its frames must all be free. */
    public void releaseDeviceRange(long firstPfn, int nsegments) {
        for (int k = 0; k < nsegments; k++) {
            int s = (int) (firstPfn >>> SEG_SHIFT) + k;
            segPagemap[s] = null;
            segZone[s] = ZONE_NORMAL;
            ref[s] = new int[1];
            map[s] = new int[1];
            pin[s] = new int[1];
            flags[s] = new byte[1];
            Arrays.fill(data, s << (SEG_SHIFT - DATA_SHIFT), (s + 1) << (SEG_SHIFT - DATA_SHIFT), null);
        }
    }

    /** Marks a device frame free (back with its driver); entries must no longer point at it. */
    public void markDeviceFree(long pfn) {
        touched(pfn, 1);
        map[(int) (pfn >>> SEG_SHIFT)][(int) pfn & SEG_MASK] = -1;
    }

    /** The head of the folio containing {@code pfn} (itself for a small page). */
    public long folioHead(long pfn) {
        return hasFlag(pfn, F_TAIL) ? pfn & ~(long) (Mman.PMD_NR - 1) : pfn;
    }

    /** Prepares a device frame handed out by its driver: refcount 1, given flags. Mirrors zone_device_page_init(). */
    public void initDeviceFrame(long pfn, int frameFlags) {
        touched(pfn, 1);
        int s = (int) (pfn >>> SEG_SHIFT);
        int i = (int) pfn & SEG_MASK;
        ref[s][i] = 1;
        map[s][i] = 0;
        flags[s][i] = (byte) frameFlags;
    }

    // ---- contents -------------------------------------------------------------------------------------------

    /** The bytes of a frame, or null when it holds only zeros. The array must not be modified. */
    public byte[] data(long pfn) {
        byte[][] chunk = data[(int) (pfn >>> DATA_SHIFT)];
        return chunk == null ? null : chunk[(int) pfn & ((1 << DATA_SHIFT) - 1)];
    }

    private void setData(long pfn, byte[] d) {
        int c = (int) (pfn >>> DATA_SHIFT);
        byte[][] chunk = data[c];
        if (chunk == null) {
            if (d == null) {
                return;
            }
            chunk = new byte[1 << DATA_SHIFT][];
            data[c] = chunk;
        }
        chunk[(int) pfn & ((1 << DATA_SHIFT) - 1)] = d;
    }

    /** The bytes of a frame for writing, allocated on first use. */
    public byte[] dataForWrite(long pfn) {
        if (isZero(pfn)) {
            throw new IllegalStateException("write to the zero page");
        }
        byte[] d = data(pfn);
        if (d == null) {
            d = new byte[(int) Mman.PAGE_SIZE];
            setData(pfn, d);
        }
        return d;
    }

    /** Copies the contents of frame {@code src} to frame {@code dst} (copy_highpage()). */
    public void copyPage(long dst, long src) {
        byte[] d = data(src);
        setData(dst, d == null ? null : d.clone());
    }

    /** Zero-fills a frame (clear_highpage()). */
    public void zeroPage(long pfn) {
        setData(pfn, null);
    }

    public int readInt(long pfn, int offset) {
        byte[] d = data(pfn);
        return d == null ? 0 : (int) INT.get(d, offset);
    }

    public void writeInt(long pfn, int offset, int value) {
        INT.set(dataForWrite(pfn), offset, value);
    }

    /** Copies {@code len} bytes of frame {@code pfn} at {@code offset} into {@code dst}. */
    public void read(long pfn, int offset, byte[] dst, int dstOff, int len) {
        byte[] d = data(pfn);
        if (d == null) {
            Arrays.fill(dst, dstOff, dstOff + len, (byte) 0);
        } else {
            System.arraycopy(d, offset, dst, dstOff, len);
        }
    }

    public void write(long pfn, int offset, byte[] src, int srcOff, int len) {
        if (data(pfn) == null && allZero(src, srcOff, len)) {
            return;
        }
        System.arraycopy(src, srcOff, dataForWrite(pfn), offset, len);
    }

    private static boolean allZero(byte[] b, int off, int len) {
        for (int k = off; k < off + len; k++) {
            if (b[k] != 0) {
                return false;
            }
        }
        return true;
    }

    private static final java.lang.invoke.VarHandle INT =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    // ---- the machine ----------------------------------------------------------------------------------------

    private int mmIds;

    /** The next address-space number on this machine (ids are per machine, so runs are reproducible). */
    int nextMmId() {
        return ++mmIds;
    }

    void register(MmStruct mm) {
        mms.add(mm);
        if (incremental != null) {
            incremental.watch(mm);
        }
    }

    void unregister(MmStruct mm) {
        mms.remove(mm);
    }

    /** Every live address space, in creation order. */
    public List<MmStruct> addressSpaces() {
        return List.copyOf(mms);
    }

    /** Every device pagemap ever attached, in creation order. */
    public List<DevPagemap> pagemaps() {
        return List.copyOf(pagemaps);
    }

    /**
     * Turns on the invariant checker after every public operation of the address spaces and devices on this
     * machine (tests do; it costs a full scan).
     */
    public void setInvariantChecking(boolean on) {
        checkInvariants = on;
        if (incremental != null) {
            incremental.detach();
            incremental = null;
        }
    }

    public boolean invariantChecking() {
        return checkInvariants;
    }

    /**
     * Adds a check run with the invariant checker (a device's own consistency rules). The owner removes it with
     * {@link #removeInvariantHook} when it goes away: the list holds the hook, and the hook its owner.
     */
    public void addInvariantHook(Runnable hook) {
        invariantHooks.add(hook);
    }

    /** Removes a hook added by {@link #addInvariantHook} (a mirror being released); nothing if it is not there. */
    public void removeInvariantHook(Runnable hook) {
        invariantHooks.remove(hook);
    }

    /**
     * Turns on the incremental invariant checker instead of the full one: after every public operation it checks
     * only the page-table regions and frames the operation touched, and every {@code fullEvery} checkpoints it runs
     * the full checker ({@link Invariants#check}) and the devices' hooks. Cost per operation then follows what the
     * operation did, not the size of the machine. {@code fullEvery} must be at least 1.
     */
    public void setIncrementalInvariantChecking(int fullEvery) {
        if (fullEvery < 1) {
            throw new IllegalArgumentException("fullEvery must be at least 1, got " + fullEvery);
        }
        checkInvariants = true;
        if (incremental != null) {
            incremental.detach();
        }
        incremental = new IncrementalInvariants(this, fullEvery);
    }

    /** The incremental checker, or null when none watches (engine-internal: the address spaces report to it). */
    IncrementalInvariants incrementalChecker() {
        return incremental;
    }

    private void touched(long pfn, int n) {
        if (incremental != null) {
            incremental.frameTouched(pfn, n);
        }
    }

    /** Runs the invariant checker now if it is on. */
    public void checkpoint() {
        if (checkInvariants) {
            if (incremental != null) {
                if (incremental.checkpoint()) {
                    runHooks();
                }
                return;
            }
            Invariants.check(this);
            runHooks();
        }
    }

    /** Runs the full checker and the devices' hooks now, whatever the mode (the end of a run, a test). */
    public void checkFully() {
        if (incremental != null) {
            incremental.checkFully();
        } else {
            Invariants.check(this);
        }
        runHooks();
    }

    private void runHooks() {
        for (Runnable r : invariantHooks) {
            r.run();
        }
    }

    int segments() {
        return nsegs;
    }

    boolean zoneSegmentReleased(int s) {
        return ref[s].length != SEG_FRAMES;
    }
}
