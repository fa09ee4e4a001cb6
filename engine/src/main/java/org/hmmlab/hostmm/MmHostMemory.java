package org.hmmlab.hostmm;

import java.util.ArrayList;
import java.util.List;

import org.hmmlab.device.HostMemory;
import org.hmmlab.mm.Errno;
import org.hmmlab.mm.Frames;
import org.hmmlab.mm.Mman;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.Pte;
import org.hmmlab.mm.VmFault;
import org.hmmlab.mm.Vma;
import org.hmmlab.mm.hmm.Hmm;
import org.hmmlab.mm.hmm.HmmPfn;
import org.hmmlab.mm.hmm.HmmRange;
import org.hmmlab.mm.hmm.RangeFaultLoop;
import org.hmmlab.mm.notifier.MmuIntervalNotifier;
import org.hmmlab.sim.EventHandler;

/**
 * Host memory as the functional core models it: a real {@link MmStruct} whose anonymous mappings the device
 * mirrors through MMU interval notifiers and faults in with {@link Hmm#rangeFault}, retrying on a racing
 * invalidation exactly as a kernel driver does ({@link RangeFaultLoop}: read_begin, hmm_range_fault, -EBUSY or
 * read_retry, again), and whose device-private entries are the one record of which pages are in device memory.
 *
 * <p>The time-free core decides what happens (zero page on a read, copy-on-write on the first write, which
 * invalidations a change sends and why); the timing layer charges for it. Migrations go through migrate_vma into a
 * device-private pagemap ({@link DevicePrivateMemory}); a CPU touch of a device page takes the core's fault, whose
 * migrate_to_ram hands it to the GPU's driver.
 */
public final class MmHostMemory implements HostMemory {

    private final MmStruct mm;
    private final DevicePrivateMemory device;
    private final List<MmuIntervalNotifier> notifiers = new ArrayList<>();
    private final List<long[]> ranges = new ArrayList<>();
    private final HmmRange range = new HmmRange();
    private long[] pfns = new long[64];
    private long retries;
    /** Counts the driver loop's retries (-EBUSY during the walk, or mmu_interval_read_retry after it). */
    private final RangeFaultLoop.Listener countRetries = new RangeFaultLoop.Listener() {
        @Override
        public void attempt(int attempt, long seq, int rc, RangeFaultLoop.Step step) {
            if (step == RangeFaultLoop.Step.EBUSY || step == RangeFaultLoop.Step.READ_RETRY) {
                retries++;
            }
        }
    };
    /** The driver CPU faults on device-private pages go to. */
    private DeviceDriver driver;
    /** The driver's share of the last CPU access's time. */
    private long driverNanos;
    // the CPU fault being handled: the faulting thread's time and resume handler
    private long faultNanos;
    private EventHandler faultResume;
    private long faultArg;

    /** A fresh process on a machine with 64 GiB of RAM. */
    public MmHostMemory() {
        this(MmStruct.create(Frames.create()));
    }

    public MmHostMemory(MmStruct mm) {
        this.mm = mm;
        this.device = new DevicePrivateMemory(mm.frames(), this);
    }

    public MmStruct mm() {
        return mm;
    }

    /** hmm_range_fault calls repeated after -EBUSY or a failed read_retry. */
    public long retries() {
        return retries;
    }

    @Override
    public long mapAnonymous(String name, long pages) {
        long addr = mm.mmap(pages << Mman.PAGE_SHIFT, Mman.PROT_READ | Mman.PROT_WRITE,
                Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
        if (addr < 0) {
            throw new IllegalArgumentException("cannot map '" + name + "' (" + pages + " pages): errno " + -addr);
        }
        return addr >>> Mman.PAGE_SHIFT;
    }

    /**
     * munmap of the range: the core sends MMU_NOTIFY_UNMAP to the interval notifiers (the GPU drops its mappings
     * and its copy of the pages), zaps the entries (device-private pages go back to {@link DevicePrivateMemory}'s
     * free list through folio_free, uncopied) and removes the VMA; then the mirror's interval notifier is removed,
     * as a driver does once its range is gone (mmu_interval_notifier_remove()).
     */
    @Override
    public void unmap(long firstPage, long pages) {
        int rc = mm.munmap(firstPage << Mman.PAGE_SHIFT, pages << Mman.PAGE_SHIFT);
        if (rc != 0) {
            throw new IllegalArgumentException("cannot unmap pages [" + firstPage + ", " + (firstPage + pages)
                    + "): errno " + -rc);
        }
        for (int i = ranges.size() - 1; i >= 0; i--) {
            long[] r = ranges.get(i);
            if (r[0] >= firstPage && r[1] <= firstPage + pages) {
                notifiers.remove(i).remove();
                ranges.remove(i);
            }
        }
    }

    @Override
    public void mirror(long firstPage, long pages, Invalidator device) {
        MmuIntervalNotifier n = MmuIntervalNotifier.insert(mm, firstPage << Mman.PAGE_SHIFT,
                pages << Mman.PAGE_SHIFT, (sub, r, seq) -> {
                    sub.setSeq(seq); // under the device lock: the next read_retry sees the invalidation
                    long first = Math.max(r.start(), firstPage << Mman.PAGE_SHIFT) >>> Mman.PAGE_SHIFT;
                    long end = Math.min(r.end(), (firstPage + pages) << Mman.PAGE_SHIFT);
                    long last = (end + Mman.PAGE_SIZE - 1) >>> Mman.PAGE_SHIFT;
                    if (last > first) {
                        device.invalidate(first, last - first, r.event());
                    }
                    return true;
                });
        notifiers.add(n);
        ranges.add(new long[] {firstPage, firstPage + pages});
    }

    @Override
    public long rangeFault(long firstPage, long pages, boolean write) {
        MmuIntervalNotifier n = notifierFor(firstPage, pages);
        if (n == null) {
            return -Errno.EFAULT;
        }
        long missing = 0;
        for (long p = firstPage; p < firstPage + pages; p++) {
            if (!present(p, write)) {
                missing++;
            }
        }
        if (pfns.length < pages) {
            pfns = new long[(int) Math.max(pages, pfns.length * 2L)];
        }
        range.notifier = n;
        range.start = firstPage << Mman.PAGE_SHIFT;
        range.end = (firstPage + pages) << Mman.PAGE_SHIFT;
        range.hmmPfns = pfns;
        range.defaultFlags = HmmPfn.REQ_FAULT | (write ? HmmPfn.REQ_WRITE : 0);
        range.pfnFlagsMask = 0;
        range.devPrivateOwner = device.owner(); // our device pages are reported, not faulted back
        int rc = RangeFaultLoop.run(range, Integer.MAX_VALUE, countRetries);
        return rc < 0 ? rc : missing;
    }

    @Override
    public boolean present(long page, boolean write) {
        long e = mm.entry(page << Mman.PAGE_SHIFT);
        return Pte.isPresent(e) && (!write || Pte.isWrite(e));
    }

    /**
     * A CPU load or store. On a device-private entry the core's fault handler runs (handle_mm_fault(), then
     * do_swap_page() calling the pagemap's migrate_to_ram), which passes the fault to the driver with the thread's
     * time and resume handler; the access itself is retried when the thread resumes.
     */
    @Override
    public CpuAccess cpuAccess(long page, boolean write, long nowNanos, EventHandler resume, long arg) {
        long addr = page << Mman.PAGE_SHIFT;
        if (driver != null && driver.underMigration(page)) {
            driver.waitForMigration(page, resume, arg);
            return CpuAccess.WAITING;
        }
        if (driver != null && write) {
            long collapse = driver.cpuWrite(page, nowNanos);
            driverNanos += collapse;
            nowNanos += collapse;
        }
        if (driver != null && Pte.isDevicePrivate(mm.entry(addr))) {
            faultNanos = nowNanos;
            faultResume = resume;
            faultArg = arg;
            int rc;
            try {
                rc = mm.handleMmFault(addr, write ? MmStruct.FAULT_FLAG_WRITE : 0);
            } finally {
                faultResume = null;
            }
            if ((rc & VmFault.ERROR) != 0) {
                throw new IllegalStateException("CPU fault on device page " + page + " failed with " + rc);
            }
            return CpuAccess.WAITING;
        }
        boolean before = present(page, write);
        int rc = mm.touch(addr, write);
        if (rc != 0) {
            throw new IllegalStateException("CPU access to page " + page + " failed with errno " + rc);
        }
        if (before) {
            return CpuAccess.DONE;
        }
        if (driver != null) {
            driver.populatedOnHost(page);
            driverNanos += driver.takeInvalidationCost();
        }
        return CpuAccess.FAULTED;
    }

    @Override
    public long takeDriverNanos() {
        long n = driverNanos;
        driverNanos = 0;
        return n;
    }

    @Override
    public void driver(DeviceDriver handler) {
        this.driver = handler;
    }

    /**
     * The pagemap's migrate_to_ram for the CPU fault {@link #cpuAccess} is handling: the driver takes it. Returns
     * false when no timed CPU fault is under way (a touch from elsewhere), for the pagemap to migrate the one page
     * itself.
     */
    boolean driverFault(long page, boolean write) {
        if (faultResume == null) {
            return false;
        }
        EventHandler resume = faultResume;
        faultResume = null; // one call per fault
        driver.migrateToRam(page, write, faultNanos, resume, faultArg);
        return true;
    }

    @Override
    public int migrateToDevice(long firstPage, long pages) {
        forEachVmaPiece(firstPage, pages, true);
        int moved = 0;
        while (moved < pages && Pte.isDevicePrivate(mm.entry((firstPage + moved) << Mman.PAGE_SHIFT))) {
            moved++;
        }
        return moved;
    }

    @Override
    public void migrateToHost(long firstPage, long pages) {
        forEachVmaPiece(firstPage, pages, false);
    }

    /** Runs migrate_vma over [first, first + pages) one VMA and one 2 MiB block at a time. */
    private void forEachVmaPiece(long firstPage, long pages, boolean toDevice) {
        long addr = firstPage << Mman.PAGE_SHIFT;
        long end = (firstPage + pages) << Mman.PAGE_SHIFT;
        while (addr < end) {
            Vma vma = mm.findVma(addr);
            if (vma == null || vma.start() > addr) {
                throw new IllegalStateException("migration of unmapped address 0x" + Long.toHexString(addr));
            }
            long next = Math.min(Math.min(end, (addr & -Mman.PMD_SIZE) + Mman.PMD_SIZE), vma.end());
            if (toDevice) {
                device.toDevice(vma, addr, next);
            } else {
                device.toRam(vma, addr, next, -1);
            }
            addr = next;
        }
    }

    private MmuIntervalNotifier notifierFor(long firstPage, long pages) {
        for (int i = 0; i < ranges.size(); i++) {
            long[] r = ranges.get(i);
            if (firstPage >= r[0] && firstPage + pages <= r[1]) {
                return notifiers.get(i);
            }
        }
        return null;
    }
}
