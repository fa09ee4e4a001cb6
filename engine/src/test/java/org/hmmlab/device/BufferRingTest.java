package org.hmmlab.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The ring under the fault buffer and the access-counter buffer: read in order from GET, a fetch stopping at the
 * first entry not yet visible, as fetch_fault_buffer_entries() stops at an entry whose valid bit is clear
 * (uvm_gpu_replayable_faults.c).
 */
class BufferRingTest {

    private final BufferRing ring = new BufferRing(4);

    @Test
    void aFullRingRefusesTheEntry() {
        for (int k = 0; k < 4; k++) {
            assertTrue(ring.push(k, false, k, 10));
        }
        assertFalse(ring.push(9, false, 9, 10));
        assertEquals(4, ring.size());
    }

    @Test
    void aFetchStopsAtTheFirstEntryNotYetVisible() {
        ring.push(1, false, 0, 10);
        ring.push(2, true, 1, 30);
        ring.push(3, false, 2, 20);
        assertEquals(1, ring.arrivedPrefix(4, 25), "the entry visible at 20 waits behind the one at 30");
        assertEquals(3, ring.arrivedPrefix(4, 30));
        assertEquals(2, ring.arrivedPrefix(2, 30), "at most the limit");
        int slot = ring.take();
        assertEquals(1, ring.page(slot));
        assertTrue(ring.headArrived(30));
        assertFalse(ring.headArrived(29));
    }

    @Test
    void theRingWrapsAround() {
        for (int k = 0; k < 3; k++) {
            ring.push(k, false, k, k);
        }
        ring.take();
        ring.take();
        ring.push(7, true, 7, 7);
        ring.push(8, true, 8, 8);
        ring.push(9, true, 9, 9);
        assertFalse(ring.push(10, true, 10, 10));
        long[] pages = new long[4];
        for (int k = 0; k < 4; k++) {
            pages[k] = ring.page(ring.take());
        }
        assertEquals("[2, 7, 8, 9]", java.util.Arrays.toString(pages));
    }

    @Test
    void compactingKeepsTheChosenEntriesInOrder() {
        for (int k = 0; k < 4; k++) {
            ring.push(k, false, k, 10 * k);
        }
        int kept = 0;
        for (int k = 0; k < 4; k++) {
            int s = ring.slot(k);
            if (ring.page(s) % 2 == 1) {
                ring.set(kept++, ring.page(s), ring.write(s), ring.warp(s), ring.arrive(s));
            }
        }
        ring.truncate(kept);
        assertEquals(2, ring.size());
        assertEquals(1, ring.page(ring.take()));
        assertEquals(3, ring.page(ring.take()));
    }

    @Test
    void entriesVisibleSoonerMoveAheadEachGroupInItsOrder() {
        ring.push(1, false, 0, 50);
        ring.push(2, false, 1, 5);
        ring.push(3, false, 2, 60);
        ring.push(4, false, 3, 7);
        ring.arrivedBeforeFirst(50);
        long[] pages = new long[4];
        for (int k = 0; k < 4; k++) {
            pages[k] = ring.page(ring.take());
        }
        assertEquals("[2, 4, 1, 3]", java.util.Arrays.toString(pages));
    }
}
