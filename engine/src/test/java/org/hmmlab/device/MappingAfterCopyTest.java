package org.hmmlab.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.hmmlab.metrics.RunResult;
import org.hmmlab.pcie.PcieLinkConfig;
import org.hmmlab.platform.Platform;
import org.hmmlab.platform.Platforms;
import org.hmmlab.policy.Decision;
import org.hmmlab.policy.MigrationPolicy;
import org.hmmlab.policy.PageMask;
import org.hmmlab.policy.Prefetcher;
import org.hmmlab.run.Experiment;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.AccessTrace;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;
import org.junit.jupiter.api.Test;

/**
 * A page migrated (or prefetched) into device memory is mapped for the device only once its copy has landed.
 *
 * <p>The order is the driver's and the kernel's: nvidia-uvm services a VA block by making the pages resident (the
 * copy, pushed on the block's tracker) and then mapping them, with the PTE writes pushed behind the copy
 * (uvm_va_block_service_locked() in uvm_va_block.c); the kernel's device migration maps the destination only after
 * the copy, when migrate_vma_pages() and migrate_vma_finalize() replace the migration entries
 * (mm/migrate_device.c). A warp that touches such a page before then faults; it never reads device memory the data
 * has not reached.
 */
class MappingAfterCopyTest {

    static final Platform A100 = Platforms.A100_PCIE4;
    static final PcieLinkConfig L = A100.link();
    static final long HALF = 256; // pages in 1 MiB

    /** Prefetches the rest of the 1 MiB half of the block a fault lands in. */
    static final Prefetcher REST_OF_HALF = new Prefetcher() {
        @Override
        public void prefetch(long block, long[] resident, long[] faulted, long[] out) {
            PageMask.clearAll(out);
            for (int p = 0; p < 512; p++) {
                if (PageMask.test(faulted, p)) {
                    int from = p < HALF ? 0 : (int) HALF;
                    for (int q = from; q < from + HALF; q++) {
                        if (!PageMask.test(faulted, q) && !PageMask.test(resident, q)) {
                            PageMask.set(out, q);
                        }
                    }
                }
            }
        }

        @Override
        public String name() {
            return "rest-of-half";
        }
    };

    /** FIFO eviction that also logs every device-local access: the page and the time the warp issued it. */
    static final class LocalAccessLog extends TestPolicies.FifoEvictor {
        final List<long[]> accesses = new ArrayList<>();

        @Override
        public void onDeviceAccess(int gpu, long page, long nowNanos) {
            accesses.add(new long[] {page, nowNanos});
        }

        @Override
        public boolean wantsAccesses() {
            return true;
        }

        @Override
        public String name() {
            return "fifo-logging";
        }
    }

    /**
     * The CPU writes a 2 MiB buffer; a warm-up fault on page 0 brings its first half to the device. Then warp 0
     * faults on page 256, whose service prefetches the rest of the second half (a 1 MiB copy), while warp 1 streams
     * local hits over the first half for some 40 us and then reads page 300, a prefetched page, long before that
     * copy can have landed.
     */
    @Test
    void aWarpTouchingAPrefetchedPageBeforeItsCopyLandsFaultsAndReadsItOnlyAfterwards() {
        Bytes size = Bytes.MiB(2);
        StringBuilder csv = new StringBuilder("order,agent,address,access,size\n0,gpu0,")
                .append(HALF * 4096).append(",R,128\n");
        for (int i = 1; i <= 100; i++) {
            csv.append(i).append(",gpu0,").append(i * 4096L).append(",R,128\n");
        }
        csv.append(101).append(",gpu0,").append(300 * 4096L).append(",R,128\n");
        AccessTrace stream = AccessTrace.parse(csv.toString());
        AccessTrace warm = AccessTrace.parse("order,agent,address,access,size\n0,gpu0,0,R,128\n");
        Workload w = Workload.of(List.of(new Allocation("x", size)), List.of(
                Phase.cpu("init", "x", Patterns.sequential(), size, size.pagesCeil()).withWriteFraction(1),
                Phase.gpu("warm", "x", Patterns.replay(warm, 0, 1, 0), size, 1),
                Phase.gpu("stream", "x", Patterns.replay(stream, 0, stream.size(), 0), size, stream.size())
                        .withConcurrency(2)));
        LocalAccessLog log = new LocalAccessLog();
        MigrationPolicy policy = TestPolicies.migrate(Decision.MIGRATE_PAGE).withPrefetcher(REST_OF_HALF)
                .withEvictor(log);
        StringBuilder trace = new StringBuilder();
        RunResult r = Experiment.of(A100, w, () -> policy).withTrace(trace).run();
        TraceLog t = new TraceLog(trace);
        long streamStart = r.phases().get(2).start_ns();
        long first = t.of("fault").getFirst().page(); // the warm-up fault: page 0 of the allocation
        long p256 = first + HALF;
        long p300 = first + 300;

        // warp 1 reaches page 300 while the second half is still being copied: it faults
        TraceLog.Event fault = t.of("fault").stream().filter(e -> e.page() == p300).findFirst().orElse(null);
        assertNotNull(fault, "the access to the prefetched page 300 before its copy landed must fault");

        // the second half's migration: page 256 migrated on its fault, the rest of the half prefetched
        TraceLog.Event copy = t.of("migrate").stream()
                .filter(e -> "device".equals(e.to()) && e.covers(p300) && e.time() >= streamStart).findFirst()
                .orElseThrow();
        TraceLog.Event mapped = t.mappedAtOrAfter(p300, streamStart);
        assertNotNull(mapped, "the prefetched pages are mapped once their copy is done");
        long wire = Math.ceilDiv(copy.pages() * 4096 * 1_000_000_000L, L.tlpBandwidth().bytesPerSecond());
        assertTrue(mapped.time() >= copy.time() + A100.gpu().copySetup().nanos() + wire,
                "mapped at " + mapped.time() + ", before the copy queued at " + copy.time() + " could land");

        // warp 1 read page 300 before that: it faulted rather than reading data still on its way
        assertTrue(fault.time() < mapped.time());
        TraceLog.Event replay = t.of("replay").stream().filter(e -> e.page() == p300).findFirst().orElseThrow();
        assertTrue(replay.time() >= mapped.time(), "its replay follows the mapping");

        // no device-local access to any page of the second half before the mapping
        List<long[]> secondHalf = log.accesses.stream().filter(a -> a[0] >= p256 && a[0] < first + 2 * HALF)
                .toList();
        // the second half is touched only by the two faulting accesses; their replays complete the pages'
        // insertion (the evictor does not hear of them as hits), each after its page was mapped
        List<TraceLog.Event> replays = t.of("replay").stream()
                .filter(e -> e.page() >= p256 && e.page() < first + 2 * HALF && e.time() >= streamStart).toList();
        assertEquals(2, replays.size(), "pages 256 and 300 replayed");
        for (TraceLog.Event e : replays) {
            TraceLog.Event m = t.mappedAtOrAfter(e.page(), streamStart);
            assertNotNull(m, "page " + (e.page() - first) + " mapped");
            assertTrue(e.time() >= m.time(), "page " + (e.page() - first) + " replayed at " + e.time()
                    + " ns, before its mapping at " + m.time() + " ns");
        }
        for (long[] a : secondHalf) {
            assertTrue(a[1] >= mapped.time(), "local access to page " + (a[0] - first) + " at " + a[1]
                    + " ns, before its copy landed at " + mapped.time() + " ns");
        }
        // and warp 1 did run on the first half meanwhile
        assertTrue(log.accesses.stream().anyMatch(a -> a[0] < p256 && a[1] > streamStart && a[1] < mapped.time()));
        assertEquals(2, t.of("fault").stream().filter(e -> e.time() >= streamStart).count(),
                "page 256 by warp 0, page 300 by warp 1");
    }

    /**
     * The CPU reads page 0 of a 2 MiB block 20 us after the device's fault began migrating the whole block: the
     * CPU's page table holds migration entries until the copy has landed, so the CPU waits on it
     * (migration_entry_wait(), mm/migrate.c) and only then takes the device-private fault that brings the page back
     * (migrate_to_ram). It must not take the page back, or read host memory, while the copy is in flight.
     */
    @Test
    void aCpuAccessToAPageStillBeingCopiedWaitsForItsMigrationEntry() {
        WarpRunAheadTest.Rig rig = new WarpRunAheadTest.Rig(A100, 1, Bytes.MiB(2));
        rig.cpu.runPhase(Phase.cpu("init", "x", Patterns.sequential(), Bytes.MiB(2), 512).withWriteFraction(1)
                .stream(1), rig.first, 1, a -> { });
        rig.sim.run();
        long start = rig.sim.nowNanos();
        rig.gpu.runPhase(Phase.gpu("touch", "x", Patterns.sequential(), Bytes.PAGE, 1).stream(2), rig.first, 1,
                a -> { });
        long t = start + 20_000;
        rig.sim.scheduleAtNanos(t, org.hmmlab.sim.EventPhase.HOST, a -> rig.cpu.runPhase(
                Phase.cpu("read", "x", Patterns.sequential(), Bytes.PAGE, 1).stream(3), rig.first, 1, b -> { }), 0);
        rig.sim.run();

        WarpRunAheadTest.DeviceAccessLog log = rig.log;
        long migrated = log.regained.getFirst(); // the device's service migrated the block (its copy queued)
        assertTrue(migrated < t, "the block was migrating when the CPU read page 0");
        assertEquals(1, log.lost.size(), "the CPU took page 0 back once");
        long wire = Math.ceilDiv(Bytes.MiB(2).bytes() * 1_000_000_000L, L.tlpBandwidth().bytesPerSecond());
        assertTrue(log.lost.getFirst() >= migrated + wire, "the CPU took page 0 back at " + log.lost.getFirst()
                + " ns, before the 2 MiB copy queued at " + migrated + " ns could land");
    }

    /**
     * The device evicts a 2 MiB block back to host memory to make room, and the CPU reads page 0 of that block 5 us
     * later: the evicted pages are under migration entries until the copy back has landed (the core moved them at
     * once; the DMA takes about 80 us on PCIe Gen4), so the CPU's read waits for the copy
     * (migration_entry_wait(), mm/migrate.c) instead of reading host memory that the copy has not filled yet.
     */
    @Test
    void aCpuReadOfAnEvictedPageWaitsForTheCopyBack() {
        Platform small = A100.withGpu(A100.gpu().withVram(Bytes.MiB(2)));
        WarpRunAheadTest.Rig rig = new WarpRunAheadTest.Rig(small, 1, Bytes.MiB(4));
        rig.cpu.runPhase(Phase.cpu("init", "x", Patterns.sequential(), Bytes.MiB(4), 1024).withWriteFraction(1)
                .stream(1), rig.first, 1, a -> { });
        rig.sim.run();
        rig.faultIn(Bytes.PAGE); // the first block migrates and fills device memory
        WarpRunAheadTest.DeviceAccessLog log = rig.log;
        assertEquals(1, log.regained.size());
        // a fault in the second block evicts the first
        rig.gpu.runPhase(Phase.gpu("evict", "x", Patterns.sequential(), Bytes.PAGE, 1).stream(2), rig.first + 512, 1,
                a -> { });
        long[] readDone = {-1};
        // run until the eviction has started, then the CPU reads page 0 5 us later
        while (log.lost.isEmpty() && rig.sim.step()) {
            continue;
        }
        assertEquals(1, log.lost.size(), "the first block was evicted");
        long evicted = log.lost.getFirst();
        rig.sim.scheduleAtNanos(evicted + 5_000, org.hmmlab.sim.EventPhase.HOST, a -> rig.cpu.runPhase(
                Phase.cpu("read", "x", Patterns.sequential(), Bytes.PAGE, 1).stream(3), rig.first, 1,
                b -> readDone[0] = rig.sim.nowNanos()), 0);
        rig.sim.run();
        long wire = Math.ceilDiv(Bytes.MiB(2).bytes() * 1_000_000_000L, L.tlpBandwidth().bytesPerSecond());
        assertTrue(readDone[0] >= evicted + wire, "the CPU's read finished at " + readDone[0]
                + " ns, before the 2 MiB copy back queued at " + evicted + " ns could land");
        assertEquals(1, log.regained.size(), "the CPU's read took nothing back to the device");
    }
}
