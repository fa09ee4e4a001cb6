package org.hmmlab.bench;

import java.util.List;
import org.hmmlab.mm.Frames;
import org.hmmlab.mm.Mman;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.Vma;
import org.hmmlab.mm.devmem.DevPagemap;
import org.hmmlab.mm.devmem.DevPagemapOps;
import org.hmmlab.mm.devmem.MemoryType;
import org.hmmlab.mm.migrate.Migrate;
import org.hmmlab.mm.migrate.MigratePfn;
import org.hmmlab.mm.migrate.MigrateVma;
import org.hmmlab.units.Bytes;

/**
 * Throughput of migrate_vma_setup() / migrate_vma_pages() / migrate_vma_finalize() on 4 KiB pages in batches of 512,
 * system memory to device-private memory and back, functional cost only.
 *
 * <p>A minimal driver on the public API plays the device: a device-private pagemap with a free list of frames, the
 * destination allocation and the (lazy, so nearly free) page copy of a real driver's alloc-and-copy step, nothing
 * else. No data is written to the pages, so the figure is the cost of the page-table, metadata and notifier work
 * that every migration pays; a driver that copies 4 KiB of data per page adds its own copy cost on top.
 */
final class MigrateBench {
    /** Pages per migrate_vma call: one PTE table, as dmirror and most drivers batch. */
    static final int BATCH = 512;

    private MigrateBench() {
    }

    static List<Figure> run(boolean quick) {
        double[] toDev = new double[1];
        double[] toSys = new double[1];
        measure(quick, toDev, toSys);
        return List.of(
                new Figure("migrate_vma_to_device_pages_per_s", toDev[0], "pages/s", true, 2_000_000),
                new Figure("migrate_vma_to_system_pages_per_s", toSys[0], "pages/s", true, Double.NaN));
    }

    /** A device-private pagemap whose driver keeps its free frames in an array. */
    static final class Device implements DevPagemapOps {
        final Frames frames;
        final DevPagemap pagemap;
        final long[] free;
        int nfree;

        Device(Frames frames, int segments) {
            this.frames = frames;
            this.pagemap = DevPagemap.create(frames, MemoryType.DEVICE_PRIVATE, this, this);
            long first = pagemap.addRange(segments);
            free = new long[segments * Frames.SEG_FRAMES];
            for (int k = free.length - 1; k >= 0; k--) {
                free[nfree++] = first + k;
            }
        }

        long alloc() {
            if (nfree == 0) {
                return -1;
            }
            long pfn = free[--nfree];
            frames.initDeviceFrame(pfn, Frames.F_ANON);
            return pfn;
        }

        @Override
        public int migrateToRam(MmStruct mm, Vma vma, long addr, long pfn, boolean write) {
            throw new IllegalStateException("the benchmark never touches device pages from the CPU");
        }

        @Override
        public void folioFree(DevPagemap pgmap, long pfn, int npages) {
            for (int k = 0; k < npages; k++) {
                frames.markDeviceFree(pfn + k);
                free[nfree++] = pfn + k;
            }
        }
    }

    static void measure(boolean quick, double[] toDev, double[] toSys) {
        Frames frames = Frames.create(Bytes.GiB(4));
        Device dev = new Device(frames, 1);
        MmStruct mm = MmStruct.create(frames);
        long pages = quick ? 4096 : 32768;
        long len = pages * Mman.PAGE_SIZE;
        long[] src = new long[BATCH];
        long[] dst = new long[BATCH];
        MigrateVma args = new MigrateVma();
        args.src = src;
        args.dst = dst;
        args.pgmapOwner = dev;
        int warmup = quick ? 1 : 20;
        int rounds = warmup + (quick ? 3 : 15);
        for (int round = 0; round < rounds; round++) {
            long addr = mm.mmap(len, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
            for (long p = 0; p < pages; p++) {
                mm.touch(addr + p * Mman.PAGE_SIZE, true);
            }
            args.vma = mm.findVma(addr);
            long t0 = System.nanoTime();
            long moved = migrateAll(args, addr, len, MigratePfn.SELECT_SYSTEM, dev, frames);
            long t1 = System.nanoTime();
            long back = migrateAll(args, addr, len, MigratePfn.SELECT_DEVICE_PRIVATE, null, frames);
            long t2 = System.nanoTime();
            if (moved != pages || back != pages) {
                throw new IllegalStateException("migrated " + moved + " and " + back + " of " + pages + " pages");
            }
            if (round >= warmup) { // earlier rounds let the JIT compile the migration path
                toDev[0] = Math.max(toDev[0], moved * 1e9 / (t1 - t0));
                toSys[0] = Math.max(toSys[0], back * 1e9 / (t2 - t1));
            }
            mm.munmap(addr, len);
        }
    }

    /** Migrates [addr, addr + len) in batches; to the device when {@code dev} is set, else to system memory. */
    private static long migrateAll(MigrateVma args, long addr, long len, int select, Device dev, Frames frames) {
        long moved = 0;
        args.flags = select;
        for (long a = addr; a < addr + len; a += (long) BATCH * Mman.PAGE_SIZE) {
            args.start = a;
            args.end = a + (long) BATCH * Mman.PAGE_SIZE;
            if (Migrate.vmaSetup(args) != 0) {
                throw new IllegalStateException("migrate_vma_setup failed");
            }
            for (int i = 0; i < BATCH; i++) {
                long s = args.src[i];
                if ((s & MigratePfn.MIGRATE) == 0) {
                    continue;
                }
                long np = dev != null ? dev.alloc() : frames.allocPage(Frames.F_ANON);
                if (np < 0) {
                    continue;
                }
                long sp = MigratePfn.pfn(s);
                if (sp >= 0) {
                    frames.copyPage(np, sp);
                }
                args.dst[i] = MigratePfn.of(np) | (s & MigratePfn.WRITE);
            }
            Migrate.vmaPages(args);
            for (int i = 0; i < BATCH; i++) {
                moved += (args.src[i] & MigratePfn.MIGRATE) != 0 ? 1 : 0;
            }
            Migrate.vmaFinalize(args);
        }
        return moved;
    }
}
