package org.hmmlab.policy;

import java.util.Arrays;

/**
 * One doubly-linked list per GPU over chunk slots, in primitive arrays: the recency order of an evictor's chunks,
 * head first (the eviction candidate), tail last (the latest use). Used by {@link LruEvictor} and {@link PeerEvictor}.
 */
final class SlotRecencyList {
    private int[] prev = new int[64];
    private int[] next = new int[64];
    private final int[] head = new int[64];
    private final int[] tail = new int[64];

    SlotRecencyList() {
        Arrays.fill(head, -1);
        Arrays.fill(tail, -1);
    }

    /** Room for slots below {@code len}; new slots are on no list. */
    void grow(int len) {
        int old = prev.length;
        prev = Arrays.copyOf(prev, len);
        next = Arrays.copyOf(next, len);
        if (old < len) {
            Arrays.fill(prev, old, len, -1);
            Arrays.fill(next, old, len, -1);
        }
    }

    void append(int s, int gpu) {
        prev[s] = tail[gpu];
        next[s] = -1;
        if (tail[gpu] >= 0) {
            next[tail[gpu]] = s;
        } else {
            head[gpu] = s;
        }
        tail[gpu] = s;
    }

    void unlink(int s, int gpu) {
        if (prev[s] >= 0) {
            next[prev[s]] = next[s];
        } else {
            head[gpu] = next[s];
        }
        if (next[s] >= 0) {
            prev[next[s]] = prev[s];
        } else {
            tail[gpu] = prev[s];
        }
    }

    void moveToTail(int s, int gpu) {
        if (tail[gpu] != s) {
            unlink(s, gpu);
            append(s, gpu);
        }
    }

    int head(int gpu) {
        return head[gpu];
    }

    int tail(int gpu) {
        return tail[gpu];
    }

    int next(int s) {
        return next[s];
    }

    int prev(int s) {
        return prev[s];
    }
}
