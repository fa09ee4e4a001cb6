package org.hmmlab.driver.amd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.hmmlab.device.GpuMemoryAccessFault;
import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.RunResult;
import org.hmmlab.platform.AmdSvm;
import org.hmmlab.platform.DriverPersonality;
import org.hmmlab.platform.Platform;
import org.hmmlab.platform.Platforms;
import org.hmmlab.platform.SvmAttributes;
import org.hmmlab.platform.SvmAttributes.Access;
import org.hmmlab.platform.SvmAttributes.Location;
import org.hmmlab.policy.Policies;
import org.hmmlab.run.Experiment;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * AMD's SVM driver on the timing model (MI210 on PCIe Gen4, the functional core's mm underneath), each rule named
 * after the driver function it reproduces.
 */
class KfdSvmTest {

    static final Bytes SIZE = Bytes.MiB(8);
    static final long PAGES = SIZE.pagesCeil();

    static Platform mi210(AmdSvm driver) {
        return Platforms.MI210_PCIE4.withDriver(driver);
    }

    /** The CPU writes x, then {@code warps} warps read it once, then the phases that follow. */
    static Workload initThenGpu(int warps, Phase... more) {
        List<Phase> phases = new ArrayList<>(List.of(
                Phase.cpu("init", "x", Patterns.sequential(), SIZE, PAGES).withWriteFraction(1),
                Phase.gpu("read", "x", Patterns.sequential(), SIZE, PAGES).withConcurrency(warps)));
        phases.addAll(List.of(more));
        return Workload.of(List.of(new Allocation("x", SIZE)), phases);
    }

    static RunResult run(AmdSvm driver, Workload w) {
        return Experiment.of(mi210(driver), w, Policies::uvmDefaults).withSeed(42).run();
    }

    static long phaseNanos(RunResult r, String name) {
        return r.phases().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow().duration_ns();
    }

    @Nested
    class XnackOn {

        @Test
        void svm_range_restore_pages_restoresOneGranuleAFaultWithoutBatchOrReplay() {
            RunResult r = run(AmdSvm.defaults(), initThenGpu(8));
            // svm_range_create_unregistered_range(): one 2 MiB range per block; svm_default_granularity 9: the whole
            // range migrates on its first fault (svm_migrate_to_vram()), later faults on it are duplicates
            assertEquals(PAGES / 512, r.count(Counter.FAULTS_SERVICED));
            assertEquals(PAGES, r.count(Counter.PAGES_TO_DEVICE));
            assertEquals(0, r.count(Counter.FAULT_BATCHES), "no UVM-style batches");
            assertEquals(0, r.count(Counter.REPLAYS), "the waves retry on their own: no replay is pushed");
            assertTrue(r.count(Counter.FAULTS) > r.count(Counter.FAULTS_SERVICED));
            assertEquals(r.count(Counter.FAULTS), r.count(Counter.FAULTS_SERVICED) + r.count(Counter.DUPLICATE_FAULTS),
                    "every retry fault read off the IH ring is restored, filtered or skipped");
        }

        @Test
        void svm_default_granularity_setsHowMuchOneFaultMigrates() {
            RunResult r = run(AmdSvm.defaults().granularity(4), initThenGpu(1));
            // 64 KiB granules: 16 pages a restore
            assertEquals(PAGES / 16, r.count(Counter.FAULTS_SERVICED));
            assertEquals(PAGES, r.count(Counter.PAGES_TO_DEVICE));
        }

        @Test
        void AMDGPU_SVM_RANGE_RETRY_FAULT_PENDING_skipsFaultsOnARangeRestoredWithinTwoMilliseconds() {
            // x registered as one range (svm_range_add()); one warp streams it: a fault on the next granule comes
            // within 2 ms of the last restore of the same range and is skipped as "already restored" until 2 ms pass
            AmdSvm registered = AmdSvm.defaults().range("x", SvmAttributes.DEFAULT);
            RunResult pending = run(registered, initThenGpu(1));
            RunResult none = run(registered.retryFaultPending(SimDuration.ZERO), initThenGpu(1));
            assertEquals(4, pending.count(Counter.FAULTS_SERVICED));
            assertEquals(4, none.count(Counter.FAULTS_SERVICED));
            assertTrue(phaseNanos(pending, "read") >= 3 * 2_000_000, "three waits of 2 ms: " + pending.phases());
            assertTrue(phaseNanos(none, "read") < 2_000_000, "without the window: " + none.phases());
            assertTrue(pending.count(Counter.DUPLICATE_FAULTS) > none.count(Counter.DUPLICATE_FAULTS));
        }

        @Test
        void svm_migrate_to_ram_bringsBackTheGranuleAroundTheCpuFault() {
            Phase touch = Phase.cpu("touch", "x", Patterns.sequential(), Bytes.KiB(4), 1);
            assertEquals(512, run(AmdSvm.defaults(), initThenGpu(8, touch)).count(Counter.PAGES_TO_HOST));
            AmdSvm fine = AmdSvm.defaults().range("x", SvmAttributes.DEFAULT.granularity(0));
            assertEquals(1, run(fine, initThenGpu(8, touch)).count(Counter.PAGES_TO_HOST), "granularity 0: one page");
        }

        @Test
        void svm_range_cpu_invalidate_pagetables_unmapsFromTheGpuAndTheNextAccessFaultsItBack() {
            Phase touch = Phase.cpu("touch", "x", Patterns.sequential(), Bytes.KiB(4), 1);
            Phase again = Phase.gpu("again", "x", Patterns.sequential(), SIZE, PAGES).withConcurrency(8);
            RunResult r = run(AmdSvm.defaults(), initThenGpu(8, touch, again));
            assertEquals(PAGES / 512 + 1, r.count(Counter.FAULTS_SERVICED), "one more restore, of the touched granule");
            assertEquals(PAGES + 512, r.count(Counter.PAGES_TO_DEVICE));
        }

        @Test
        void svm_range_best_restore_location_followsThePreferredLocation() {
            AmdSvm sysmem = AmdSvm.defaults().range("x", SvmAttributes.DEFAULT.preferredLoc(Location.SYSMEM));
            RunResult r = run(sysmem, initThenGpu(8));
            assertEquals(0, r.count(Counter.PAGES_TO_DEVICE), "restored in place: mapped over the link");
            assertEquals(PAGES, r.count(Counter.REMOTE_ACCESSES));
            AmdSvm inPlace = AmdSvm.defaults().range("x", SvmAttributes.DEFAULT.access(Access.ACCESS_IN_PLACE));
            assertEquals(0, run(inPlace, initThenGpu(8)).count(Counter.PAGES_TO_DEVICE),
                    "ACCESS_IN_PLACE with the range in system memory: best location is system memory");
        }

        @Test
        void svm_range_restore_pages_refusesARangeWithoutAccess() {
            AmdSvm denied = AmdSvm.defaults().range("x", SvmAttributes.DEFAULT.access(Access.NO_ACCESS));
            GpuMemoryAccessFault f = assertThrows(GpuMemoryAccessFault.class, () -> run(denied, initThenGpu(1)));
            assertTrue(f.getMessage().contains("allocation 'x'") && f.getMessage().contains("-EACCES"), f.getMessage());
        }
    }

    @Nested
    class XnackOff {

        @Test
        void xnackOff_mapsEverythingBeforeTheKernelAndNeverFaults() {
            RunResult r = run(AmdSvm.defaults().xnack(false), initThenGpu(8));
            assertEquals(0, r.count(Counter.FAULTS));
            assertEquals(0, r.count(Counter.PAGES_TO_DEVICE), "no prefetch location: it stays in system memory");
            assertEquals(PAGES, r.count(Counter.REMOTE_ACCESSES));
        }

        @Test
        void svm_range_trigger_migration_prefetchesToVramBeforeTheKernel() {
            AmdSvm prefetch = AmdSvm.defaults().xnack(false)
                    .range("x", SvmAttributes.DEFAULT.prefetchLoc(Location.GPU));
            RunResult r = run(prefetch, initThenGpu(8));
            assertEquals(0, r.count(Counter.FAULTS));
            assertEquals(PAGES, r.count(Counter.PAGES_TO_DEVICE));
            assertEquals(0, r.count(Counter.REMOTE_ACCESSES));
        }

        @Test
        void svm_migrate_to_vram_fallsBackToSystemMemoryWhenVramIsFull() {
            // 4 MiB of VRAM, 8 MiB prefetched: what fits moves, the rest stays in system memory and is mapped there
            // (svm_range_restore_pages(): "Fallback to system memory if migration to VRAM failed")
            AmdSvm prefetch = AmdSvm.defaults().xnack(false)
                    .range("x", SvmAttributes.DEFAULT.prefetchLoc(Location.GPU));
            Platform small = mi210(prefetch).withGpu(Platforms.MI210_PCIE4.gpu().withVram(Bytes.MiB(4)));
            RunResult r = Experiment.of(small, initThenGpu(8), Policies::uvmDefaults).withSeed(42).run();
            assertEquals(PAGES / 2, r.count(Counter.PAGES_TO_DEVICE));
            assertEquals(PAGES / 2, r.count(Counter.REMOTE_ACCESSES));
            assertEquals(0, r.count(Counter.FAULTS));
            assertTrue(r.count(Counter.MIGRATION_FAILURES) > 0);
        }

        @Test
        void svm_range_restore_work_mapsAgainAfterRestoreDelayWhileTheQueuesWait() {
            // the CPU touches the prefetched range: migrate_to_ram's MMU_NOTIFY_MIGRATE evicts the range, the queues
            // stop (kgd2kfd_quiesce_mm()) and the next kernel waits for the restore work, restoreDelay later
            Phase touch = Phase.cpu("touch", "x", Patterns.sequential(), Bytes.KiB(4), 1);
            Phase again = Phase.gpu("again", "x", Patterns.sequential(), SIZE, PAGES).withConcurrency(8);
            AmdSvm prefetch = AmdSvm.defaults().xnack(false)
                    .range("x", SvmAttributes.DEFAULT.prefetchLoc(Location.GPU));
            RunResult oneMs = run(prefetch, initThenGpu(8, touch, again));
            RunResult tenMs = run(prefetch.restoreDelay(SimDuration.ms(10)), initThenGpu(8, touch, again));
            assertEquals(0, oneMs.count(Counter.FAULTS));
            long startOne = oneMs.phases().get(3).start_ns() - oneMs.phases().get(2).end_ns();
            long startTen = tenMs.phases().get(3).start_ns() - tenMs.phases().get(2).end_ns();
            assertEquals(0, startOne, "the launch itself is not delayed: the kernel waits inside its phase");
            long delay = phaseNanos(tenMs, "again") - phaseNanos(oneMs, "again");
            assertTrue(delay >= 8_000_000 && delay <= 10_000_000, "9 ms more of restore delay: " + delay + " ns");
            assertEquals(startOne, startTen);
        }

        @Test
        void xnackOff_aFaultIsFatal() {
            AmdSvm denied = AmdSvm.defaults().xnack(false).range("x", SvmAttributes.DEFAULT.access(Access.NO_ACCESS));
            GpuMemoryAccessFault f = assertThrows(GpuMemoryAccessFault.class, () -> run(denied, initThenGpu(1)));
            assertTrue(f.getMessage().startsWith("GPU memory access fault with XNACK off") && f.getMessage()
                    .contains("allocation 'x'") && f.getMessage().contains("kfd_signal_vm_fault_event"), f.getMessage());
        }
    }

    @Nested
    class Options {

        @Test
        void xnackOnAPlatformDrivenByUvmIsRefusedNamingItsDriver() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Platforms.A100_PCIE4.withXnack(true));
            assertEquals("xnack is an option of the amdSvm driver; platform 'A100 on PCIe Gen4 x16' is driven by uvm"
                    + " (personalities: uvm, amdSvm; choose one with .withDriver(amdSvm().xnack(true)))", e.getMessage());
        }

        @Test
        void theAtsPathIsNotOneOfTheSvmDriversPaths() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Experiment.of(
                    Platforms.MI210_PCIE4, initThenGpu(1), Policies::uvmDefaults)
                    .withFaultPath(org.hmmlab.device.FaultPath.ATS_PRI).run());
            assertTrue(e.getMessage().startsWith("faultPath ATS_PRI is not a path of the amdSvm driver"), e.getMessage());
        }

        @Test
        void granularityOutsideTheDriversRangeIsRefused() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AmdSvm.defaults().granularity(64));
            assertEquals("amdSvm.granularity (log2 of pages, svm_default_granularity) must be between 0 and 63; got 64",
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> SvmAttributes.DEFAULT.granularity(-2));
            assertEquals("svm.granularity (log2 of pages) must be between 0 and 63; got -2", e.getMessage());
        }

        @Test
        void theSameWorkloadRunsUnderBothPersonalitiesOnOneGpu() {
            Workload w = initThenGpu(8);
            RunResult uvm = Experiment.of(Platforms.MI210_PCIE4.withDriver(DriverPersonality.UVM), w,
                    Policies::uvmDefaults).withSeed(42).run();
            RunResult svm = Experiment.of(Platforms.MI210_PCIE4, w, Policies::uvmDefaults).withSeed(42).run();
            assertEquals(uvm.counters().listed(), svm.counters().listed(), "the same counters, comparable");
            assertEquals(uvm.count(Counter.PAGES_TO_DEVICE), svm.count(Counter.PAGES_TO_DEVICE));
            assertTrue(uvm.count(Counter.FAULT_BATCHES) > 0 && svm.count(Counter.FAULT_BATCHES) == 0);
            assertEquals(svm.fingerprint(), Experiment.of(Platforms.MI210_PCIE4, w, Policies::uvmDefaults)
                    .withSeed(42).run().fingerprint(), "same seed, same bits");
        }
    }
}
