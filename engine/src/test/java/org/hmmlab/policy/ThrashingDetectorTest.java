package org.hmmlab.policy;

import static org.hmmlab.policy.PrefetcherTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hmmlab.units.SimDuration;
import org.hmmlab.workload.AccessType;
import org.junit.jupiter.api.Test;

/** UVM-style thrashing detection and mitigation (uvm_perf_thrashing.c), step by step on one page. */
class ThrashingDetectorTest {

    /** A fault context set by hand. */
    static final class Ctx implements FaultContext {
        long page;
        long now;
        int processor;

        Ctx at(long p, long t, int proc) {
            page = p;
            now = t;
            processor = proc;
            return this;
        }

        @Override public long address() { return page << Pages.PAGE_SHIFT; }
        @Override public AccessType access() { return AccessType.READ; }
        @Override public int processor() { return processor; }
        @Override public long nowNanos() { return now; }
        @Override public int residency(long p) { return Location.HOST; }
        @Override public long deviceFreePages() { return 1000; }
        @Override public long deviceCapacityPages() { return 1000; }
    }

    static final long US = 1_000;

    @Test
    void threeQuickBouncesThrottleThenTenThrottlesPin() {
        UvmThrashingDetector d = new UvmThrashingDetector();
        Ctx c = new Ctx();
        long t = 0;
        // First move, then three moves 100 us apart: three thrashing events.
        for (int i = 0; i < 4; i++) {
            assertEquals(ThrashingHint.NONE, d.hint(c.at(42, t, i % 2 == 0 ? 0 : Location.HOST)));
            d.onMigrated(42, 1, i % 2 == 0 ? Location.HOST : 0, i % 2 == 0 ? 0 : Location.HOST,
                    MigrationCause.DEVICE_FAULT, t);
            t += 100 * US;
        }
        for (int throttle = 1; throttle <= 10; throttle++) {
            assertEquals(ThrashingHint.THROTTLE, d.hint(c.at(42, t, 0)), "throttle " + throttle);
            assertEquals(ThrashingHint.THROTTLE, d.hint(c.at(42, t + 499 * US, 0)), "still napping");
            t += 500 * US;
            assertEquals(ThrashingHint.NONE, d.hint(c.at(42, t, 0)), "serviced after the nap");
            d.onMigrated(42, 1, Location.HOST, 0, MigrationCause.DEVICE_FAULT, t);
            t += 100 * US;
        }
        assertEquals(ThrashingHint.PIN_HOST, d.hint(c.at(42, t, 0)));
        assertTrue(d.isPinned(42, t + 149_999 * US));
        assertEquals(ThrashingHint.NONE, d.hint(c.at(42, t, Location.HOST)), "the cpu is served locally");
        assertFalse(d.isPinned(42, t + 150_000 * US), "pins last 150 ms");
        assertEquals(11, d.thrashingEvents());
        assertEquals(SimDuration.us(500), d.nap());
    }

    @Test
    void slowMovesAreNotThrashingAndAnEpochResetsHistory() {
        UvmThrashingDetector d = new UvmThrashingDetector(2, SimDuration.us(500), SimDuration.us(500), 10,
                SimDuration.ms(150), SimDuration.ms(1), UvmThrashingDetector.Mitigation.PIN, SimDuration.ZERO);
        Ctx c = new Ctx();
        d.onMigrated(7, 1, Location.HOST, 0, MigrationCause.DEVICE_FAULT, 0);
        d.onMigrated(7, 1, 0, Location.HOST, MigrationCause.HOST_FAULT, 100 * US);  // event 1
        d.onMigrated(7, 1, Location.HOST, 0, MigrationCause.DEVICE_FAULT, 700 * US); // slow: not counted
        assertEquals(ThrashingHint.NONE, d.hint(c.at(7, 700 * US, 0)));
        d.onMigrated(7, 1, 0, Location.HOST, MigrationCause.HOST_FAULT, 2_000 * US); // after the 1 ms epoch: reset
        d.onMigrated(7, 1, Location.HOST, 0, MigrationCause.DEVICE_FAULT, 2_100 * US); // event 1 again
        assertEquals(ThrashingHint.NONE, d.hint(c.at(7, 2_100 * US, 0)));
        d.onMigrated(7, 1, 0, Location.HOST, MigrationCause.HOST_FAULT, 2_200 * US); // event 2
        assertEquals(ThrashingHint.PIN_HOST, d.hint(c.at(7, 2_200 * US, 0)), "PIN mitigation pins at once");
    }

    @Test
    void populatingIsNotAMove() {
        UvmThrashingDetector d = new UvmThrashingDetector(UvmThrashingDetector.Mitigation.PIN);
        for (int i = 0; i < 10; i++) {
            d.onMigrated(1, 1, Location.UNPOPULATED, 0, MigrationCause.DEVICE_FAULT, i);
        }
        assertEquals(ThrashingHint.NONE, d.hint(new Ctx().at(1, 10, 0)));
    }

    @Test
    void parametersAreValidated() {
        assertMessage("thrashing threshold must be in [1, 7], got 8", () -> new UvmThrashingDetector(8,
                SimDuration.us(500), SimDuration.us(500), 10, SimDuration.ms(150), SimDuration.s(1),
                UvmThrashingDetector.Mitigation.PIN, SimDuration.ZERO));
        assertMessage("thrashing lapse (ns) must be in [1, 1000000000], got 0", () -> new UvmThrashingDetector(3,
                SimDuration.ZERO, SimDuration.us(500), 10, SimDuration.ms(150), SimDuration.s(1),
                UvmThrashingDetector.Mitigation.PIN, SimDuration.ZERO));
        assertMessage("thrashing pinThreshold must be in [1, 1000], got 0", () -> new UvmThrashingDetector(3,
                SimDuration.us(500), SimDuration.us(500), 0, SimDuration.ms(150), SimDuration.s(1),
                UvmThrashingDetector.Mitigation.PIN, SimDuration.ZERO));
        assertMessage("thrashing epoch (ns) must be in [500000, ", () -> new UvmThrashingDetector(3,
                SimDuration.us(500), SimDuration.us(500), 10, SimDuration.ms(150), SimDuration.us(10),
                UvmThrashingDetector.Mitigation.PIN, SimDuration.ZERO));
    }
}
