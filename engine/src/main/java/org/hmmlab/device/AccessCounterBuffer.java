package org.hmmlab.device;

import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.RunMetrics;
import org.hmmlab.metrics.TraceEvent;
import org.hmmlab.policy.Decision;

/**
 * The access-counter notification buffer: a ring of its own, apart from the replayable fault buffer, into which the
 * GPU writes a notification when a counter region reaches its threshold, and the region's pending notification.
 *
 * <p>Mirrors the GPU's access-counter notification buffer as nvidia-uvm drains it (uvm_gpu_access_counters.c): a
 * ring of {@code max_notifications} entries with its own interrupt and bottom half, which the fault buffer's flush
 * never touches. No warp waits on a notification, so nothing is replayed. Until the host has serviced a
 * notification its counter is not re-armed (the driver clears the counters of a batch only after servicing it,
 * access_counter_clear_notifications()), so the region raises no second notification meanwhile. The driver has no
 * overflow handling for this buffer (it only spins on each entry's valid bit), so what a full buffer does is this
 * model's choice: the newest notification is lost.
 */
public final class AccessCounterBuffer extends BufferRing {

    private final DevicePageTable pt;
    private final RunMetrics metrics;
    private final Interrupts interrupts;
    /**
     * Notifications queued and not yet serviced, indexed by the first page of the notified region (within its
     * 2 MiB block): the policy's prebuilt decision, which the service carries out.
     */
    private Decision[] notified = new Decision[0];

    public AccessCounterBuffer(int capacity, DevicePageTable pt, RunMetrics metrics, Interrupts interrupts) {
        super(capacity);
        this.pt = pt;
        this.metrics = metrics;
        this.interrupts = interrupts;
        pt.onResize((shift, span) -> {
            Decision[] nd = new Decision[span];
            System.arraycopy(notified, 0, nd, shift, notified.length);
            notified = nd;
        });
    }

    /** Whether the region starting at {@code page} has a notification waiting for service. */
    public boolean pending(long page) {
        return notified[pt.idx(page)] != null;
    }

    /**
     * Queues a notification for the region starting at {@code page}, visible to the host at {@code arrive}; the
     * service carries out {@code d} rather than asking the placement again (which would map remotely again). A full
     * buffer drops the notification and counts it; the region's count was already cleared, so enough further
     * remote accesses notify it again.
     */
    public void notify(long page, Decision d, long arrive) {
        if (size() == capacity()) {
            metrics.counters().increment(Counter.ACCESS_COUNTER_NOTIFICATIONS_DROPPED);
            return;
        }
        metrics.counters().increment(Counter.ACCESS_COUNTER_NOTIFICATIONS);
        if (metrics.tracing()) {
            metrics.trace(new TraceEvent.NotificationRaised(arrive, page));
        }
        notified[pt.idx(page)] = d;
        push(page, false, -1, arrive);
        interrupts.accessCounterBufferWritten(arrive);
    }

    /**
     * The host services the region at {@code page}: returns its decision and re-arms the counter; null when the
     * region was unmapped since the notification.
     */
    public Decision service(long page) {
        int i = pt.idx(page);
        Decision d = notified[i];
        notified[i] = null;
        return d;
    }

    /** The region at page index {@code i} was unmapped: its pending notification has nothing left to migrate. */
    public void forget(int i) {
        notified[i] = null;
    }
}
