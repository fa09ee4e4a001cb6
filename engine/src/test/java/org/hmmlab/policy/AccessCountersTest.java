package org.hmmlab.policy;

import static org.hmmlab.policy.PrefetcherTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;
import org.junit.jupiter.api.Test;

/** Access-counter notifications (uvm_gpu_access_counters.c: threshold 256, 2 MiB granularity by default). */
class AccessCountersTest {

    @Test
    void uvmDefaultsNotifyOnThe256thAccessToA2MiBRegionAndClear() {
        AccessCounters c = new AccessCounters();
        assertEquals(256, c.threshold());
        assertEquals(Bytes.MiB(2), c.granularity());
        for (int i = 0; i < 255; i++) {
            assertFalse(c.record(1024 + (i % 512), i), "access " + i);
        }
        assertEquals(255, c.count(1024));
        assertTrue(c.record(1500, 255), "the 256th access to region 2");
        assertEquals(0, c.count(1024), "cleared after the notification");
        assertFalse(c.record(512, 256), "another region counts apart");
        assertEquals(1, c.notifications());
    }

    @Test
    void perPageGranularityCountsPagesApart() {
        AccessCounters c = new AccessCounters(2, Bytes.PAGE, SimDuration.ZERO);
        assertFalse(c.record(1, 0));
        assertFalse(c.record(2, 0));
        assertTrue(c.record(1, 0));
    }

    @Test
    void decayHalvesCountsEveryHalfLife() {
        AccessCounters c = new AccessCounters(10, Bytes.KiB(64), SimDuration.us(100));
        for (int i = 0; i < 8; i++) {
            c.record(0, 0);
        }
        assertEquals(8, c.count(0));
        assertFalse(c.record(0, 200_000), "8 halved twice is 2, plus this access 3");
        assertEquals(3, c.count(0));
    }

    @Test
    void placementMapsRemotelyThenMigratesTheCounterRegion() {
        AccessCounterPlacement p = new AccessCounterPlacement(3, Bytes.KiB(64));
        ThrashingDetectorTest.Ctx ctx = new ThrashingDetectorTest.Ctx();
        assertEquals(Decision.MAP_REMOTE, p.onDeviceFault(ctx.at(17, 0, 0)));
        assertEquals(Decision.NONE, p.onRemoteAccess(ctx.at(17, 1, 0)));
        assertEquals(Decision.NONE, p.onRemoteAccess(ctx.at(18, 2, 0)));
        Decision d = p.onRemoteAccess(ctx.at(19, 3, 0));
        assertEquals(Decision.Action.MIGRATE, d.action());
        assertEquals(16, d.regionPages());
        assertEquals(16, d.regionFirstPage(19));
    }

    @Test
    void parametersAreValidated() {
        assertMessage("access-counter threshold must be in [1, 65535], got 0",
                () -> new AccessCounters(0, Bytes.MiB(2), SimDuration.ZERO));
        assertMessage("access-counter granularity must be a power of two from 4 KiB to 16 GiB, got 32 GiB",
                () -> new AccessCounters(256, Bytes.GiB(32), SimDuration.ZERO));
    }
}
