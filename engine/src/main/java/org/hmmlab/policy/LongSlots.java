package org.hmmlab.policy;

import java.util.Arrays;

/**
 * Gives each distinct {@code long} key (a page, chunk or region number) a dense slot number 0, 1, 2, ... in order
 * of first appearance, so that per-key state lives in parallel primitive arrays.
 *
 * <p>Open addressing with linear probing over primitive arrays: no boxing, no object per key, and slot numbers
 * depend only on the order keys were first seen, never on hashing, so iterating slots is deterministic. Keys are
 * never removed (a policy's state for a page it has seen stays, as the driver's per-block state does).
 */
final class LongSlots {

    private long[] keys;
    private int[] slots;
    private int size;
    private int mask;

    LongSlots() {
        keys = new long[64];
        slots = new int[64];
        Arrays.fill(slots, -1);
        mask = 63;
    }

    /** Number of keys seen. */
    int size() {
        return size;
    }

    /** The slot of {@code key}, or -1 when it was never added. */
    int find(long key) {
        int i = mix(key) & mask;
        while (slots[i] >= 0) {
            if (keys[i] == key) {
                return slots[i];
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /** The slot of {@code key}, adding it with the next slot number when new. */
    int slot(long key) {
        int i = mix(key) & mask;
        while (slots[i] >= 0) {
            if (keys[i] == key) {
                return slots[i];
            }
            i = (i + 1) & mask;
        }
        keys[i] = key;
        slots[i] = size;
        size++;
        if (size * 2 > keys.length) {
            grow();
        }
        return size - 1;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldSlots = slots;
        keys = new long[oldKeys.length * 2];
        slots = new int[oldKeys.length * 2];
        Arrays.fill(slots, -1);
        mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldSlots[j] >= 0) {
                int i = mix(oldKeys[j]) & mask;
                while (slots[i] >= 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                slots[i] = oldSlots[j];
            }
        }
    }

    private static int mix(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    /** Capacity to give per-slot arrays so that slot {@code s} fits. */
    static int grownLength(int current, int s) {
        return s < current ? current : Math.max(s + 1, current * 2);
    }
}
