package org.hmmlab.driver.uvm;

import java.util.Locale;

import org.hmmlab.device.CopyEngine;
import org.hmmlab.device.DevicePageTable;
import org.hmmlab.device.HostMemory;
import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.TraceEvent;
import org.hmmlab.mm.notifier.MmuNotifyEvent;
import org.hmmlab.policy.Decision;
import org.hmmlab.policy.Location;
import org.hmmlab.policy.MigrationCause;
import org.hmmlab.policy.PageMask;
import org.hmmlab.policy.Pages;
import org.hmmlab.sim.EventHandler;
import org.hmmlab.sim.EventPhase;
import org.hmmlab.units.Bytes;

import static org.hmmlab.device.DevicePageTable.R_DUP;
import static org.hmmlab.device.DevicePageTable.R_GPU;
import static org.hmmlab.device.DevicePageTable.R_HOST;
import static org.hmmlab.device.DevicePageTable.R_UNPOPULATED;
import static org.hmmlab.device.DevicePageTable.VALID;

/**
 * The driver's HMM side, where the CPU's memory management meets the GPU's: the MMU interval notifier callbacks
 * that drop device translations (and, on an unmap, the device's copy of the pages), migrate_to_ram when a CPU
 * thread touches a page in device memory, a CPU write collapsing a read-mostly duplicate, and CPU threads waiting on
 * a migration entry.
 *
 * <p>Mirrors uvm_hmm.c: uvm_hmm_invalidate() as the interval notifier's invalidate callback, and the device-private
 * pagemap's migrate_to_ram (uvm_hmm_devmem_fault()), which migrates the region the policy chooses back to system
 * memory with migrate_vma.
 */
public final class UvmHmm implements HostMemory.Invalidator, HostMemory.DeviceDriver {

    private final UvmGpu gpu;
    private final DevicePageTable pt;
    private long pendingInvalidationCost;
    /** CPU threads waiting on a page's migration entry until its landing: page, resume handler, argument. */
    private final org.hmmlab.driver.MigrationWaiters waiters = new org.hmmlab.driver.MigrationWaiters();
    private final java.util.function.LongPredicate migrating = this::underMigration;

    UvmHmm(UvmGpu gpu) {
        this.gpu = gpu;
        this.pt = gpu.pt;
    }

    // --- MMU interval notifier ----------------------------------------------------------------------------------

    @Override
    public void invalidate(long firstPage, long pages, MmuNotifyEvent event) {
        pendingInvalidationCost += event == MmuNotifyEvent.UNMAP ? unmapDevice(firstPage, pages)
                : invalidateDevice(firstPage, pages, event);
    }

    /** The event as the trace names it: the enum constant in lower case ("clear", "unmap", "migrate"). */
    private static String traceName(MmuNotifyEvent event) {
        return event.name().toLowerCase(Locale.ROOT);
    }

    /** Takes the invalidation time accumulated by notifier callbacks since the last call. */
    @Override
    public long takeInvalidationCost() {
        long c = pendingInvalidationCost;
        pendingInvalidationCost = 0;
        return c;
    }

    /**
     * The host invalidated [firstPage, firstPage + pages) (an MMU notifier callback): drop device PTEs that point at
     * host pages and the TLB entries over them. Pages in device memory are device-private and not affected by CPU
     * page-table changes. Returns the time the host must wait for the device to confirm.
     */
    private long invalidateDevice(long firstPage, long pages, MmuNotifyEvent event) {
        long remote = 0;
        for (long p = firstPage; p < firstPage + pages; p++) {
            if (pt.covers(p)) {
                int i = pt.idx(p);
                if ((pt.pte(i) & VALID) != 0 && !pt.local(i)) {
                    pt.setPte(i, (byte) 0);
                    remote++;
                }
            }
        }
        if (remote == 0) {
            return 0;
        }
        gpu.tlb.invalidate(firstPage, pages);
        gpu.counters.increment(Counter.INVALIDATIONS);
        if (gpu.metrics.tracing()) {
            gpu.metrics.trace(new TraceEvent.Invalidated(gpu.sim.nowNanos(), firstPage, pages, traceName(event)));
        }
        return gpu.invalidationCost() + iommuUnmap(firstPage, pages, remote);
    }

    /**
     * The remote mappings' DMA addresses go with them (drm_gpusvm and the HMM drivers dma_unmap_page() every page
     * they drop in the invalidate callback): the IO page-table writes and the IOTLB invalidation the mode needs, all
     * inside the callback the CPU waits for. 0 unless the IOMMU translates.
     */
    private long iommuUnmap(long firstPage, long pages, long remote) {
        return gpu.iommu.unmap(remote) + gpu.iommu.invalidate(firstPage, pages, remote, gpu.sim.nowNanos());
    }

    /**
     * The host unmapped [firstPage, firstPage + pages) (munmap, free, cudaFree): every device PTE and TLB entry over
     * it goes, device-resident pages and read-only duplicates are released without a copy back (their data died
     * with the mapping), queued access-counter notifications for the range are dropped, and the range leaves the
     * mirrored allocations. Returns the time the host waits for the device to confirm the TLB invalidation, charged
     * like any other invalidation.
     *
     * <p>Mirrors a driver's invalidate callback for MMU_NOTIFY_UNMAP (mmu_notifier_invalidate_range_start() from
     * munmap) followed by the zap freeing device-private pages through dev_pagemap_ops.page_free (mm/memremap.c;
     * lib/test_hmm.c dmirror_devmem_free puts the page back on the device's free list); UVM likewise destroys the
     * va_range of a freed managed allocation and frees its GPU chunks (uvm_va_range_destroy()).
     */
    private long unmapDevice(long firstPage, long pages) {
        long now = gpu.sim.nowNanos();
        long released = 0;
        long remote = 0;
        long runFirst = -1;
        for (long p = firstPage; p <= firstPage + pages; p++) {
            int i = p < firstPage + pages && pt.covers(p) ? pt.idx(p) : -1;
            boolean resident = i >= 0 && (pt.resid(i) == R_GPU || pt.resid(i) == R_DUP);
            if (i >= 0) {
                remote += (pt.pte(i) & VALID) != 0 && !pt.local(i) ? 1 : 0;
                // a copy still in flight lands on a freed page: it is never mapped
                pt.release(p, MigrationCause.UNMAP);
                pt.setThrottleUntil(i, 0);
                gpu.notes.forget(i);
                gpu.atsPri.forget(i);
            }
            if (runFirst >= 0 && (!resident || (p & (Pages.PAGES_PER_BLOCK - 1)) == 0)) {
                // the pages are gone from every place: the policies forget them, one report per 2 MiB block
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
        gpu.tlb.invalidate(firstPage, pages);
        gpu.counters.increment(Counter.INVALIDATIONS);
        if (gpu.metrics.tracing()) {
            gpu.metrics.trace(new TraceEvent.Invalidated(now, firstPage, pages, traceName(MmuNotifyEvent.UNMAP)));
        }
        return gpu.invalidationCost() + iommuUnmap(firstPage, pages, remote);
    }

    // --- migration entries --------------------------------------------------------------------------------------

    /**
     * Whether {@code page} is migrating, its copy still on the way: to device memory after a device fault or an
     * access-counter notification, or back to host memory after a CPU fault. The CPU's page table holds a migration
     * entry for it. A read-only duplicate being copied is not migrating: the CPU keeps its host copy mapped.
     */
    @Override
    public boolean underMigration(long page) {
        if (!pt.covers(page)) {
            return false;
        }
        int i = pt.idx(page);
        return pt.landing(i) != 0 && pt.resid(i) != R_DUP;
    }

    /**
     * A CPU thread found {@code page} under migration: it sleeps until the page has landed, then {@code resume} runs
     * with {@code arg} and the thread retries its access. Mirrors migration_entry_wait() (mm/migrate.c): a CPU fault
     * on a migration entry waits for the migration to finish rather than acting on a page half-moved.
     */
    @Override
    public void waitForMigration(long page, EventHandler resume, long arg) {
        waiters.add(page, resume, arg);
    }

    /** A migration finished at {@code now}: the CPU threads whose page is no longer migrating resume. */
    void wakeCpuWaiters(long now) {
        waiters.wake(gpu.sim, now, migrating);
    }

    // --- CPU side -----------------------------------------------------------------------------------------------

    /**
     * A CPU access hit a page in device memory and the core's fault handler called the pagemap's migrate_to_ram:
     * migrate the region the policy chooses back to host memory and run {@code done} when the copy has landed. The
     * faulting thread's CPU work (the walk, the per-page setup, the invalidation) is charged before the copy starts;
     * a throttled fault just sleeps for the throttle.
     */
    @Override
    public void migrateToRam(long page, boolean write, long now, EventHandler done, long arg) {
        gpu.fillContext(page, write, now);
        Decision d = gpu.policy.onHostFault(gpu.ctx);
        if (d.action() == Decision.Action.THROTTLE) {
            gpu.sim.scheduleAtNanos(now + d.delay().nanos(), EventPhase.HOST, done, arg);
            return;
        }
        long first = Math.max(d.regionFirstPage(page), page & -(long) Pages.PAGES_PER_BLOCK);
        long last = Math.min(first + Math.max(1, d.regionPages()), (page | (Pages.PAGES_PER_BLOCK - 1)) + 1);
        long[] b = new long[2];
        pt.allocBounds(page, b);
        first = Math.max(first, b[0]);
        last = Math.min(last, b[1]);
        long[] selected = cpuPrefetch(page, first, last, b, now);
        long blockFirst = page & -(long) Pages.PAGES_PER_BLOCK;
        if (selected != null) {
            int lo = Pages.PAGES_PER_BLOCK;
            int hi = -1;
            for (int k = 0; k < Pages.PAGES_PER_BLOCK; k++) {
                if (PageMask.test(selected, k)) {
                    lo = Math.min(lo, k);
                    hi = k;
                }
            }
            first = blockFirst + lo;
            last = blockFirst + hi + 1;
        }
        int moved = 0;
        // the moved pages stay under their migration entries until the copy has landed: the device's fault handler
        // cannot take them back meanwhile, and the faulting thread retries when the copy is done
        int toHost = pt.nextLandingId();
        long runStart = first;
        for (long q = first; q <= last; q++) {
            // a page whose migration to the device is still under way has a migration entry, which
            // migrate_vma_setup() does not collect: it stays, and the runs around it move; so does a page between
            // two prefetched runs that the prefetch left out
            if (q == last || pt.landing(pt.idx(q)) != 0
                    || (selected != null && !PageMask.test(selected, (int) (q - blockFirst)))) {
                if (q > runStart) {
                    gpu.host.migrateToHost(runStart, q - runStart);
                }
                runStart = q + 1;
                continue;
            }
            int i = pt.idx(q);
            if (pt.resid(i) == R_GPU) {
                pt.release(q, MigrationCause.HOST_FAULT);
                pt.setLanding(i, toHost);
                moved++;
            }
        }
        pt.recordResidency(now);
        gpu.tlb.invalidate(first, last - first);
        gpu.counters.add(Counter.PAGES_TO_HOST, moved);
        gpu.counters.add(Counter.BYTES_TO_HOST, (long) moved << 12);
        gpu.counters.increment(Counter.INVALIDATIONS);
        long cpu = gpu.h.rangeFaultWalk().nanos() + gpu.h.blockOverhead().nanos()
                + moved * (gpu.h.populatePerPage().nanos() + gpu.h.dmaMapPerPage().nanos()
                        + gpu.h.pteUpdatePerPage().nanos())
                + gpu.invalidationCost()
                + gpu.iommu.map(moved); // the copies' host destinations, through a translating IOMMU
        // the policy hears of the pages that moved, run by run: not of the region's pages that were never here
        for (long q = first; q < last; ) {
            if (pt.landing(pt.idx(q)) != toHost) {
                q++;
                continue;
            }
            long run = q;
            while (q < last && pt.landing(pt.idx(q)) == toHost) {
                q++;
            }
            gpu.policy.onMigrated(run, q - run, 0, Location.HOST, MigrationCause.HOST_FAULT, now + cpu);
        }
        if (gpu.metrics.tracing()) {
            gpu.metrics.trace(new TraceEvent.Migrated(now + cpu, first, moved, false));
        }
        CopyEngine ce = gpu.nextEngine();
        Bytes size = Bytes.pages(Math.max(1, moved));
        long from = first;
        long to = last;
        EventHandler landed = x -> {
            for (long q = from; q < to; q++) {
                if (pt.landing(pt.idx(q)) == toHost) {
                    pt.setLanding(pt.idx(q), 0);
                }
            }
            wakeCpuWaiters(gpu.sim.nowNanos());
            done.handle(arg);
        };
        gpu.sim.scheduleAtNanos(now + cpu, EventPhase.HOST,
                a -> ce.submit(false, size, CopyEngine.GRANULE_4K, landed, 0), 0);
    }

    /**
     * The prefetch tree for a CPU fault whose region grew to [{@code first}, {@code last}) (its big page): the
     * policy's prefetcher over the block with the CPU as destination, built from the pages the CPU already holds
     * (every page of the block not in device memory), the grown region as the faulted pages. Returns the pages to
     * migrate, region and prefetch, inside the allocation's {@code bounds}; null when the fault did not grow (no
     * prefetching: just the page moves). Mirrors uvm_va_block_get_prefetch_hint() ->
     * uvm_perf_prefetch_get_hint_va_block() (uvm_perf_prefetch.c), asked for a CPU fault as for a GPU fault: the
     * tree widens the region where more than the threshold of a subtree would then be on the CPU.
     */
    private long[] cpuPrefetch(long page, long first, long last, long[] bounds, long now) {
        if (last - first <= 1) {
            return null;
        }
        long block = page >>> Pages.BLOCK_PAGE_SHIFT;
        long blockFirst = block << Pages.BLOCK_PAGE_SHIFT;
        long[] resident = PageMask.create();
        long[] faulted = PageMask.create();
        long[] out = PageMask.create();
        for (int k = 0; k < Pages.PAGES_PER_BLOCK; k++) {
            long q = blockFirst + k;
            if (q < bounds[0] || q >= bounds[1] || pt.resid(pt.idx(q)) != R_GPU) {
                PageMask.set(resident, k); // on the CPU already, or outside the allocation: nothing to bring back
            }
        }
        for (long q = first; q < last; q++) {
            PageMask.set(faulted, (int) (q - blockFirst));
        }
        // max_prefetch_region: the block's pages inside the allocation (uvm_hmm_get_prefetch_region())
        int regionFirst = (int) (Math.max(bounds[0], blockFirst) - blockFirst);
        int regionOuter = (int) (Math.min(bounds[1], blockFirst + Pages.PAGES_PER_BLOCK) - blockFirst);
        gpu.policy.prefetch(block, regionFirst, regionOuter, resident, faulted, out, now);
        PageMask.or(out, faulted);
        for (int k = 0; k < Pages.PAGES_PER_BLOCK; k++) {
            long q = blockFirst + k;
            if (q < bounds[0] || q >= bounds[1]) {
                PageMask.clear(out, k);
            }
        }
        return out;
    }

    /**
     * A CPU write to a read-duplicated page invalidates the device copy (the host copy is the master); returns the
     * host time to get the device TLB invalidation confirmed, 0 when the page had no duplicate.
     */
    @Override
    public long cpuWrite(long page, long now) {
        if (!pt.covers(page) || pt.resid(pt.idx(page)) != R_DUP) {
            return 0;
        }
        gpu.dropToHost(page, MigrationCause.HOST_FAULT, now); // one still being copied is dropped, never mapped
        gpu.tlb.invalidate(page, 1);
        gpu.counters.increment(Counter.INVALIDATIONS);
        return gpu.invalidationCost();
    }

    /** Marks {@code page} populated in host memory (a CPU fault or hmm_range_fault populated it). */
    @Override
    public void populatedOnHost(long page) {
        int i = pt.idx(page);
        if (pt.resid(i) == R_UNPOPULATED) {
            pt.setResid(i, R_HOST);
        }
    }
}
