package org.hmmlab.device;

import org.hmmlab.units.Bandwidth;

/**
 * A memory's bandwidth shared by accesses that reach it out of time order: simulated time is cut into slots of
 * {@value #SLOT_NS} ns, each holding what the memory moves in that time, and an access takes room from the slot of
 * its own issue time onward.
 *
 * <p>Warps and CPU threads are simulated one after another within a quantum (each on its own clock), so the
 * accesses of the second warp reach the memory after those of the first even when they were issued earlier. A
 * single "memory free at" clock would queue them behind the first warp's later accesses and make latency-bound
 * kernels look bandwidth-bound; slots keep each access at its own time and only delay it when the memory really is
 * full around that time. Per-slot state lives in two primitive arrays used as a ring; nothing is allocated per
 * access.
 */
final class BandwidthSlots {

    /** Slot width: 64 ns, shorter than a device-memory load's latency and than one quantum of run-ahead. */
    static final int SLOT_SHIFT = 6;
    static final long SLOT_NS = 1L << SLOT_SHIFT;
    /** Slots in the ring: 2^13 x 64 ns = 524 us of simulated time, far more than accesses in flight ever span. */
    private static final int SLOTS = 1 << 13;

    private final long capacity;
    private final long[] slotOf = new long[SLOTS];
    private final long[] used = new long[SLOTS];

    /** @param bandwidth the memory's bandwidth; each slot holds at least one byte */
    BandwidthSlots(Bandwidth bandwidth) {
        this.capacity = Math.max(1, Math.round(bandwidth.bytesPerSecond() * SLOT_NS / 1e9));
        java.util.Arrays.fill(slotOf, -1);
    }

    /** The last size asked for and its transfer time: accesses of a phase mostly have one size. */
    private long lastBytes = -1;
    private long lastNanos;

    /** Nanoseconds the memory needs to move {@code bytes} on its own, rounded up. */
    long transferNanos(long bytes) {
        if (bytes != lastBytes) {
            lastNanos = Math.ceilDiv(bytes * SLOT_NS, capacity);
            lastBytes = bytes;
        }
        return lastNanos;
    }

    /**
     * Reserves {@code bytes} for an access issued at {@code t} and returns when its data has moved: no earlier than
     * {@code t} plus its own transfer time, and no earlier than the point its last byte takes in a slot already
     * filled by other accesses.
     */
    long reserve(long t, long bytes) {
        return reserveStart(t, bytes) + transferNanos(bytes);
    }

    /**
     * Reserves {@code bytes} for an access issued at {@code t} and returns when its data starts moving: {@link
     * #reserve}'s time less the access's own transfer time, and never before {@code t}.
     */
    long reserveStart(long t, long bytes) {
        long transfer = transferNanos(bytes);
        long slot = t >> SLOT_SHIFT;
        long left = bytes;
        while (true) {
            int i = (int) (slot & (SLOTS - 1));
            if (slotOf[i] != slot) {
                slotOf[i] = slot;
                used[i] = 0;
            }
            long room = capacity - used[i];
            if (left <= room) {
                long u = used[i] + left;
                used[i] = u;
                // the slot fills to start + ceil(u * SLOT_NS / capacity): at or before t + transfer exactly when
                // u * SLOT_NS <= (t + transfer - start) * capacity, which needs no division (the usual case while
                // the memory is not saturated); else the data starts moving its transfer time before that point
                long start = slot << SLOT_SHIFT;
                if (u * SLOT_NS <= (t + transfer - start) * capacity) {
                    return t;
                }
                return start + Math.ceilDiv(u * SLOT_NS, capacity) - transfer;
            }
            used[i] = capacity;
            left -= room;
            slot++;
        }
    }
}
