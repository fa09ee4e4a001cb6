package org.hmmlab.driver.uvm;

import org.hmmlab.device.DevicePageTable;
import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.Stage;
import org.hmmlab.metrics.TraceEvent;
import org.hmmlab.policy.Evictor;
import org.hmmlab.policy.Location;
import org.hmmlab.policy.MigrationCause;
import org.hmmlab.sim.EventHandler;

import static org.hmmlab.device.DevicePageTable.R_DUP;
import static org.hmmlab.device.DevicePageTable.R_GPU;

/**
 * Device memory's capacity and eviction: before a service brings pages in, chunks the evictor chooses go back to
 * host memory until the pages fit.
 *
 * <p>Mirrors the eviction path of uvm_pmm_gpu.c: when no free root chunk is left, pick_root_chunk_to_evict() takes
 * one (least recently used by default) and evict_root_chunk() migrates its resident pages to the CPU
 * (uvm_va_block_evict_chunks()); read-only duplicates are dropped rather than copied, their host copy being
 * current. Which chunk goes is the policy's {@link Evictor}.
 */
final class GpuPmm {

    private final UvmGpu gpu;

    GpuPmm(UvmGpu gpu) {
        this.gpu = gpu;
    }

    /** Evicts chunks chosen by the evictor until {@code n} more pages fit, charging {@code s}'s host thread. */
    void makeRoom(int n, VaBlockService s) {
        DevicePageTable pt = gpu.pt;
        Evictor evictor = gpu.policy.evictor();
        int guard = 0;
        // a free-page buffer evicts ahead of need, and a pre-eviction queue drains, only while a victim is offered
        long keep = Math.max(0, pt.capacityPages() - evictor.headroomPages(pt.capacityPages()));
        while (pt.residentPages() + n > keep || evictor.hasQueuedVictims(0)) {
            long t = s.now();
            long victim = evictor.pickVictim(0, t);
            boolean needed = pt.residentPages() + n > pt.capacityPages();
            if (victim < 0 && !needed) {
                break;
            }
            if (victim < 0 || ++guard > 1_000_000) {
                throw new IllegalStateException("device memory full (" + pt.residentPages() + " of "
                        + pt.capacityPages() + " pages) and the evictor '" + evictor.name() + "' offers no victim");
            }
            long chunk = evictor.victimPages(0);
            boolean drop = evictor.dropsVictimClean(0);
            long evicted = 0;
            long copiedBack = 0;
            long q = victim;
            while (q < victim + chunk) {
                int i = pt.covers(q) ? pt.idx(q) : -1;
                if (i >= 0 && pt.resid(i) == R_DUP) {
                    // a read-only duplicate is dropped, not copied: the host copy is current
                    gpu.dropToHost(q, MigrationCause.EVICTION, t);
                    evicted++;
                    q++;
                    continue;
                }
                if (i < 0 || pt.resid(i) != R_GPU) {
                    q++;
                    continue;
                }
                long runFirst = q;
                // the evicted pages stay under migration entries until their copy back has landed: a CPU access
                // meanwhile waits (migration_entry_wait()) instead of reading host memory the copy has not filled
                int toHost = pt.nextLandingId();
                while (q < victim + chunk && pt.covers(q) && pt.resid(pt.idx(q)) == R_GPU) {
                    pt.release(q, MigrationCause.EVICTION);
                    pt.setLanding(pt.idx(q), toHost);
                    q++;
                }
                int runPages = (int) (q - runFirst);
                gpu.host.migrateToHost(runFirst, runPages);
                long end = q;
                if (drop) {
                    // a clean victim is dropped, not written back: nothing crosses the link, the pages land now
                    for (long p = runFirst; p < end; p++) {
                        if (pt.covers(p) && pt.landing(pt.idx(p)) == toHost) {
                            pt.setLanding(pt.idx(p), 0);
                        }
                    }
                    gpu.hmm().wakeCpuWaiters(t);
                } else {
                    s.expectCompletion();
                    EventHandler copied = s.copyDoneHandler();
                    gpu.submitCopy(false, runPages, t, arg -> {
                        for (long p = runFirst; p < end; p++) {
                            if (pt.covers(p) && pt.landing(pt.idx(p)) == toHost) {
                                pt.setLanding(pt.idx(p), 0);
                            }
                        }
                        gpu.hmm().wakeCpuWaiters(gpu.sim.nowNanos());
                        copied.handle(arg);
                    });
                    copiedBack += runPages;
                    gpu.counters.add(Counter.BYTES_TO_HOST, (long) runPages << 12);
                }
                pt.recordResidency(t);
                evicted += runPages;
                gpu.policy.onMigrated(runFirst, runPages, 0, Location.HOST, MigrationCause.EVICTION, t);
                if (gpu.metrics.tracing()) {
                    gpu.metrics.trace(new TraceEvent.Migrated(t, runFirst, runPages, false));
                }
            }
            gpu.tlb.invalidate(victim, chunk);
            gpu.counters.add(Counter.EVICTIONS, evicted);
            gpu.counters.add(Counter.PAGES_TO_HOST, evicted);
            s.charge(Stage.MIGRATION_COPY, evicted * (gpu.h.populatePerPage().nanos() + gpu.h.dmaMapPerPage().nanos()));
            s.charge(Stage.DMA_MAP, gpu.iommu.map(copiedBack)); // the copies' host destinations
            s.charge(Stage.PTE_UPDATE, evicted * gpu.h.pteUpdatePerPage().nanos());
            s.charge(Stage.TLB_INVALIDATION, gpu.g.atcInvalidate().nanos());
            if (evicted == 0) {
                throw new IllegalStateException("evictor '" + evictor.name() + "' chose chunk at page "
                        + victim + " which holds no device-resident page");
            }
        }
    }
}
