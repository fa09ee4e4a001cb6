package org.hmmlab.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

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
    void aPinnedPageStaysInHostMemoryAndIsMappedRemotely() {
        // migrate_vma_setup skips pages with extra references (a FOLL_LONGTERM pin): the driver falls back to
        // hmm_range_fault and maps the page over the link (mm/migrate_device.c, migrate_vma_check_page)
        org.hmmlab.sim.Simulator sim = new org.hmmlab.sim.Simulator(1);
        org.hmmlab.metrics.RunMetrics m = new org.hmmlab.metrics.RunMetrics(org.hmmlab.units.SimDuration.us(10), null);
        org.hmmlab.pcie.PcieLink link = new org.hmmlab.pcie.PcieLink(sim, Platforms.A100_PCIE4.link());
        MmHostMemory mem = new MmHostMemory();
        Gpu gpu = new Gpu(sim, Platforms.A100_PCIE4, link, mem, TestPolicies.migrate(Decision.MIGRATE_BIG_PAGE),
                FaultPath.REPLAYABLE_BUFFER, m);
        long first = mem.mapAnonymous("x", 16);
        gpu.attach(first, 16);
        long addr = first << Mman.PAGE_SHIFT;
        for (int i = 0; i < 16; i++) {
            mem.cpuAccess(first + i, true);
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
}
