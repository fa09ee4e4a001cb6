package org.hmmlab.sim;

import java.util.Arrays;

/**
 * A priority queue of pending events ordered by (time, phase, sequence number).
 *
 * <p>A binary heap over parallel primitive arrays: no object per event besides the caller's handler. The
 * sequence number is the insertion count, so two events at the same time and phase run in the order they
 * were scheduled, which makes every tie reproducible (the same rule as CloudSim Plus's FutureQueue).
 */
final class EventQueue {

    private static final int SEQ_BITS = 56;
    private static final long SEQ_MASK = (1L << SEQ_BITS) - 1;

    private long[] time = new long[64];
    /** phase in the top 8 bits, sequence number in the low 56. */
    private long[] order = new long[64];
    private long[] arg = new long[64];
    private EventHandler[] handler = new EventHandler[64];
    private int size;
    private long nextSeq;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void add(long at, EventPhase phase, EventHandler h, long a) {
        if (size == time.length) {
            int n = size * 2;
            time = Arrays.copyOf(time, n);
            order = Arrays.copyOf(order, n);
            arg = Arrays.copyOf(arg, n);
            handler = Arrays.copyOf(handler, n);
        }
        long key = ((long) phase.ordinal() << SEQ_BITS) | (nextSeq++ & SEQ_MASK);
        int i = size++;
        // sift up
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(at, key, time[parent], order[parent])) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        time[i] = at;
        order[i] = key;
        arg[i] = a;
        handler[i] = h;
    }

    long peekTime() {
        return time[0];
    }

    EventHandler peekHandler() {
        return handler[0];
    }

    long peekArg() {
        return arg[0];
    }

    /** Removes the head; read it with the peek methods first. */
    void removeHead() {
        int last = --size;
        long t = time[last];
        long k = order[last];
        long a = arg[last];
        EventHandler h = handler[last];
        handler[last] = null;
        if (last == 0) {
            return;
        }
        int i = 0;
        // sift down
        while (true) {
            int left = 2 * i + 1;
            if (left >= last) {
                break;
            }
            int right = left + 1;
            int child = (right < last && less(time[right], order[right], time[left], order[left])) ? right : left;
            if (!less(time[child], order[child], t, k)) {
                break;
            }
            move(child, i);
            i = child;
        }
        time[i] = t;
        order[i] = k;
        arg[i] = a;
        handler[i] = h;
    }

    private void move(int from, int to) {
        time[to] = time[from];
        order[to] = order[from];
        arg[to] = arg[from];
        handler[to] = handler[from];
    }

    private static boolean less(long t1, long k1, long t2, long k2) {
        return t1 < t2 || (t1 == t2 && k1 < k2);
    }
}
