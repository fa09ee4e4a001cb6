package org.hmmlab.dmirror;

import org.hmmlab.mm.Errno;
import org.hmmlab.mm.Frames;
import org.hmmlab.mm.Mman;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.PageTable;
import org.hmmlab.mm.Pte;
import org.hmmlab.mm.Vma;
import org.hmmlab.mm.devmem.DevPagemap;
import org.hmmlab.mm.hmm.HmmPfn;
import org.hmmlab.mm.hmm.HmmRange;
import org.hmmlab.mm.hmm.RangeFaultLoop;
import org.hmmlab.mm.notifier.MmuIntervalNotifier;
import org.hmmlab.mm.notifier.MmuNotifierRange;
import org.hmmlab.mm.notifier.MmuNotifyEvent;

/**
 * One open descriptor of a dmirror device: a device page table mirroring one address space, kept coherent through
 * an interval notifier over the whole space.
 *
 * <p>Mirrors struct dmirror and the ioctls of lib/test_hmm.c. Device reads and writes go through the device page
 * table; a missing entry triggers a fault round (dmirror_fault: windows of 32 pages, each through the canonical
 * read_begin / hmm_range_fault / read_retry loop), and {@code faults} counts rounds, not pages. The invalidate
 * callback ignores MIGRATE events whose owner is this device and otherwise erases the range, including the page at
 * {@code end} (the kernel's xa_for_each_range bound is inclusive).
 */
public final class Dmirror {
    public static final int HMM_DMIRROR_READ = 0x00;
    public static final int HMM_DMIRROR_WRITE = 0x01;
    public static final int HMM_DMIRROR_MIGRATE_TO_DEV = 0x02;
    public static final int HMM_DMIRROR_MIGRATE_TO_SYS = 0x03;
    public static final int HMM_DMIRROR_SNAPSHOT = 0x04;
    public static final int HMM_DMIRROR_EXCLUSIVE = 0x05;
    public static final int HMM_DMIRROR_CHECK_EXCLUSIVE = 0x06;
    public static final int HMM_DMIRROR_RELEASE = 0x07;
    public static final int HMM_DMIRROR_FLAGS = 0x08;

    /** HMM_DMIRROR_FLAG_FAIL_ALLOC: the next device-memory allocation fails (one shot). */
    public static final long HMM_DMIRROR_FLAG_FAIL_ALLOC = 1;

    public static final byte PROT_ERROR = (byte) 0xFF;
    public static final byte PROT_NONE = 0x00;
    public static final byte PROT_READ = 0x01;
    public static final byte PROT_WRITE = 0x02;
    public static final byte PROT_PMD = 0x04;
    public static final byte PROT_PUD = 0x08;
    public static final byte PROT_ZERO = 0x10;
    public static final byte PROT_DEV_PRIVATE_LOCAL = 0x20;
    public static final byte PROT_DEV_PRIVATE_REMOTE = 0x30;
    public static final byte PROT_DEV_COHERENT_LOCAL = 0x40;
    public static final byte PROT_DEV_COHERENT_REMOTE = 0x50;

    /** Device page-table entry tags: DPT_XA_TAG_WRITE and DPT_XA_TAG_ATOMIC. */
    static final long TAG_WRITE = 1L << 1;
    static final long TAG_ATOMIC = 1L << 2;
    private static final long ENTRY_VALID = 1L;

    /** Pages per hmm_range_fault window (the pfns[] array of dmirror_fault / dmirror_snapshot). */
    static final int WINDOW = 32;
    /** Retries of the read_begin loop before -EBUSY; stands for HMM_RANGE_DEFAULT_TIMEOUT (1000 ms). */
    static final int RETRY_LIMIT = 1000;

    final DmirrorDevice device;
    final MmStruct mm;
    final Frames frames;
    final PageTable pt = new PageTable();
    final MmuIntervalNotifier notifier;
    long flags;
    private boolean closed;
    private final long[] pfns = new long[WINDOW];
    private final HmmRange range = new HmmRange();
    private long invalidations;
    private long faultRounds;
    private Runnable mmapUnlockHook;
    /** This mirror's rules in the invariant checker; removed at close, or every closed mirror (and its dead mm) stays reachable. */
    private final Runnable invariantHook = this::checkInvariants;
    /** Runs the mmap-unlock hook after each hmm_range_fault() of the fault path, as mmap_read_unlock() would. */
    private final RangeFaultLoop.Listener afterWalk = new RangeFaultLoop.Listener() {
        @Override
        public void walked(int attempt, long seq, int rc) {
            if (mmapUnlockHook != null) {
                mmapUnlockHook.run();
            }
        }
    };

    Dmirror(DmirrorDevice device, MmStruct mm) {
        this.device = device;
        this.mm = mm;
        this.frames = mm.frames();
        this.notifier = MmuIntervalNotifier.insertWholeSpace(mm, this::invalidate);
        frames.addInvariantHook(invariantHook);
    }

    public DmirrorDevice device() {
        return device;
    }

    public MmStruct mm() {
        return mm;
    }

    /** The mirror's flags word (HMM_DMIRROR_FLAGS). */
    public long flags() {
        return flags;
    }

    /** Invalidation callbacks that cleared entries (not filtered). */
    public long invalidations() {
        return invalidations;
    }

    /** Fault rounds run since open. */
    public long faultRounds() {
        return faultRounds;
    }

    /**
     * Runs {@code hook} at every point where the kernel driver has dropped the mmap lock and another thread of the
     * process could run (after each hmm_range_fault(), before the driver lock is taken). Lets a scenario place a
     * racing munmap deterministically, as the selftest {@code anon_teardown} does with a thread. Null removes it.
     */
    public void onMmapUnlock(Runnable hook) {
        this.mmapUnlockHook = hook;
    }

    /** The device page-table entry's frame for {@code addr}, or -1. */
    public long mirroredPfn(long addr) {
        long e = pt.pte(addr);
        return e == 0 ? -1 : Pte.pfn(e);
    }

    /** Whether the device may write {@code addr} through its page table. */
    public boolean mirroredWritable(long addr) {
        return (pt.pte(addr) & TAG_WRITE) != 0;
    }

    // ---- notifier --------------------------------------------------------------------------------------------

    private boolean invalidate(MmuIntervalNotifier sub, MmuNotifierRange r, long curSeq) {
        if (r.event() == MmuNotifyEvent.MIGRATE && r.owner() == device) {
            return true;
        }
        sub.setSeq(curSeq);
        invalidations++;
        // xa_for_each_range(start >> PAGE_SHIFT, end >> PAGE_SHIFT) is inclusive of the last index.
        long endIncl = Math.min(r.end() + Mman.PAGE_SIZE, Mman.TASK_SIZE);
        pt.clearRange(r.start(), endIncl);
        return true;
    }

    // ---- ioctl -----------------------------------------------------------------------------------------------

    /**
     * Runs one command; returns 0 or {@code -errno}. On success {@code cmd.cpages} and {@code cmd.faults} are
     * written; on failure {@code cmd} is left as it was. Mirrors dmirror_fops_unlocked_ioctl().
     */
    public int ioctl(int command, DmirrorCmd cmd) {
        if (closed) {
            throw new IllegalStateException("ioctl on a closed dmirror descriptor");
        }
        if (cmd == null) {
            return -Errno.EFAULT;
        }
        if (!Mman.pageAligned(cmd.addr) || cmd.addr < 0) {
            return -Errno.EINVAL;
        }
        if (cmd.npages <= 0 || cmd.npages > (Mman.TASK_SIZE >>> Mman.PAGE_SHIFT)
                || cmd.addr + (cmd.npages << Mman.PAGE_SHIFT) <= cmd.addr) {
            return -Errno.EINVAL;
        }
        Result res = new Result();
        int rc = switch (command) {
            case HMM_DMIRROR_READ -> read(cmd, res);
            case HMM_DMIRROR_WRITE -> write(cmd, res);
            case HMM_DMIRROR_SNAPSHOT -> snapshot(cmd, res);
            case HMM_DMIRROR_FLAGS -> {
                flags = cmd.npages;
                yield 0;
            }
            default -> DmirrorMigrate.ioctl(this, command, cmd, res);
        };
        frames.checkpoint();
        if (rc == 0) {
            cmd.cpages = res.cpages;
            cmd.faults = res.faults;
        }
        return rc;
    }

    /** The outputs of one ioctl before they are copied back. */
    static final class Result {
        long cpages;
        long faults;
    }

    /** Closes the descriptor: removes the notifier, evicts the device's memory. Mirrors dmirror_fops_release(). */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        notifier.remove();
        frames.removeInvariantHook(invariantHook);
        DmirrorMigrate.evictAll(device);
        pt.clearRange(0, Mman.TASK_SIZE);
    }

    private static void checkBuffer(DmirrorCmd cmd, long bytes) {
        if (cmd.ptr == null || cmd.ptr.length < bytes) {
            throw new IllegalArgumentException("cmd.ptr must hold " + bytes + " bytes");
        }
    }

    private int read(DmirrorCmd cmd, Result res) {
        long start = cmd.addr;
        long end = start + (cmd.npages << Mman.PAGE_SHIFT);
        checkBuffer(cmd, end - start);
        byte[] bounce = new byte[(int) (end - start)];
        int ret;
        for (;;) {
            ret = copyFromDevice(start, end, bounce, res);
            if (ret != -Errno.ENOENT) {
                break;
            }
            long from = cmd.addr + (res.cpages << Mman.PAGE_SHIFT);
            ret = fault(from, end, false);
            if (ret != 0) {
                break;
            }
            res.faults++;
        }
        if (ret == 0) {
            System.arraycopy(bounce, 0, cmd.ptr, 0, bounce.length);
        }
        return ret;
    }

    /** dmirror_do_read: copies from the device page table, counting pages in res.cpages; -ENOENT at a hole. */
    int copyFromDevice(long start, long end, byte[] bounce, Result res) {
        for (long a = start + (res.cpages << Mman.PAGE_SHIFT); a < end; a += Mman.PAGE_SIZE) {
            long e = pt.pte(a);
            if (e == 0) {
                return -Errno.ENOENT;
            }
            frames.read(Pte.pfn(e), 0, bounce, (int) (a - start), (int) Mman.PAGE_SIZE);
            res.cpages++;
        }
        return 0;
    }

    private int write(DmirrorCmd cmd, Result res) {
        long start = cmd.addr;
        long end = start + (cmd.npages << Mman.PAGE_SHIFT);
        checkBuffer(cmd, end - start);
        int ret;
        for (;;) {
            ret = copyToDevice(start, end, cmd.ptr, res);
            if (ret != -Errno.ENOENT) {
                break;
            }
            long from = cmd.addr + (res.cpages << Mman.PAGE_SHIFT);
            ret = fault(from, end, true);
            if (ret != 0) {
                break;
            }
            res.faults++;
        }
        return ret;
    }

    private int copyToDevice(long start, long end, byte[] src, Result res) {
        for (long a = start + (res.cpages << Mman.PAGE_SHIFT); a < end; a += Mman.PAGE_SIZE) {
            long e = pt.pte(a);
            if (e == 0 || (e & TAG_WRITE) == 0) {
                return -Errno.ENOENT;
            }
            frames.write(Pte.pfn(e), 0, src, (int) (a - start), (int) Mman.PAGE_SIZE);
            res.cpages++;
        }
        return 0;
    }

    /** dmirror_fault: faults [start, end) into the device page table, one window at a time. */
    int fault(long start, long end, boolean write) {
        if (mm.isDead()) {
            return 0;
        }
        faultRounds++;
        for (long addr = start; addr < end; ) {
            long next = Math.min(end, addr + ((long) WINDOW << Mman.PAGE_SHIFT));
            range.notifier = notifier;
            range.start = addr;
            range.end = next;
            range.hmmPfns = pfns;
            range.defaultFlags = HmmPfn.REQ_FAULT | (write ? HmmPfn.REQ_WRITE : 0);
            range.pfnFlagsMask = 0;
            range.devPrivateOwner = device;
            int ret = rangeFault(range);
            if (ret != 0) {
                return ret;
            }
            addr = next;
        }
        return 0;
    }

    /** dmirror_range_fault: the canonical driver loop, then dmirror_do_fault under the (implicit) lock. */
    private int rangeFault(HmmRange r) {
        int ret = RangeFaultLoop.run(r, RETRY_LIMIT, afterWalk);
        if (ret != 0) {
            return ret;
        }
        int n = r.npages();
        for (int i = 0; i < n; i++) {
            long w = r.hmmPfns[i];
            if ((w & HmmPfn.ERROR) != 0 || (w & HmmPfn.VALID) == 0) {
                throw new IllegalStateException("hmm_range_fault returned an unusable pfn: " + HmmPfn.describe(w));
            }
            long entry = (HmmPfn.pfn(w) << Pte.PFN_SHIFT) | ENTRY_VALID;
            if ((w & HmmPfn.WRITE) != 0) {
                entry |= TAG_WRITE;
            } else if ((r.defaultFlags & HmmPfn.REQ_WRITE) != 0) {
                return -Errno.EFAULT;
            }
            pt.setPte(r.start + ((long) i << Mman.PAGE_SHIFT), entry);
        }
        return 0;
    }

    /** Stores a device page-table entry (migration and exclusive paths). */
    void store(long addr, long pfn, boolean write, boolean atomic) {
        long entry = (pfn << Pte.PFN_SHIFT) | ENTRY_VALID | (write ? TAG_WRITE : 0) | (atomic ? TAG_ATOMIC : 0);
        pt.setPte(addr, entry);
    }

    void erase(long addr) {
        long[] t = pt.pteTable(addr);
        if (t != null) {
            t[PageTable.pteIndex(addr)] = 0;
        }
    }

    long entry(long addr) {
        return pt.pte(addr);
    }

    // ---- snapshot --------------------------------------------------------------------------------------------

    private int snapshot(DmirrorCmd cmd, Result res) {
        long start = cmd.addr;
        long end = start + (cmd.npages << Mman.PAGE_SHIFT);
        checkBuffer(cmd, cmd.npages);
        byte[] perm = new byte[(int) cmd.npages];
        long[] spfns = new long[WINDOW];
        for (long addr = start; addr < end; ) {
            long next = Math.min(end, addr + ((long) WINDOW << Mman.PAGE_SHIFT));
            HmmRange r = new HmmRange(null, addr, next, spfns, 0, 0, device);
            int ret = rangeSnapshot(r, perm, (int) ((addr - start) >>> Mman.PAGE_SHIFT));
            if (ret != 0) {
                return ret;
            }
            res.cpages += r.npages();
            addr = next;
        }
        System.arraycopy(perm, 0, cmd.ptr, 0, perm.length);
        return 0;
    }

    private int rangeSnapshot(HmmRange r, byte[] perm, int off) {
        MmuIntervalNotifier tmp = MmuIntervalNotifier.insert(mm, r.start, r.end - r.start, (sub, rr, seq) -> {
            sub.setSeq(seq);
            return true;
        });
        r.notifier = tmp;
        try {
            int ret = RangeFaultLoop.run(r, RETRY_LIMIT, RangeFaultLoop.SILENT);
            if (ret != 0) {
                return ret;
            }
            for (int i = 0; i < r.npages(); i++) {
                perm[off + i] = mkentry(r.hmmPfns[i]);
            }
            return 0;
        } finally {
            tmp.remove();
        }
    }

    /** dmirror_mkentry: one snapshot byte for an hmm_pfns word. */
    private byte mkentry(long w) {
        if ((w & HmmPfn.ERROR) != 0) {
            return PROT_ERROR;
        }
        if ((w & HmmPfn.VALID) == 0) {
            return PROT_NONE;
        }
        long pfn = HmmPfn.pfn(w);
        int p;
        DevPagemap pg = frames.pagemap(pfn);
        if (frames.isDevicePrivate(pfn)) {
            p = pg.owner() == device ? PROT_DEV_PRIVATE_LOCAL : PROT_DEV_PRIVATE_REMOTE;
        } else if (frames.isDeviceCoherent(pfn)) {
            p = pg.owner() == device ? PROT_DEV_COHERENT_LOCAL : PROT_DEV_COHERENT_REMOTE;
        } else if (pfn == Frames.ZERO_PFN) {
            p = PROT_ZERO;
        } else {
            p = PROT_NONE;
        }
        p |= (w & HmmPfn.WRITE) != 0 ? PROT_WRITE : PROT_READ;
        int order = HmmPfn.mapOrder(w);
        if (order + Mman.PAGE_SHIFT == Mman.PMD_SHIFT) {
            p |= PROT_PMD;
        } else if (order + Mman.PAGE_SHIFT == Mman.PUD_SHIFT) {
            p |= PROT_PUD;
        }
        return (byte) p;
    }

    // ---- device file -----------------------------------------------------------------------------------------

    /**
     * Maps the device file: every page of the new area gets a freshly zeroed kernel page through vm_insert_page()
     * (the area becomes VM_MIXEDMAP). Mirrors dmirror_fops_mmap(); use with {@link MmStruct#mmapDevice}.
     */
    public int mmap(MmStruct target, Vma vma) {
        for (long a = vma.start(); a < vma.end(); a += Mman.PAGE_SIZE) {
            long pfn = frames.allocPage(Frames.F_KERNEL);
            if (pfn < 0) {
                return -Errno.ENOMEM;
            }
            int ret = target.vmInsertPage(vma, a, pfn);
            frames.put(pfn);
            if (ret != 0) {
                return ret;
            }
        }
        return 0;
    }

    // ---- invariants ------------------------------------------------------------------------------------------

    /** A device entry never disagrees with the CPU mapping: same frame, and writable only if the CPU's is. */
    private void checkInvariants() {
        if (closed || mm.isDead()) {
            return;
        }
        pt.forEachPte((addr, e) -> {
            long cpu = mm.entry(addr);
            long pfn = Pte.pfn(e);
            long cpuPfn = Pte.pfn(cpu);
            if (Pte.isHuge(cpu)) {
                cpuPfn += (addr >>> Mman.PAGE_SHIFT) & (Mman.PMD_NR - 1);
            }
            if (cpu == 0 || cpuPfn != pfn) {
                throw new IllegalStateException(device + " mirror of " + mm + " maps 0x" + Long.toHexString(addr)
                        + " to pfn " + pfn + " but the CPU entry is " + Pte.describe(cpu));
            }
            if ((e & TAG_WRITE) != 0 && !Pte.isWrite(cpu)) {
                throw new IllegalStateException(device + " mirror of " + mm + " may write 0x" + Long.toHexString(addr)
                        + " but the CPU entry is " + Pte.describe(cpu));
            }
            return 0;
        });
    }
}
