package org.hmmlab.policy;

import java.util.Arrays;

import org.hmmlab.workload.AccessType;

/**
 * One fault batch as a placement's batch form sees it: the batch's unique faulting pages in ascending order, each
 * with whether it was written, and the context of the batch's first fault (the service's time, the faulting GPU,
 * residency and free device memory as they stand when the service begins).
 *
 * <p>Mirrors the batch that {@code service_fault_batch()} (uvm_gpu_replayable_faults.c) walks after
 * {@code preprocess_fault_batch()} has sorted and coalesced it. A flyweight the fault handler refills for every
 * batch: valid only during the {@link Placement#onFaultBatch(FaultBatch)} call it is passed to.
 */
public final class FaultBatch {

    private long[] pages = new long[0];
    private boolean[] writes = new boolean[0];
    private int size;
    private FaultContext context;

    /** Refills the view: {@code size} pages of {@code pages} (ascending, unique), written per {@code writes}. */
    public FaultBatch fill(long[] pages, boolean[] writes, int size, FaultContext context) {
        if (size < 0 || size > pages.length || size > writes.length) {
            throw new IllegalArgumentException("fault batch size must be in [0, " + Math.min(pages.length,
                    writes.length) + "], got " + size);
        }
        this.pages = pages;
        this.writes = writes;
        this.size = size;
        this.context = context;
        return this;
    }

    /** Unique faulting pages in the batch. */
    public int size() {
        return size;
    }

    /** The {@code i}-th faulting virtual page number (4 KiB pages), ascending in {@code i}. */
    public long page(int i) {
        return pages[check(i)];
    }

    /** The {@code i}-th fault's access: a page faulted for reading and writing counts as written. */
    public AccessType access(int i) {
        return writes[check(i)] ? AccessType.WRITE : AccessType.READ;
    }

    /** The batch's first fault: its time, processor, and residency and device memory as the service begins. */
    public FaultContext context() {
        return context;
    }

    /** The index of {@code page} in the batch, or -1 when the batch does not hold it. */
    public int indexOf(long page) {
        int i = Arrays.binarySearch(pages, 0, size, page);
        return i >= 0 ? i : -1;
    }

    private int check(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("fault index must be in [0, " + size + "), got " + i);
        }
        return i;
    }
}
