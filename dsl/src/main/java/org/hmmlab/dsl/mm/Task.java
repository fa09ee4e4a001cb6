package org.hmmlab.dsl.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.hmmlab.dsl.results.Column;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.mm.Errno;
import org.hmmlab.mm.Frames;
import org.hmmlab.mm.Gup;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.Mman;
import org.hmmlab.mm.Pte;
import org.hmmlab.units.Bytes;

/**
 * A process (a task with its address space): its address space, the system calls that change it and CPU loads and stores that fault pages in:
 * {@code var p = machine().process(); var buf = p.mmap(pages(4)); p.touch(buf, WRITE);}.
 *
 * <p>Mirrors struct mm_struct with mmap(2), munmap(2), mprotect(2), madvise(2), fork(2) and handle_mm_fault().
 * System calls and accesses return a {@link Syscall} value ({@code -EINVAL}, {@code SIGSEGV}) and change nothing
 * when they fail; arguments that no kernel call could receive (a negative length, a range of another process)
 * are refused with an exception naming the parameter.
 */
public final class Task {

    private final Machine machine;
    private final MmStruct mm;
    private final int pid;

    Task(Machine machine, MmStruct mm, int pid) {
        this.machine = machine;
        this.mm = mm;
        this.pid = pid;
    }

    /** The machine this process runs on. */
    public Machine machine() {
        return machine;
    }

    /** The engine's address space, for code that goes below this API. */
    public MmStruct mm() {
        return mm;
    }

    /** A private anonymous read-write mapping of {@code length}: {@code p.mmap(pages(4))}. Mirrors mmap(2). */
    public Mapping mmap(Bytes length) {
        return mmap(length, Prot.READ_WRITE);
    }

    /**
     * A private anonymous mapping of {@code length} (1 page to 64 GiB, a whole number of pages) with
     * {@code prot}: {@code p.mmap(pages(2), READ_ONLY)}. Mirrors mmap(NULL, length, prot, MAP_PRIVATE | MAP_ANONYMOUS).
     */
    public Mapping mmap(Bytes length, Prot prot) {
        Objects.requireNonNull(length, "mmap(length): length");
        Objects.requireNonNull(prot, "mmap(length, prot): prot");
        if (length.bytes() < Bytes.PAGE.bytes() || length.bytes() > Bytes.GiB(64).bytes() || !length.isPageAligned()) {
            throw new IllegalArgumentException("mmap(length): length must be a whole number of 4 KiB pages in [4 KiB, 64 GiB], got "
                    + length);
        }
        long addr = mm.mmap(length.bytes(), prot.bits, Mman.MAP_PRIVATE);
        if (Errno.isError(addr)) {
            throw new IllegalStateException("mmap(" + length + ") failed with " + Errno.name(addr));
        }
        return new Mapping(this, addr, length.bytes());
    }

    /** Unmaps {@code range}: {@code p.munmap(buf.page(3))}. Mirrors munmap(2); notifies UNMAP. */
    public Syscall munmap(Mapping range) {
        own("munmap(range)", range);
        return call("munmap", range, mm.munmap(range.start(), range.length()));
    }

    /** Changes the protection of {@code range}. Mirrors mprotect(2); notifies PROTECTION_VMA. */
    public Syscall mprotect(Mapping range, Prot prot) {
        own("mprotect(range, prot)", range);
        Objects.requireNonNull(prot, "mprotect(range, prot): prot");
        return call("mprotect", range, mm.mprotect(range.start(), range.length(), prot.bits), prot.name());
    }

    /** Drops the pages of {@code range}; the next access faults in zero-filled pages. Mirrors madvise(MADV_DONTNEED); notifies CLEAR. */
    public Syscall madviseDontNeed(Mapping range) {
        own("madviseDontNeed(range)", range);
        return call("madvise", range, mm.madvise(range.start(), range.length(), Mman.MADV_DONTNEED), "MADV_DONTNEED");
    }

    /**
     * Loads from or stores to every page of {@code range}, faulting each in as needed: {@code p.touch(buf, WRITE)}.
     * Mirrors a CPU access through handle_mm_fault(); the first failing page stops the loop and is the result.
     */
    public Syscall touch(Mapping range, Access access) {
        own("touch(range, access)", range);
        Objects.requireNonNull(access, "touch(range, access): access");
        for (long a = range.start(); a < range.end(); a += Bytes.PAGE.bytes()) {
            int rc = mm.touch(a, access == Access.WRITE);
            if (rc != 0) {
                return new Syscall("touch(0x" + Long.toHexString(a) + ", " + access + ")", rc, true);
            }
        }
        return new Syscall("touch(" + range + ", " + access + ")", 0, true);
    }

    /**
     * A child process sharing this one's private pages copy-on-write. Mirrors fork(2) (dup_mmap): the parent's
     * writable private pages become read-only in both, which notifies PROTECTION_PAGE.
     */
    public Task fork() {
        return machine.adopt(mm.fork());
    }

    /** The same range in another process (after a fork, where the child has the parent's layout). */
    public Mapping same(Mapping range) {
        Objects.requireNonNull(range, "same(range): range");
        return new Mapping(this, range.start(), range.length());
    }

    /**
     * Registers a device driver's mirror of {@code range}: an MMU interval notifier and an empty device page table.
     * Mirrors mmu_interval_notifier_insert() as a driver calls it when a device starts using a range.
     */
    public Mirror mirror(Mapping range) {
        own("mirror(range)", range);
        return new Mirror("device", range, null);
    }

    /** As {@link #mirror(Mapping)}, with a name for the tables: {@code p.mirror("gpu0", buf)}. */
    public Mirror mirror(String deviceName, Mapping range) {
        if (deviceName == null || deviceName.isBlank()) {
            throw new IllegalArgumentException("mirror(deviceName, range): deviceName must be non-empty text");
        }
        own("mirror(deviceName, range)", range);
        return new Mirror(deviceName, range, null);
    }

    /** The most one pin call takes: 1 GiB of pages (a driver pins a buffer, not an address space). */
    public static final Bytes MAX_PIN = Bytes.GiB(1);

    /**
     * Pins every page of {@code range} for long-term device access, faulting them in writable first:
     * {@code var pins = p.pinUserPages(buf.pages(0, 2));}. Mirrors pin_user_pages(FOLL_WRITE | FOLL_LONGTERM) as a
     * driver without HMM (RDMA, VFIO) calls it: the pins are charged against the pin limit ({@link #setPinLimit})
     * and a request past it is refused whole with {@code -ENOMEM}; a pinned page refuses migration
     * (migrate_vma skips it) until {@link #unpinUserPages(Pins)}. The range is at most {@link #MAX_PIN}.
     */
    public Pins pinUserPages(Mapping range) {
        own("pinUserPages(range)", range);
        if (range.length() > MAX_PIN.bytes()) {
            throw new IllegalArgumentException("pinUserPages(range): range must be at most " + MAX_PIN + ", got " + range.size());
        }
        long[] frames = new long[range.npages()];
        long rc = Gup.pinUserPages(mm, range.start(), frames.length, Gup.FOLL_WRITE | Gup.FOLL_LONGTERM, frames);
        return new Pins(this, range, rc, rc > 0 ? frames : new long[0]);
    }

    /**
     * Drops the pins {@code pins} holds: {@code p.unpinUserPages(pins)}. Mirrors unpin_user_pages(); the pages may
     * migrate again and the pinned-page count falls. A failed pin has nothing to drop ({@code = 0}); unpinning the
     * same pins twice, or another process's pins, is refused with an exception.
     */
    public Syscall unpinUserPages(Pins pins) {
        Objects.requireNonNull(pins, "unpinUserPages(pins): pins");
        if (pins.task() != this) {
            throw new IllegalArgumentException("unpinUserPages(pins): pins belong to another process than process " + pid);
        }
        if (pins.released()) {
            throw new IllegalStateException("unpinUserPages(pins): already unpinned: " + pins);
        }
        long[] frames = pins.frames();
        if (frames.length > 0) {
            Gup.unpinUserPages(mm, frames, frames.length);
        }
        pins.release();
        return new Syscall("unpin_user_pages(" + hex(pins.range().start()) + ", " + frames.length + ")", 0, false);
    }

    /**
     * Sets the pinnable-memory limit, a whole number of pages in [0, 64 GiB]: {@code p.setPinLimit(pages(4))}.
     * Mirrors setrlimit(RLIMIT_MEMLOCK), which drivers check through account_locked_vm(); 8 MiB by default. Pins
     * already held stay; only new pins are checked.
     */
    public void setPinLimit(Bytes limit) {
        Objects.requireNonNull(limit, "setPinLimit(limit): limit");
        if (limit.bytes() < 0 || limit.bytes() > Bytes.GiB(64).bytes() || !limit.isPageAligned()) {
            throw new IllegalArgumentException("setPinLimit(limit): limit must be a whole number of 4 KiB pages in [0, 64 GiB], got "
                    + limit);
        }
        mm.setPinLimit(limit);
    }

    /** The pinnable-memory limit: {@code p.pinLimit()} is 8 MiB unless set. Mirrors RLIMIT_MEMLOCK. */
    public Bytes pinLimit() {
        return Bytes.of(mm.pinLimitPages() * Bytes.PAGE.bytes());
    }

    /** Pages this process holds pinned now: {@code p.pinnedPages()}. Mirrors mm->locked_vm as account_locked_vm() keeps it. */
    public long pinnedPages() {
        return mm.pinnedPages();
    }

    /** Pin requests refused with {@code -ENOMEM} because they would pass the limit: {@code p.pinRefusals()}. */
    public long pinRefusals() {
        return mm.pinRefusals();
    }

    /**
     * The pin counters as a one-row table: {@code pinned_pages}, {@code pin_limit_pages}, {@code pin_refusals}:
     * {@code p.pinCounters()}. Mirrors what /proc/PID/status shows as VmPin and VmLck.
     */
    public Table pinCounters() {
        return Table.of("pid " + pid + ": pins", Column.longs("pinned_pages", new long[] {mm.pinnedPages()}),
                Column.longs("pin_limit_pages", new long[] {mm.pinLimitPages()}),
                Column.longs("pin_refusals", new long[] {mm.pinRefusals()}));
    }

    /**
     * The CPU page table over {@code range}, one row per page: {@code address}, {@code entry} (none, present,
     * device-private, migration), {@code pfn} (-1 when none), {@code writable}, {@code memory} (ram, zero page,
     * device-private...). Mirrors walking the page table as /proc/PID/pagemap reports it.
     */
    public Table pageTable(Mapping range) {
        own("pageTable(range)", range);
        int n = range.npages();
        String[] addr = new String[n];
        String[] kind = new String[n];
        long[] pfn = new long[n];
        boolean[] writable = new boolean[n];
        String[] memory = new String[n];
        for (int i = 0; i < n; i++) {
            long a = range.start() + i * Bytes.PAGE.bytes();
            long e = mm.entry(a);
            addr[i] = hex(a);
            kind[i] = entryKind(e);
            pfn[i] = e == 0 ? -1 : cpuPfn(e, a);
            writable[i] = e != 0 && Pte.isWrite(e);
            memory[i] = e == 0 ? "-" : memoryOf(mm.frames(), pfn[i]);
        }
        return Table.of("pid " + pid + ": CPU page table " + range, Column.strings("address", addr),
                Column.strings("entry", kind), Column.longs("pfn", pfn), Column.booleans("writable", writable),
                Column.strings("memory", memory));
    }

    /** Exits: unmaps everything (notifying RELEASE). Mirrors exit_mmap(). */
    public void exit() {
        mm.exit();
    }

    /** The process id in this machine, from 1. */
    public int pid() {
        return pid;
    }

    @Override
    public String toString() {
        List<String> areas = new ArrayList<>();
        mm.vmas().forEach(v -> areas.add(v.toString()));
        return "process " + pid + " " + areas;
    }

    // ---- helpers shared with Mirror ------------------------------------------------------------------------

    static String hex(long a) {
        return "0x" + Long.toHexString(a);
    }

    static String entryKind(long e) {
        if (e == 0) {
            return "none";
        }
        if (Pte.isPresent(e)) {
            return Pte.isHuge(e) ? "present huge" : "present";
        }
        if (Pte.isDevicePrivate(e)) {
            return "device-private";
        }
        if (Pte.isMigration(e)) {
            return "migration";
        }
        return Pte.isDeviceExclusive(e) ? "device-exclusive" : "swap";
    }

    static long cpuPfn(long e, long addr) {
        long pfn = Pte.pfn(e);
        if (Pte.isHuge(e)) {
            pfn += (addr >>> Mman.PAGE_SHIFT) & (Mman.PMD_NR - 1);
        }
        return pfn;
    }

    static String memoryOf(Frames frames, long pfn) {
        if (pfn < 0) {
            return "-";
        }
        if (frames.isZero(pfn)) {
            return "zero page";
        }
        if (frames.isDevicePrivate(pfn)) {
            return "device-private";
        }
        if (frames.isDeviceCoherent(pfn)) {
            return "device-coherent";
        }
        return "ram";
    }

    private void own(String what, Mapping range) {
        Objects.requireNonNull(range, what + ": range");
        if (range.process() != this) {
            throw new IllegalArgumentException(what + ": range belongs to another process than process " + pid
                    + " (after a fork, child.same(range) names the child's copy)");
        }
    }

    private static Syscall call(String name, Mapping range, long rc, String... extra) {
        StringBuilder sb = new StringBuilder(name).append('(').append(hex(range.start())).append(", ").append(range.length());
        for (String x : extra) {
            sb.append(", ").append(x);
        }
        return new Syscall(sb.append(')').toString(), rc, false);
    }
}
