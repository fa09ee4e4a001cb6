package org.hmmlab.device;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The device TLB's LRU replacement, and its shortcut (the entry last hit is tried first) never outliving it. */
class DeviceTlbTest {

    /** One set of eight ways, one page per entry: every page competes for the same eight entries. */
    static DeviceTlb oneSet() {
        return new DeviceTlb(8, 0);
    }

    @Test
    void anInvalidatedEntryMissesEvenRightAfterItsHit() {
        DeviceTlb tlb = oneSet();
        tlb.insert(5);
        assertTrue(tlb.lookup(5));
        tlb.invalidate(5, 1);
        assertFalse(tlb.lookup(5), "the entry last hit was invalidated");
        tlb.insert(5);
        tlb.invalidate(0, 1 << 20); // wider than the TLB: every entry goes at once
        assertFalse(tlb.lookup(5));
    }

    @Test
    void theLeastRecentlyUsedEntryIsEvictedAndTheLastHitMissesOnceEvicted() {
        DeviceTlb tlb = oneSet();
        for (long p = 0; p < 8; p++) {
            tlb.insert(p);
        }
        assertTrue(tlb.lookup(0)); // 0 becomes the most recent; 1 is now the least
        tlb.insert(8);
        assertFalse(tlb.lookup(1), "the least recently used entry made room");
        assertTrue(tlb.lookup(0));
        // eight new pages push everything out, 0 included, although it was the last hit before them
        for (long p = 100; p < 108; p++) {
            tlb.insert(p);
        }
        assertFalse(tlb.lookup(0), "the entry last hit was evicted");
        for (long p = 100; p < 108; p++) {
            assertTrue(tlb.lookup(p), "page " + p);
        }
    }
}
