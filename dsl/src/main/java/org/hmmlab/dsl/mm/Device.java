package org.hmmlab.dsl.mm;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.hmmlab.dmirror.Dmirror;
import org.hmmlab.dmirror.DmirrorCmd;
import org.hmmlab.dmirror.DmirrorDevice;
import org.hmmlab.mm.MmObserver;
import org.hmmlab.mm.Frames;
import org.hmmlab.mm.Mman;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.Pte;
import org.hmmlab.mm.Vma;
import org.hmmlab.mm.devmem.DevPagemap;
import org.hmmlab.mm.devmem.MemoryType;
import org.hmmlab.units.Bytes;

/**
 * A device with its own memory (device-private, ZONE_DEVICE) that pages migrate to and from:
 * {@code var gpu = m.device("gpu0"); gpu.migrateToDevice(buf);}. A CPU access to a migrated page faults it back.
 *
 * <p>Mirrors lib/test_hmm.c's dmirror device, the kernel's reference HMM driver: migrating to the device runs
 * migrate_vma_setup(), allocates and copies device pages, migrate_vma_pages() and migrate_vma_finalize()
 * (dmirror_migrate_to_device()); the CPU entries become device-private swap entries, and a CPU fault on one calls
 * the pagemap's migrate_to_ram (dmirror_devmem_fault()).
 */
public final class Device {

    /** The largest range one migration takes: 64 MiB (the driver copies through a bounce buffer). */
    public static final Bytes MAX_MIGRATION = Bytes.MiB(64);

    private final String name;
    private final DmirrorDevice device;
    private final Map<Task, Dmirror> opened = new IdentityHashMap<>();

    Device(String name, DmirrorDevice device) {
        this.name = name;
        this.device = device;
    }

    /** The device's name in tables. */
    public String name() {
        return name;
    }

    /**
     * Migrates the pages of {@code range} to device memory; returns what moved, page by page, and why the rest
     * stayed. Mirrors HMM_DMIRROR_MIGRATE_TO_DEV: migrate_vma_setup(), alloc and copy, migrate_vma_pages(),
     * migrate_vma_finalize(), then a read-back of the whole range through the device page table, which makes the
     * return value {@code -ENOENT} when any page stayed behind (pinned, another device's), although the others moved.
     */
    public Migration migrateToDevice(Mapping range) {
        return migrate("migrateToDevice(range)", range, Dmirror.HMM_DMIRROR_MIGRATE_TO_DEV, "to " + name);
    }

    /**
     * Migrates this device's pages in {@code range} back to system memory. Mirrors HMM_DMIRROR_MIGRATE_TO_SYS
     * (migrate_vma_setup() selecting device-private pages of this owner).
     */
    public Migration migrateToSystem(Mapping range) {
        return migrate("migrateToSystem(range)", range, Dmirror.HMM_DMIRROR_MIGRATE_TO_SYS, "to system memory");
    }

    /**
     * A mirror of {@code range} that passes this device as the owner of its device-private pages, so
     * hmm_range_fault() reports them instead of faulting them back. Mirrors a driver setting
     * hmm_range.dev_private_owner to its pgmap owner.
     */
    public Mirror mirror(Mapping range) {
        Objects.requireNonNull(range, "mirror(range): range");
        return new Mirror(name, range, device);
    }

    /**
     * The device reads every page of {@code range} through its own page table, faulting in what it lacks with
     * hmm_range_fault(). Mirrors HMM_DMIRROR_READ (dmirror_read(), dmirror_fault()).
     */
    public DeviceAccess read(Mapping range) {
        return access("read(range)", "read", range, Dmirror.HMM_DMIRROR_READ);
    }

    /** The device writes every page of {@code range}, faulting pages in writable. Mirrors HMM_DMIRROR_WRITE. */
    public DeviceAccess write(Mapping range) {
        return access("write(range)", "write", range, Dmirror.HMM_DMIRROR_WRITE);
    }

    /**
     * Takes {@code range} for device atomics: the CPU entries become device-exclusive entries, and the next CPU
     * access restores them (and revokes the device's atomic mapping). Mirrors HMM_DMIRROR_EXCLUSIVE
     * (make_device_exclusive()).
     */
    public DeviceAccess makeExclusive(Mapping range) {
        return access("makeExclusive(range)", "make_device_exclusive", range, Dmirror.HMM_DMIRROR_EXCLUSIVE);
    }

    /**
     * Whether the device still holds atomic access to every page of {@code range}: 0 when none of them is
     * still exclusive, {@code -EPERM} when some are. Mirrors HMM_DMIRROR_CHECK_EXCLUSIVE.
     */
    public DeviceAccess checkExclusive(Mapping range) {
        return access("checkExclusive(range)", "check_exclusive", range, Dmirror.HMM_DMIRROR_CHECK_EXCLUSIVE);
    }

    /** Device pages in use. */
    public long pagesInUse() {
        return device.memory().inUse();
    }

    private DeviceAccess access(String what, String verb, Mapping range, int command) {
        Objects.requireNonNull(range, what + ": range");
        if (range.length() > MAX_MIGRATION.bytes()) {
            throw new IllegalArgumentException(what + ": range must be at most " + MAX_MIGRATION + ", got " + range.size());
        }
        Task task = range.process();
        Dmirror d = opened.computeIfAbsent(task, t -> device.open(task.mm()));
        DmirrorCmd cmd = new DmirrorCmd(range.start(), new byte[(int) range.length()], range.npages());
        int rc = d.ioctl(command, cmd);
        return new DeviceAccess(name + " " + verb + "(" + Task.hex(range.start()) + ", " + range.npages()
                + (range.npages() == 1 ? " page)" : " pages)"), rc, cmd.cpages, cmd.faults);
    }

    private Migration migrate(String what, Mapping range, int command, String direction) {
        Objects.requireNonNull(range, what + ": range");
        if (range.length() > MAX_MIGRATION.bytes()) {
            throw new IllegalArgumentException(what + ": range must be at most " + MAX_MIGRATION + ", got " + range.size());
        }
        Task task = range.process();
        MmStruct mm = task.mm();
        Dmirror d = opened.computeIfAbsent(task, t -> device.open(mm));
        List<long[]> moved = new ArrayList<>();
        MmObserver watch = new MmObserver() {
            @Override
            public void migrated(MmStruct m, long addr, long srcPfn, long dstPfn) {
                moved.add(new long[] {addr, srcPfn, dstPfn});
            }
        };
        mm.addObserver(watch);
        int rc;
        DmirrorCmd cmd = new DmirrorCmd(range.start(), new byte[(int) range.length()], range.npages());
        try {
            rc = d.ioctl(command, cmd);
        } finally {
            mm.removeObserver(watch);
        }
        boolean toDevice = command == Dmirror.HMM_DMIRROR_MIGRATE_TO_DEV;
        boolean[] didMove = new boolean[range.npages()];
        for (long[] m : moved) {
            if (m[0] >= range.start() && m[0] < range.end()) {
                didMove[(int) ((m[0] - range.start()) >>> Mman.PAGE_SHIFT)] = true;
            }
        }
        List<Migration.Stayed> stayed = new ArrayList<>();
        long missing = 0;
        for (int i = 0; i < didMove.length; i++) {
            long addr = range.address(i);
            if (toDevice && d.mirroredPfn(addr) < 0) {
                missing++;
            }
            if (!didMove[i]) {
                stayed.add(whyStayed(mm, addr, toDevice));
            }
        }
        return new Migration(name + ": migration " + direction + " " + range, mm.frames(), rc,
                rc == 0 ? cmd.cpages : 0, range.npages(), moved, stayed, missing);
    }

    /**
     * Why the page at {@code addr} did not move, read from its CPU entry after the migration: the cases in which
     * migrate_vma_setup() (mm/migrate_device.c, migrate_vma_collect_pmd()) leaves a page out, or the driver has
     * nothing to do.
     */
    private Migration.Stayed whyStayed(MmStruct mm, long addr, boolean toDevice) {
        Frames frames = mm.frames();
        long e = mm.entry(addr);
        long pfn = e == 0 ? -1 : Task.cpuPfn(e, addr);
        String memory = e == 0 ? "hole" : Task.memoryOf(frames, pfn);
        Vma vma = mm.findVma(addr);
        String reason;
        if (vma == null) {
            reason = "not mapped";
        } else if (pfn >= 0 && (frames.isDevicePrivate(pfn) || frames.isDeviceCoherent(pfn))) {
            DevPagemap pg = frames.pagemap(pfn);
            reason = pg != null && pg.owner() == device ? (toDevice ? "already in " + name + "'s memory" : "not collected")
                    : "in another device's memory, not selected";
        } else if (!toDevice) {
            reason = "already in system memory";
        } else if (!vma.isAnonymous()) {
            reason = "shared or file-backed, only private anonymous memory migrates";
        } else if (e != 0 && Pte.isDeviceExclusive(e)) {
            reason = "device-exclusive entry, not selected";
        } else if (pfn >= 0 && frames.maybePinned(pfn)) {
            reason = "pinned by pin_user_pages()";
        } else if (pfn >= 0 && !frames.isZero(pfn) && frames.refcount(pfn) > frames.mapcount(pfn)) {
            reason = "an extra reference migrate_vma cannot account for";
        } else {
            reason = "no device page allocated";
        }
        return new Migration.Stayed(addr, pfn, memory, reason);
    }

    @Override
    public String toString() {
        return name + " (" + device.memoryType() + ", " + pagesInUse() + " device pages in use)";
    }

    static DmirrorDevice create(Frames frames, int minor) {
        return DmirrorDevice.create(frames, minor, MemoryType.DEVICE_PRIVATE);
    }
}
