package org.hmmlab.device;

/**
 * The GPU's interrupt lines to the host: the GPU raises one after writing an entry into one of its buffers, and
 * the driver's top half queues the matching bottom half.
 *
 * <p>Mirrors the replayable-fault and access-counter interrupts that uvm_isr_top_half() (uvm_gpu_isr.c) turns into
 * bottom halves on the GPU's one kthread queue.
 */
public interface Interrupts {

    /** An entry written to the replayable fault buffer (or the PRI queue) becomes visible at {@code arriveNanos}. */
    void faultBufferWritten(long arriveNanos);

    /** A notification written to the access-counter buffer becomes visible at {@code arriveNanos}. */
    void accessCounterBufferWritten(long arriveNanos);
}
