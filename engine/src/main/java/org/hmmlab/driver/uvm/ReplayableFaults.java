package org.hmmlab.driver.uvm;

import java.util.Arrays;

import org.hmmlab.device.DevicePageTable;
import org.hmmlab.device.FaultBuffer;
import org.hmmlab.device.FaultPath;
import org.hmmlab.device.WarpScheduler;
import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.TraceEvent;
import org.hmmlab.sim.EventPhase;

/**
 * The replayable-fault handler: fetches a batch from the fault buffer, coalesces duplicates, has it serviced block by
 * block ({@link VaBlockService}), then flushes the buffer and replays, and fetches again while the run allows. On the
 * ATS path the same handler takes one PRI page request at a time and answers it instead of replaying.
 *
 * <p>Mirrors uvm_parent_gpu_service_replayable_faults() and its helpers (uvm_gpu_replayable_faults.c):
 * fetch_fault_buffer_entries(), the coalescing of duplicates (uvm_perf_fault_coalesce), the sort by address of
 * preprocess_fault_batch(), service_fault_batch(), and the BATCH_FLUSH replay policy (fault_buffer_flush_locked(),
 * then push_replay_on_gpu() and a wait on the replay's tracker).
 */
final class ReplayableFaults {

    private final UvmGpu gpu;
    /** A fault batch has been serviced and its replay has not reached the GPU yet: the fault buffer waits for it. */
    private boolean replayPending;
    /** Fault batches, and batches with throttled faults, serviced in the fault handler's current run. */
    private int runBatches;
    private int runThrottled;
    /** When the last batch's BATCH_FLUSH flushed the fault buffer: entries that arrived later survive the flush. */
    private long flushedAt;

    ReplayableFaults(UvmGpu gpu) {
        this.gpu = gpu;
    }

    boolean replayPending() {
        return replayPending;
    }

    /**
     * The host's fault handler takes the next batch (or, on the ATS path, the next page request): up to
     * {@code faultBatchCount} entries that have landed, oldest first, sorted and coalesced into unique pages (a page
     * faulted for reading and writing counts as written), and services them.
     */
    void startService(long entryCharged) {
        FaultBuffer buf = gpu.faults;
        long now = gpu.sim.nowNanos();
        if (buf.size() == 0) {
            gpu.isr.hostFree(now);
            return;
        }
        if (buf.headArrive() > now) {
            // the oldest entry is still on its way: look again when it lands
            gpu.sim.scheduleAtNanos(buf.headArrive(), EventPhase.HOST, a -> startService(entryCharged), 0);
            return;
        }
        int limit = gpu.path == FaultPath.REPLAYABLE_BUFFER ? Math.min(buf.size(), gpu.g.faultBatchCount()) : 1;
        int n = buf.arrivedPrefix(limit, now);
        long[] keys = gpu.keys;
        for (int k = 0; k < n; k++) {
            int slot = buf.take();
            keys[k] = (buf.page(slot) << 1) | (buf.write(slot) ? 1 : 0);
            gpu.warps.leftBuffer(buf.warp(slot));
        }
        Arrays.sort(keys, 0, n);
        int u = 0;
        for (int k = 0; k < n; k++) {
            long page = keys[k] >>> 1;
            boolean write = (keys[k] & 1) != 0;
            if (u > 0 && gpu.uniq[u - 1] == page) {
                gpu.uniqWrite[u - 1] |= write;
            } else {
                gpu.uniq[u] = page;
                gpu.uniqWrite[u] = write;
                u++;
            }
        }
        gpu.counters.add(Counter.DUPLICATE_FAULTS, n - u);
        if (gpu.path == FaultPath.REPLAYABLE_BUFFER) {
            gpu.counters.increment(Counter.FAULT_BATCHES);
            gpu.counters.add(Counter.FAULTS_SERVICED, u);
            if (gpu.metrics.tracing()) {
                gpu.metrics.trace(new TraceEvent.BatchStarted(gpu.sim.nowNanos(), u, n - u));
            }
        }
        new VaBlockService(gpu, gpu.sim.nowNanos(), entryCharged, false).run(u);
    }

    /**
     * The batch {@code s} is serviced at {@code now}, its copies and mappings done. BATCH_FLUSH: flush the buffer,
     * push the replay and wait for it (uvm_tracker_wait() on the replay tracker); the handler's run goes on from
     * the replay.
     */
    void batchServiced(VaBlockService s, long now) {
        long replay = gpu.batchCost.replayPushAndWait().nanos();
        long replayAt = now + replay;
        s.addStage(org.hmmlab.metrics.Stage.REPLAY, replay);
        replayPending = true;
        flushedAt = now;
        gpu.sim.scheduleAtNanos(replayAt, EventPhase.DEVICE, a -> replay(s), 0);
    }

    /**
     * UVM's BATCH_FLUSH replay policy: before the replay the handler flushes the buffer, and every stalled uTLB
     * retries. A flushed fault whose page is now mapped simply succeeds; one whose page is still missing faults
     * again and reaches the buffer a walk and a fault report after the replay. Rather than dropping such entries
     * and re-raising them warp by warp (the same outcome, at a host cost per warp), the entry is kept and its
     * arrival moved to when the re-raised fault would land; it counts as a new fault. The flush happens when the
     * batch's service ends, before the replay is pushed: entries written while the handler waits for the replay
     * are not flushed and stay ahead of the re-raised ones, for the run's next fetch. Access-counter notifications
     * are in a buffer of their own, which this flush leaves alone.
     */
    private void flushAndRequeue(long now) {
        FaultBuffer buf = gpu.faults;
        WarpScheduler warps = gpu.warps;
        long rearrive = now + gpu.g.pageWalkLatency().nanos() + gpu.g.faultReport().nanos();
        int kept = 0;
        int refaults = 0;
        boolean survivorBehindRefault = false;
        int count = buf.size();
        for (int k = 0; k < count; k++) {
            int slot = buf.slot(k);
            long page = buf.page(slot);
            boolean write = buf.write(slot);
            boolean mapped = DevicePageTable.allows(gpu.pt.pte(gpu.pt.idx(page)), write);
            int w = buf.warp(slot);
            if (mapped || warps.state(w) != WarpScheduler.FAULTED) {
                warps.leftBuffer(w);
                continue;
            }
            // an entry written after the flush stays in the buffer as it is, for the next fetch; a flushed one is
            // the warp's fault raised again after the replay
            boolean survivor = buf.arrive(slot) > flushedAt;
            survivorBehindRefault |= survivor && refaults > 0;
            if (kept != k) {
                buf.set(kept, page, write, w, survivor ? buf.arrive(slot) : rearrive);
            } else if (!survivor) {
                buf.setArrive(slot, rearrive); // in place: only its arrival moves
            }
            kept++;
            if (!survivor) {
                refaults++;
            }
        }
        gpu.counters.add(Counter.FAULTS, refaults);
        buf.truncate(kept);
        if (survivorBehindRefault) {
            // a fetch takes entries in order and stops at the first that has not landed: survivors go first
            buf.arrivedBeforeFirst(rearrive);
        }
    }

    /** The replay reaches the GPU: the buffer is flushed, every stalled warp retries, and the run goes on. */
    private void replay(VaBlockService s) {
        long now = gpu.sim.nowNanos();
        gpu.counters.increment(Counter.REPLAYS);
        replayPending = false;
        flushAndRequeue(now);
        gpu.warps.replay(now, s.stage());
        continueRun(s, now);
    }

    /**
     * The replay of a fault batch has completed: the handler's run fetches the next batch at once if faults are
     * ready and the run has batches left, or else ends and frees the bottom-half queue, where an access-counter
     * bottom half queued meanwhile goes before the fault handler's next run.
     *
     * <p>Mirrors the loop of uvm_parent_gpu_service_replayable_faults() (uvm_gpu_replayable_faults.c): it breaks when
     * {@code num_throttled >= uvm_perf_fault_max_throttle_per_service} or {@code num_batches >=
     * uvm_perf_fault_max_batches_per_service} (5 and 20), or when a fetch in FAULT_FETCH_MODE_BATCH_READY finds no
     * entry; each serviced batch counts, and a batch with throttled faults counts as throttled as well. A run that
     * ends with faults left re-enables the interrupt, which queues the bottom half again behind whatever the queue
     * holds (uvm_gpu_isr.c).
     */
    void continueRun(VaBlockService s, long now) {
        runBatches++;
        if (s.throttled()) {
            runThrottled++;
        }
        boolean throttleLimit = runThrottled >= gpu.g.faultMaxThrottlePerService();
        boolean batchLimit = runBatches >= gpu.g.faultMaxBatchesPerService();
        if (!throttleLimit && !batchLimit && gpu.faults.headArrived(now)) {
            startService(0);
            return;
        }
        if (gpu.metrics.tracing()) {
            gpu.metrics.trace(new TraceEvent.FaultServiceRunEnded(now, runBatches, runThrottled,
                    throttleLimit ? "throttled" : batchLimit ? "batches" : "empty"));
        }
        runBatches = 0;
        runThrottled = 0;
        gpu.isr.faultRunEnded(now);
    }
}
