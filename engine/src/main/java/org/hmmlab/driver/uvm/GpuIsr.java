package org.hmmlab.driver.uvm;

import org.hmmlab.device.FaultPath;
import org.hmmlab.device.Interrupts;
import org.hmmlab.sim.EventPhase;

/**
 * The GPU's interrupt top half and its one bottom-half queue: the host's fault-servicing thread, taken by one bottom
 * half at a time, the replayable-fault handler ({@link ReplayableFaults}) or the access-counter handler
 * ({@link GpuAccessCounters}).
 *
 * <p>Mirrors uvm_isr_top_half() (uvm_gpu_isr.c): it schedules the replayable-fault handler, then the
 * non-replayable one, then the access-counter one, each onto {@code parent_gpu->isr.bottom_half_q}, a single
 * nv_kthread_q ("UVM GPU%u BH") that runs its items one at a time in order.
 */
final class GpuIsr implements Interrupts {

    private final UvmGpu gpu;
    /** The host's fault-servicing thread is taken. */
    private boolean hostBusy;
    /** When the fault handler last ended a run with faults left: its bottom half queued again then. */
    private long faultRequeuedAt;

    GpuIsr(UvmGpu gpu) {
        this.gpu = gpu;
    }

    /** The handler's entry on this path: the interrupt and bottom-half dispatch, or the PRI dispatch. */
    private long faultEntryNanos() {
        return gpu.path == FaultPath.REPLAYABLE_BUFFER ? gpu.batchCost.entryNanos() : gpu.h.priDispatch().nanos();
    }

    @Override
    public void faultBufferWritten(long arrive) {
        if (!hostBusy) {
            hostBusy = true;
            long entry = faultEntryNanos();
            gpu.sim.scheduleAtNanos(Math.max(arrive, gpu.sim.nowNanos()) + entry, EventPhase.HOST,
                    a -> gpu.replayable.startService(entry), 0);
        }
    }

    @Override
    public void accessCounterBufferWritten(long arrive) {
        if (!hostBusy) {
            hostBusy = true;
            long entry = gpu.batchCost.entryNanos();
            gpu.sim.scheduleAtNanos(Math.max(arrive, gpu.sim.nowNanos()) + entry, EventPhase.HOST,
                    a -> gpu.accessCounters.startBatch(entry), 0);
        }
    }

    /**
     * The fault handler's run ended at {@code now} with faults left: re-enabling the interrupt queues its bottom half
     * again behind whatever the queue holds; then the thread is free.
     */
    void faultRunEnded(long now) {
        faultRequeuedAt = now;
        hostFree(now);
    }

    /**
     * The host thread finished a bottom half at {@code now}: it takes the one queued first. When both buffers have
     * work from the same moment, the fault path goes first. The fault handler holds the thread through up to
     * {@code faultMaxBatchesPerService} batches and their replays ({@link ReplayableFaults#continueRun}); when a run
     * ends with faults left, its bottom half is queued again at that moment, behind a notification batch queued
     * during the run.
     */
    void hostFree(long now) {
        hostBusy = false;
        boolean faults = gpu.faults.size() > 0 && !gpu.replayable.replayPending();
        boolean notes = gpu.notes.size() > 0;
        if (faults && (!notes || Math.max(gpu.faults.headArrive(), faultRequeuedAt) <= gpu.notes.headArrive())) {
            hostBusy = true;
            long entry = faultEntryNanos();
            gpu.sim.scheduleAtNanos(Math.max(now, gpu.faults.headArrive()) + entry, EventPhase.HOST,
                    a -> gpu.replayable.startService(entry), 0);
        } else if (notes) {
            hostBusy = true;
            long entry = gpu.batchCost.entryNanos();
            gpu.sim.scheduleAtNanos(Math.max(now, gpu.notes.headArrive()) + entry, EventPhase.HOST,
                    a -> gpu.accessCounters.startBatch(entry), 0);
        }
    }
}
