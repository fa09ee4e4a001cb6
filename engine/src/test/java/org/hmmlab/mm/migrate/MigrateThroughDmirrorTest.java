package org.hmmlab.mm.migrate;

import static org.hmmlab.mm.Mman.MAP_ANONYMOUS;
import static org.hmmlab.mm.Mman.MAP_PRIVATE;
import static org.hmmlab.mm.Mman.PAGE_SIZE;
import static org.hmmlab.mm.Mman.PROT_READ;
import static org.hmmlab.mm.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.hmmlab.dmirror.Dmirror;
import org.hmmlab.dmirror.DmirrorCmd;
import org.hmmlab.dmirror.DmirrorDevice;
import org.hmmlab.mm.Errno;
import org.hmmlab.mm.Frames;
import org.hmmlab.mm.Gup;
import org.hmmlab.mm.MmObserver;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.Pte;
import org.hmmlab.mm.devmem.MemoryType;
import org.hmmlab.mm.notifier.MmuNotifierRange;
import org.hmmlab.mm.notifier.MmuNotifyEvent;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** migrate_vma through the reference device: a pinned page stays, the pin limit, migration events (mm/migrate_device.c, mm/gup.c). */
class MigrateThroughDmirrorTest {
    Frames frames;
    MmStruct mm;
    DmirrorDevice dev;
    Dmirror fd;

    @BeforeEach
    void setUp() {
        frames = Frames.create(Bytes.MiB(256));
        frames.setInvariantChecking(true);
        mm = MmStruct.create(frames);
        dev = DmirrorDevice.create(frames, 0, MemoryType.DEVICE_PRIVATE);
        fd = dev.open(mm);
    }

    long written(int pages) {
        long a = mm.mmap(pages * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
        for (int i = 0; i < pages; i++) {
            mm.writeInt(a + i * PAGE_SIZE, i + 1);
        }
        return a;
    }

    @Test
    void aPinnedPageStaysInSystemMemory() {
        long a = written(4);
        long[] pinned = new long[1];
        assertEquals(1, Gup.pinUserPages(mm, a + PAGE_SIZE, 1, Gup.FOLL_WRITE | Gup.FOLL_LONGTERM, pinned));
        DmirrorCmd cmd = new DmirrorCmd(a, new byte[(int) (4 * PAGE_SIZE)], 4);
        assertEquals(-Errno.ENOENT, fd.ioctl(Dmirror.HMM_DMIRROR_MIGRATE_TO_DEV, cmd),
                "the read-back finds no device entry for the pinned page");
        assertTrue(Pte.isDevicePrivate(mm.entry(a)));
        assertEquals(pinned[0], Pte.pfn(mm.entry(a + PAGE_SIZE)));
        assertTrue(Pte.isPresent(mm.entry(a + PAGE_SIZE)));
        Gup.unpinUserPages(mm, pinned, 1);
        assertEquals(0, fd.ioctl(Dmirror.HMM_DMIRROR_MIGRATE_TO_DEV, cmd));
        assertTrue(Pte.isDevicePrivate(mm.entry(a + PAGE_SIZE)));
        assertEquals(2, mm.readInt(a + PAGE_SIZE), "data comes back with the page");
    }

    @Test
    void pinsBeyondTheLimitAreRefusedAndCounted() {
        long a = written(3);
        mm.setPinLimit(Bytes.pages(2));
        long[] p = new long[3];
        assertEquals(2, Gup.pinUserPages(mm, a, 2, Gup.FOLL_WRITE, p));
        assertEquals(-Errno.ENOMEM, Gup.pinUserPages(mm, a + 2 * PAGE_SIZE, 1, Gup.FOLL_WRITE, new long[1]));
        assertEquals(2, mm.pinnedPages());
        assertEquals(1, mm.pinRefusals());
        Gup.unpinUserPages(mm, p, 2);
        assertEquals(0, mm.pinnedPages());
        assertEquals(1, Gup.pinUserPages(mm, a + 2 * PAGE_SIZE, 1, Gup.FOLL_WRITE, new long[1]));
    }

    @Test
    void setupRefusesBadRequests() {
        long a = written(2);
        MigrateVma args = new MigrateVma(null, a, a + PAGE_SIZE, new long[1], new long[1], dev,
                MigratePfn.SELECT_SYSTEM);
        assertEquals(-Errno.EINVAL, Migrate.vmaSetup(args));
        args.vma = mm.findVma(a);
        args.end = a + 3 * PAGE_SIZE;
        assertEquals(-Errno.EINVAL, Migrate.vmaSetup(args), "range past the area");
        args.end = a + PAGE_SIZE + 1;
        assertEquals(0, Migrate.vmaSetup(args), "an unaligned end is aligned down, as migrate_vma_setup() does");
        assertEquals(a + PAGE_SIZE, args.end);
        Migrate.vmaPages(args);
        Migrate.vmaFinalize(args);
        args.end = a + 2 * PAGE_SIZE;
        assertEquals(-Errno.EINVAL, Migrate.vmaSetup(args), "src and dst too short");
        long m = mm.mmapDevice(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, fd::mmap);
        MigrateVma mixed = new MigrateVma(mm.findVma(m), m, m + PAGE_SIZE, new long[1], new long[1], dev,
                MigratePfn.SELECT_SYSTEM);
        assertEquals(-Errno.EINVAL, Migrate.vmaSetup(mixed), "VM_MIXEDMAP");
        assertThrows(IllegalStateException.class, () -> Migrate.vmaPages(args));
    }

    @Test
    void observersSeeTheMigrationAndItsEvents() {
        long a = written(2);
        List<String> seen = new ArrayList<>();
        mm.addObserver(new MmObserver() {
            @Override
            public void invalidate(MmuNotifierRange range) {
                seen.add(range.event() + (range.owner() == dev ? " owner=dev" : ""));
            }

            @Override
            public void migrated(MmStruct m, long addr, long srcPfn, long dstPfn) {
                seen.add("migrated " + (addr - a) / PAGE_SIZE + (frames.isDevicePrivate(dstPfn) ? " to device" : ""));
            }

            @Override
            public void cpuFault(MmStruct m, long addr, boolean write, int vmFault) {
                seen.add("fault " + (addr - a) / PAGE_SIZE);
            }
        });
        assertEquals(0, fd.ioctl(Dmirror.HMM_DMIRROR_MIGRATE_TO_DEV,
                new DmirrorCmd(a, new byte[(int) (2 * PAGE_SIZE)], 2)));
        assertEquals(1, mm.readInt(a));
        assertEquals(List.of(MmuNotifyEvent.MIGRATE + " owner=dev", "migrated 0 to device", "migrated 1 to device",
                MmuNotifyEvent.MIGRATE + " owner=dev", "migrated 0", "fault 0"), seen);
        assertTrue(Pte.isDevicePrivate(mm.entry(a + PAGE_SIZE)), "the other page stays on the device");
    }

    @Test
    void deviceOutOfMemoryMigratesWhatFitsAndKeepsTheRest() {
        dev.memory().setMaxChunks(1);
        int pages = org.hmmlab.dmirror.DeviceMemory.CHUNK_PAGES + 512;
        long a = mm.mmap((long) pages * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
        mm.writeInt(a + (long) (pages - 1) * PAGE_SIZE, 42);
        DmirrorCmd cmd = new DmirrorCmd(a, new byte[pages * (int) PAGE_SIZE], pages);
        assertEquals(-Errno.ENOENT, fd.ioctl(Dmirror.HMM_DMIRROR_MIGRATE_TO_DEV, cmd),
                "the pages that did not fit have no device entry");
        assertEquals(org.hmmlab.dmirror.DeviceMemory.CHUNK_PAGES, dev.memory().inUse());
        assertTrue(Pte.isDevicePrivate(mm.entry(a)));
        assertTrue(Pte.isPresent(mm.entry(a + (long) (pages - 1) * PAGE_SIZE)));
        assertEquals(42, mm.readInt(a + (long) (pages - 1) * PAGE_SIZE));
        assertEquals(0, mm.readInt(a));
    }
}
