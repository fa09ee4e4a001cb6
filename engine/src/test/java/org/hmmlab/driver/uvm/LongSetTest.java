package org.hmmlab.driver.uvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class LongSetTest {

    /** Adds and removes, with collisions (few distinct keys), growth and back-shifted runs, agree with a HashSet. */
    @Test
    void agreesWithAHashSetThroughAddsRemovesAndGrowth() {
        SplittableRandom r = new SplittableRandom(16);
        LongSet s = new LongSet();
        Set<Long> reference = new HashSet<>();
        for (int step = 0; step < 300_000; step++) {
            long key = step < 100_000 ? r.nextLong(5_000) : r.nextLong(200);
            if (r.nextInt(3) == 0) {
                assertEquals(reference.remove(key), s.remove(key), "remove " + key + " at " + step);
            } else {
                assertEquals(reference.add(key), s.add(key), "add " + key + " at " + step);
            }
            assertEquals(reference.size(), s.size(), "size at " + step);
        }
        for (long k = 0; k < 5_000; k++) {
            // every key's membership, by adding it back: new exactly when the reference lacks it
            assertEquals(!reference.contains(k), s.add(k), "key " + k);
        }
    }

    @Test
    void aNegativeKeyIsRefusedByNameAndNeverFound() {
        LongSet s = new LongSet();
        assertThrows(IllegalArgumentException.class, () -> s.add(-1));
        assertFalse(s.remove(-1));
    }
}
