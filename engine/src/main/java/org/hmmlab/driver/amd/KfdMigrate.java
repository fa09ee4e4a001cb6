package org.hmmlab.driver.amd;

import org.hmmlab.device.DevicePageTable;
import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.Stage;
import org.hmmlab.metrics.TraceEvent;
import org.hmmlab.policy.Evictor;
import org.hmmlab.policy.Location;
import org.hmmlab.policy.MigrationCause;
import org.hmmlab.sim.EventHandler;

import static org.hmmlab.device.DevicePageTable.R_GPU;
import static org.hmmlab.device.DevicePageTable.R_HOST;
import static org.hmmlab.device.DevicePageTable.R_UNPOPULATED;

/**
 * Migration between system memory and VRAM with migrate_vma, the copies on the SDMA ring, and VRAM given back when it
 * is full.
 *
 * <p>Mirrors drivers/gpu/drm/amd/amdkfd/kfd_migrate.c: svm_migrate_ram_to_vram() and svm_migrate_vma_to_vram()
 * (migrate_vma_setup() collects and unmaps the system pages, svm_migrate_copy_to_vram() copies the populated ones
 * through the GART window, pages never populated get a cleared VRAM page and no copy; migrate_vma_pages() and
 * migrate_vma_finalize() after the SDMA fence), svm_migrate_vram_to_ram() and svm_migrate_vma_to_ram() for the way
 * back, and the eviction of VRAM (TTM evicting an svm_bo, svm_range_evict_svm_bo_worker() migrating its ranges to
 * system memory) when a migration finds VRAM full.
 */
final class KfdMigrate {

    private final AmdSvmGpu gpu;
    private final DevicePageTable pt;

    KfdMigrate(AmdSvmGpu gpu) {
        this.gpu = gpu;
        this.pt = gpu.pt;
    }

    /**
     * Migrates the pages of [start, last] that are not in VRAM into it, charging {@code w}'s host thread; the copies
     * are {@code w}'s. Pages that cannot move (pinned) stay in system memory. Returns the pages moved. Mirrors
     * svm_migrate_to_vram() and svm_migrate_ram_to_vram().
     */
    long toVram(SvmWork w, long start, long last, MigrationCause cause) {
        long[] b = new long[2];
        long moved = 0;
        boolean setUp = false;
        // block by block (svm_migrate_copy_memory_gart() copies at most 2 MiB through the GART window at a time),
        // VRAM made room for first; when no room can be made, the rest stays in system memory, as
        // svm_range_restore_pages() falls back to system memory when svm_migrate_to_vram() fails
        for (long blockFirst = start; blockFirst <= last; ) {
            long blockLast = Math.min(last, (blockFirst | 511));
            long n = 0;
            boolean hostMapped = false;
            for (long p = blockFirst; p <= blockLast; p++) {
                if (movable(p, b)) {
                    n++;
                    hostMapped |= pt.resid(pt.idx(p)) == R_HOST;
                }
            }
            if (n > 0) {
                if (!makeRoom(n, w)) {
                    gpu.counters.add(Counter.MIGRATION_FAILURES, 1);
                    break;
                }
                if (!setUp) {
                    // migrate_vma_setup: one walk collects and unmaps the sources
                    w.charge(Stage.RANGE_FAULT, gpu.h.rangeFaultWalk().nanos());
                    w.charge(Stage.MIGRATION_COPY, gpu.h.blockOverhead().nanos());
                    setUp = true;
                }
                w.charge(Stage.RANGE_FAULT, n * gpu.h.rangeFaultPerPage().nanos());
                w.charge(Stage.MIGRATION_COPY, n * (gpu.h.populatePerPage().nanos() + gpu.h.dmaMapPerPage().nanos()));
                if (hostMapped) {
                    w.charge(Stage.TLB_INVALIDATION, gpu.h.tlbShootdown().nanos());
                    gpu.counters.increment(Counter.TLB_SHOOTDOWNS);
                }
                moved += migrateBlock(w, blockFirst, blockLast, cause, b);
            }
            blockFirst = blockLast + 1;
        }
        return moved;
    }

    /** The movable pages of one block, run by run of one source. */
    private long migrateBlock(SvmWork w, long first, long last, MigrationCause cause, long[] b) {
        long moved = 0;
        long p = first;
        while (p <= last) {
            if (!movable(p, b)) {
                p++;
                continue;
            }
            byte from = pt.resid(pt.idx(p));
            long runFirst = p;
            long allocEnd = b[1];
            while (p <= last && p < allocEnd && movable(p, b) && pt.resid(pt.idx(p)) == from) {
                p++;
            }
            long runPages = p - runFirst;
            int ok = gpu.host.migrateToDevice(runFirst, runPages);
            w.charge(Stage.TLB_INVALIDATION, gpu.svm.takeInvalidationCost()); // our own notifier, MIGRATE
            if (ok < runPages) {
                gpu.counters.increment(Counter.MIGRATION_FAILURES); // the page stays in system memory
                p = runFirst + ok + 1;
                runPages = ok;
                if (runPages == 0) {
                    continue;
                }
            }
            int id = pt.nextLandingId();
            for (long q = runFirst; q < runFirst + runPages; q++) {
                int i = pt.idx(q);
                pt.setPte(i, (byte) 0);
                pt.admit(q, R_GPU);
                pt.setLanding(i, id);
            }
            pt.recordResidency(w.now());
            if (from == R_HOST) {
                gpu.submitCopy(true, runPages, w.now(), landed(runFirst, runPages, id, w.expectCopy()));
                gpu.counters.add(Counter.PAGES_TO_DEVICE, runPages);
                gpu.counters.add(Counter.BYTES_TO_DEVICE, runPages << 12);
            } else {
                clearLanding(runFirst, runPages, id); // a cleared VRAM page: nothing to copy
                gpu.counters.add(Counter.PAGES_POPULATED_ON_DEVICE, runPages);
            }
            gpu.policy.onMigrated(runFirst, runPages, from == R_UNPOPULATED ? Location.UNPOPULATED : Location.HOST,
                    0, cause, w.now());
            if (gpu.metrics.tracing()) {
                gpu.metrics.trace(new TraceEvent.Migrated(w.now(), runFirst, (int) runPages, true));
            }
            moved += runPages;
        }
        return moved;
    }

    /** Whether {@code p} is a page of an allocation, not in VRAM and not on its way anywhere; {@code b} its bounds. */
    private boolean movable(long p, long[] b) {
        if (!pt.covers(p) || !pt.allocBounds(p, b)) {
            return false;
        }
        int i = pt.idx(p);
        return pt.resid(i) != R_GPU && pt.landing(i) == 0;
    }

    /**
     * Migrates the VRAM pages of [start, last] back to system memory for {@code cause}, charging {@code w}'s host
     * thread; the copies are {@code w}'s, and until a page's copy has landed the CPU waits on its migration entry.
     * Returns the pages moved. Mirrors svm_migrate_vram_to_ram() and svm_migrate_vma_to_ram().
     */
    long toRam(SvmWork w, long start, long last, MigrationCause cause) {
        long moved = 0;
        long p = start;
        while (p <= last) {
            if (!inVram(p)) {
                p++;
                continue;
            }
            long runFirst = p;
            int id = pt.nextLandingId();
            while (p <= last && inVram(p)) {
                pt.release(p, cause);
                pt.setLanding(pt.idx(p), id);
                p++;
            }
            long runPages = p - runFirst;
            gpu.host.migrateToHost(runFirst, runPages);
            gpu.submitCopy(false, runPages, w.now(), landed(runFirst, runPages, id, w.expectCopy()));
            pt.recordResidency(w.now());
            gpu.counters.add(Counter.PAGES_TO_HOST, runPages);
            gpu.counters.add(Counter.BYTES_TO_HOST, runPages << 12);
            gpu.policy.onMigrated(runFirst, runPages, 0, Location.HOST, cause, w.now());
            if (gpu.metrics.tracing()) {
                gpu.metrics.trace(new TraceEvent.Migrated(w.now(), runFirst, (int) runPages, false));
            }
            moved += runPages;
        }
        if (moved > 0) {
            w.charge(Stage.RANGE_FAULT, gpu.h.rangeFaultWalk().nanos() + moved * gpu.h.rangeFaultPerPage().nanos());
            w.charge(Stage.MIGRATION_COPY, gpu.h.blockOverhead().nanos()
                    + moved * (gpu.h.populatePerPage().nanos() + gpu.h.dmaMapPerPage().nanos()));
            w.charge(Stage.DMA_MAP, gpu.iommu.map(moved)); // the copies' system-memory destinations
            w.charge(Stage.PTE_UPDATE, moved * gpu.h.pteUpdatePerPage().nanos());
            w.charge(Stage.TLB_INVALIDATION, gpu.invalidationCost() + gpu.svm.takeInvalidationCost());
            gpu.tlb.invalidate(start, last - start + 1);
            gpu.counters.increment(Counter.INVALIDATIONS);
        }
        return moved;
    }

    private boolean inVram(long p) {
        return pt.covers(p) && pt.resid(pt.idx(p)) == R_GPU && pt.landing(pt.idx(p)) == 0;
    }

    /** The landing of a run's copy: its pages leave their migration entries, waiting CPU threads go on. */
    private EventHandler landed(long first, long pages, int id, EventHandler then) {
        return a -> {
            clearLanding(first, pages, id);
            gpu.svm.wakeCpuWaiters(gpu.sim.nowNanos());
            then.handle(a);
        };
    }

    private void clearLanding(long first, long pages, int id) {
        for (long q = first; q < first + pages; q++) {
            if (pt.covers(q) && pt.landing(pt.idx(q)) == id) {
                pt.setLanding(pt.idx(q), 0);
            }
        }
    }

    /**
     * VRAM is given back until {@code n} more pages fit: the evictor's victim (TTM's LRU buffer) is migrated to system
     * memory, and the GPU's mappings of it go with it (a later GPU access faults it back). False when nothing more
     * can be evicted now (what is left is this migration's own pages, still landing).
     */
    private boolean makeRoom(long n, SvmWork w) {
        Evictor evictor = gpu.policy.evictor();
        int guard = 0;
        while (pt.residentPages() + n > pt.capacityPages()) {
            long victim = evictor.pickVictim(0, w.now());
            if (victim < 0 || ++guard > 1_000_000) {
                return false;
            }
            long evicted = toRam(w, victim, victim + evictor.chunkPages() - 1, MigrationCause.EVICTION);
            if (evicted == 0) {
                return false; // only pages still landing are left: nothing can go now
            }
            gpu.counters.add(Counter.EVICTIONS, evicted);
        }
        return true;
    }
}
