package org.hmmlab.driver.uvm;

import org.hmmlab.device.DevicePageTable;
import org.hmmlab.metrics.TraceEvent;
import org.hmmlab.sim.EventHandler;
import org.hmmlab.sim.EventPhase;

/**
 * The device mapping of one run of pages a service migrated (or duplicated) into device memory, waiting for its
 * copy: the PTEs are written when the copy has landed and the service's CPU work has reached the block's PTE
 * update, whichever is later; until then a device access to the run faults, and a CPU access waits as on a
 * migration entry. The service counts it as outstanding, so its replay follows the mapping.
 *
 * <p>Mirrors the driver's ordering: nvidia-uvm pushes the GPU PTE writes of a serviced VA block after its copies on
 * the block's tracker (uvm_va_block_service_locked(): make resident, then map, uvm_va_block.c), and the kernel maps
 * the destination of a migration only after the copy (migrate_vma_pages(), then migrate_vma_finalize() removing
 * the migration entries, mm/migrate_device.c).
 */
final class Landing implements EventHandler {

    private static final long COPY_LANDED = 0;
    private static final long APPLY = 1;
    private final UvmGpu gpu;
    private final int id;
    private final long first;
    private final int pages;
    private final byte bits;
    private final VaBlockService service;
    private boolean copying;
    private long mapAt = -1;

    Landing(UvmGpu gpu, long first, int pages, byte bits, VaBlockService service) {
        this.gpu = gpu;
        this.id = gpu.pt.nextLandingId();
        this.first = first;
        this.pages = pages;
        this.bits = bits;
        this.service = service;
        service.expectCompletion();
        for (long q = first; q < first + pages; q++) {
            gpu.pt.setLanding(gpu.pt.idx(q), id);
        }
    }

    /** A copy brings the run's data: the mapping waits for it; returns the copy's completion handler. */
    EventHandler expectCopy() {
        copying = true;
        return this;
    }

    @Override
    public void handle(long what) {
        if (what == COPY_LANDED) {
            copyLanded();
        } else {
            apply();
        }
    }

    /** The service's CPU work has written the PTEs at {@code at}; with no copy they take effect then. */
    void mapAt(long at) {
        mapAt = at;
        if (!copying) {
            gpu.sim.scheduleAtNanos(at, EventPhase.HOST, this, APPLY);
        }
    }

    private void copyLanded() {
        copying = false;
        long now = gpu.sim.nowNanos();
        if (now >= mapAt) {
            apply();
        } else {
            gpu.sim.scheduleAtNanos(mapAt, EventPhase.HOST, this, APPLY);
        }
    }

    private void apply() {
        DevicePageTable pt = gpu.pt;
        long now = gpu.sim.nowNanos();
        int mapped = 0;
        for (long q = first; q < first + pages; q++) {
            int i = pt.idx(q);
            if (pt.landing(i) == id) {
                pt.setLanding(i, 0);
                pt.setPte(i, bits);
                mapped++;
            }
        }
        if (mapped > 0 && gpu.metrics.tracing()) {
            gpu.metrics.trace(new TraceEvent.Mapped(now, first, pages));
        }
        gpu.hmm.wakeCpuWaiters(now);
        service.copyDone();
    }
}
