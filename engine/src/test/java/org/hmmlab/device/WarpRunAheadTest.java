package org.hmmlab.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.hmmlab.hostmm.MmHostMemory;
import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.RunMetrics;
import org.hmmlab.pcie.PcieLink;
import org.hmmlab.platform.Platform;
import org.hmmlab.platform.Platforms;
import org.hmmlab.policy.Decision;
import org.hmmlab.policy.Evictor;
import org.hmmlab.policy.Location;
import org.hmmlab.policy.MigrationCause;
import org.hmmlab.policy.MigrationPolicy;
import org.hmmlab.sim.EventPhase;
import org.hmmlab.sim.Simulator;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;
import org.hmmlab.workload.AccessTrace;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Warps run ahead of the event clock in quanta, but never past a change to their translations: once a page leaves
 * device memory at time T, no device-local access to it carries a time after T until it is back.
 *
 * <p>The kernel's rule: an {@code mmu_interval_notifier}'s {@code invalidate} callback must, upon return, leave
 * the device using no translation in the range (include/linux/mmu_notifier.h, struct mmu_interval_notifier_ops),
 * and a driver mirroring with {@code hmm_range_fault()} retries when {@code mmu_interval_read_retry()} sees an
 * invalidation (mm/hmm.c). A warp that issued an access after T on the old translation breaks that rule.
 */
class WarpRunAheadTest {

    static final Platform A100 = Platforms.A100_PCIE4;

    /**
     * A CPU thread writes page 0 of a device-resident buffer at T while 32 warps stream over it: the write takes
     * the device-private fault and migrate_to_ram moves the page back (an MMU_NOTIFY_MIGRATE invalidation). Warps
     * that had already run up to 2 us past T counted local hits on the page after T. T sweeps a quantum's length in
     * steps that do not divide the warps' 401 ns access period, so some T falls inside a warp's run-ahead.
     */
    @ParameterizedTest(name = "CPU write at stream start + {0} ns")
    @ValueSource(longs = {10_003, 10_251, 10_499, 10_747, 10_995, 11_243, 11_491, 11_739})
    void aCpuWriteThatTakesThePageBackStopsDeviceHitsOnItAtOnce(long after) {
        Rig rig = new Rig(A100, 1, Bytes.KiB(256));
        rig.faultIn(Bytes.KiB(256));
        assertEquals(0, rig.gpu.residency(rig.first), "page 0 is in device memory before the stream starts");
        long start = rig.sim.nowNanos();
        long t = start + after;
        rig.sim.scheduleAtNanos(t, EventPhase.HOST, a -> rig.cpu.runPhase(
                Phase.cpu("take", "x", Patterns.sequential(), Bytes.PAGE, 1).withWriteFraction(1).stream(2),
                rig.first, 1, b -> { }), 0);
        rig.gpu.runPhase(Phase.gpu("stream", "x", Patterns.sequential(), Bytes.PAGE, 4_000)
                .withAccessSize(Bytes.of(128)).stream(3), rig.first, 32, a -> { });
        rig.sim.run();

        DeviceAccessLog log = rig.log;
        assertEquals(t, log.lost.getFirst(), "the CPU write took page 0 back at T");
        assertTrue(log.accessesBefore(t) > 0, "the warps hit page 0 before T");
        assertTrue(rig.metrics.counters().get(Counter.FAULTS) > 0, "after T the warps fault on page 0");
        log.assertNoLocalAccessWhileAway();
    }

    /**
     * A fault raised inside a quantum is serviced before the quantum would end when the host's fault entry is
     * instant: its service evicts the 2 MiB chunk another warp is hitting (device memory holds one chunk). The
     * quantum must end before that service can start, or the other warp keeps hitting the evicted page.
     */
    @Test
    void aFaultsOwnServiceEvictingAPageEndsTheQuantumBeforeIt() {
        // the A100 profile with an instant fault entry (every other field as it is) and room for one 2 MiB chunk
        org.hmmlab.platform.HostProfile h = A100.host();
        Platform instant = A100.withHost(new org.hmmlab.platform.HostProfile(h.name(), SimDuration.ZERO,
                h.batchOverhead(), h.perFaultOverhead(), h.rangeFaultWalk(), h.rangeFaultPerPage(), h.blockOverhead(),
                h.populatePerPage(), h.dmaMapPerPage(), h.pteUpdatePerPage(), h.ptePushOverhead(), h.tlbShootdown(),
                h.iommuWalk(), h.priDispatch(), h.memoryBandwidth(), h.stagingChunk(), h.memcpyBandwidth()));
        assertEquals(SimDuration.ZERO, instant.host().faultEntry());
        Platform p = instant.withGpu(A100.gpu().withVram(Bytes.MiB(2)));
        Rig rig = new Rig(p, 1, Bytes.MiB(4));
        rig.faultIn(Bytes.PAGE); // migrates block 0 whole: device memory is full
        assertEquals(512, rig.gpu.residentPages());
        // warp 0: a hit on page 0, then a fault on page 512 (block 1); warp 1 then streams hits on page 0
        StringBuilder csv = new StringBuilder("order,agent,address,access,size\n0,gpu0,0,R,128\n1,gpu0,")
                .append(512 * 4096).append(",R,128\n");
        for (int i = 2; i < 200; i++) {
            csv.append(i).append(",gpu0,0,R,128\n");
        }
        AccessTrace trace = AccessTrace.parse(csv.toString());
        rig.gpu.runPhase(Phase.gpu("evict", "x", Patterns.replay(trace, 0, trace.size(), 0), Bytes.MiB(4),
                trace.size()).stream(4), rig.first, 2, a -> { });
        rig.sim.run();

        DeviceAccessLog log = rig.log;
        assertFalse(log.lost.isEmpty(), "the fault on page 512 evicted block 0");
        assertTrue(log.accessesBefore(log.lost.getFirst()) > 0, "warp 1 hit page 0 before the eviction");
        log.assertNoLocalAccessWhileAway();
    }

    /** A GPU and a CPU sharing one address space on one simulator, with the device-local accesses logged. */
    static final class Rig {
        final Simulator sim;
        final RunMetrics metrics = new RunMetrics(SimDuration.us(10), null);
        final DeviceAccessLog log;
        final Gpu gpu;
        final CpuAgent cpu;
        final long first;

        Rig(Platform p, long seed, Bytes size) {
            sim = new Simulator(seed);
            log = new DeviceAccessLog(sim);
            MmHostMemory host = new MmHostMemory();
            MigrationPolicy policy = TestPolicies.migrate(Decision.MIGRATE_BLOCK).withEvictor(log);
            gpu = new Gpu(sim, p, new PcieLink(sim, p.link()), host, policy, FaultPath.REPLAYABLE_BUFFER, metrics);
            cpu = new CpuAgent(sim, p.host(), host, metrics.counters());
            first = host.mapAnonymous("x", size.pagesCeil());
            gpu.attach(first, size.pagesCeil());
            log.watch = first;
        }

        /** One warp touches the first {@code footprint} bytes page by page, migrating them to the device. */
        void faultIn(Bytes footprint) {
            gpu.runPhase(Phase.gpu("in", "x", Patterns.sequential(), footprint, footprint.pagesCeil()).stream(1),
                    first, 1, a -> { });
            sim.run();
            log.accesses.clear();
        }
    }

    /**
     * FIFO eviction of 2 MiB chunks that also logs, for one watched page, every device-local access (the time the
     * warp issued it) and the simulated times the page left and re-entered device memory.
     */
    static final class DeviceAccessLog implements Evictor {
        private final Simulator sim;
        private final TestPolicies.FifoEvictor fifo = new TestPolicies.FifoEvictor();
        final List<Long> accesses = new ArrayList<>();
        final List<Long> lost = new ArrayList<>();
        final List<Long> regained = new ArrayList<>();
        long watch = -1;

        DeviceAccessLog(Simulator sim) {
            this.sim = sim;
        }

        @Override
        public long chunkPages() {
            return fifo.chunkPages();
        }

        @Override
        public long pickVictim(int gpu, long nowNanos) {
            return fifo.pickVictim(gpu, nowNanos);
        }

        @Override
        public void onMigrated(long firstPage, long pages, int from, int to, MigrationCause cause, long nowNanos) {
            fifo.onMigrated(firstPage, pages, from, to, cause, nowNanos);
            if (watch >= firstPage && watch < firstPage + pages) {
                // the device PTE changes when the event runs, whatever later time the service's clock says
                (Location.isGpu(to) ? regained : lost).add(sim.nowNanos());
            }
        }

        @Override
        public void onDeviceAccess(int gpu, long page, long nowNanos) {
            if (page == watch) {
                accesses.add(nowNanos);
            }
        }

        @Override
        public boolean wantsAccesses() {
            return true;
        }

        @Override
        public String name() {
            return "fifo-2MiB-logged";
        }

        long accessesBefore(long t) {
            return accesses.stream().filter(a -> a <= t).count();
        }

        /** No local access falls strictly after a departure and before the next return to device memory. */
        void assertNoLocalAccessWhileAway() {
            for (long away : lost) {
                long back = regained.stream().filter(r -> r >= away).findFirst().orElse(Long.MAX_VALUE);
                List<Long> stale = accesses.stream().filter(a -> a > away && a < back).toList();
                assertTrue(stale.isEmpty(), "page left device memory at " + away + " ns (back at " + back
                        + " ns) but warps hit it locally at " + stale + " ns");
            }
        }
    }
}
