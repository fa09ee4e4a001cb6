package org.hmmlab.device;

import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.Counters;
import org.hmmlab.platform.HostProfile;
import org.hmmlab.sim.EventHandler;
import org.hmmlab.sim.EventPhase;
import org.hmmlab.sim.Simulator;
import org.hmmlab.workload.AccessStream;

/**
 * The host CPU running a phase of a workload: threads loading and storing through the CPU page table.
 *
 * <p>A thread's access to a page that lives in device memory takes the core's device-private fault, whose
 * migrate_to_ram hands it to the GPU's driver ({@link HostMemory.DeviceDriver}), and waits while the
 * page migrates back; a first touch or a write to the
 * zero page takes an ordinary fault (handle_mm_fault), whose MMU-notifier invalidations the mirroring device
 * must acknowledge before the fault completes. A page whose migration to device memory is still copying is
 * under a migration entry: the thread sleeps until the device has it, then takes the device-private fault. Plain accesses cost their size at host memory bandwidth, which
 * all threads share.
 *
 * <p>Threads run ahead of the event clock in quanta like the GPU's warps, and the quantum ends before the
 * simulator's next pending event: a thread's access takes effect (an invalidation the GPU sees, a page taken back
 * from device memory) when its issue event runs, so no other event may fall between that event and the access's
 * time.
 */
public final class CpuAgent {

    /** Threads beyond this are folded: a phase's concurrency is capped at the cores a host typically has. */
    public static final int MAX_THREADS = 64;

    private final Simulator sim;
    private final HostProfile h;
    private final HostMemory memory;
    private final Counters counters;
    /** Host DRAM's bandwidth over simulated time. */
    private final BandwidthSlots dram;
    private final RunAhead runAhead;
    private final EventHandler resume = this::onResume;

    private int threads;
    private long[] ready = new long[0];
    private boolean[] stalled = new boolean[0];
    private boolean[] done = new boolean[0];
    private final AccessPieces pieces = new AccessPieces();
    private int doneCount;
    private long lastFinish;
    private AccessStream stream;
    private long base;
    private EventHandler phaseDone;

    public CpuAgent(Simulator sim, HostProfile host, HostMemory memory, Counters counters) {
        this.sim = sim;
        this.h = host;
        this.memory = memory;
        this.counters = counters;
        this.dram = new BandwidthSlots(host.memoryBandwidth());
        this.runAhead = new RunAhead(sim, EventPhase.HOST, this::onIssue);
    }

    /** Runs a CPU phase over the allocation starting at {@code allocationFirstPage}; {@code done} runs at its end. */
    public void runPhase(AccessStream accesses, long allocationFirstPage, int concurrency, EventHandler onDone) {
        stream = accesses;
        base = allocationFirstPage;
        phaseDone = onDone;
        threads = Math.max(1, Math.min(concurrency, MAX_THREADS));
        ready = new long[threads];
        stalled = new boolean[threads];
        done = new boolean[threads];
        pieces.reset(threads);
        long now = sim.nowNanos();
        java.util.Arrays.fill(ready, now);
        doneCount = 0;
        lastFinish = now;
        runAhead.schedule(now);
    }

    private void onIssue(long gen) {
        if (!runAhead.begin(gen)) {
            return;
        }
        long limit = runAhead.limit(sim.nowNanos(), RunAhead.QUANTUM_NS);
        long next = Long.MAX_VALUE;
        long accesses = 0;
        for (int th = 0; th < threads; th++) {
            while (!done[th] && !stalled[th]) {
                if (ready[th] >= limit) {
                    next = Math.min(next, ready[th]);
                    break;
                }
                // an access that spans pages touches them one page-sized piece at a time
                if (!pieces.pending(th) && !pieces.next(th, stream, base)) {
                    done[th] = true;
                    doneCount++;
                    lastFinish = Math.max(lastFinish, ready[th]);
                    break;
                }
                long page = pieces.page(th);
                boolean write = pieces.write(th);
                long t = ready[th];
                HostMemory.CpuAccess outcome = memory.cpuAccess(page, write, t, resume, th);
                if (outcome == HostMemory.CpuAccess.WAITING) {
                    // a migration entry, or a device-private entry whose fault the driver's migrate_to_ram took:
                    // retry once it resumes us
                    memory.takeDriverNanos();
                    stalled[th] = true;
                    break;
                }
                t += memory.takeDriverNanos(); // a read-only duplicate collapsed, a fault's invalidations acknowledged
                if (outcome == HostMemory.CpuAccess.FAULTED) {
                    t += h.populatePerPage().nanos();
                }
                ready[th] = dram.reserve(t, pieces.size(th));
                pieces.complete(th);
                accesses++;
            }
        }
        counters.add(Counter.HOST_ACCESSES, accesses);
        if (next != Long.MAX_VALUE) {
            runAhead.schedule(next);
        } else if (doneCount == threads && phaseDone != null) {
            EventHandler d = phaseDone;
            phaseDone = null;
            sim.scheduleAtNanos(Math.max(lastFinish, sim.nowNanos()), EventPhase.HOST, d, 0);
        }
    }

    private void onResume(long th) {
        int t = (int) th;
        stalled[t] = false;
        ready[t] = sim.nowNanos();
        runAhead.schedule(ready[t]);
    }
}
