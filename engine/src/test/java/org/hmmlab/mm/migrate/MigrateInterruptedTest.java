package org.hmmlab.mm.migrate;

import static org.hmmlab.mm.Mman.MAP_ANONYMOUS;
import static org.hmmlab.mm.Mman.MAP_PRIVATE;
import static org.hmmlab.mm.Mman.PAGE_SIZE;
import static org.hmmlab.mm.Mman.PROT_READ;
import static org.hmmlab.mm.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.hmmlab.mm.Frames;
import org.hmmlab.mm.Invariants;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.Vma;
import org.hmmlab.mm.devmem.DevPagemap;
import org.hmmlab.mm.devmem.DevPagemapOps;
import org.hmmlab.mm.devmem.MemoryType;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.Test;

/**
 * A process that exits, or unmaps the range, between migrate_vma_setup() and migrate_vma_finalize(): the migration
 * ends with the kernel's partial result (nothing left mapped, every page freed once) and no exception.
 */
class MigrateInterruptedTest {

    static final class Device implements DevPagemapOps {
        long freed;

        @Override
        public int migrateToRam(MmStruct mm, Vma vma, long addr, long pfn, boolean write) {
            return 0;
        }

        @Override
        public void folioFree(DevPagemap pgmap, long pfn, int npages) {
            pgmap.frames().markDeviceFree(pfn);
            freed += npages;
        }
    }

    @Test
    void exitOrUnmapMidMigrationLosesNoPageAndFreesEachOnce() {
        for (boolean exit : new boolean[] {true, false}) {
            Frames frames = Frames.create(Bytes.MiB(64));
            frames.setInvariantChecking(true);
            Device dev = new Device();
            DevPagemap pg = DevPagemap.create(frames, MemoryType.DEVICE_PRIVATE, dev, dev);
            long first = pg.addRange(1);
            MmStruct mm = MmStruct.create(frames);
            long a = mm.mmap(8 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
            for (int i = 0; i < 8; i++) {
                mm.writeInt(a + i * PAGE_SIZE, i);
            }
            long usedBefore = frames.usedRamPages();
            MigrateVma args = new MigrateVma(mm.findVma(a), a, a + 8 * PAGE_SIZE, new long[8], new long[8], dev,
                    MigratePfn.SELECT_SYSTEM);
            assertEquals(0, Migrate.vmaSetup(args));
            assertEquals(8, args.cpages);
            for (int i = 0; i < 8; i++) {
                frames.initDeviceFrame(first + i, Frames.F_ANON);
                args.dst[i] = MigratePfn.of(first + i) | MigratePfn.WRITE;
            }
            if (exit) {
                mm.exit();
            } else {
                assertEquals(0, mm.munmap(a, 8 * PAGE_SIZE));
            }
            Migrate.vmaPages(args);
            Migrate.vmaFinalize(args);
            Invariants.check(frames);
            assertEquals(usedBefore - 8, frames.usedRamPages(), "the 8 source pages are freed");
            assertEquals(8, dev.freed, "the 8 unused device pages go back to the driver");
        }
    }
}
