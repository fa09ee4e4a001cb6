package org.hmmlab.mm.migrate;

import static org.hmmlab.mm.Mman.MAP_ANONYMOUS;
import static org.hmmlab.mm.Mman.MAP_PRIVATE;
import static org.hmmlab.mm.Mman.MAP_SHARED;
import static org.hmmlab.mm.Mman.PAGE_SIZE;
import static org.hmmlab.mm.Mman.PROT_READ;
import static org.hmmlab.mm.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.hmmlab.mm.Errno;
import org.hmmlab.mm.Frames;
import org.hmmlab.mm.Gup;
import org.hmmlab.mm.Mman;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.Pte;
import org.hmmlab.mm.VmFault;
import org.hmmlab.mm.Vma;
import org.hmmlab.mm.devmem.DevPagemap;
import org.hmmlab.mm.devmem.DevPagemapOps;
import org.hmmlab.mm.devmem.MemoryType;
import org.hmmlab.mm.notifier.MmuIntervalNotifier;
import org.hmmlab.mm.notifier.MmuNotifierRange;
import org.hmmlab.mm.notifier.MmuNotifyEvent;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * migrate_vma_setup / migrate_vma_pages / migrate_vma_finalize driven through the public API by a minimal driver
 * (the README's example), and the kernel's rules for pages that do not move (mm/migrate_device.c).
 */
class MigrateTest {
    static final int NPAGES = 16;

    Frames frames;
    MmStruct mm;
    Driver gpu;
    Driver other;
    List<MmuNotifierRange> events;

    /** A device-private driver: a pagemap, a free list, and migrate_to_ram for one page. */
    static final class Driver implements DevPagemapOps {
        final Frames frames;
        final DevPagemap pagemap;
        final List<Long> free = new ArrayList<>();
        int toRam;

        Driver(Frames frames, MemoryType type) {
            this.frames = frames;
            this.pagemap = DevPagemap.create(frames, type, this, this);
            long first = pagemap.addRange(1);
            for (int k = 63; k >= 0; k--) {
                free.add(first + k);
            }
        }

        long alloc() {
            if (free.isEmpty()) {
                return -1;
            }
            long pfn = free.remove(free.size() - 1);
            frames.initDeviceFrame(pfn, Frames.F_ANON);
            return pfn;
        }

        @Override
        public int migrateToRam(MmStruct mm, Vma vma, long addr, long pfn, boolean write) {
            toRam++;
            long a = addr & -PAGE_SIZE;
            MigrateVma args = new MigrateVma(vma, a, a + PAGE_SIZE, new long[1], new long[1], this,
                    MigratePfn.SELECT_DEVICE_PRIVATE);
            args.faultPage = pfn;
            if (Migrate.vmaSetup(args) != 0) {
                return VmFault.SIGBUS;
            }
            if (MigratePfn.isMigrate(args.src[0])) {
                long np = frames.allocPage(Frames.F_ANON);
                frames.copyPage(np, MigratePfn.pfn(args.src[0]));
                args.dst[0] = MigratePfn.of(np) | (args.src[0] & MigratePfn.WRITE);
            }
            Migrate.vmaPages(args);
            Migrate.vmaFinalize(args);
            return VmFault.OK;
        }

        @Override
        public void folioFree(DevPagemap pgmap, long pfn, int npages) {
            for (int k = 0; k < npages; k++) {
                frames.markDeviceFree(pfn + k);
                free.add(pfn + k);
            }
        }
    }

    @BeforeEach
    void setUp() {
        frames = Frames.create(Bytes.MiB(64));
        frames.setInvariantChecking(true);
        mm = MmStruct.create(frames);
        gpu = new Driver(frames, MemoryType.DEVICE_PRIVATE);
        other = new Driver(frames, MemoryType.DEVICE_PRIVATE);
        events = new ArrayList<>();
        MmuIntervalNotifier.insertWholeSpace(mm, (sub, r, seq) -> {
            events.add(r);
            sub.setSeq(seq);
            return true;
        });
    }

    private long mapSeq(int flags) {
        long addr = mm.mmap(NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS);
        assertFalse(Errno.isError(addr));
        for (int i = 0; i < NPAGES; i++) {
            mm.writeInt(addr + i * PAGE_SIZE, 1000 + i);
        }
        return addr;
    }

    /** The README example: migrate every page to the device; returns the entries committed. */
    private int toDevice(Driver dev, long addr, int npages) {
        long[] src = new long[npages];
        long[] dst = new long[npages];
        MigrateVma args = new MigrateVma(mm.findVma(addr), addr, addr + npages * PAGE_SIZE, src, dst, dev,
                MigratePfn.SELECT_SYSTEM);
        assertEquals(0, Migrate.vmaSetup(args));
        for (int i = 0; i < npages; i++) {
            if (!MigratePfn.isMigrate(src[i])) {
                continue;
            }
            long devPfn = dev.alloc();
            long sysPfn = MigratePfn.pfn(src[i]);
            if (sysPfn >= 0) {
                frames.copyPage(devPfn, sysPfn);
            }
            dst[i] = MigratePfn.of(devPfn) | (src[i] & MigratePfn.WRITE);
        }
        Migrate.vmaPages(args);
        int committed = 0;
        for (int i = 0; i < npages; i++) {
            committed += MigratePfn.isMigrate(src[i]) ? 1 : 0;
        }
        Migrate.vmaFinalize(args);
        return committed;
    }

    @Test
    void migratesAnonymousPagesToDevicePrivateMemoryAndFaultsThemBack() {
        long addr = mapSeq(MAP_PRIVATE);
        long usedBefore = frames.usedRamPages();
        events.clear();
        assertEquals(NPAGES, toDevice(gpu, addr, NPAGES));
        assertEquals(MmuNotifyEvent.MIGRATE, events.get(0).event(), "setup notifies MIGRATE");
        assertEquals(gpu, events.get(0).owner(), "with pgmap_owner as the owner");
        for (int i = 0; i < NPAGES; i++) {
            long e = mm.entry(addr + i * PAGE_SIZE);
            assertTrue(Pte.isDevicePrivate(e) && Pte.isWrite(e), Pte.describe(e));
            assertEquals(gpu.pagemap, frames.pagemap(Pte.pfn(e)));
        }
        assertEquals(usedBefore - NPAGES, frames.usedRamPages(), "the system pages were freed");
        // A CPU load faults one page back through the owner's migrate_to_ram.
        assertEquals(1003, mm.readInt(addr + 3 * PAGE_SIZE));
        assertEquals(1, gpu.toRam);
        assertTrue(Pte.isPresent(mm.entry(addr + 3 * PAGE_SIZE)));
        assertTrue(Pte.isDevicePrivate(mm.entry(addr + 4 * PAGE_SIZE)), "only the faulting page moved");
        // munmap gives device pages back to their driver (folio_free).
        int freeBefore = gpu.free.size();
        assertEquals(0, mm.munmap(addr, NPAGES * PAGE_SIZE));
        assertEquals(freeBefore + NPAGES - 1, gpu.free.size());
    }

    @Test
    void aPinnedPageIsNotMigrated() {
        long addr = mapSeq(MAP_PRIVATE);
        long[] pages = new long[1];
        assertEquals(1, Gup.pinUserPages(mm, addr + 2 * PAGE_SIZE, 1, Gup.FOLL_WRITE | Gup.FOLL_LONGTERM, pages));
        assertEquals(1, mm.pinnedPages());
        assertEquals(NPAGES - 1, toDevice(gpu, addr, NPAGES));
        long e = mm.entry(addr + 2 * PAGE_SIZE);
        assertTrue(Pte.isPresent(e) && Pte.pfn(e) == pages[0], "the pinned page stays: " + Pte.describe(e));
        Gup.unpinUserPages(mm, pages, 1);
        assertEquals(0, mm.pinnedPages());
        assertEquals(1, toDevice(gpu, addr + 2 * PAGE_SIZE, 1), "unpinned, it moves");
    }

    @Test
    void aPageWithAnExtraReferenceIsRestored() {
        long addr = mapSeq(MAP_PRIVATE);
        long[] pages = new long[1];
        assertEquals(1, Gup.getUserPages(mm, addr, 1, 0, pages)); // get_user_pages: a reference, no pin
        long[] src = new long[NPAGES];
        long[] dst = new long[NPAGES];
        MigrateVma args = new MigrateVma(mm.findVma(addr), addr, addr + NPAGES * PAGE_SIZE, src, dst, gpu,
                MigratePfn.SELECT_SYSTEM);
        assertEquals(0, Migrate.vmaSetup(args));
        assertEquals(0, src[0], "refcount - expected > mapcount: src cleared, original PTE back");
        assertEquals(NPAGES - 1, args.cpages);
        assertTrue(Pte.isPresent(mm.entry(addr)));
        Migrate.vmaPages(args); // the driver declines everything (dst all 0)
        Migrate.vmaFinalize(args);
        for (int i = 0; i < NPAGES; i++) {
            assertEquals(1000 + i, mm.readInt(addr + i * PAGE_SIZE), "declined pages keep their data");
        }
        Gup.putPages(frames, pages, 1);
    }

    @Test
    void anotherOwnersDevicePagesAreNotSelected() {
        long addr = mapSeq(MAP_PRIVATE);
        assertEquals(NPAGES, toDevice(other, addr, NPAGES));
        long[] src = new long[NPAGES];
        long[] dst = new long[NPAGES];
        MigrateVma args = new MigrateVma(mm.findVma(addr), addr, addr + NPAGES * PAGE_SIZE, src, dst, gpu,
                MigratePfn.SELECT_DEVICE_PRIVATE);
        assertEquals(0, Migrate.vmaSetup(args));
        assertEquals(0, args.cpages, "pgmap_owner does not match");
        Migrate.vmaPages(args);
        Migrate.vmaFinalize(args);
        args.pgmapOwner = other;
        assertEquals(0, Migrate.vmaSetup(args));
        assertEquals(NPAGES, args.cpages, "the owner's own pages are collected");
        Migrate.vmaPages(args);
        Migrate.vmaFinalize(args);
        assertTrue(Pte.isDevicePrivate(mm.entry(addr)), "no dst: every page stays on the device");
    }

    @Test
    void sharedAnonymousMemoryIsNotMigrated() {
        long addr = mapSeq(MAP_SHARED);
        assertEquals(0, toDevice(gpu, addr, NPAGES), "shmem pages are refused for device memory");
        for (int i = 0; i < NPAGES; i++) {
            assertEquals(1000 + i, mm.readInt(addr + i * PAGE_SIZE));
        }
    }

    @Test
    void holesOfAnonymousAreasAreFilledWithDevicePages() {
        long addr = mm.mmap(NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
        events.clear();
        assertEquals(NPAGES, toDevice(gpu, addr, NPAGES));
        assertTrue(events.stream().allMatch(r -> r.event() == MmuNotifyEvent.MIGRATE && r.owner() == gpu),
                "setup and hole insertion notify MIGRATE with the owner: " + events);
        assertTrue(Pte.isDevicePrivate(mm.entry(addr)));
        assertEquals(0, mm.readInt(addr), "a migrated hole reads as zeros");
    }

    /** migrate_vma_setup() (mm/migrate_device.c) aligns an unaligned start and end down to a page. */
    @Test
    void migrateVmaSetupAlignsAnUnalignedStartDown() {
        long addr = mapSeq(MAP_PRIVATE);
        long[] src = new long[2];
        long[] dst = new long[2];
        MigrateVma args = new MigrateVma(mm.findVma(addr), addr + 100, addr + 2 * PAGE_SIZE + 5, src, dst, gpu,
                MigratePfn.SELECT_SYSTEM);
        assertEquals(0, Migrate.vmaSetup(args));
        assertEquals(addr, args.start);
        assertEquals(addr + 2 * PAGE_SIZE, args.end);
        assertEquals(2, args.cpages);
        Migrate.vmaPages(args);
        Migrate.vmaFinalize(args);
        assertEquals(1000, mm.readInt(addr));
        assertEquals(1001, mm.readInt(addr + PAGE_SIZE));
    }

    @Test
    void setupRefusesBadArguments() {
        long addr = mapSeq(MAP_PRIVATE);
        Vma vma = mm.findVma(addr);
        long[] a = new long[NPAGES];
        assertEquals(-Errno.EINVAL, Migrate.vmaSetup(new MigrateVma(vma, addr, addr, a, a, gpu,
                MigratePfn.SELECT_SYSTEM)), "empty range");
        assertEquals(-Errno.EINVAL, Migrate.vmaSetup(new MigrateVma(vma, addr + 1, addr + PAGE_SIZE, a, a, gpu,
                MigratePfn.SELECT_SYSTEM)), "less than a page: nr_pages is 0");
        assertEquals(-Errno.EINVAL, Migrate.vmaSetup(new MigrateVma(vma, addr, addr + (NPAGES + 1) * PAGE_SIZE,
                new long[NPAGES + 1], new long[NPAGES + 1], gpu, MigratePfn.SELECT_SYSTEM)), "past the area");
        assertEquals(-Errno.EINVAL, Migrate.vmaSetup(new MigrateVma(vma, addr, addr + NPAGES * PAGE_SIZE, null,
                a, gpu, MigratePfn.SELECT_SYSTEM)), "no src");
        assertEquals(-Errno.EINVAL, Migrate.vmaSetup(new MigrateVma(null, addr, addr + PAGE_SIZE, a, a, gpu,
                MigratePfn.SELECT_SYSTEM)), "no area");
        MigrateVma notSetUp = new MigrateVma(vma, addr, addr + PAGE_SIZE, a, a, gpu, MigratePfn.SELECT_SYSTEM);
        assertThrows(IllegalStateException.class, () -> Migrate.vmaPages(notSetUp));
        for (int i = 0; i < NPAGES; i++) {
            assertEquals(1000 + i, mm.readInt(addr + i * PAGE_SIZE), "nothing half-applied");
        }
        assertEquals(Mman.PAGE_SIZE, PAGE_SIZE);
    }

    @Test
    void pinsBeyondTheLimitAreRefusedAndCounted() {
        long addr = mapSeq(MAP_PRIVATE);
        mm.setPinLimit(Bytes.KiB(8));
        long[] pages = new long[NPAGES];
        assertEquals(2, Gup.pinUserPages(mm, addr, 2, Gup.FOLL_LONGTERM, pages));
        assertEquals(-Errno.ENOMEM, Gup.pinUserPages(mm, addr + 2 * PAGE_SIZE, 1, Gup.FOLL_LONGTERM, pages));
        assertEquals(1, mm.pinRefusals());
        assertEquals(2, mm.pinnedPages());
    }

    @Test
    void aTaskThatExitsMidMigrationIsTornDownWhenTheDriverFinishes() {
        long addr = mapSeq(MAP_PRIVATE);
        long ramBefore = frames.usedRamPages();
        long[] src = new long[NPAGES];
        long[] dst = new long[NPAGES];
        MigrateVma args = new MigrateVma(mm.findVma(addr), addr, addr + NPAGES * PAGE_SIZE, src, dst, gpu,
                MigratePfn.SELECT_SYSTEM);
        assertEquals(0, Migrate.vmaSetup(args));
        for (int i = 0; i < NPAGES; i++) {
            long devPfn = gpu.alloc();
            frames.copyPage(devPfn, MigratePfn.pfn(src[i]));
            dst[i] = MigratePfn.of(devPfn) | (src[i] & MigratePfn.WRITE);
        }
        int freeDevice = gpu.free.size();
        mm.exit(); // the task exits while the driver holds the mm (mmget in setup)
        assertTrue(mm.isExiting());
        assertFalse(mm.isDead(), "torn down only at the last mmput()");
        assertThrows(IllegalStateException.class, () -> mm.touch(addr, false), "the task is gone");
        Migrate.vmaPages(args);
        Migrate.vmaFinalize(args);
        assertTrue(mm.isDead(), "the driver's mmput() tore the space down");
        assertEquals(ramBefore - NPAGES, frames.usedRamPages(), "no system page lost or leaked");
        assertEquals(freeDevice + NPAGES, gpu.free.size(), "every device page went back to its driver");
        frames.checkpoint();
    }
}
