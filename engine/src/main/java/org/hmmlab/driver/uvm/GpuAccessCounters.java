package org.hmmlab.driver.uvm;

import java.util.Arrays;

import org.hmmlab.device.AccessCounterBuffer;
import org.hmmlab.device.WarpScheduler;
import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.TraceEvent;
import org.hmmlab.policy.Decision;
import org.hmmlab.policy.Pages;
import org.hmmlab.sim.EventPhase;

/**
 * The access-counter path: a remote access that brings a counter region to its threshold (the placement decides,
 * as the GPU's counters would) has the GPU write a notification into its own buffer, and the access-counter bottom
 * half services the notifications in batches of their own.
 *
 * <p>Mirrors uvm_gpu_access_counters.c: notifications never count as faults, the fault buffer's flush leaves them
 * alone, and they are serviced by the same host thread as faults, in the order the two bottom halves were queued.
 */
final class GpuAccessCounters implements WarpScheduler.RemoteAccessListener {

    private final UvmGpu gpu;

    GpuAccessCounters(UvmGpu gpu) {
        this.gpu = gpu;
    }

    /**
     * A remote access completed: the counters count it; when the region reaches its threshold the GPU writes a
     * notification (and raises the interrupt) as it writes a fault-buffer entry, but into its own buffer; one per
     * counter region until it is serviced.
     */
    @Override
    public void remoteAccessDone(long page, boolean write, long now) {
        gpu.fillContext(page, write, now);
        Decision d = gpu.policy.onRemoteAccess(gpu.ctx);
        if (d.action() == Decision.Action.MIGRATE) {
            long region = Math.max(d.regionFirstPage(page), page & -(long) Pages.PAGES_PER_BLOCK);
            if (!gpu.notes.pending(region)) {
                gpu.notes.notify(region, d, now + gpu.g.faultReport().nanos());
            }
        }
    }

    /**
     * The access-counter bottom half fetches the next batch: up to {@code accessCounterBatchCount} notifications
     * that have landed, oldest first, and services them as one batch.
     *
     * <p>Mirrors uvm_parent_gpu_service_access_counters() (uvm_gpu_access_counters.c): fetch_access_counter_buffer_
     * entries() in NOTIFICATION_FETCH_MODE_BATCH_READY takes at most {@code max_batch_size} entries (the module
     * parameter uvm_perf_access_counter_batch_count, 256, capped at the buffer's size) and stops at the first one
     * not written yet once it has one; the batch is sorted by address, notifications that fall in one VA block are
     * serviced together (service_virt_notifications_in_block()), pages already resident on the GPU are skipped as
     * stale, and the serviced notifications' counters are cleared afterwards, which re-arms them. The clear is a
     * pushed method the driver does not wait for, so it costs the host nothing here.
     */
    void startBatch(long entryCharged) {
        AccessCounterBuffer notes = gpu.notes;
        long now = gpu.sim.nowNanos();
        if (notes.size() == 0) {
            gpu.isr.hostFree(now);
            return;
        }
        if (notes.headArrive() > now) {
            gpu.sim.scheduleAtNanos(notes.headArrive(), EventPhase.HOST, a -> startBatch(entryCharged), 0);
            return;
        }
        int n = notes.arrivedPrefix(Math.min(notes.size(), gpu.g.accessCounterBatchCount()), now);
        long[] keys = gpu.keys;
        for (int k = 0; k < n; k++) {
            keys[k] = notes.page(notes.take());
        }
        Arrays.sort(keys, 0, n);
        for (int k = 0; k < n; k++) {
            gpu.uniq[k] = keys[k]; // one notification per region at most: its counter is not re-armed before service
            gpu.uniqWrite[k] = false;
        }
        gpu.counters.increment(Counter.ACCESS_COUNTER_BATCHES);
        if (gpu.metrics.tracing()) {
            gpu.metrics.trace(new TraceEvent.NotificationBatchStarted(now, n));
        }
        new VaBlockService(gpu, now, entryCharged, true).run(n);
    }

    /**
     * A notification batch is done: the bottom half fetches again while landed notifications remain, as
     * uvm_parent_gpu_service_access_counters() loops until a fetch comes back empty; then the host thread is free.
     */
    void batchDone(long now) {
        if (gpu.notes.headArrived(now)) {
            gpu.sim.scheduleAtNanos(now, EventPhase.HOST, a -> startBatch(0), 0);
        } else {
            gpu.isr.hostFree(now);
        }
    }
}
