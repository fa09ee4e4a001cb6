package org.hmmlab.pcie;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The IOTLB's primitive LRU holds exactly what an access-ordered LinkedHashMap bounded to its capacity holds. */
class TagLruTest {

    @Test
    void agreesWithABoundedAccessOrderedMapOverRandomOperations() {
        for (int capacity : new int[] {0, 1, 3, 64}) {
            TagLru lru = new TagLru(capacity);
            Map<Long, Boolean> ref = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                    return size() > capacity;
                }
            };
            SplittableRandom rnd = new SplittableRandom(capacity);
            for (int i = 0; i < 50_000; i++) {
                long tag = rnd.nextInt(200);
                int op = rnd.nextInt(100);
                if (op < 80) {
                    boolean hit = ref.get(tag) != null;
                    assertEquals(hit, lru.touch(tag), "touch " + tag + " at " + i);
                    if (!hit && capacity > 0) {
                        ref.put(tag, Boolean.TRUE);
                        lru.add(tag);
                    }
                } else if (op < 98) {
                    long to = tag + rnd.nextInt(20);
                    ref.keySet().removeIf(t -> t >= tag && t <= to);
                    lru.removeRange(tag, to);
                } else {
                    ref.clear();
                    lru.clear();
                }
                assertEquals(ref.size(), lru.size(), "size at " + i);
            }
        }
    }
}
