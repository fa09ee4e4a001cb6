package org.hmmlab.driver.uvm;

import java.util.LinkedHashMap;
import java.util.Map;

import org.hmmlab.metrics.Stage;
import org.hmmlab.platform.GpuProfile;
import org.hmmlab.platform.HostProfile;
import org.hmmlab.units.SimDuration;

/**
 * One replayable-fault batch's fixed cost in its named parts, in the order the driver pays them: the interrupt's top
 * half, the bottom half's wake-up, reading the fault buffer's pointers, sorting the batch, flushing the buffer before
 * the replay, the map push (PTE writes and membar), and the replay push with the CPU's wait for it. The parts that
 * grow with the batch (per fault, per VA block: the copy push and block state in {@code blockOverhead}, the TLB
 * invalidate in {@code atcInvalidate}) are charged where they arise.
 *
 * <p>Mirrors uvm_isr_top_half() (uvm_gpu_isr.c), fetch_fault_buffer_entries() (PUT read, GET write),
 * preprocess_fault_batch() (sort by instance pointer, VA space, address, access type), service_fault_batch()'s map
 * push, fault_buffer_flush_locked() and push_replay_on_gpu() followed by uvm_tracker_wait() under BATCH_FLUSH
 * (uvm_gpu_replayable_faults.c). No published figure breaks a batch down (uvm-driver-notes.md), and the platform
 * constants the parts come from are themselves assumptions [A]: each part is a named, unpublished parameter that
 * splits one of them, so the parts always sum to {@code faultEntry + batchOverhead + ptePushOverhead +
 * replayLatency} and a run is timed as before the split.
 *
 * @param isrTopHalf          [A] the top half: read GET/PUT to see the buffer non-empty, mask the interrupt, queue
 *                            the bottom half; 1 us of {@code host.faultEntry}
 * @param bottomHalfWakeup    [A] the bottom half's kthread waking and taking the ISR lock: the rest of
 *                            {@code host.faultEntry}
 * @param bufferPointerReads  [A] the fetch's PUT read and GET write (MMIO over the link) and the entries' valid-bit
 *                            polls: 2 us of {@code host.batchOverhead}
 * @param preprocessSort      [A] preprocess_fault_batch()'s sorts and the VA-space translation: 3 us of
 *                            {@code host.batchOverhead}
 * @param bufferFlush         [A] fault_buffer_flush_locked() before the replay: the rest of {@code host.batchOverhead}
 * @param mapPush             the map push and its GPU membar: {@code host.ptePushOverhead} [A]
 * @param replayPushAndWait   the replay push reaching the GPU and the CPU's wait on its tracker:
 *                            {@code gpu.replayLatency} [A]
 */
public record BatchFixedCost(SimDuration isrTopHalf, SimDuration bottomHalfWakeup, SimDuration bufferPointerReads,
                             SimDuration preprocessSort, SimDuration bufferFlush, SimDuration mapPush,
                             SimDuration replayPushAndWait) {

    /** The top half's default share of {@code faultEntry}. */
    static final SimDuration TOP_HALF = SimDuration.us(1);
    /** The pointer reads' default share of {@code batchOverhead}. */
    static final SimDuration POINTER_READS = SimDuration.us(2);
    /** The sort's default share of {@code batchOverhead}. */
    static final SimDuration SORT = SimDuration.us(3);

    /** The parts of host {@code h} and GPU {@code g}'s constants; a constant smaller than its defaults goes to the first parts. */
    public static BatchFixedCost of(HostProfile h, GpuProfile g) {
        long entry = h.faultEntry().nanos();
        long top = Math.min(TOP_HALF.nanos(), entry);
        long batch = h.batchOverhead().nanos();
        long reads = Math.min(POINTER_READS.nanos(), batch);
        long sort = Math.min(SORT.nanos(), batch - reads);
        return new BatchFixedCost(SimDuration.ns(top), SimDuration.ns(entry - top), SimDuration.ns(reads),
                SimDuration.ns(sort), SimDuration.ns(batch - reads - sort), h.ptePushOverhead(), g.replayLatency());
    }

    /** The interrupt-to-handler part, {@code host.faultEntry}: top half and wake-up. */
    public long entryNanos() {
        return isrTopHalf.nanos() + bottomHalfWakeup.nanos();
    }

    /** The handler's fixed work on a batch, {@code host.batchOverhead}: pointers, sort, flush. */
    public long handlerNanos() {
        return bufferPointerReads.nanos() + preprocessSort.nanos() + bufferFlush.nanos();
    }

    /** All parts. */
    public SimDuration total() {
        return SimDuration.ns(entryNanos() + handlerNanos() + mapPush.nanos() + replayPushAndWait.nanos());
    }

    /** Each part by its name, in the driver's order, with the stage of the fault breakdown it is charged to. */
    public Map<String, Map.Entry<Stage, SimDuration>> parts() {
        Map<String, Map.Entry<Stage, SimDuration>> m = new LinkedHashMap<>();
        m.put("isr_top_half", Map.entry(Stage.FAULT_ENTRY, isrTopHalf));
        m.put("bottom_half_wakeup", Map.entry(Stage.FAULT_ENTRY, bottomHalfWakeup));
        m.put("buffer_pointer_reads", Map.entry(Stage.FAULT_ENTRY, bufferPointerReads));
        m.put("preprocess_sort", Map.entry(Stage.FAULT_ENTRY, preprocessSort));
        m.put("buffer_flush", Map.entry(Stage.FAULT_ENTRY, bufferFlush));
        m.put("map_push", Map.entry(Stage.PTE_UPDATE, mapPush));
        m.put("replay_push_and_wait", Map.entry(Stage.REPLAY, replayPushAndWait));
        return m;
    }
}
