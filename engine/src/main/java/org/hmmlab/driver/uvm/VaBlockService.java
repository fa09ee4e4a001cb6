package org.hmmlab.driver.uvm;

import java.util.Arrays;

import org.hmmlab.device.DevicePageTable;
import org.hmmlab.device.FaultPath;
import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.Stage;
import org.hmmlab.metrics.TraceEvent;
import org.hmmlab.policy.Decision;
import org.hmmlab.policy.Location;
import org.hmmlab.policy.MigrationCause;
import org.hmmlab.policy.PageMask;
import org.hmmlab.policy.Pages;
import org.hmmlab.sim.EventHandler;
import org.hmmlab.sim.EventPhase;

import static org.hmmlab.device.DevicePageTable.LOCAL;
import static org.hmmlab.device.DevicePageTable.R_DUP;
import static org.hmmlab.device.DevicePageTable.R_GPU;
import static org.hmmlab.device.DevicePageTable.R_HOST;
import static org.hmmlab.device.DevicePageTable.R_UNPOPULATED;
import static org.hmmlab.device.DevicePageTable.VALID;
import static org.hmmlab.device.DevicePageTable.WRITE;

/**
 * One host service of a batch: a fault batch, one PRI page request, or an access-counter notification batch, its
 * unique pages grouped by 2 MiB VA block. For each block the policy decides per page (map remotely, duplicate,
 * migrate, throttle), the prefetcher widens the migration, room is made ({@link GpuPmm}), the pages migrate with
 * migrate_vma and their device mappings land after their copies ({@link Landing}). Charges the host thread's
 * timeline stage by stage; when the CPU work and every copy are done, the batch ends: replay, PRI response or the
 * access counters' next fetch.
 *
 * <p>Mirrors service_fault_batch_block() and uvm_va_block_service_locked() (uvm_gpu_replayable_faults.c,
 * uvm_va_block.c): per VA block, make resident (one copy push per run of pages from one source), then map (one PTE
 * push with its TLB invalidate), trackers collected rather than waited for.
 */
final class VaBlockService {

    private final UvmGpu gpu;
    private final DevicePageTable pt;
    /** An access-counter notification batch: decisions come from the notifications, nothing is replayed. */
    private final boolean notifications;
    private final long start;
    private final long[] stage = new long[Stage.values().length];
    private final long entryAtStart;
    private long page0;
    /** Where the host thread's work has got to. */
    private long t;
    private long cpuDone;
    private boolean cpuReached;
    private int copiesOutstanding;
    /** A fault of the batch was throttled (the driver's has_throttled_faults). */
    private boolean throttled;
    private final long[] bounds = new long[2];
    private final EventHandler copyDoneHandler = a -> copyDone();
    /** Pages the service maps remotely: their PTEs are written when its CPU work is done, not at the decision. */
    private long[] remotePages;
    private int remoteCount;
    /** For an explicit migration ({@link #migrateExplicitly}): what runs when its copies have landed; else null. */
    private EventHandler explicitDone;

    VaBlockService(UvmGpu gpu, long start, long entryCharged, boolean notifications) {
        this.gpu = gpu;
        this.pt = gpu.pt;
        this.notifications = notifications;
        this.start = start;
        this.t = start;
        this.entryAtStart = entryCharged;
        stage[Stage.FAULT_ENTRY.ordinal()] += entryCharged;
    }

    /** The service's time per stage so far. */
    long[] stage() {
        return stage;
    }

    void addStage(Stage s, long nanos) {
        stage[s.ordinal()] += nanos;
    }

    /** Where the host thread's work has got to. */
    long now() {
        return t;
    }

    boolean throttled() {
        return throttled;
    }

    /** The service's stages from the moment the handler runs (the interrupt before it is not batch time). */
    private long[] stageWithoutEntry() {
        long[] v = stage.clone();
        v[Stage.FAULT_ENTRY.ordinal()] -= entryAtStart;
        return v;
    }

    /** Services the batch's {@code u} unique pages, sorted, in {@code gpu.uniq} and {@code gpu.uniqWrite}. */
    void run(int u) {
        long[] uniq = gpu.uniq;
        page0 = uniq[0];
        if (gpu.path == FaultPath.REPLAYABLE_BUFFER || notifications) {
            // the batch's fixed parts (BatchFixedCost): the pointer reads and the sort of the fetch, and the flush
            // before the replay, charged together with the fetch
            charge(Stage.FAULT_ENTRY, gpu.batchCost.bufferPointerReads().nanos());
            charge(Stage.FAULT_ENTRY, gpu.batchCost.preprocessSort().nanos());
            charge(Stage.FAULT_ENTRY, gpu.batchCost.bufferFlush().nanos());
        }
        charge(Stage.FAULT_ENTRY, u * (gpu.h.perFaultOverhead().nanos() + gpu.policy.deviceFaultCost().nanos()));
        if (!notifications) {
            // the placement's batch form sees the whole batch before its faults are decided one by one
            gpu.fillContext(uniq[0], gpu.uniqWrite[0], t);
            gpu.policy.onFaultBatch(gpu.batch.fill(uniq, gpu.uniqWrite, u, gpu.ctx));
        }
        boolean ptesWritten = false;
        int k = 0;
        while (k < u) {
            long block = uniq[k] >>> Pages.BLOCK_PAGE_SHIFT;
            PageMask.clearAll(gpu.blockMask);
            PageMask.clearAll(gpu.prefetchMask);
            int end = k;
            while (end < u && (uniq[end] >>> Pages.BLOCK_PAGE_SHIFT) == block) {
                end++;
            }
            if (gpu.path == FaultPath.REPLAYABLE_BUFFER && !notifications) {
                gpu.counters.increment(Counter.VA_BLOCKS_SERVICED);
            }
            if (gpu.path == FaultPath.REPLAYABLE_BUFFER) {
                // uvm_va_block_find_create(): the block, its GPU state and page tables on the first fault there
                charge(Stage.FIRST_TOUCH, gpu.firstTouch.blockSetUp(block, gpu.g.atcInvalidate().nanos()));
            }
            for (int j = k; j < end; j++) {
                ptesWritten |= decide(uniq[j], gpu.uniqWrite[j]);
            }
            if (PageMask.count(gpu.blockMask) > 0) {
                prefetch(block);
                migrateBlock(block);
                ptesWritten = true;
            }
            k = end;
        }
        if (ptesWritten) {
            charge(Stage.PTE_UPDATE, gpu.batchCost.mapPush().nanos());
        }
        cpuDone = t;
        gpu.sim.scheduleAtNanos(t, EventPhase.HOST, a -> {
            cpuReached = true;
            mapRemote();
            finishIfDone();
        }, 0);
    }

    /**
     * Migrates pages [{@code first}, {@code first + pages}) to the GPU at the caller's request, block by block, the
     * pages already in device memory (or duplicated there) left alone; {@code done} runs once every copy has landed
     * and been mapped. An explicit migration, as {@code cudaMemPrefetchAsync} to a GPU asks: no fault, no
     * prefetcher, no replay; each block pays its first touch and its copy and map pushes as a fault's service does
     * ({@code uvm_migrate()} -> {@code uvm_va_block_make_resident()}, {@code uvm_migrate.c}, {@code uvm_va_block.c}).
     */
    void migrateExplicitly(long first, long pages, EventHandler done) {
        explicitDone = done;
        page0 = first;
        boolean ptesWritten = false;
        for (long block = first >>> Pages.BLOCK_PAGE_SHIFT; block <= (first + pages - 1) >>> Pages.BLOCK_PAGE_SHIFT;
             block++) {
            PageMask.clearAll(gpu.blockMask);
            PageMask.clearAll(gpu.prefetchMask);
            long blockFirst = block << Pages.BLOCK_PAGE_SHIFT;
            int from = (int) (Math.max(first, blockFirst) - blockFirst);
            int to = (int) (Math.min(first + pages, blockFirst + Pages.PAGES_PER_BLOCK) - blockFirst);
            int n = 0;
            for (int p = from; p < to; p++) {
                long q = blockFirst + p;
                if (pt.covers(q) && pt.allocBounds(q, bounds) && pt.resid(pt.idx(q)) != R_GPU
                        && pt.resid(pt.idx(q)) != R_DUP) {
                    PageMask.set(gpu.prefetchMask, p);
                    n++;
                }
            }
            if (n == 0) {
                continue;
            }
            if (gpu.path == FaultPath.REPLAYABLE_BUFFER) {
                charge(Stage.FIRST_TOUCH, gpu.firstTouch.blockSetUp(block, gpu.g.atcInvalidate().nanos()));
            }
            migrateBlock(block);
            ptesWritten = true;
        }
        if (ptesWritten) {
            charge(Stage.PTE_UPDATE, gpu.batchCost.mapPush().nanos());
        }
        cpuDone = t;
        gpu.sim.scheduleAtNanos(t, EventPhase.HOST, a -> {
            cpuReached = true;
            finishIfDone();
        }, 0);
    }

    private void deferRemoteMapping(long page) {
        if (remotePages == null) {
            remotePages = new long[16];
        } else if (remoteCount == remotePages.length) {
            remotePages = Arrays.copyOf(remotePages, remoteCount * 2);
        }
        remotePages[remoteCount++] = page;
    }

    /**
     * The service's CPU work is done, its PTE writes pushed: the remote mappings it decided take effect now, so a
     * warp reaching such a page while the service still runs faults rather than reading through a mapping not yet
     * written (uvm_va_block_service_locked() maps after servicing; the PTE writes are pushed at the end). A page
     * that an invalidation or a migration took meanwhile is left unmapped, as a driver's mmu_interval_read_retry()
     * would find its snapshot stale: the warp refaults. Writable when the CPU page table allows writes then.
     */
    private void mapRemote() {
        for (int k = 0; k < remoteCount; k++) {
            long page = remotePages[k];
            if (!pt.covers(page)) {
                continue;
            }
            int i = pt.idx(page);
            if (pt.resid(i) == R_HOST && pt.landing(i) == 0 && gpu.host.present(page, false)) {
                pt.setPte(i, (byte) (VALID | (gpu.host.present(page, true) ? WRITE : 0)));
                if (gpu.metrics.tracing()) {
                    gpu.metrics.trace(new TraceEvent.Mapped(gpu.sim.nowNanos(), page, 1));
                }
            }
        }
        remoteCount = 0;
    }

    /** The host thread spends {@code nanos} on stage {@code s}. */
    void charge(Stage s, long nanos) {
        stage[s.ordinal()] += nanos;
        t += nanos;
    }

    /** hmm_range_fault of one page: a walk, the page, and a CPU fault for each of the {@code faulted} pages. */
    private void chargeRangeFault(long faulted) {
        charge(Stage.RANGE_FAULT, gpu.h.rangeFaultWalk().nanos() + gpu.h.rangeFaultPerPage().nanos()
                + faulted * gpu.h.populatePerPage().nanos());
    }

    /** Applies the policy to one unique faulting page; returns whether a PTE was written. */
    private boolean decide(long page, boolean write) {
        int i = pt.idx(page);
        gpu.fillContext(page, write, t);
        Decision d;
        if (notifications) {
            d = gpu.notes.service(page); // serviced: the driver clears the counter, which re-arms it
            if (d == null) {
                return false; // the region was unmapped since the notification: nothing left to migrate
            }
        } else {
            d = gpu.policy.onDeviceFault(gpu.ctx);
        }
        switch (d.action()) {
            case MAP_REMOTE -> {
                if (pt.landing(i) != 0 && pt.resid(i) != R_DUP) {
                    // under a migration entry: hmm_range_fault() would wait for it; the warp refaults
                    return false;
                }
                long r = gpu.host.rangeFault(page, 1, write);
                if (r < 0) {
                    throw new IllegalStateException("hmm_range_fault failed with errno " + r + " on page " + page);
                }
                chargeRangeFault(r);
                charge(Stage.TLB_INVALIDATION, gpu.hmm.takeInvalidationCost()); // e.g. COW of the zero page
                if (pt.resid(i) == R_DUP) {
                    // the read-only duplicate gives way to a mapping of the host copy
                    gpu.dropToHost(page, MigrationCause.DEVICE_FAULT, t);
                    gpu.tlb.invalidate(page, 1);
                }
                if (pt.resid(i) != R_GPU) {
                    pt.setResid(i, R_HOST);
                    charge(Stage.DMA_MAP, gpu.iommu.map(1)); // the device's PTE holds the page's DMA address
                    deferRemoteMapping(page);
                    charge(Stage.PTE_UPDATE, gpu.h.pteUpdatePerPage().nanos());
                    return true;
                }
                return false;
            }
            case DUPLICATE -> {
                return duplicate(page, d);
            }
            case MIGRATE -> {
                long first = Math.max(d.regionFirstPage(page), page & -(long) Pages.PAGES_PER_BLOCK);
                long last = Math.min(first + d.regionPages(), (page | (Pages.PAGES_PER_BLOCK - 1)) + 1);
                pt.allocBounds(page, bounds);
                first = Math.max(first, bounds[0]);
                last = Math.min(last, bounds[1]);
                for (long p = first; p < last; p++) {
                    int pi = pt.idx(p);
                    // a notification names the sub-regions accessed; a fault's decision covers its whole region
                    if (pt.landing(pi) == 0 && (!pt.local(pi) || pt.resid(pi) == R_DUP) && d.coversSubRegion(p)) {
                        PageMask.set(gpu.blockMask, Pages.indexInBlock(p));
                    }
                }
                return false;
            }
            case THROTTLE -> {
                pt.setThrottleUntil(i, t + d.delay().nanos());
                throttled = true;
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    /**
     * Read duplication (UVM's read-mostly advice): copies the region's host pages read-only into device memory and
     * keeps the host copy mapped for the CPU. Returns whether a PTE was written.
     */
    private boolean duplicate(long page, Decision d) {
        long first = Math.max(d.regionFirstPage(page), page & -(long) Pages.PAGES_PER_BLOCK);
        long last = Math.min(first + d.regionPages(), (page | (Pages.PAGES_PER_BLOCK - 1)) + 1);
        pt.allocBounds(page, bounds);
        first = Math.max(first, bounds[0]);
        last = Math.min(last, bounds[1]);
        boolean written = false;
        for (long q = first; q < last; q++) {
            int i = pt.idx(q);
            if (pt.local(i) || pt.landing(i) != 0) {
                continue;
            }
            long r = gpu.host.rangeFault(q, 1, false);
            if (r < 0) {
                throw new IllegalStateException("hmm_range_fault failed with errno " + r + " on page " + q);
            }
            chargeRangeFault(r);
            gpu.pmm.makeRoom(1, this);
            charge(Stage.MIGRATION_COPY, gpu.h.populatePerPage().nanos() + gpu.h.dmaMapPerPage().nanos());
            charge(Stage.DMA_MAP, gpu.iommu.map(1)); // the copy's source; the host copy stays mapped
            // read-only: a device write faults and collapses the duplicate. Until the copy lands the device keeps
            // whatever mapping of the host copy it had: the host copy stays current
            Landing l = new Landing(gpu, q, 1, (byte) (VALID | LOCAL), this);
            gpu.submitCopy(true, 1, t, l.expectCopy());
            gpu.counters.add(Counter.BYTES_TO_DEVICE, 1L << 12);
            gpu.counters.add(Counter.PAGES_TO_DEVICE, 1);
            pt.admit(q, R_DUP);
            pt.recordResidency(t);
            charge(Stage.PTE_UPDATE, gpu.h.pteUpdatePerPage().nanos());
            l.mapAt(t);
            gpu.policy.onMigrated(q, 1, Location.HOST, 0, MigrationCause.DEVICE_FAULT, t);
            written = true;
        }
        return written;
    }

    /** The prefetcher widens the block's faulted pages to the pages it predicts, within mirrored allocations. */
    private void prefetch(long block) {
        long firstPage = block << Pages.BLOCK_PAGE_SHIFT;
        long[] residentMask = gpu.residentMask;
        PageMask.clearAll(residentMask);
        for (int p = 0; p < Pages.PAGES_PER_BLOCK; p++) {
            long page = firstPage + p;
            if (pt.covers(page)) {
                int i = pt.idx(page);
                if (pt.local(i) || pt.landing(i) != 0) {
                    PageMask.set(residentMask, p);
                }
            }
        }
        // max_prefetch_region: the block's pages inside the faulting allocation (a VA block ends where its range
        // does, block_calc_end() in uvm_va_range.c), the hull where one block's faults span several allocations
        int regionFirst = Pages.PAGES_PER_BLOCK;
        int regionOuter = 0;
        for (int p = 0; p < Pages.PAGES_PER_BLOCK; p++) {
            if (p >= regionFirst && p < regionOuter || !PageMask.test(gpu.blockMask, p)
                    || !pt.allocBounds(firstPage + p, bounds)) {
                continue;
            }
            regionFirst = Math.min(regionFirst, (int) (Math.max(bounds[0], firstPage) - firstPage));
            regionOuter = Math.max(regionOuter, (int) (Math.min(bounds[1], firstPage + Pages.PAGES_PER_BLOCK)
                    - firstPage));
        }
        if (regionFirst >= regionOuter) {
            regionFirst = 0;
            regionOuter = Pages.PAGES_PER_BLOCK;
        }
        gpu.policy.prefetch(block, regionFirst, regionOuter, residentMask, gpu.blockMask, gpu.outMask, t);
        PageMask.andNot(gpu.outMask, residentMask);
        PageMask.andNot(gpu.outMask, gpu.blockMask);
        // only pages inside a mirrored allocation
        for (int p = 0; p < Pages.PAGES_PER_BLOCK; p++) {
            if (PageMask.test(gpu.outMask, p) && pt.allocBounds(firstPage + p, bounds)) {
                PageMask.set(gpu.prefetchMask, p);
            }
        }
    }

    /**
     * The per-block service on this path: {@code host.blockOverhead} covers a block's locking, its state, the copy
     * push and its tracker; on the fault-buffer path the block's creation, GPU state and page tables are paid once,
     * as its first touch ({@link VaBlockFirstTouch#SET_UP_SHARE}), and leave the rest for every service.
     */
    private long blockServiceNanos() {
        long overhead = gpu.h.blockOverhead().nanos();
        return gpu.path == FaultPath.REPLAYABLE_BUFFER
                ? Math.max(0, overhead - VaBlockFirstTouch.SET_UP_SHARE.nanos()) : overhead;
    }

    private boolean selected(int p) {
        return PageMask.test(gpu.blockMask, p) || PageMask.test(gpu.prefetchMask, p);
    }

    /**
     * Migrates the block's faulted and prefetched pages: room first, then migrate_vma over each contiguous run from
     * one source; pages that cannot move are mapped remotely instead. The device maps each run once its copy has
     * landed and the block's PTE update is charged.
     */
    private void migrateBlock(long block) {
        long firstPage = block << Pages.BLOCK_PAGE_SHIFT;
        int n = PageMask.count(gpu.blockMask) + PageMask.count(gpu.prefetchMask);
        int dups = 0;
        for (int p = 0; p < Pages.PAGES_PER_BLOCK; p++) {
            if (PageMask.test(gpu.blockMask, p) && pt.resid(pt.idx(firstPage + p)) == R_DUP) {
                dups++; // collapsing a duplicate: its device copy becomes the only one
            }
        }
        gpu.pmm.makeRoom(n - dups, this);
        if (gpu.path == FaultPath.REPLAYABLE_BUFFER) {
            // block_populate_gpu_chunk(): the block's first pages in device memory take a root chunk, whose pages
            // that hold no data anywhere are zeroed (block_zero_new_gpu_chunk(): the chunk's pages not resident
            // elsewhere, within the allocation)
            int unpopulated = 0;
            for (int p = 0; p < Pages.PAGES_PER_BLOCK; p++) {
                long q = firstPage + p;
                if (pt.covers(q) && pt.allocBounds(q, bounds) && pt.resid(pt.idx(q)) == R_UNPOPULATED) {
                    unpopulated++;
                }
            }
            charge(Stage.FIRST_TOUCH, gpu.firstTouch.chunkFor(block, unpopulated));
        }
        // migrate_vma_setup: one walk collects and unmaps the source pages
        charge(Stage.RANGE_FAULT, gpu.h.rangeFaultWalk().nanos() + n * gpu.h.rangeFaultPerPage().nanos());
        charge(Stage.MIGRATION_COPY, blockServiceNanos()
                + n * (gpu.h.populatePerPage().nanos() + gpu.h.dmaMapPerPage().nanos()));
        boolean cpuMapped = false;
        boolean deviceMapped = false;
        int fromHost = 0;
        for (int p = 0; p < Pages.PAGES_PER_BLOCK; p++) {
            if (selected(p)) {
                int i = pt.idx(firstPage + p);
                cpuMapped |= pt.resid(i) == R_HOST || pt.resid(i) == R_DUP;
                deviceMapped |= (pt.pte(i) & VALID) != 0;
                fromHost += pt.resid(i) == R_HOST ? 1 : 0;
            }
        }
        // through a translating IOMMU the copy's host sources are DMA-mapped, then unmapped when migrate_vma frees
        // them; each unmap's IOTLB invalidation as the mode has it (every call strict, a full flush queue lazy)
        charge(Stage.DMA_MAP, gpu.iommu.map(fromHost));
        charge(Stage.DMA_UNMAP, gpu.iommu.unmap(fromHost));
        charge(Stage.IOTLB_INVALIDATION, gpu.iommu.invalidate(firstPage, Pages.PAGES_PER_BLOCK, fromHost, t));
        if (cpuMapped) {
            charge(Stage.TLB_INVALIDATION, gpu.h.tlbShootdown().nanos());
            gpu.counters.increment(Counter.TLB_SHOOTDOWNS);
        }
        if (deviceMapped) {
            charge(Stage.TLB_INVALIDATION, gpu.invalidationCost());
            gpu.tlb.invalidate(firstPage, Pages.PAGES_PER_BLOCK);
            gpu.counters.increment(Counter.INVALIDATIONS);
        }
        long copyAt = t;
        // contiguous runs: one copy per run of host-resident pages, granule by run size
        int p = 0;
        while (p < Pages.PAGES_PER_BLOCK) {
            if (!selected(p)) {
                p++;
                continue;
            }
            int runStart = p;
            byte from = pt.resid(pt.idx(firstPage + p));
            boolean prefetched = PageMask.test(gpu.prefetchMask, p);
            while (p < Pages.PAGES_PER_BLOCK && selected(p) && pt.resid(pt.idx(firstPage + p)) == from
                    && PageMask.test(gpu.prefetchMask, p) == prefetched) {
                p++;
            }
            int runPages = p - runStart;
            long runFirst = firstPage + runStart;
            // pages that could not migrate (pinned, extra references) stay where they are: end the run there
            int moved = gpu.host.migrateToDevice(runFirst, runPages);
            if (moved < runPages) {
                // the seeds' advice: if migration fails, fall back to reading over PCIe. The pages that stayed
                // (pinned, busy) are faulted in with hmm_range_fault and mapped remotely; the rest of the run
                // is tried again by the next fault
                gpu.counters.increment(Counter.MIGRATION_FAILURES);
                long stay = runFirst + moved;
                long r = gpu.host.rangeFault(stay, 1, true);
                chargeRangeFault(Math.max(0, r));
                int si = pt.idx(stay);
                if (pt.resid(si) == R_DUP) {
                    gpu.dropToHost(stay, MigrationCause.DEVICE_FAULT, t); // the duplicate gives way to the mapping
                }
                pt.setResid(si, R_HOST);
                pt.setLanding(si, 0);
                pt.setPte(si, (byte) (VALID | (gpu.host.present(stay, true) ? WRITE : 0)));
                p = runStart + moved + 1;
                runPages = moved;
                if (runPages == 0) {
                    continue;
                }
            }
            // resident on the device from here on (the CPU's page table already says so), mapped for the device
            // only when the copy has landed: a read-only duplicate keeps its mapping until then, a page that
            // was mapped remotely lost it when migrate_vma_setup unmapped the source
            Landing l = new Landing(gpu, runFirst, runPages, (byte) (VALID | WRITE | LOCAL), this);
            gpu.blockLandings.add(l);
            for (long q = runFirst; q < runFirst + runPages; q++) {
                if (from != R_DUP) {
                    pt.setPte(pt.idx(q), (byte) 0);
                }
                pt.admit(q, R_GPU);
            }
            if (from == R_HOST) {
                gpu.submitCopy(true, runPages, copyAt, l.expectCopy());
                gpu.counters.add(Counter.BYTES_TO_DEVICE, (long) runPages << 12);
            }
            if (from != R_DUP) {
                pt.recordResidency(t);
            }
            if (from == R_HOST) {
                gpu.counters.add(Counter.PAGES_TO_DEVICE, runPages);
            } else if (from == R_UNPOPULATED) {
                gpu.counters.add(Counter.PAGES_POPULATED_ON_DEVICE, runPages);
            } // a duplicate collapsing into the only copy was counted when it was copied
            gpu.policy.onMigrated(runFirst, runPages, from == R_UNPOPULATED ? Location.UNPOPULATED : Location.HOST, 0,
                    explicitDone != null ? MigrationCause.EXPLICIT : prefetched ? MigrationCause.PREFETCH
                            : notifications ? MigrationCause.ACCESS_COUNTER : MigrationCause.DEVICE_FAULT, copyAt);
            if (gpu.metrics.tracing()) {
                gpu.metrics.trace(new TraceEvent.Migrated(copyAt, runFirst, runPages, true));
            }
        }
        charge(Stage.PTE_UPDATE, n * gpu.h.pteUpdatePerPage().nanos());
        for (int k = 0; k < gpu.blockLandings.size(); k++) {
            gpu.blockLandings.get(k).mapAt(t);
        }
        gpu.blockLandings.clear();
    }

    /** The service counts one more copy or landing outstanding: the batch ends only after it. */
    void expectCompletion() {
        copiesOutstanding++;
    }

    /** The handler a copy that the service waits for runs when it lands. */
    EventHandler copyDoneHandler() {
        return copyDoneHandler;
    }

    /** A copy (or a landing) of the service has completed. */
    void copyDone() {
        copiesOutstanding--;
        finishIfDone();
    }

    private void finishIfDone() {
        if (!cpuReached || copiesOutstanding > 0) {
            return;
        }
        long now = gpu.sim.nowNanos();
        stage[Stage.MIGRATION_COPY.ordinal()] += now - cpuDone; // waiting for copies beyond the CPU work
        if (explicitDone != null) {
            explicitDone.handle(0); // an explicit migration ends when its copies have landed: nothing to replay
            return;
        }
        if (notifications) {
            gpu.metrics.accessCounterBatches().record(now - start, stageWithoutEntry());
            gpu.accessCounters.batchDone(now);
            return;
        }
        gpu.metrics.batches().record(now - start, stageWithoutEntry());
        if (gpu.path == FaultPath.REPLAYABLE_BUFFER) {
            gpu.replayable.batchServiced(this, now);
            return;
        }
        gpu.atsPri.pageResponse(page0, stage, now);
        gpu.isr.hostFree(now);
    }
}
