package org.hmmlab.driver.uvm;

import java.util.Arrays;

/**
 * A set of {@code long}s (block and directory numbers) asked once per fault service: open addressing with linear
 * probing over one primitive array, so a membership test neither boxes nor allocates. Removal shifts the entries
 * after the removed one back (no tombstones). Nothing iterates it, so its layout never reaches a result.
 */
final class LongSet {

    /** Marks an empty cell; keys are block and directory numbers, never negative. */
    private static final long EMPTY = -1;

    private long[] cells = new long[64];
    private int size;

    LongSet() {
        Arrays.fill(cells, EMPTY);
    }

    /** Adds {@code key} (at least 0); true when it was not there. */
    boolean add(long key) {
        if (key < 0) {
            throw new IllegalArgumentException("key must be >= 0; got " + key);
        }
        int mask = cells.length - 1;
        int i = mix(key) & mask;
        while (cells[i] != EMPTY) {
            if (cells[i] == key) {
                return false;
            }
            i = (i + 1) & mask;
        }
        cells[i] = key;
        if (++size * 2 > cells.length) {
            grow();
        }
        return true;
    }

    /** Removes {@code key}; true when it was there. */
    boolean remove(long key) {
        if (key < 0) {
            return false;
        }
        int mask = cells.length - 1;
        int i = mix(key) & mask;
        while (cells[i] != key) {
            if (cells[i] == EMPTY) {
                return false;
            }
            i = (i + 1) & mask;
        }
        // shift back every later entry of the run that the hole separates from its home cell
        int hole = i;
        for (int j = (i + 1) & mask; cells[j] != EMPTY; j = (j + 1) & mask) {
            int home = mix(cells[j]) & mask;
            // j's entry may fill the hole when its home does not lie cyclically in (hole, j]
            boolean homeBetween = hole <= j ? home > hole && home <= j : home > hole || home <= j;
            if (!homeBetween) {
                cells[hole] = cells[j];
                hole = j;
            }
        }
        cells[hole] = EMPTY;
        size--;
        return true;
    }

    /** Keys in the set. */
    int size() {
        return size;
    }

    private void grow() {
        long[] old = cells;
        cells = new long[old.length * 2];
        Arrays.fill(cells, EMPTY);
        size = 0;
        for (long k : old) {
            if (k != EMPTY) {
                add(k);
            }
        }
    }

    private static int mix(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
