package org.hmmlab.device;

/**
 * The replayable fault buffer (or, on the ATS path, the host's queue of PRI page requests): a ring the GPU MMU
 * writes a fault entry into for each fault its micro-TLB reports, raising the fault interrupt.
 *
 * <p>Mirrors the GPU's replayable fault buffer as uvm_gpu_replayable_faults.c reads it: a ring of
 * {@code max_faults} entries; a fault that finds it full is lost, and its warp retries at the next replay.
 */
public final class FaultBuffer extends BufferRing {

    private final Interrupts interrupts;

    public FaultBuffer(int capacity, Interrupts interrupts) {
        super(capacity);
        this.interrupts = interrupts;
    }

    /**
     * The GPU writes a fault of {@code warp} on {@code page} that the host sees at {@code arrive}, and raises the
     * interrupt; false when the buffer is full and the fault is lost.
     */
    public boolean write(long page, boolean write, int warp, long arrive) {
        if (!push(page, write, warp, arrive)) {
            return false;
        }
        interrupts.faultBufferWritten(arrive);
        return true;
    }
}
