package org.hmmlab.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hmmlab.units.Bandwidth;
import org.junit.jupiter.api.Test;

class BandwidthSlotsTest {

    /** 1 GB/s: 64 bytes per 64 ns slot, one byte per nanosecond. */
    static BandwidthSlots oneGBps() {
        return new BandwidthSlots(Bandwidth.GBps(1));
    }

    @Test
    void aLoneAccessTakesItsOwnTransferTime() {
        BandwidthSlots m = oneGBps();
        assertEquals(1_000 + 32, m.reserve(1_000, 32));
    }

    @Test
    void anEarlierAccessReachingTheMemoryLaterIsNotQueuedBehindLaterOnes() {
        BandwidthSlots m = oneGBps();
        // the first warp simulated issues at 10 us and 20 us; a second warp, simulated after it, issues at 0
        m.reserve(10_000, 16);
        m.reserve(20_000, 16);
        assertEquals(16, m.reserve(0, 16));
    }

    @Test
    void accessesThatOverfillTheirSlotSpillAtTheMemorysBandwidth() {
        BandwidthSlots m = oneGBps();
        long last = 0;
        for (int i = 0; i < 100; i++) {
            last = m.reserve(0, 64); // 100 slot-sized accesses all issued at 0
        }
        assertEquals(100 * 64, last, "6.4 KB at 1 GB/s take 6.4 us");
        // a later access at 1 us waits for the backlog, and only for it
        long next = m.reserve(1_000, 64);
        assertTrue(next == 100 * 64 + 64, "queued behind the backlog: " + next);
    }

    @Test
    void theStartOfAnAccessIsItsEndLessItsOwnTransferTimeAndNeverBeforeItsIssue() {
        // two memories fed the same accesses, issued out of time order and overfilling slots
        BandwidthSlots ends = new BandwidthSlots(Bandwidth.GBps(1.5));
        BandwidthSlots starts = new BandwidthSlots(Bandwidth.GBps(1.5));
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        int delayed = 0;
        for (int k = 0; k < 20_000; k++) {
            long t = r.nextLong(50_000);
            long bytes = 1 + r.nextLong(300);
            long end = ends.reserve(t, bytes);
            long start = starts.reserveStart(t, bytes);
            assertEquals(Math.max(t, end - ends.transferNanos(bytes)), start, "access " + k);
            delayed += start > t ? 1 : 0;
        }
        assertTrue(delayed > 1_000, "the memory was saturated for some accesses: " + delayed);
    }
}
