package org.hmmlab.policy;

import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * Evicts the least recently allocated chunk (UVM's behaviour) or, optionally, the least recently accessed one
 * (true LRU), at 2 MiB or 4 KiB granularity.
 *
 * <p>Mirrors the UVM driver's eviction ({@code uvm_pmm_gpu.c}, perf-figures.md section 2): root chunks of 2 MiB sit
 * on a used list; a chunk moves to its tail when a VA block allocates into it, not on access (a TODO in the
 * driver notes it is not refreshed on mapping), and the victim is the head. So by default "LRU" is "earliest
 * allocated first" (Allen and Ge SC'21 observe the same, perf-figures.md section 3a). With
 * {@code refreshOnAccess} the chunk also moves to the tail on every device access, the LRU of GPGPU-Sim UVMSmart
 * (Ganguly et al. ISCA'19, LRU 2 MiB default and LRU 4 KiB, section 3d).
 *
 * <p>One doubly-linked list per GPU over chunk slots in primitive arrays.
 */
public final class LruEvictor extends ChunkEvictor {

    private final boolean refreshOnAccess;
    private final SlotRecencyList list = new SlotRecencyList();

    /**
     * @param granularity     chunk size, a power of two from 4 KiB to 2 MiB (UVM: 2 MiB root chunks)
     * @param refreshOnAccess also move a chunk to the tail on each device access (UVM: false)
     * @param cost            driver CPU time per victim choice, {@code >= 0}
     */
    public LruEvictor(Bytes granularity, boolean refreshOnAccess, SimDuration cost) {
        super("lru", granularity, cost);
        this.refreshOnAccess = refreshOnAccess;
    }

    /** UVM's list at the given granularity, ordered by allocation. */
    public LruEvictor(Bytes granularity) {
        this(granularity, false, SimDuration.ZERO);
    }

    /** UVM's default: 2 MiB root chunks ordered by allocation. */
    public LruEvictor() {
        this(Pages.BLOCK);
    }

    @Override
    void grow(int len) {
        list.grow(len);
    }

    @Override
    void added(int slot, int gpu, long nowNanos) {
        list.append(slot, gpu);
    }

    @Override
    void allocatedInto(int slot, int gpu, long nowNanos) {
        list.moveToTail(slot, gpu);
    }

    @Override
    void removed(int slot, int gpu) {
        list.unlink(slot, gpu);
    }

    @Override
    int choose(int gpu, long nowNanos) {
        return list.head(gpu);
    }

    @Override
    public void onDeviceAccess(int gpu, long page, long nowNanos) {
        if (refreshOnAccess) {
            int s = residentSlot(gpu, page);
            if (s >= 0 && list.tail(gpu) != s) {
                list.moveToTail(s, gpu);
                forgetVictims();
            }
        }
    }

    @Override
    public boolean wantsAccesses() {
        return refreshOnAccess;
    }

    @Override
    public String name() {
        return (refreshOnAccess ? "lru-access-" : "lru-") + granularityName();
    }
}
