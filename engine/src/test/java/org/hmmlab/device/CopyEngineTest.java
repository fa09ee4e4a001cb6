package org.hmmlab.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hmmlab.pcie.PcieGen;
import org.hmmlab.pcie.PcieLink;
import org.hmmlab.pcie.PcieLinkConfig;
import org.hmmlab.sim.Simulator;
import org.hmmlab.units.Bandwidth;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;
import org.junit.jupiter.api.Test;

class CopyEngineTest {

    static final PcieLinkConfig LINK = PcieLinkConfig.of(PcieGen.GEN4, 16, SimDuration.ns(600));

    @Test
    void oneGranuleInFlightPaysTheRoundTripPerGranule() {
        Simulator sim = new Simulator(1);
        PcieLink link = new PcieLink(sim, LINK);
        CopyEngine ce = new CopyEngine(sim, link, 0, SimDuration.ns(300), 1);
        long[] doneAt = {-1};
        ce.submit(true, Bytes.KiB(64), CopyEngine.GRANULE_4K, a -> doneAt[0] = sim.nowNanos(), 0);
        sim.run();
        long rate = LINK.tlpBandwidth().bytesPerSecond();
        long perGranule = 600 + Math.ceilDiv(LINK.readCompletionWireBytes(4096) * 1_000_000_000L, rate);
        assertEquals(300 + 16 * perGranule, doneAt[0]);
    }

    @Test
    void granulesInFlightTogetherShareTheLinkAndPayOneRoundTrip() {
        Simulator sim = new Simulator(1);
        PcieLink link = new PcieLink(sim, LINK);
        CopyEngine ce = new CopyEngine(sim, link, 0, SimDuration.ns(300), 16);
        long[] doneAt = {-1};
        ce.submit(true, Bytes.KiB(64), CopyEngine.GRANULE_4K, a -> doneAt[0] = sim.nowNanos(), 0);
        sim.run();
        long rate = LINK.tlpBandwidth().bytesPerSecond();
        long all = Math.ceilDiv(16 * LINK.readCompletionWireBytes(4096) * 1_000_000_000L, rate);
        assertEquals(300 + all + 600, doneAt[0]);
    }

    @Test
    void twoEnginesCopyingTheSameWayContendForOneDirection() {
        long alone = copy(1, Bytes.MiB(8));
        long both = copy(2, Bytes.MiB(8));
        assertTrue(both > 1.9 * alone && both < 2.05 * alone, "alone " + alone + " ns, two engines " + both + " ns");
    }

    @Test
    void copiesInOppositeDirectionsDoNotSlowEachOther() {
        Simulator sim = new Simulator(1);
        PcieLink link = new PcieLink(sim, LINK);
        CopyEngine h2d = new CopyEngine(sim, link, 0, SimDuration.ns(300), 8);
        CopyEngine d2h = new CopyEngine(sim, link, 1, SimDuration.ns(300), 8);
        long[] done = {-1, -1};
        h2d.submit(true, Bytes.MiB(8), CopyEngine.GRANULE_2M, a -> done[0] = sim.nowNanos(), 0);
        d2h.submit(false, Bytes.MiB(8), CopyEngine.GRANULE_2M, a -> done[1] = sim.nowNanos(), 0);
        sim.run();
        long alone = copy(1, Bytes.MiB(8));
        // the D2H writes do not touch the downstream direction at all
        assertEquals(alone, done[0]);
        // the H2D copy's read requests (24 B per 512 B read) ride upstream with the D2H data: ~5 %, not half
        double requestShare = 24.0 / 512;
        assertTrue(done[1] > alone && done[1] < alone * (1 + 1.3 * requestShare), done[1] + " vs " + alone);
    }

    /**
     * A pageable host-to-device cudaMemcpy: the driver stages the source piece by piece into pinned memory
     * with the CPU (CUDA runtime API, "API synchronization behavior") and the engine reads what is staged.
     */
    @Test
    void aPageableCopyWaitsOnTheCpuWhenMemcpyIsSlowerThanTheLink() {
        Bandwidth memcpy = Bandwidth.GBps(5);
        long[] doneAt = {-1};
        Simulator sim = new Simulator(1);
        CopyEngine ce = new CopyEngine(sim, new PcieLink(sim, LINK), 0, SimDuration.ns(300), 8);
        ce.submitPageable(Bytes.MiB(1), Bytes.KiB(4), memcpy, a -> doneAt[0] = sim.nowNanos(), 0);
        sim.run();
        // each 4 KiB piece (819 ns of memcpy) is read before the next is staged, so the last piece leaves
        // when the CPU has staged all of it and takes one lone read
        long staged = memcpy.timeToTransfer(Bytes.MiB(1)).nanos();
        long lastRead = 600 + Math.ceilDiv(LINK.readCompletionWireBytes(4096) * 1_000_000_000L,
                LINK.tlpBandwidth().bytesPerSecond());
        assertEquals(staged + lastRead, doneAt[0]);
        assertEquals(1, ce.copies());
        assertEquals(1 << 20, ce.bytesCopied());
    }

    @Test
    void aPageableCopyIsSlowerThanAPinnedOneAt64KiBAndConvergesWhenTheCpuOutrunsTheLink() {
        Bandwidth slowCpu = Bandwidth.GBps(11.36);
        assertTrue(gpuSide(slowCpu, Bytes.KiB(64)) > 1.05 * pinned(Bytes.KiB(64)),
                gpuSide(slowCpu, Bytes.KiB(64)) + " vs pinned " + pinned(Bytes.KiB(64)));
        // a CPU far faster than the link stages ahead; the engine reads many pieces at once, as if pinned
        Bandwidth fastCpu = Bandwidth.GBps(200);
        long big = gpuSide(fastCpu, Bytes.MiB(64));
        long pinnedBig = pinned(Bytes.MiB(64));
        assertTrue(Math.abs(big - pinnedBig) < 0.01 * pinnedBig, big + " vs pinned " + pinnedBig);
        // with a slow CPU the same copy runs at the memcpy rate instead
        double gbps = Bytes.MiB(64).bytes() / (double) gpuSide(slowCpu, Bytes.MiB(64));
        assertEquals(11.36, gbps, 0.05);
    }

    @Test
    void aPinnedCopyQueuedBehindAPageableOneStartsAfterIt() {
        Simulator sim = new Simulator(1);
        CopyEngine ce = new CopyEngine(sim, new PcieLink(sim, LINK), 0, SimDuration.ns(300), 8);
        long[] done = {-1, -1};
        ce.submitPageable(Bytes.KiB(64), Bytes.KiB(4), Bandwidth.GBps(5), a -> done[0] = sim.nowNanos(), 0);
        ce.submit(true, Bytes.KiB(64), CopyEngine.GRANULE_2M, a -> done[1] = sim.nowNanos(), 1);
        sim.run();
        assertTrue(done[0] > 0 && done[1] > done[0], done[0] + ", " + done[1]);
        assertEquals(done[0] + pinned(Bytes.KiB(64)), done[1]);
    }

    /** GPU-side duration of a pageable copy: from its first piece being staged to its last landing. */
    private static long gpuSide(Bandwidth memcpy, Bytes size) {
        Simulator sim = new Simulator(1);
        CopyEngine ce = new CopyEngine(sim, new PcieLink(sim, LINK), 0, SimDuration.ns(300), 8);
        long[] doneAt = {-1};
        ce.submitPageable(size, Bytes.KiB(4), memcpy, a -> doneAt[0] = sim.nowNanos(), 0);
        sim.run();
        return doneAt[0] - memcpy.timeToTransfer(Bytes.KiB(4)).nanos();
    }

    private static long pinned(Bytes size) {
        return copy(1, size);
    }

    private static long copy(int engines, Bytes size) {
        Simulator sim = new Simulator(1);
        PcieLink link = new PcieLink(sim, LINK);
        long[] last = {0};
        for (int i = 0; i < engines; i++) {
            CopyEngine ce = new CopyEngine(sim, link, i, SimDuration.ns(300), 8);
            ce.submit(true, size, CopyEngine.GRANULE_2M, a -> last[0] = Math.max(last[0], sim.nowNanos()), 0);
        }
        sim.run();
        return last[0];
    }
}
