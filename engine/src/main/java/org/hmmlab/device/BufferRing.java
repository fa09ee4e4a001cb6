package org.hmmlab.device;

/**
 * A ring of entries the GPU writes and the host reads in order: the faulting page, whether the access writes, the
 * warp that raised it, and the time the entry becomes visible to the host. The replayable fault buffer
 * ({@link FaultBuffer}) and the access-counter notification buffer ({@link AccessCounterBuffer}) are each one of
 * these.
 *
 * <p>Mirrors the GPU's circular buffers in system memory that nvidia-uvm reads between GET and PUT
 * (uvm_gpu_replayable_faults.c, uvm_gpu_access_counters.c): the GPU writes at PUT, the driver consumes from GET,
 * and an entry whose valid bit is not yet set (here: whose arrival is still ahead) stops a fetch. Primitive
 * arrays, nothing allocated per entry.
 */
public class BufferRing {

    private final int capacity;
    private final long[] page;
    private final boolean[] write;
    private final int[] warp;
    private final long[] arrive;
    private int head;
    private int count;
    // scratch for reordering the entries in place
    private long[] sPage = new long[0];
    private boolean[] sWrite = new boolean[0];
    private int[] sWarp = new int[0];
    private long[] sArrive = new long[0];

    BufferRing(int capacity) {
        this.capacity = capacity;
        this.page = new long[capacity];
        this.write = new boolean[capacity];
        this.warp = new int[capacity];
        this.arrive = new long[capacity];
    }

    /** Entries the ring holds. */
    public final int size() {
        return count;
    }

    public final int capacity() {
        return capacity;
    }

    /** Appends an entry; false (and nothing written) when the ring is full. */
    final boolean push(long p, boolean w, int wp, long at) {
        if (count == capacity) {
            return false;
        }
        int slot = wrap(head + count);
        page[slot] = p;
        write[slot] = w;
        warp[slot] = wp;
        arrive[slot] = at;
        count++;
        return true;
    }

    /** When the oldest entry becomes visible to the host; the ring must not be empty. */
    public final long headArrive() {
        return arrive[head];
    }

    /** Whether the oldest entry is visible to the host at {@code now}. */
    public final boolean headArrived(long now) {
        return count > 0 && arrive[head] <= now;
    }

    /** How many of the oldest entries, at most {@code limit}, are visible at {@code now} before the first that is not. */
    public final int arrivedPrefix(int limit, long now) {
        int max = Math.min(limit, count);
        int n = 0;
        while (n < max && arrive[wrap(head + n)] <= now) {
            n++;
        }
        return n;
    }

    /** Consumes the oldest entry; returns its slot, valid until the ring is written again. */
    public final int take() {
        int slot = head;
        head = wrap(head + 1);
        count--;
        return slot;
    }

    /** The slot of the {@code k}-th oldest entry. */
    public final int slot(int k) {
        return wrap(head + k);
    }

    /** A position in [0, 2 * capacity) as a slot: a compare instead of a division on every access. */
    private int wrap(int position) {
        return position >= capacity ? position - capacity : position;
    }

    public final long page(int slot) {
        return page[slot];
    }

    public final boolean write(int slot) {
        return write[slot];
    }

    public final int warp(int slot) {
        return warp[slot];
    }

    public final long arrive(int slot) {
        return arrive[slot];
    }

    /** Overwrites the {@code k}-th oldest entry (to compact the ring in place, {@code k} at most the index read). */
    public final void set(int k, long p, boolean w, int wp, long at) {
        int to = wrap(head + k);
        page[to] = p;
        write[to] = w;
        warp[to] = wp;
        arrive[to] = at;
    }

    /** Moves the arrival of the entry in {@code slot} to {@code at}. */
    public final void setArrive(int slot, long at) {
        arrive[slot] = at;
    }

    /** Keeps the {@code kept} oldest entries and drops the rest. */
    public final void truncate(int kept) {
        count = kept;
    }

    /**
     * Reorders the entries, keeping each group's order, so that those visible before {@code t} come before the
     * others: a fetch takes entries in order and stops at the first that has not landed.
     */
    public final void arrivedBeforeFirst(long t) {
        if (sPage.length < count) {
            sPage = new long[capacity];
            sWrite = new boolean[capacity];
            sWarp = new int[capacity];
            sArrive = new long[capacity];
        }
        int n = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (int k = 0; k < count; k++) {
                int s = wrap(head + k);
                if ((arrive[s] < t) == (pass == 0)) {
                    sPage[n] = page[s];
                    sWrite[n] = write[s];
                    sWarp[n] = warp[s];
                    sArrive[n] = arrive[s];
                    n++;
                }
            }
        }
        for (int k = 0; k < n; k++) {
            set(k, sPage[k], sWrite[k], sWarp[k], sArrive[k]);
        }
    }
}
