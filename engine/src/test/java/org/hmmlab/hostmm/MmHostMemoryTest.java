package org.hmmlab.hostmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.hmmlab.device.FaultPath;
import org.hmmlab.device.Gpu;
import org.hmmlab.device.HostMemory;
import org.hmmlab.device.TestPolicies;
import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.RunResult;
import org.hmmlab.mm.Mman;
import org.hmmlab.mm.Pte;
import org.hmmlab.platform.Platforms;
import org.hmmlab.policy.Decision;
import org.hmmlab.run.Experiment;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;
import org.junit.jupiter.api.Test;

/** The GPU model's migrations carried out by the functional core's migrate_vma. */
class MmHostMemoryTest {

    static final Bytes SIZE = Bytes.KiB(64);

    static List<Phase> initAndGpu() {
        return List.of(Phase.cpu("init", "x", Patterns.sequential(), SIZE, 16).withWriteFraction(1),
                Phase.gpu("k", "x", Patterns.sequential(), SIZE, 16).withConcurrency(4));
    }

    @Test
    void aGpuMigrationLeavesDevicePrivateEntriesInTheCpuPageTable() {
        MmHostMemory mem = new MmHostMemory();
        RunResult r = Experiment.of(Platforms.A100_PCIE4, Workload.of(List.of(new Allocation("x", SIZE)), initAndGpu()),
                () -> TestPolicies.migrate(Decision.MIGRATE_BIG_PAGE)).withHostMemory(() -> mem).run();
        assertEquals(16, r.count(Counter.PAGES_TO_DEVICE));
        long addr = mem.mm().vmas().getFirst().start();
        for (int i = 0; i < 16; i++) {
            assertTrue(Pte.isDevicePrivate(mem.mm().entry(addr + ((long) i << Mman.PAGE_SHIFT))), "page " + i);
        }
    }

    @Test
    void aCpuTouchAfterwardsBringsThePagesBackThroughMigrateToRam() {
        MmHostMemory mem = new MmHostMemory();
        List<Phase> phases = new java.util.ArrayList<>(initAndGpu());
        phases.add(Phase.cpu("check", "x", Patterns.sequential(), SIZE, 16));
        RunResult r = Experiment.of(Platforms.A100_PCIE4, Workload.of(List.of(new Allocation("x", SIZE)), phases),
                () -> TestPolicies.migrate(Decision.MIGRATE_BIG_PAGE)).withHostMemory(() -> mem).run();
        assertEquals(16, r.count(Counter.PAGES_TO_HOST));
        long addr = mem.mm().vmas().getFirst().start();
        for (int i = 0; i < 16; i++) {
            long e = mem.mm().entry(addr + ((long) i << Mman.PAGE_SHIFT));
            assertFalse(Pte.isDevicePrivate(e), "page " + i);
            assertTrue(Pte.isPresent(e), "page " + i);
        }
    }

    @Test
    void aCpuTouchOfADevicePageTakesTheCoresFaultIntoTheDriversMigrateToRam() {
        // mirrors do_swap_page() (mm/memory.c) on a device-private entry calling the pagemap's migrate_to_ram: the
        // fault reaches the driver with the thread's time, the access waits, and the thread is resumed once the
        // copy has landed, when the CPU page table and the GPU both say the page is in host memory
        Rig rig = new Rig();
        org.hmmlab.sim.Simulator sim = rig.sim;
        org.hmmlab.metrics.RunMetrics m = rig.metrics;
        MmHostMemory mem = rig.mem;
        Gpu gpu = rig.gpu;
        long first = rig.first;
        gpu.runPhase(Phase.gpu("k", "x", Patterns.sequential(), SIZE, 16).stream(1), first, 4, a -> { });
        sim.run();
        long page = first + 3;
        long addr = page << Mman.PAGE_SHIFT;
        assertTrue(Pte.isDevicePrivate(mem.mm().entry(addr)));
        assertEquals(0, gpu.residency(page), "on the device before the touch");
        long[] resumed = {-1, -1};
        long touchedAt = sim.nowNanos();
        HostMemory.CpuAccess a = mem.cpuAccess(page, true, touchedAt, arg -> {
            resumed[0] = arg;
            resumed[1] = sim.nowNanos();
        }, 7);
        assertEquals(HostMemory.CpuAccess.WAITING, a, "the access waits for the migration, it is not done");
        assertEquals(-1, resumed[0], "the thread sleeps until the copy lands");
        sim.run();
        assertEquals(7, resumed[0]);
        assertTrue(resumed[1] > touchedAt, "the copy back takes time");
        assertFalse(Pte.isDevicePrivate(mem.mm().entry(addr)));
        assertEquals(org.hmmlab.policy.Location.HOST, gpu.residency(page));
        assertEquals(HostMemory.CpuAccess.DONE, mem.cpuAccess(page, true, sim.nowNanos(), null, 0),
                "the retried access finds the page mapped");
    }

    @Test
    void aPinnedPageStaysInHostMemoryAndIsMappedRemotely() {
        // migrate_vma_setup skips pages with extra references (a FOLL_LONGTERM pin): the driver falls back to
        // hmm_range_fault and maps the page over the link (mm/migrate_device.c, migrate_vma_check_page)
        Rig rig = new Rig();
        org.hmmlab.sim.Simulator sim = rig.sim;
        org.hmmlab.metrics.RunMetrics m = rig.metrics;
        MmHostMemory mem = rig.mem;
        Gpu gpu = rig.gpu;
        long first = rig.first;
        long addr = first << Mman.PAGE_SHIFT;
        for (int i = 0; i < 16; i++) {
            mem.cpuAccess(first + i, true, 0, null, 0);
        }
        long[] pinned = new long[1];
        long pin = addr + (5L << Mman.PAGE_SHIFT);
        assertEquals(1, org.hmmlab.mm.Gup.pinUserPages(mem.mm(), pin, 1,
                org.hmmlab.mm.Gup.FOLL_WRITE | org.hmmlab.mm.Gup.FOLL_LONGTERM, pinned));
        gpu.runPhase(Phase.gpu("k", "x", Patterns.sequential(), SIZE, 16).stream(1), first, 4, a -> { });
        sim.run();
        assertEquals(1, m.counters().get(Counter.MIGRATION_FAILURES));
        assertEquals(15, m.counters().get(Counter.PAGES_TO_DEVICE));
        assertEquals(1, m.counters().get(Counter.REMOTE_ACCESSES));
        assertFalse(Pte.isDevicePrivate(mem.mm().entry(pin)));
        assertTrue(Pte.isDevicePrivate(mem.mm().entry(addr)));
        org.hmmlab.mm.Gup.unpinUserPages(mem.mm(), pinned, 1);
    }

    /** A GPU with migrating placement on the functional core, mirroring one 16-page allocation. */
    private static final class Rig {
        final org.hmmlab.sim.Simulator sim = new org.hmmlab.sim.Simulator(1);
        final org.hmmlab.metrics.RunMetrics metrics =
                new org.hmmlab.metrics.RunMetrics(org.hmmlab.units.SimDuration.us(10), null);
        final MmHostMemory mem = new MmHostMemory();
        final Gpu gpu = new Gpu(sim, Platforms.A100_PCIE4, new org.hmmlab.pcie.PcieLink(sim, Platforms.A100_PCIE4.link()),
                mem, TestPolicies.migrate(Decision.MIGRATE_BIG_PAGE), FaultPath.REPLAYABLE_BUFFER, metrics);
        final long first = mem.mapAnonymous("x", 16);

        Rig() {
            gpu.attach(first, 16);
        }
    }
}
