package org.hmmlab.hostmm;

import java.util.Arrays;

import org.hmmlab.mm.Frames;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.Mman;
import org.hmmlab.mm.VmFault;
import org.hmmlab.mm.Vma;
import org.hmmlab.mm.devmem.DevPagemap;
import org.hmmlab.mm.devmem.DevPagemapOps;
import org.hmmlab.mm.devmem.MemoryType;
import org.hmmlab.mm.migrate.Migrate;
import org.hmmlab.mm.migrate.MigratePfn;
import org.hmmlab.mm.migrate.MigrateVma;

/**
 * The GPU's memory as the kernel sees it: a MEMORY_DEVICE_PRIVATE pagemap whose frames the driver hands out one
 * 4 KiB page at a time, and the two migrations over it, both through migrate_vma.
 *
 * <p>Mirrors what an HMM driver registers with memremap_pages() (nouveau's dmem, dmirror's devmem chunks): ranges
 * of ZONE_DEVICE frames added as needed, a free list of device pages, dev_pagemap_ops.migrate_to_ram for a CPU
 * touch and folio_free when a device page loses its last user. Capacity is the timing model's business (the
 * GPU evicts before it is full); this class only keeps the frames.
 */
final class DevicePrivateMemory implements DevPagemapOps {

    private final Frames frames;
    private final MmHostMemory owner;
    private final DevPagemap pagemap;
    private long[] free = new long[0];
    private int nfree;
    private final long[] src = new long[Mman.PMD_NR];
    private final long[] dst = new long[Mman.PMD_NR];

    DevicePrivateMemory(Frames frames, MmHostMemory owner) {
        this.frames = frames;
        this.owner = owner;
        this.pagemap = DevPagemap.create(frames, MemoryType.DEVICE_PRIVATE, owner, this);
    }

    Object owner() {
        return owner;
    }

    private long allocPage() {
        if (nfree == 0) {
            long first = pagemap.addRange(1);
            free = Arrays.copyOf(free, free.length + Frames.SEG_FRAMES);
            for (int k = Frames.SEG_FRAMES - 1; k >= 0; k--) {
                free[nfree++] = first + k;
            }
        }
        long pfn = free[--nfree];
        frames.initDeviceFrame(pfn, Frames.F_ANON);
        return pfn;
    }

    /** migrate_vma_setup/pages/finalize of [start, end) (within one VMA and one 2 MiB block) into device pages. */
    void toDevice(Vma vma, long start, long end) {
        MigrateVma args = new MigrateVma(vma, start, end, src, dst, owner, MigratePfn.SELECT_SYSTEM);
        if (Migrate.vmaSetup(args) != 0) {
            return;
        }
        for (int i = 0; i < args.entries(); i++) {
            long s = args.src[i];
            args.dst[i] = 0;
            if ((s & MigratePfn.MIGRATE) == 0) {
                continue;
            }
            long sp = MigratePfn.pfn(s);
            long wr = (s & MigratePfn.WRITE) != 0 || sp < 0 ? MigratePfn.WRITE : 0;
            long p = allocPage();
            if (sp >= 0) {
                frames.copyPage(p, sp); // the copy engine's work; its time is charged by the GPU model
            }
            args.dst[i] = MigratePfn.of(p) | wr;
        }
        Migrate.vmaPages(args);
        Migrate.vmaFinalize(args);
    }

    /** migrate_vma of the device-private pages of [start, end) back to system memory. */
    int toRam(Vma vma, long start, long end, long faultPfn) {
        MigrateVma args = new MigrateVma(vma, start, end, src, dst, owner, MigratePfn.SELECT_DEVICE_PRIVATE);
        args.faultPage = faultPfn;
        if (Migrate.vmaSetup(args) != 0) {
            return VmFault.SIGBUS;
        }
        int ret = VmFault.OK;
        for (int i = 0; i < args.entries(); i++) {
            long s = args.src[i];
            args.dst[i] = 0;
            long sp = MigratePfn.pfn(s);
            if ((s & MigratePfn.MIGRATE) == 0 || sp < 0) {
                continue;
            }
            long p = frames.allocPage(Frames.F_ANON);
            if (p < 0) {
                ret = VmFault.OOM;
                continue;
            }
            frames.copyPage(p, sp);
            args.dst[i] = MigratePfn.of(p) | (s & MigratePfn.WRITE);
        }
        Migrate.vmaPages(args);
        Migrate.vmaFinalize(args);
        return ret;
    }

    /**
     * The CPU touched a device page: the driver's migrate_to_ram takes the fault when a timed CPU thread raised it,
     * and the thread retries once the driver resumes it (VM_FAULT_RETRY: the fault waits for the migration rather
     * than completing the access, as a fault that must sleep drops the lock and restarts, mm/memory.c). A touch from
     * elsewhere brings the one page back at once.
     */
    @Override
    public int migrateToRam(MmStruct mm, Vma vma, long addr, long pfn, boolean write) {
        if (owner.driverFault(addr >>> Mman.PAGE_SHIFT, write)) {
            return VmFault.RETRY;
        }
        long start = addr & -Mman.PAGE_SIZE;
        return toRam(vma, start, start + Mman.PAGE_SIZE, pfn);
    }

    @Override
    public void folioFree(DevPagemap pgmap, long pfn, int npages) {
        if (nfree + npages > free.length) {
            free = Arrays.copyOf(free, Math.max(free.length * 2, nfree + npages));
        }
        for (int k = 0; k < npages; k++) {
            frames.markDeviceFree(pfn + k);
            free[nfree++] = pfn + k;
        }
    }
}
