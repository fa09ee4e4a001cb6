package org.hmmlab.driver.amd;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

import org.hmmlab.device.DevicePageTable;
import org.hmmlab.device.GpuMemoryAccessFault;
import org.hmmlab.device.HostMemory;
import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.Stage;
import org.hmmlab.metrics.TraceEvent;
import org.hmmlab.mm.notifier.MmuNotifyEvent;
import org.hmmlab.platform.SvmAttributes;
import org.hmmlab.policy.Location;
import org.hmmlab.policy.MigrationCause;
import org.hmmlab.sim.EventHandler;
import org.hmmlab.sim.EventPhase;

import static org.hmmlab.device.DevicePageTable.LOCAL;
import static org.hmmlab.device.DevicePageTable.R_GPU;
import static org.hmmlab.device.DevicePageTable.R_HOST;
import static org.hmmlab.device.DevicePageTable.R_UNPOPULATED;
import static org.hmmlab.device.DevicePageTable.VALID;
import static org.hmmlab.device.DevicePageTable.WRITE;

/**
 * The SVM ranges' service: a retry fault restored range by range, the ranges validated (hmm_range_fault) and mapped,
 * the MMU interval notifier that unmaps them from the GPU or stops the queues, the restore work that maps them again,
 * the attributes applied before the first kernel, and the CPU side (migrate_to_ram, threads waiting on a migration).
 *
 * <p>Mirrors drivers/gpu/drm/amd/amdkfd/kfd_svm.c: svm_range_restore_pages(), svm_range_best_restore_location(),
 * svm_range_validate_and_map(), svm_range_cpu_invalidate_pagetables() with svm_range_evict() and
 * svm_range_unmap_from_cpu(), svm_range_restore_work(), svm_range_set_attr() with svm_range_trigger_migration().
 */
public final class KfdSvm implements HostMemory.Invalidator, HostMemory.DeviceDriver {

    private static final long[] NO_STAGE = new long[Stage.values().length];

    private final AmdSvmGpu gpu;
    private final DevicePageTable pt;
    private long pendingInvalidationCost;
    /** XNACK off: the process's queues are stopped until the restore work has mapped the evicted ranges again. */
    private boolean quiesced;
    /** A kernel launched while the queues were stopped: it starts when the restore work resumes them. */
    private Runnable pendingLaunch;
    private boolean retryArmed;
    private final org.hmmlab.driver.MigrationWaiters waiters = new org.hmmlab.driver.MigrationWaiters();
    private final java.util.function.LongPredicate migrating = this::underMigration;

    KfdSvm(AmdSvmGpu gpu) {
        this.gpu = gpu;
        this.pt = gpu.pt;
    }

    /** The granularity of {@code a}: its own, or the driver's default (svm_default_granularity). */
    private int granularity(SvmAttributes a) {
        return a.granularity() == SvmAttributes.INHERIT ? gpu.options.granularity() : a.granularity();
    }

    /**
     * Mirrors an allocation: the GPU's page table grows over it and an interval notifier covers it. An allocation
     * given attributes is registered as SVM ranges now (svm_range_set_attr(), svm_range_add()); so is every
     * allocation with XNACK off, which the runtime registers with GPU access. Others get their ranges from the
     * GPU's first fault on them (svm_range_create_unregistered_range()).
     */
    void attach(String name, long firstPage, long pages) {
        pt.attach(firstPage, pages);
        gpu.host.mirror(firstPage, pages, this);
        SvmAttributes a = gpu.options.ranges().get(name);
        if (a != null || !gpu.options.xnack()) {
            SvmAttributes attrs = a == null ? SvmAttributes.DEFAULT : a;
            gpu.ranges.add(firstPage, pages, attrs, granularity(attrs));
        }
    }

    /** XNACK off: whether the queues are stopped for a restore work that has not run yet. */
    boolean queuesStopped() {
        return quiesced;
    }

    // --- before a kernel ------------------------------------------------------------------------------------------

    /**
     * A kernel is launched: ranges not yet set up get their attributes applied first, as svm_range_set_attr() does
     * when the runtime sets them before the launch: a prefetch location migrates the range
     * (svm_range_trigger_migration()), and a range is mapped when XNACK is off, when it was migrated, or when the
     * GPU accesses it in place (svm_range_validate_and_map() with bitmap_aip). While the queues are stopped (XNACK off,
     * restore work due) the kernel waits for the restore work.
     */
    void launch(Runnable start) {
        if (quiesced) {
            pendingLaunch = () -> launch(start);
            return;
        }
        long now = gpu.sim.nowNanos();
        SvmWork w = new SvmWork(gpu.sim, now);
        List<SvmRange> toMap = new ArrayList<>();
        for (SvmRange r : gpu.ranges.all()) {
            if (r.prefetched) {
                continue;
            }
            r.prefetched = true;
            SvmAttributes a = r.attributes;
            if (a.access() == SvmAttributes.Access.NO_ACCESS) {
                continue;
            }
            long migrated = 0;
            if (a.prefetchLoc() == SvmAttributes.Location.GPU) {
                migrated = gpu.migrate.toVram(w, r.start, r.last, MigrationCause.PREFETCH);
            } else if (a.prefetchLoc() == SvmAttributes.Location.SYSMEM) {
                migrated = gpu.migrate.toRam(w, r.start, r.last, MigrationCause.PREFETCH);
            }
            if (!gpu.options.xnack() || migrated > 0 || a.access() == SvmAttributes.Access.ACCESS_IN_PLACE) {
                toMap.add(r);
            }
        }
        if (toMap.isEmpty() && w.now() == now) {
            start.run();
            return;
        }
        w.end((t, st) -> {
            w.resumeAt(t);
            for (SvmRange r : toMap) {
                validateAndMap(w, r, r.start, r.last);
            }
            w.end((t2, st2) -> {
                for (SvmRange r : toMap) {
                    apply(r, r.start, r.last, t2);
                }
                start.run();
            });
        });
    }

    // --- retry faults ---------------------------------------------------------------------------------------------

    /**
     * A retry fault on {@code page} read off the IH ring at {@code t}: find or create its range, skip it if the range
     * was restored within AMDGPU_SVM_RANGE_RETRY_FAULT_PENDING, choose the best location, migrate the granule around
     * the fault there and map it; then the waves retry. {@code next} gets the time the handler may read the next
     * entry. Mirrors svm_range_restore_pages() (kfd_svm.c).
     */
    void restorePages(long page, boolean write, long t, long entryCharged, LongConsumer next) {
        SvmWork w = new SvmWork(gpu.sim, t);
        w.charge(Stage.FAULT_ENTRY, gpu.options.restoreOverhead().nanos());
        w.stage[Stage.FAULT_ENTRY.ordinal()] += entryCharged;
        SvmRange r = gpu.ranges.fromAddr(page);
        if (r == null) {
            long[] b = new long[2];
            if (!pt.allocBounds(page, b)) {
                throw new IllegalStateException("retry fault on page " + page + " outside every allocation");
            }
            r = gpu.ranges.createUnregistered(page, b[0], b[1], gpu.options.granularity());
        }
        if (t < r.validateTimestamp + gpu.options.retryFaultPending().nanos()) {
            // "skip duplicate vm fault on different pages of same range": already restored, the wave retries
            gpu.counters.increment(Counter.DUPLICATE_FAULTS);
            if (!pt.covers(page) || !DevicePageTable.allows(pt.pte(pt.idx(page)), write)) {
                armRetry(w.now() + gpu.options.retryInterval().nanos());
            }
            next.accept(w.now());
            return;
        }
        if (r.attributes.access() == SvmAttributes.Access.NO_ACCESS) {
            throw new GpuMemoryAccessFault(page, write, String.format(
                    "GPU memory access fault: the GPU %s page 0x%x (address 0x%x) of allocation '%s', whose SVM range "
                            + "denies it access (KFD_IOCTL_SVM_ATTR_NO_ACCESS): svm_range_best_restore_location() "
                            + "finds no location, svm_range_restore_pages() returns -EACCES (kfd_svm.c) and the retry "
                            + "fault is not recovered; the HIP runtime aborts the process (\"Memory access fault by "
                            + "GPU node-1 ... Reason: Page not present or supervisor privilege.\").",
                    write ? "wrote" : "read", page, page << 12, gpu.allocationOf(page)));
        }
        SvmRange range = r;
        long[] g = range.granule(page);
        if (bestRestoreLocationIsGpu(range)) {
            gpu.migrate.toVram(w, g[0], g[1], MigrationCause.DEVICE_FAULT);
        } else {
            gpu.migrate.toRam(w, g[0], g[1], MigrationCause.DEVICE_FAULT);
        }
        w.end((t1, st1) -> {
            w.resumeAt(t1);
            validateAndMap(w, range, g[0], g[1]);
            w.end((t2, st2) -> {
                apply(range, g[0], g[1], t2);
                gpu.counters.increment(Counter.FAULTS_SERVICED);
                gpu.metrics.batches().record(t2 - t, st2);
                gpu.warps.replay(t2, st2);
                next.accept(t2);
            });
        });
    }

    /**
     * Where a retry fault restores the range: its preferred location when it has one, the faulting GPU when the GPU
     * has ACCESS, and where the range is when it has ACCESS_IN_PLACE. Mirrors svm_range_best_restore_location()
     * (one GPU: no XGMI hive to consult). True for VRAM, false for system memory.
     */
    private boolean bestRestoreLocationIsGpu(SvmRange r) {
        SvmAttributes a = r.attributes;
        if (a.preferredLoc() != SvmAttributes.Location.UNDEFINED) {
            return a.preferredLoc() == SvmAttributes.Location.GPU;
        }
        if (a.access() == SvmAttributes.Access.ACCESS) {
            return true;
        }
        for (long p = r.start; p <= r.last; p++) { // ACCESS_IN_PLACE: prange->actual_loc
            if (pt.covers(p) && pt.resid(pt.idx(p)) == R_GPU) {
                return true;
            }
        }
        return false;
    }

    /** The waves whose retry fault was dropped retry at {@code at}: one retry for all that wait then. */
    void armRetry(long at) {
        if (retryArmed) {
            return;
        }
        retryArmed = true;
        gpu.sim.scheduleAtNanos(Math.max(at, gpu.sim.nowNanos()), EventPhase.DEVICE, a -> {
            retryArmed = false;
            gpu.warps.replay(gpu.sim.nowNanos(), NO_STAGE);
        }, 0);
    }

    // --- validate and map -----------------------------------------------------------------------------------------

    /**
     * hmm_range_fault() over the pages of [s, l] in system memory (faulting them in writable), their DMA mappings, the
     * PTE writes and the TLB flush, charged to {@code w}; the PTEs take effect at {@link #apply}. Mirrors
     * svm_range_validate_and_map() with amdgpu_hmm_range_get_pages(), svm_range_dma_map() and
     * svm_range_map_to_gpus() / amdgpu_vm_update_range() followed by kfd_flush_tlb().
     */
    private void validateAndMap(SvmWork w, SvmRange r, long s, long l) {
        long[] b = new long[2];
        long walks = 0;
        long visited = 0;
        long faulted = 0;
        long remote = 0;
        long p = s;
        while (p <= l) {
            if (!pt.covers(p) || !pt.allocBounds(p, b) || pt.resid(pt.idx(p)) == R_GPU || pt.landing(pt.idx(p)) != 0) {
                p++;
                continue;
            }
            long runFirst = p;
            long end = b[1];
            while (p <= l && p < end && pt.resid(pt.idx(p)) != R_GPU && pt.landing(pt.idx(p)) == 0) {
                p++;
            }
            long got = gpu.host.rangeFault(runFirst, p - runFirst, true);
            if (got < 0) {
                throw new IllegalStateException("hmm_range_fault failed with errno " + got + " on pages " + runFirst
                        + ".." + (p - 1));
            }
            walks++;
            faulted += got;
            visited += p - runFirst;
            for (long q = runFirst; q < p; q++) {
                pt.setResid(pt.idx(q), R_HOST);
            }
            remote += p - runFirst;
        }
        long n = 0;
        for (long q = s; q <= l; q++) {
            n += pt.covers(q) && pt.allocBounds(q, b) ? 1 : 0;
        }
        w.charge(Stage.RANGE_FAULT, walks * gpu.h.rangeFaultWalk().nanos() + visited * gpu.h.rangeFaultPerPage().nanos()
                + faulted * gpu.h.populatePerPage().nanos());
        w.charge(Stage.TLB_INVALIDATION, takeInvalidationCost()); // a CPU fault's own invalidations (COW)
        w.charge(Stage.DMA_MAP, gpu.iommu.map(remote));
        w.charge(Stage.PTE_UPDATE, n * gpu.h.pteUpdatePerPage().nanos() + gpu.h.ptePushOverhead().nanos());
        w.charge(Stage.TLB_INVALIDATION, gpu.invalidationCost());
        r.mappedToGpu = true;
    }

    /**
     * The PTEs of [s, l] written by {@link #validateAndMap} take effect at {@code now}: VRAM pages mapped local, pages
     * in system memory mapped over the link, writable where the CPU's page table is; a page that an invalidation took
     * meanwhile is left unmapped (mmu_interval_read_retry() would find the snapshot stale). The range is validated now.
     */
    private void apply(SvmRange r, long s, long l, long now) {
        long[] b = new long[2];
        int mapped = 0;
        for (long p = s; p <= l; p++) {
            if (!pt.covers(p) || !pt.allocBounds(p, b)) {
                continue;
            }
            int i = pt.idx(p);
            if (pt.landing(i) != 0) {
                continue;
            }
            if (pt.resid(i) == R_GPU) {
                pt.setPte(i, (byte) (VALID | WRITE | LOCAL));
                mapped++;
            } else if (gpu.host.present(p, false)) {
                pt.setPte(i, (byte) (VALID | (gpu.host.present(p, true) ? WRITE : 0)));
                mapped++;
            }
        }
        r.validateTimestamp = now;
        if (mapped > 0 && gpu.metrics.tracing()) {
            gpu.metrics.trace(new TraceEvent.Mapped(now, s, (int) (l - s + 1)));
        }
    }

    // --- MMU interval notifier ------------------------------------------------------------------------------------

    /**
     * The CPU's page table changed under [firstPage, firstPage + pages). Mirrors svm_range_cpu_invalidate_pagetables():
     * an unmap removes the pages and the ranges' parts (svm_range_unmap_from_cpu()); anything else is
     * svm_range_evict(): with XNACK on, the GPU's mappings there go (svm_range_unmap_from_gpus()) and a retry fault
     * restores them; with XNACK off, the ranges mapped for the GPU are marked invalid, the first eviction stops the
     * process's queues (kgd2kfd_quiesce_mm()) and queues the restore work AMDGPU_SVM_RANGE_RESTORE_DELAY_MS later.
     */
    @Override
    public void invalidate(long firstPage, long pages, MmuNotifyEvent event) {
        pendingInvalidationCost += event == MmuNotifyEvent.UNMAP ? unmapFromCpu(firstPage, pages)
                : evict(firstPage, firstPage + pages - 1, event);
    }

    private long evict(long start, long last, MmuNotifyEvent event) {
        long cost = 0;
        long dropped = 0;
        long remote = 0;
        if (gpu.options.xnack()) {
            for (long p = start; p <= last; p++) {
                if (pt.covers(p) && (pt.pte(pt.idx(p)) & VALID) != 0) {
                    remote += pt.local(pt.idx(p)) ? 0 : 1;
                    pt.setPte(pt.idx(p), (byte) 0);
                    dropped++;
                }
            }
        } else {
            for (SvmRange r : gpu.ranges.overlapping(start, last)) {
                if (!r.mappedToGpu) {
                    continue;
                }
                r.invalid++;
                for (long p = Math.max(start, r.start); p <= Math.min(last, r.last); p++) {
                    if (pt.covers(p) && (pt.pte(pt.idx(p)) & VALID) != 0) {
                        remote += pt.local(pt.idx(p)) ? 0 : 1;
                        pt.setPte(pt.idx(p), (byte) 0); // stale: the stopped queues do not read it
                    }
                }
                dropped++;
                if (!quiesced) {
                    quiesced = true; // first eviction: stop the queues, restore later
                    cost += gpu.options.queueEviction().nanos();
                    gpu.sim.scheduleAtNanos(gpu.sim.nowNanos() + gpu.options.restoreDelay().nanos(),
                            EventPhase.HOST, a -> restoreWork(), 0);
                }
            }
        }
        if (dropped == 0) {
            return cost;
        }
        gpu.tlb.invalidate(start, last - start + 1);
        gpu.counters.increment(Counter.INVALIDATIONS);
        if (gpu.metrics.tracing()) {
            gpu.metrics.trace(new TraceEvent.Invalidated(gpu.sim.nowNanos(), start, last - start + 1,
                    event.name().toLowerCase(java.util.Locale.ROOT)));
        }
        return cost + gpu.invalidationCost() + gpu.iommu.unmap(remote)
                + gpu.iommu.invalidate(start, last - start + 1, remote, gpu.sim.nowNanos());
    }

    /**
     * munmap: the GPU's mappings and VRAM pages there go without a copy, the ranges lose the unmapped part, the
     * pages leave the mirror. Mirrors svm_range_unmap_from_cpu() (svm_range_unmap_from_gpus(), svm_range_unmap_split()).
     */
    private long unmapFromCpu(long firstPage, long pages) {
        long now = gpu.sim.nowNanos();
        long remote = 0;
        long released = 0;
        long runFirst = -1;
        for (long p = firstPage; p <= firstPage + pages; p++) {
            boolean resident = false;
            if (p < firstPage + pages && pt.covers(p)) {
                int i = pt.idx(p);
                remote += (pt.pte(i) & VALID) != 0 && !pt.local(i) ? 1 : 0;
                resident = pt.resid(i) == R_GPU;
                pt.release(p, MigrationCause.UNMAP);
            }
            if (runFirst >= 0 && !resident) {
                gpu.policy.onMigrated(runFirst, p - runFirst, 0, Location.UNPOPULATED, MigrationCause.UNMAP, now);
                runFirst = -1;
            }
            if (resident) {
                released++;
                if (runFirst < 0) {
                    runFirst = p;
                }
            }
        }
        if (released > 0) {
            pt.recordResidency(now);
        }
        pt.detach(firstPage, pages);
        gpu.ranges.unmap(firstPage, firstPage + pages - 1);
        gpu.tlb.invalidate(firstPage, pages);
        gpu.counters.increment(Counter.INVALIDATIONS);
        return gpu.invalidationCost() + gpu.iommu.unmap(remote)
                + gpu.iommu.invalidate(firstPage, pages, remote, now);
    }

    /**
     * XNACK off: the restore work maps every invalid range again, then resumes the queues; invalidated again
     * meanwhile, it is queued once more. Mirrors svm_range_restore_work() (kfd_svm.c) and kgd2kfd_resume_mm().
     */
    private void restoreWork() {
        SvmWork w = new SvmWork(gpu.sim, gpu.sim.nowNanos());
        List<SvmRange> invalid = new ArrayList<>();
        for (SvmRange r : gpu.ranges.all()) {
            if (r.invalid > 0) {
                r.invalid = 0;
                invalid.add(r);
            }
        }
        for (SvmRange r : invalid) {
            validateAndMap(w, r, r.start, r.last);
        }
        w.charge(Stage.FAULT_ENTRY, gpu.options.queueEviction().nanos()); // kgd2kfd_resume_mm()
        w.end((t, st) -> {
            for (SvmRange r : invalid) {
                apply(r, r.start, r.last, t);
            }
            for (SvmRange r : gpu.ranges.all()) {
                if (r.invalid > 0) {
                    // evicted again while restoring: "reschedule to restore svm range"
                    gpu.sim.scheduleAtNanos(t + gpu.options.restoreDelay().nanos(), EventPhase.HOST,
                            a -> restoreWork(), 0);
                    return;
                }
            }
            quiesced = false;
            if (gpu.warps != null) {
                gpu.warps.replay(t, st);
            }
            Runnable launch = pendingLaunch;
            pendingLaunch = null;
            if (launch != null) {
                launch.run();
            }
        });
    }

    @Override
    public long takeInvalidationCost() {
        long c = pendingInvalidationCost;
        pendingInvalidationCost = 0;
        return c;
    }

    // --- the CPU side ---------------------------------------------------------------------------------------------

    /**
     * A CPU thread touched a VRAM page: the granule around it goes back to system memory and the thread retries when
     * the copy has landed. Mirrors svm_migrate_to_ram() (kfd_migrate.c), the pagemap's migrate_to_ram: the
     * granularity-aligned block around the address within the range, svm_migrate_vram_to_ram().
     */
    @Override
    public void migrateToRam(long page, boolean write, long nowNanos, EventHandler resume, long arg) {
        SvmRange r = gpu.ranges.fromAddr(page);
        long[] g = r == null ? new long[] {page, page} : r.granule(page);
        SvmWork w = new SvmWork(gpu.sim, nowNanos);
        gpu.migrate.toRam(w, g[0], g[1], MigrationCause.HOST_FAULT);
        w.end((t, st) -> resume.handle(arg));
    }

    @Override
    public boolean underMigration(long page) {
        return pt.covers(page) && pt.landing(pt.idx(page)) != 0;
    }

    @Override
    public void waitForMigration(long page, EventHandler resume, long arg) {
        waiters.add(page, resume, arg);
    }

    /** A copy landed at {@code now}: the CPU threads whose page is no longer migrating resume. */
    void wakeCpuWaiters(long now) {
        waiters.wake(gpu.sim, now, migrating);
    }

    /** SVM keeps no read-only duplicates: a CPU write has nothing to collapse. */
    @Override
    public long cpuWrite(long page, long nowNanos) {
        return 0;
    }

    @Override
    public void populatedOnHost(long page) {
        if (pt.covers(page) && pt.resid(pt.idx(page)) == R_UNPOPULATED) {
            pt.setResid(pt.idx(page), R_HOST);
        }
    }
}
