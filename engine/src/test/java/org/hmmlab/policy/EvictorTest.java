package org.hmmlab.policy;

import static org.hmmlab.policy.PrefetcherTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;
import org.junit.jupiter.api.Test;

/** The evictors' victim choices, driven through onMigrated as the timing layer drives them (uvm_pmm_gpu.c). */
class EvictorTest {

    static final long BASE = 0x7f00_0000_0L; // a 2 MiB-aligned page number

    static void arrive(Evictor e, long page, long pages) {
        e.onMigrated(page, pages, Location.HOST, 0, MigrationCause.DEVICE_FAULT, 0);
    }

    static void leave(Evictor e, long page, long pages) {
        e.onMigrated(page, pages, 0, Location.HOST, MigrationCause.EVICTION, 0);
    }

    @Test
    void uvmLruEvictsTheLeastRecentlyAllocatedRootChunk() {
        LruEvictor lru = new LruEvictor();
        arrive(lru, BASE, 1);            // chunk A
        arrive(lru, BASE + 512, 1);      // chunk B
        arrive(lru, BASE + 1024, 1);     // chunk C
        assertEquals(BASE, lru.pickVictim(0, 0));
        arrive(lru, BASE + 1, 1);        // allocating into A moves it to the tail
        leave(lru, BASE + 512, 1);       // B empties: off the list
        assertEquals(BASE + 1024, lru.pickVictim(0, 0));
        lru.onDeviceAccess(0, BASE + 1024, 0); // UVM does not refresh on access
        assertEquals(BASE + 1024, lru.pickVictim(0, 0));
        assertFalse(lru.wantsAccesses());
        assertEquals(2, lru.residentChunks(0));
        assertEquals(-1, lru.pickVictim(1, 0), "nothing resident on gpu1");
    }

    @Test
    void accessOrderedLruRefreshesOnAccess() {
        Evictor lru = Policies.lru(Bytes.PAGE, true);
        arrive(lru, BASE, 3);
        assertEquals(BASE, lru.pickVictim(0, 0));
        lru.onDeviceAccess(0, BASE, 0);
        assertEquals(BASE + 1, lru.pickVictim(0, 0));
        assertEquals(BASE + 1, lru.pickVictim(0, 0), "same victim while nothing changes");
        leave(lru, BASE + 1, 1);
        assertEquals(BASE + 2, lru.pickVictim(0, 0));
        assertEquals(1, lru.chunkPages());
    }

    @Test
    void aChunkLeavesOnlyWithItsLastPage() {
        LruEvictor lru = new LruEvictor(Bytes.KiB(64));
        arrive(lru, BASE, 16);
        arrive(lru, BASE + 16, 1);
        leave(lru, BASE, 15);
        assertEquals(BASE, lru.pickVictim(0, 0));
        leave(lru, BASE + 15, 1);
        assertEquals(BASE + 16, lru.pickVictim(0, 0));
    }

    @Test
    void randomIsSeededAndReproducible() {
        long[] a = victims(seeded(11));
        long[] b = victims(seeded(11));
        long[] c = victims(seeded(12));
        assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
    }

    static RandomEvictor seeded(long seed) {
        RandomEvictor e = new RandomEvictor(Bytes.PAGE);
        e.seedFrom(seed);
        return e;
    }

    @Test
    void randomRefusesToChooseBeforeTheRunSeedsIt() {
        RandomEvictor e = new RandomEvictor(Bytes.PAGE);
        arrive(e, BASE, 2);
        IllegalStateException x = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> e.pickVictim(0, 0));
        assertTrue(x.getMessage().contains("seedFrom"), x.getMessage());
    }

    static long[] victims(Evictor e) {
        arrive(e, BASE, 100);
        long[] out = new long[50];
        for (int i = 0; i < 50; i++) {
            out[i] = e.pickVictim(0, 0);
            leave(e, out[i], 1);
        }
        return out;
    }

    @Test
    void rripEvictsChunksWithoutReuseBeforeChunksWithReuse() {
        RripEvictor rrip = new RripEvictor(Bytes.PAGE);
        arrive(rrip, BASE, 4);
        rrip.onDeviceAccess(0, BASE + 1, 0);
        rrip.onDeviceAccess(0, BASE + 3, 0);
        long first = rrip.pickVictim(0, 0);
        leave(rrip, first, 1);
        long second = rrip.pickVictim(0, 0);
        leave(rrip, second, 1);
        assertEquals(java.util.Set.of(BASE, BASE + 2), java.util.Set.of(first, second));
        assertTrue(rrip.wantsAccesses());
    }

    @Test
    void granularityIsValidated() {
        assertMessage("lru granularity must be a power of two from 4 KiB to 2 MiB, got 4 MiB",
                () -> new LruEvictor(Bytes.MiB(4)));
        assertMessage("random eviction granularity must be a power of two", () -> new RandomEvictor(Bytes.of(100)));
        assertMessage("rrip insert prediction must be in [0, 3], got 4",
                () -> new RripEvictor(Bytes.PAGE, 4, SimDuration.ZERO));
    }
}
