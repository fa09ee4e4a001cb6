package org.hmmlab.sim;

import java.util.Arrays;

/**
 * A priority queue of pending events ordered by (time, phase, sequence number).
 *
 * <p>A 4-ary heap over primitive arrays: no object per event besides the caller's handler. The sequence number is
 * the insertion count, so two events at the same time and phase run in the order they were scheduled, which makes
 * every tie reproducible (the same rule as CloudSim Plus's FutureQueue). Keys are unique, so the events come out in
 * the same order whatever the heap's shape.
 *
 * <p>Laid out for the pop, the simulator's commonest operation (most events are superseded link drains that do
 * nothing): a node's time and order sit side by side in one array, a node's four children are adjacent (one or two
 * cache lines), and a sift moves only the key and the index of the event's payload slot, not the payload.
 */
final class EventQueue {

    private static final int SEQ_BITS = 56;
    private static final long SEQ_MASK = (1L << SEQ_BITS) - 1;

    /** Node {@code i}'s time at {@code 2i}, its phase (top 8 bits) and sequence number (low 56) at {@code 2i + 1}. */
    private long[] keys = new long[128];
    /** Node {@code i}'s payload slot. */
    private int[] slotOf = new int[64];
    /** Payloads by slot; a slot is free while no node names it. */
    private long[] arg = new long[64];
    private EventHandler[] handler = new EventHandler[64];
    /** Free slots, a stack: {@code free[0 .. freeCount)}. */
    private int[] free = new int[64];
    private int freeCount;
    private int size;
    private long nextSeq;

    EventQueue() {
        for (int s = 0; s < free.length; s++) {
            free[s] = free.length - 1 - s;
        }
        freeCount = free.length;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void add(long at, EventPhase phase, EventHandler h, long a) {
        if (size == slotOf.length) {
            grow();
        }
        int slot = free[--freeCount];
        arg[slot] = a;
        handler[slot] = h;
        long key = ((long) phase.ordinal() << SEQ_BITS) | (nextSeq++ & SEQ_MASK);
        int i = size++;
        // sift up
        while (i > 0) {
            int parent = (i - 1) >>> 2;
            if (!less(at, key, keys[2 * parent], keys[2 * parent + 1])) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        keys[2 * i] = at;
        keys[2 * i + 1] = key;
        slotOf[i] = slot;
    }

    private void grow() {
        int n = size * 2;
        keys = Arrays.copyOf(keys, 2 * n);
        slotOf = Arrays.copyOf(slotOf, n);
        arg = Arrays.copyOf(arg, n);
        handler = Arrays.copyOf(handler, n);
        free = Arrays.copyOf(free, n);
        // every slot is taken when the heap is full: the new ones are the free ones
        for (int s = n - 1; s >= size; s--) {
            free[freeCount++] = s;
        }
    }

    long peekTime() {
        return keys[0];
    }

    EventHandler peekHandler() {
        return handler[slotOf[0]];
    }

    long peekArg() {
        return arg[slotOf[0]];
    }

    /**
     * Removes the head; read it with the peek methods first. Floyd's bottom-up deletion: the hole at the root moves
     * down to a leaf along the least children, and the last node then rises from there to its place (rarely far:
     * it came from the bottom).
     */
    void removeHead() {
        int headSlot = slotOf[0];
        handler[headSlot] = null;
        free[freeCount++] = headSlot;
        int last = --size;
        if (last == 0) {
            return;
        }
        long t = keys[2 * last];
        long k = keys[2 * last + 1];
        int slot = slotOf[last];
        int i = 0;
        // the hole goes down to a leaf of the remaining heap [0, last)
        while (true) {
            int first = 4 * i + 1;
            if (first >= last) {
                break;
            }
            int end = Math.min(first + 4, last);
            int least = first;
            long lt = keys[2 * first];
            long lk = keys[2 * first + 1];
            for (int c = first + 1; c < end; c++) {
                long ct = keys[2 * c];
                long ck = keys[2 * c + 1];
                if (less(ct, ck, lt, lk)) {
                    least = c;
                    lt = ct;
                    lk = ck;
                }
            }
            keys[2 * i] = lt;
            keys[2 * i + 1] = lk;
            slotOf[i] = slotOf[least];
            i = least;
        }
        // the last node rises from the hole to its place
        while (i > 0) {
            int parent = (i - 1) >>> 2;
            if (!less(t, k, keys[2 * parent], keys[2 * parent + 1])) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        keys[2 * i] = t;
        keys[2 * i + 1] = k;
        slotOf[i] = slot;
    }

    private void move(int from, int to) {
        keys[2 * to] = keys[2 * from];
        keys[2 * to + 1] = keys[2 * from + 1];
        slotOf[to] = slotOf[from];
    }

    private static boolean less(long t1, long k1, long t2, long k2) {
        return t1 < t2 || (t1 == t2 && k1 < k2);
    }
}
