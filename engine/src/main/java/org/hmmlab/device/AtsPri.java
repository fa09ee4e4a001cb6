package org.hmmlab.device;

import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.Counters;
import org.hmmlab.metrics.RunMetrics;
import org.hmmlab.metrics.Stage;
import org.hmmlab.metrics.TraceEvent;
import org.hmmlab.pcie.Ats;
import org.hmmlab.pcie.Pri;
import org.hmmlab.platform.HostProfile;
import org.hmmlab.sim.EventPhase;
import org.hmmlab.sim.Simulator;

/**
 * The ATS/PRI fault path, the seeds' four steps: a warp's ATC miss sends a Translation Request to the IOMMU, which
 * walks the CPU page table; a present page comes back as a translation the device caches; a missing one makes the
 * device send a PRI Page Request (one outstanding per page, duplicates filtered), which the host's queue
 * ({@link FaultBuffer}) holds until the driver services it and answers with a PRG Response; then the waiting warps
 * retry.
 *
 * <p>Mirrors PCIe ATS (translation requests and completions) and PRI (page request groups and responses) as an
 * SVM device uses them through the IOMMU (drivers/iommu/iommu-sva.c, io-pgfault.c); one request at a time per
 * page, no batching, as AMD's SVM path services faults.
 */
public final class AtsPri {

    private final Simulator sim;
    private final HostProfile h;
    private final Ats ats;
    private final Pri pri;
    private final HostMemory host;
    private final DevicePageTable pt;
    private final DeviceTlb tlb;
    private final WarpScheduler warps;
    private final Counters counters;
    private final RunMetrics metrics;
    /** Per page: a page request is outstanding. */
    private boolean[] priPending = new boolean[0];

    AtsPri(Simulator sim, HostProfile h, Ats ats, Pri pri, HostMemory host, DevicePageTable pt, DeviceTlb tlb,
           WarpScheduler warps, RunMetrics metrics) {
        this.sim = sim;
        this.h = h;
        this.ats = ats;
        this.pri = pri;
        this.host = host;
        this.pt = pt;
        this.tlb = tlb;
        this.warps = warps;
        this.metrics = metrics;
        this.counters = metrics.counters();
        pt.onResize((shift, span) -> {
            boolean[] p = new boolean[span];
            System.arraycopy(priPending, 0, p, shift, priPending.length);
            priPending = p;
        });
    }

    /** Warp {@code w} missed in the ATC: a Translation Request goes to the IOMMU, which walks the CPU page table. */
    void onAtsStart(long w) {
        counters.increment(Counter.ATS_TRANSLATIONS);
        int wi = (int) w;
        ats.translationRequest(a -> sim.scheduleAtNanos(sim.nowNanos() + h.iommuWalk().nanos(), EventPhase.HOST,
                b -> hostTranslates(wi), 0), 0);
    }

    private void hostTranslates(int w) {
        long page = warps.faultPage(w);
        boolean ok = host.present(page, warps.writes(w));
        ats.translationCompletion(ok ? 1 : 0, a -> translated(w, ok), 0);
    }

    private void translated(int w, boolean present) {
        long page = warps.faultPage(w);
        int i = pt.idx(page);
        long now = sim.nowNanos();
        if (present || pt.local(i)) {
            if (!pt.local(i)) {
                pt.setPte(i, (byte) (DevicePageTable.VALID | (host.present(page, true) ? DevicePageTable.WRITE : 0)));
                pt.setResid(i, DevicePageTable.R_HOST);
            }
            tlb.insert(page);
            warps.wake(w, now);
            return;
        }
        // not present: a page request (step 3 of the seeds' four steps)
        warps.waitPri(w);
        if (priPending[i]) {
            counters.increment(Counter.DUPLICATE_FAULTS);
            return;
        }
        priPending[i] = true;
        counters.increment(Counter.FAULTS);
        counters.increment(Counter.PRI_REQUESTS);
        boolean write = warps.writes(w);
        if (metrics.tracing()) {
            metrics.trace(new TraceEvent.FaultRaised(warps.faultAt(w), w, page, write));
        }
        pri.pageRequest(a -> {
            if (!warps.writeFault(page, write, w, sim.nowNanos())) {
                throw new IllegalStateException("PRI queue overflow");
            }
        }, 0);
    }

    /**
     * The host has serviced the page request for {@code page} at {@code now}: it sends the PRG Response; when it
     * reaches the device the waiting warps record their fault with the service's {@code stage} times (the response's
     * flight counted as replay) and retry.
     */
    public void pageResponse(long page, long[] stage, long now) {
        priPending[pt.idx(page)] = false;
        pri.pageResponse(a -> responded(page, stage, now), 0);
    }

    private void responded(long page, long[] stage, long sentAt) {
        long now = sim.nowNanos();
        stage[Stage.REPLAY.ordinal()] += now - sentAt;
        for (int w = 0; w < warps.warps(); w++) {
            if (warps.state(w) == WarpScheduler.WAIT_PRI && warps.faultPage(w) == page) {
                warps.recordFault(w, now, stage);
                long throttle = pt.throttleUntil(pt.idx(page));
                if (throttle > now) {
                    warps.throttle(w, throttle);
                } else {
                    warps.wake(w, now);
                }
            }
        }
        counters.increment(Counter.REPLAYS);
    }

    /** Page index {@code i} was unmapped: no request of it is outstanding any more. */
    public void forget(int i) {
        priPending[i] = false;
    }
}
