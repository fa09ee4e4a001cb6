package org.hmmlab.dmirror;

import org.hmmlab.mm.Errno;
import org.hmmlab.mm.Frames;
import org.hmmlab.mm.Mman;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.VmFlags;
import org.hmmlab.mm.Vma;
import org.hmmlab.mm.migrate.Migrate;
import org.hmmlab.mm.migrate.MigratePfn;
import org.hmmlab.mm.migrate.MigrateVma;

/**
 * The device-memory ioctls of dmirror: MIGRATE_TO_DEV, MIGRATE_TO_SYS, EXCLUSIVE, CHECK_EXCLUSIVE, RELEASE.
 *
 * <p>Mirrors dmirror_migrate_to_device(), dmirror_migrate_to_system(), dmirror_exclusive(),
 * dmirror_check_atomic() and the RELEASE case of lib/test_hmm.c. Migration walks the range in windows of
 * PTRS_PER_PTE pages clipped to each area; every window needs a readable area (else -EINVAL, even after earlier
 * windows moved).
 */
final class DmirrorMigrate {
    private DmirrorMigrate() {
    }

    static int ioctl(Dmirror d, int command, DmirrorCmd cmd, Dmirror.Result res) {
        return switch (command) {
            case Dmirror.HMM_DMIRROR_MIGRATE_TO_DEV -> toDevice(d, cmd, res);
            case Dmirror.HMM_DMIRROR_MIGRATE_TO_SYS -> toSystem(d, cmd, res);
            case Dmirror.HMM_DMIRROR_EXCLUSIVE -> exclusive(d, cmd, res);
            case Dmirror.HMM_DMIRROR_CHECK_EXCLUSIVE -> checkExclusive(d, cmd);
            case Dmirror.HMM_DMIRROR_RELEASE -> {
                d.device.memory.release();
                yield 0;
            }
            default -> -Errno.EINVAL;
        };
    }

    static void evictAll(DmirrorDevice device) {
        device.memory.evictAll();
    }

    private static int toDevice(Dmirror d, DmirrorCmd cmd, Dmirror.Result res) {
        MmStruct mm = d.mm;
        if (mm.isDead()) {
            return -Errno.EINVAL;
        }
        long start = cmd.addr;
        long end = start + (cmd.npages << Mman.PAGE_SHIFT);
        if (cmd.ptr == null || cmd.ptr.length < end - start) {
            throw new IllegalArgumentException("cmd.ptr must hold " + (end - start) + " bytes");
        }
        long[] src = new long[Mman.PMD_NR];
        long[] dst = new long[Mman.PMD_NR];
        for (long addr = start; addr < end; ) {
            Vma vma = mm.findVma(addr);
            if (vma == null || !vma.has(VmFlags.VM_READ)) {
                return -Errno.EINVAL;
            }
            long next = Math.min(Math.min(end, addr + Mman.PMD_SIZE), vma.end());
            MigrateVma args = new MigrateVma(vma, addr, next, src, dst, d.device,
                    MigratePfn.SELECT_SYSTEM | MigratePfn.SELECT_COMPOUND);
            int ret = Migrate.vmaSetup(args);
            if (ret != 0) {
                return ret;
            }
            allocAndCopy(args, d);
            Migrate.vmaPages(args);
            finalizeAndMap(args, d);
            Migrate.vmaFinalize(args);
            addr = next;
        }
        byte[] bounce = new byte[(int) (end - start)];
        int ret = d.copyFromDevice(start, end, bounce, res);
        if (ret != 0) {
            return ret;
        }
        System.arraycopy(bounce, 0, cmd.ptr, 0, bounce.length);
        return 0;
    }

    /**
     * dmirror_migrate_alloc_and_copy(): device pages for the collected entries (none when out of memory), each
     * carrying MIGRATE_PFN_WRITE exactly when its source did.
     */
    private static void allocAndCopy(MigrateVma args, Dmirror d) {
        Frames frames = d.frames;
        DeviceMemory mem = d.device.memory;
        int nr = args.entries();
        for (int i = 0; i < nr; i++) {
            long s = args.src[i];
            if ((s & MigratePfn.MIGRATE) == 0) {
                continue;
            }
            long sp = MigratePfn.pfn(s);
            if (sp >= 0 && frames.zone(sp) != Frames.ZONE_NORMAL) {
                continue; // already device memory
            }
            // Only a source collected writable gives the device a writable entry: a hole or the zero page has no
            // MIGRATE_PFN_WRITE, so it gets no DPT_XA_TAG_WRITE (mainline; 6.12 also tagged those in a VM_WRITE
            // area, see oracle/version-differences.md).
            long wr = s & MigratePfn.WRITE;
            if ((s & MigratePfn.COMPOUND) != 0) {
                long head = -1;
                if ((d.flags & Dmirror.HMM_DMIRROR_FLAG_FAIL_ALLOC) != 0) {
                    d.flags &= ~Dmirror.HMM_DMIRROR_FLAG_FAIL_ALLOC;
                } else {
                    head = mem.allocHuge(d);
                }
                if (head >= 0) {
                    for (int k = 0; k < Mman.PMD_NR; k++) {
                        copy(frames, head + k, sp < 0 ? -1 : sp + k);
                    }
                    args.dst[i] = MigratePfn.of(head) | MigratePfn.COMPOUND | wr;
                    continue;
                }
                for (int k = 0; k < Mman.PMD_NR; k++) {
                    long p = mem.allocPage(d);
                    if (p < 0) {
                        continue;
                    }
                    copy(frames, p, sp < 0 ? -1 : sp + k);
                    args.dst[i + k] = MigratePfn.of(p) | wr;
                }
                continue;
            }
            if ((d.flags & Dmirror.HMM_DMIRROR_FLAG_FAIL_ALLOC) != 0) {
                d.flags &= ~Dmirror.HMM_DMIRROR_FLAG_FAIL_ALLOC;
                continue;
            }
            long p = mem.allocPage(d);
            if (p < 0) {
                continue;
            }
            copy(frames, p, sp);
            args.dst[i] = MigratePfn.of(p) | wr;
        }
    }

    private static void copy(Frames frames, long dst, long src) {
        if (src < 0) {
            frames.zeroPage(dst);
        } else {
            frames.copyPage(dst, src);
        }
    }

    /** dmirror_migrate_finalize_and_map(): device entries for the pages that moved. */
    private static void finalizeAndMap(MigrateVma args, Dmirror d) {
        int nr = args.entries();
        for (int i = 0; i < nr; i++) {
            long s = args.src[i];
            long dd = args.dst[i];
            long dp = MigratePfn.pfn(dd);
            if ((s & MigratePfn.MIGRATE) == 0 || dp < 0) {
                continue;
            }
            boolean w = (dd & MigratePfn.WRITE) != 0;
            long addr = args.start + ((long) i << Mman.PAGE_SHIFT);
            int n = (dd & MigratePfn.COMPOUND) != 0 ? Mman.PMD_NR : 1;
            for (int k = 0; k < n; k++) {
                d.store(addr + ((long) k << Mman.PAGE_SHIFT), dp + k, w, false);
            }
        }
    }

    private static int toSystem(Dmirror d, DmirrorCmd cmd, Dmirror.Result res) {
        MmStruct mm = d.mm;
        if (mm.isDead()) {
            return -Errno.EINVAL;
        }
        long start = cmd.addr;
        long end = start + (cmd.npages << Mman.PAGE_SHIFT);
        long[] src = new long[Mman.PMD_NR];
        long[] dst = new long[Mman.PMD_NR];
        long cpages = 0;
        for (long addr = start; addr < end; ) {
            Vma vma = mm.findVma(addr);
            if (vma == null || !vma.has(VmFlags.VM_READ)) {
                return -Errno.EINVAL;
            }
            long next = Math.min(Math.min(end, addr + Mman.PMD_SIZE), vma.end());
            MigrateVma args = new MigrateVma(vma, addr, next, src, dst, d.device, d.device.memory.selectDevice());
            int ret = Migrate.vmaSetup(args);
            if (ret != 0) {
                return ret;
            }
            // dmirror_migrate_to_system() ignores what dmirror_devmem_fault_alloc_and_copy() returns: the pages
            // that got no system page simply stay on the device.
            d.device.memory.allocAndCopyToRam(args, d);
            Migrate.vmaPages(args);
            for (int i = 0; i < args.entries(); i++) {
                long s = args.src[i];
                if ((s & MigratePfn.VALID) != 0 && (s & MigratePfn.MIGRATE) != 0) {
                    cpages++;
                }
            }
            Migrate.vmaFinalize(args);
            addr = next;
        }
        res.cpages = cpages;
        return 0;
    }

    private static int exclusive(Dmirror d, DmirrorCmd cmd, Dmirror.Result res) {
        MmStruct mm = d.mm;
        if (mm.isDead()) {
            return -Errno.EINVAL;
        }
        long start = cmd.addr;
        long end = start + (cmd.npages << Mman.PAGE_SHIFT);
        if (cmd.ptr == null || cmd.ptr.length < end - start) {
            throw new IllegalArgumentException("cmd.ptr must hold " + (end - start) + " bytes");
        }
        for (long addr = start; addr < end; addr += Mman.PAGE_SIZE) {
            long pfn = mm.makeDeviceExclusive(addr, null);
            if (pfn < 0) {
                return (int) pfn;
            }
            d.store(addr, pfn, false, true);
        }
        byte[] bounce = new byte[(int) (end - start)];
        int ret = d.copyFromDevice(start, end, bounce, res);
        if (ret != 0) {
            return ret;
        }
        System.arraycopy(bounce, 0, cmd.ptr, 0, bounce.length);
        return 0;
    }

    private static int checkExclusive(Dmirror d, DmirrorCmd cmd) {
        long start = cmd.addr;
        long end = start + (cmd.npages << Mman.PAGE_SHIFT);
        for (long addr = start; addr < end; addr += Mman.PAGE_SIZE) {
            if ((d.entry(addr) & Dmirror.TAG_ATOMIC) != 0) {
                return -Errno.EPERM;
            }
        }
        return 0;
    }
}
