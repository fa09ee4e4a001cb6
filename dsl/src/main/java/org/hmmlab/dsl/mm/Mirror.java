package org.hmmlab.dsl.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.hmmlab.dsl.results.Column;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.Pte;
import org.hmmlab.mm.hmm.HmmPfn;
import org.hmmlab.mm.hmm.HmmRange;
import org.hmmlab.mm.hmm.RangeFaultLoop;
import org.hmmlab.mm.notifier.MmuIntervalNotifier;
import org.hmmlab.mm.notifier.MmuNotifierRange;
import org.hmmlab.units.Bytes;

/**
 * A device driver's mirror of one range of a process: an MMU interval notifier, a device page table, and
 * {@code hmm_range_fault()} called in the driver's retry loop:
 * {@code var gpu = p.mirror(buf); gpu.hmmRangeFault(buf, REQ_FAULT); gpu.pageTables()}.
 *
 * <p>Mirrors what lib/test_hmm.c's dmirror and real drivers (nouveau's svm, amdgpu's svm) do: the invalidate
 * callback takes the driver lock, records the notifier sequence (mmu_interval_set_seq) and drops the device's
 * entries in the range; a fault reads the sequence (mmu_interval_read_begin), snapshots with
 * hmm_range_fault() and, under the driver lock, programs the device page table only if no invalidation came in
 * between (mmu_interval_read_retry), otherwise it starts again. That loop is why a device never maps a page the
 * CPU has already dropped.
 */
public final class Mirror {

    /** Attempts before the driver gives up with -EBUSY; stands for HMM_RANGE_DEFAULT_TIMEOUT. */
    public static final int RETRY_LIMIT = 64;

    private final String name;
    private final Mapping range;
    private final MmStruct mm;
    private final MmuIntervalNotifier notifier;
    /** Device page table: the hmm_pfn word of each page of the range, 0 when the device has no entry. */
    private final long[] devicePt;
    private final List<Invalidation> invalidations = new ArrayList<>();
    private final Object owner;
    private Runnable race;

    Mirror(String name, Mapping range, Object owner) {
        this.name = name;
        this.owner = owner;
        this.range = range;
        this.mm = range.process().mm();
        this.devicePt = new long[range.npages()];
        this.notifier = MmuIntervalNotifier.insert(mm, range.start(), range.length(), this::invalidate);
    }

    /**
     * One invalidation callback the mirror received: why ({@code event}), the range the kernel invalidated, the
     * sequence number it recorded, and how many device entries it dropped.
     */
    public record Invalidation(String event, long start, long end, long seq, int dropped) {
    }

    // Mirrors the driver's mmu_interval_notifier_ops.invalidate: lock, set_seq, unmap from the device.
    private boolean invalidate(MmuIntervalNotifier sub, MmuNotifierRange r, long curSeq) {
        sub.setSeq(curSeq);
        int dropped = 0;
        long from = Math.max(r.start(), range.start());
        long to = Math.min(r.end(), range.end());
        for (long a = from; a < to; a += Bytes.PAGE.bytes()) {
            int i = index(a);
            if (devicePt[i] != 0) {
                devicePt[i] = 0;
                dropped++;
            }
        }
        invalidations.add(new Invalidation(r.event().name(), r.start(), r.end(), curSeq, dropped));
        return true;
    }

    /**
     * Makes the device's page table mirror {@code sub} (a part of this mirror's range), asking for each page
     * what {@code requests} say: nothing (report only), {@code REQ_FAULT}, or {@code REQ_WRITE}. Returns every
     * attempt of the driver loop and the entries of the last one. Mirrors a driver's fault handler around
     * hmm_range_fault() (dmirror_range_fault() in lib/test_hmm.c).
     */
    public RangeFault hmmRangeFault(Mapping sub, HmmRequest... requests) {
        Objects.requireNonNull(sub, "hmmRangeFault(range): range");
        if (!range.contains(sub)) {
            throw new IllegalArgumentException("hmmRangeFault(range): range must lie inside the mirrored " + range
                    + ", got " + sub);
        }
        long defaultFlags = 0;
        for (HmmRequest r : requests) {
            defaultFlags |= Objects.requireNonNull(r, "hmmRangeFault(range, requests): a request").bits;
        }
        long[] pfns = new long[sub.npages()];
        List<RangeFault.Attempt> attempts = new ArrayList<>();
        HmmRange hr = new HmmRange(notifier, sub.start(), sub.end(), pfns, defaultFlags, 0, owner);
        // The driver loop of Documentation/mm/hmm.rst, told to us attempt by attempt so the table shows each -EBUSY.
        int rc = RangeFaultLoop.run(hr, RETRY_LIMIT, new RangeFaultLoop.Listener() {
            @Override
            public void walked(int attempt, long seq, int walkRc) {
                Runnable r = race;
                if (walkRc == 0 && r != null) { // another thread runs between mmap_read_unlock and the driver lock
                    race = null;
                    r.run();
                }
            }

            @Override
            public void attempt(int attempt, long seq, int attemptRc, RangeFaultLoop.Step step) {
                attempts.add(new RangeFault.Attempt(attempt, seq, attemptRc, switch (step) {
                    case EBUSY -> "an invalidation ran during the walk: retry";
                    case FAILED -> "failed: the device gets no entries";
                    case READ_RETRY -> "mmu_interval_read_retry: invalidated since read_begin, retry";
                    case DONE -> "device page table programmed";
                }));
            }
        });
        if (rc == 0) { // under the driver lock: program the device from the pfns the loop validated
            for (int i = 0; i < pfns.length; i++) {
                devicePt[index(sub.start()) + i] = HmmPfn.isValid(pfns[i]) ? pfns[i] : 0;
            }
        }
        return new RangeFault(name, sub, requests, attempts, pfns, rc);
    }

    /**
     * Runs {@code action} once, in the next fault, after hmm_range_fault() returned and before the driver takes its
     * lock: where another CPU thread of the process could munmap or madvise. Shows why the driver rechecks with
     * mmu_interval_read_retry(): {@code gpu.raceOnce(() -> p.madviseDontNeed(buf))}.
     */
    public Mirror raceOnce(Runnable action) {
        this.race = Objects.requireNonNull(action, "raceOnce(action): action");
        return this;
    }

    /**
     * The device page table over the mirrored range: {@code address}, {@code flags} (VALID, WRITE...),
     * {@code pfn} (-1 when the device has no entry).
     */
    public Table deviceTable() {
        int n = devicePt.length;
        String[] addr = new String[n];
        String[] flags = new String[n];
        long[] pfn = new long[n];
        for (int i = 0; i < n; i++) {
            addr[i] = Task.hex(range.address(i));
            flags[i] = devicePt[i] == 0 ? "-" : RangeFault.flagText(devicePt[i]);
            pfn[i] = devicePt[i] == 0 ? -1 : HmmPfn.pfn(devicePt[i]);
        }
        return Table.of(name + ": device page table " + range, Column.strings("address", addr),
                Column.strings("flags", flags), Column.longs("pfn", pfn));
    }

    /**
     * The CPU and the device page tables side by side, one row per page of the mirrored range:
     * {@code cpu_entry}, {@code cpu_pfn}, {@code cpu_writable}, {@code device_pfn}, {@code device_writable},
     * {@code in_sync} (the device maps the frame the CPU maps, with no more rights).
     */
    public Table pageTables() {
        int n = devicePt.length;
        String[] addr = new String[n];
        String[] cpuEntry = new String[n];
        long[] cpuPfn = new long[n];
        boolean[] cpuW = new boolean[n];
        long[] devPfn = new long[n];
        boolean[] devW = new boolean[n];
        boolean[] sync = new boolean[n];
        for (int i = 0; i < n; i++) {
            long a = range.address(i);
            long e = mm.entry(a);
            addr[i] = Task.hex(a);
            cpuEntry[i] = Task.entryKind(e);
            cpuPfn[i] = e == 0 ? -1 : Task.cpuPfn(e, a);
            cpuW[i] = e != 0 && Pte.isWrite(e);
            long d = devicePt[i];
            devPfn[i] = d == 0 ? -1 : HmmPfn.pfn(d);
            devW[i] = d != 0 && HmmPfn.isWrite(d);
            sync[i] = d == 0 || (devPfn[i] == cpuPfn[i] && (!devW[i] || cpuW[i]));
        }
        return Table.of(name + ": CPU and device page tables " + range, Column.strings("address", addr),
                Column.strings("cpu_entry", cpuEntry), Column.longs("cpu_pfn", cpuPfn), Column.booleans("cpu_writable", cpuW),
                Column.longs("device_pfn", devPfn), Column.booleans("device_writable", devW), Column.booleans("in_sync", sync));
    }

    /** Every invalidation callback so far: {@code event}, {@code start}, {@code end}, {@code seq}, {@code dropped}. */
    public Table invalidations() {
        int n = invalidations.size();
        String[] ev = new String[n];
        String[] start = new String[n];
        String[] end = new String[n];
        long[] seq = new long[n];
        long[] dropped = new long[n];
        for (int i = 0; i < n; i++) {
            Invalidation v = invalidations.get(i);
            ev[i] = v.event();
            start[i] = Task.hex(v.start());
            end[i] = Task.hex(v.end());
            seq[i] = v.seq();
            dropped[i] = v.dropped();
        }
        return Table.of(name + ": invalidations", Column.strings("event", ev), Column.strings("start", start),
                Column.strings("end", end), Column.longs("seq", seq), Column.longs("dropped_entries", dropped));
    }

    /** The invalidations as records, for assertions. */
    public List<Invalidation> invalidationLog() {
        return List.copyOf(invalidations);
    }

    /** The device's entry for page {@code index} of the range as an hmm_pfn word, 0 when none. */
    public long deviceEntry(int index) {
        range.address(index);
        return devicePt[index];
    }

    /** Unregisters the notifier; the device drops its entries. Mirrors mmu_interval_notifier_remove(). */
    public void remove() {
        notifier.remove();
        java.util.Arrays.fill(devicePt, 0);
    }

    /** The engine's notifier, for code that goes below this API. */
    public MmuIntervalNotifier notifier() {
        return notifier;
    }

    /** The mirrored range. */
    public Mapping range() {
        return range;
    }

    private int index(long addr) {
        return (int) ((addr - range.start()) / Bytes.PAGE.bytes());
    }

    @Override
    public String toString() {
        return name + " mirroring " + range + " of process " + range.process().pid();
    }
}
