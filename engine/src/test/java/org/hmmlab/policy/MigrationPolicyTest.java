package org.hmmlab.policy;

import static org.hmmlab.policy.PrefetcherTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;
import org.hmmlab.workload.AccessType;
import org.junit.jupiter.api.Test;

/** The composed fault service: advice first, then thrashing, then placement (uvm_va_block_service_locked order). */
class MigrationPolicyTest {

    static final class Ctx extends Object implements FaultContext {
        long page;
        AccessType access = AccessType.READ;
        int processor;
        int residency = Location.HOST;

        @Override public long address() { return page << Pages.PAGE_SHIFT; }
        @Override public AccessType access() { return access; }
        @Override public int processor() { return processor; }
        @Override public long nowNanos() { return 0; }
        @Override public int residency(long p) { return residency; }
        @Override public long deviceFreePages() { return 1; }
        @Override public long deviceCapacityPages() { return 1; }
    }

    static final long A = 0x10_0000; // page number of the advised range
    static final long ADDR = A << Pages.PAGE_SHIFT;

    @Test
    void hintsComeBeforeThePlacement() {
        Hints h = Hints.none()
                .readMostly(ADDR, Bytes.pages(4))
                .preferredLocation(ADDR + Bytes.pages(4).bytes(), Bytes.pages(4), Location.HOST)
                .preferredLocation(ADDR + Bytes.pages(8).bytes(), Bytes.pages(4), 0)
                .accessedBy(ADDR + Bytes.pages(12).bytes(), Bytes.pages(4), 0);
        MigrationPolicy p = Policies.uvmDefaults().withPlacement(Policies.remoteMap()).withHints(h);
        Ctx c = new Ctx();
        c.page = A;
        assertEquals(Decision.DUPLICATE_PAGE, p.onDeviceFault(c), "read-mostly read duplicates");
        c.access = AccessType.WRITE;
        assertEquals(Decision.MIGRATE_PAGE, p.onDeviceFault(c), "read-mostly write collapses and migrates");
        c.access = AccessType.READ;
        c.page = A + 4;
        assertEquals(Decision.MAP_REMOTE, p.onDeviceFault(c), "preferred host maps remotely");
        c.page = A + 8;
        assertEquals(Decision.MIGRATE_PAGE, p.onDeviceFault(c), "preferred on this gpu migrates");
        c.processor = 1;
        assertEquals(Decision.MAP_REMOTE, p.onDeviceFault(c), "another gpu falls through to the placement");
        c.processor = 0;
        c.page = A + 12;
        assertEquals(Decision.MAP_REMOTE, p.onDeviceFault(c), "accessed-by maps in place");
        assertEquals(Decision.NONE, p.onRemoteAccess(c), "accessed-by pages never migrate by counters");
        c.page = A + 100;
        assertEquals(Decision.MAP_REMOTE, p.onDeviceFault(c), "unadvised: the placement decides");
        // block_cpu_fault_locked() asks the prefetch hint as GPU faults do: its big page comes home (64 KiB) ...
        assertEquals(Decision.MIGRATE_BIG_PAGE, p.onHostFault(c), "cpu faults bring their big page home");
        // ... unless a preferred location other than the CPU turns the prefetch logic off
        // (should_apply_prefetch_logic(), uvm_perf_prefetch.c), or there is no prefetching
        c.page = A + 8;
        assertEquals(Decision.MIGRATE_PAGE, p.onHostFault(c), "preferred on a gpu: the page alone");
        c.page = A + 100;
        assertEquals(Decision.MIGRATE_PAGE, p.withPrefetcher(Prefetcher.NONE).onHostFault(c), "no prefetching");
    }

    @Test
    void describeNamesEveryComponent() {
        assertEquals("first-touch + density(51%) + lru-2MiB + thrashing(throttle-then-pin)",
                Policies.uvmDefaults().describe());
        assertEquals(SimDuration.ZERO, Policies.uvmDefaults().deviceFaultCost());
        assertEquals(SimDuration.us(3), Policies.uvmDefaults()
                .withPlacement(new FirstTouchPlacement(Bytes.PAGE, SimDuration.us(3))).deviceFaultCost());
    }

    @Test
    void decisionsAreValidated() {
        assertEquals(16, Decision.migrate(Bytes.KiB(64)).regionPages());
        assertEquals(0x20, Decision.migrate(Bytes.KiB(64)).regionFirstPage(0x2f));
        assertMessage("migration region must be a power of two from 4 KiB to 4 TiB, got 96 KiB",
                () -> Decision.migrate(Bytes.KiB(96)));
        assertMessage("decision delay must be > 0 for THROTTLE", () -> Decision.throttle(SimDuration.ZERO));
        assertMessage("decision regionShift must be 0 for MAP_REMOTE",
                () -> new Decision(Decision.Action.MAP_REMOTE, 3, SimDuration.ZERO));
        assertMessage("first-touch region must be a power of two from 4 KiB to 2 MiB, got 4 MiB",
                () -> new FirstTouchPlacement(Bytes.MiB(4), SimDuration.ZERO));
        assertMessage("advice address must be >= 0 and 4 KiB aligned", () -> Hints.none().readMostly(5, Bytes.PAGE));
        assertMessage("migration policy: placement, prefetcher, evictor, thrashing and hints must all be set",
                () -> Policies.uvmDefaults().withEvictor(null));
    }
}
