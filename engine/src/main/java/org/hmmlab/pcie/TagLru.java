package org.hmmlab.pcie;

import java.util.Arrays;

/**
 * A set of at most {@code capacity} long tags that forgets the least recently used one when full: the IOTLB's
 * entries. Primitive arrays throughout (an open-addressed index over a doubly linked recency list), so a lookup on
 * the device's access path allocates and boxes nothing.
 */
final class TagLru {

    private static final int NONE = -1;

    private final int capacity;
    /** Open-addressed index: entry number + 1 per bucket, 0 when empty. */
    private final int[] buckets;
    private final long[] tags;
    private final int[] prev;
    private final int[] next;
    /** Least recently used entry, and most recently used. */
    private int oldest = NONE;
    private int newest = NONE;
    private int size;

    TagLru(int capacity) {
        this.capacity = capacity;
        int n = Math.max(1, capacity);
        buckets = new int[Integer.highestOneBit(Math.max(2, n * 2 - 1)) << 1];
        tags = new long[n];
        prev = new int[n];
        next = new int[n];
    }

    int size() {
        return size;
    }

    /** Whether {@code tag} is held; a hit makes it the most recently used. */
    boolean touch(long tag) {
        int e = find(tag);
        if (e == NONE) {
            return false;
        }
        unlink(e);
        linkNewest(e);
        return true;
    }

    /** Adds {@code tag} as the most recently used, forgetting the least recently used one if full. */
    void add(long tag) {
        if (capacity == 0 || find(tag) != NONE) {
            return;
        }
        if (size == capacity) {
            removeEntry(oldest); // the last entry moves into its place: the free one is now at size
        }
        int e = size;
        tags[e] = tag;
        size++;
        int b = bucket(tag);
        while (buckets[b] != 0) {
            b = (b + 1) & (buckets.length - 1);
        }
        buckets[b] = e + 1;
        linkNewest(e);
    }

    /** Forgets every tag in [from, to]. */
    void removeRange(long from, long to) {
        if (size < to - from + 1) {
            // downwards: a removal moves the last entry, already looked at, into the freed place
            for (int e = size - 1; e >= 0; e--) {
                if (tags[e] >= from && tags[e] <= to) {
                    removeEntry(e);
                }
            }
        } else {
            for (long t = from; t <= to; t++) {
                int e = find(t);
                if (e != NONE) {
                    removeEntry(e);
                }
            }
        }
    }

    void clear() {
        Arrays.fill(buckets, 0);
        oldest = NONE;
        newest = NONE;
        size = 0;
    }

    private int bucket(long tag) {
        long h = tag * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & (buckets.length - 1);
    }

    private int find(long tag) {
        for (int b = bucket(tag); buckets[b] != 0; b = (b + 1) & (buckets.length - 1)) {
            int e = buckets[b] - 1;
            if (tags[e] == tag) {
                return e;
            }
        }
        return NONE;
    }

    /** Drops entry {@code e}; the last entry moves into its place, so entries stay 0 .. size - 1. */
    private void removeEntry(int e) {
        unlink(e);
        deleteBucket(tags[e]);
        int last = size - 1;
        if (e != last) {
            // move the last entry into slot e: its bucket, its links
            long t = tags[last];
            int b = bucket(t);
            while (buckets[b] - 1 != last) {
                b = (b + 1) & (buckets.length - 1);
            }
            buckets[b] = e + 1;
            tags[e] = t;
            prev[e] = prev[last];
            next[e] = next[last];
            if (prev[e] != NONE) {
                next[prev[e]] = e;
            } else {
                oldest = e;
            }
            if (next[e] != NONE) {
                prev[next[e]] = e;
            } else {
                newest = e;
            }
        }
        size--;
    }

    /** Removes {@code tag}'s bucket, shifting later buckets of its probe run back (no tombstones). */
    private void deleteBucket(long tag) {
        int mask = buckets.length - 1;
        int b = bucket(tag);
        while (tags[buckets[b] - 1] != tag) {
            b = (b + 1) & mask;
        }
        int hole = b;
        for (int j = (hole + 1) & mask; buckets[j] != 0; j = (j + 1) & mask) {
            int home = bucket(tags[buckets[j] - 1]);
            // move j into the hole unless its home lies cyclically in (hole, j]
            boolean stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!stays) {
                buckets[hole] = buckets[j];
                hole = j;
            }
        }
        buckets[hole] = 0;
    }

    private void unlink(int e) {
        if (prev[e] != NONE) {
            next[prev[e]] = next[e];
        } else {
            oldest = next[e];
        }
        if (next[e] != NONE) {
            prev[next[e]] = prev[e];
        } else {
            newest = prev[e];
        }
    }

    private void linkNewest(int e) {
        prev[e] = newest;
        next[e] = NONE;
        if (newest != NONE) {
            next[newest] = e;
        } else {
            oldest = e;
        }
        newest = e;
    }
}
