package org.hmmlab.pcie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.hmmlab.metrics.BandwidthSeries;
import org.hmmlab.sim.EventPhase;
import org.hmmlab.sim.Simulator;
import org.hmmlab.units.SimDuration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Timing of the link against closed-form answers in nanoseconds. */
class PcieLinkTest {

    static final PcieLinkConfig GEN3_X16 = PcieLinkConfig.of(PcieGen.GEN3, 16, SimDuration.ns(500));
    /** Gen3 x16 TLP bandwidth: 8 GT/s x 16 lanes x 128/130 / 8, less ACK and FC DLLPs (8 B each per 168 B at MPS 256) and SKP (4 per 1538). */
    static final long GEN3_X16_RATE = (long) Math.floor(8e9 * 16 * 128 / 130 / 8 * (1 - 16.0 / 168 - 4.0 / 1538));

    @Nested
    class PacketArithmetic {

        @Test
        void gen3x16TlpBandwidthFollowsFromEncodingAndDllpTax() {
            assertEquals(GEN3_X16_RATE, GEN3_X16.tlpBandwidth().bytesPerSecond());
        }

        @Test
        void aWriteOf4KiBIsSixteen256BytePayloadsWith24BytesOverheadEach() {
            assertEquals(4096 + 16 * 24, GEN3_X16.writeWireBytes(4096));
        }

        @Test
        void readsAreRequestedInMrrsChunksAndCompletedInMpsChunks() {
            // 4096 B at MRRS 512: 8 requests of 24 B; completions of 256 B with 20 B overhead: 16 of them
            assertEquals(8 * 24, GEN3_X16.readRequestWireBytes(4096));
            assertEquals(4096 + 16 * 20, GEN3_X16.readCompletionWireBytes(4096));
            // a partial last request still needs its own completion
            assertEquals(600 + 3 * 20, GEN3_X16.readCompletionWireBytes(600));
        }

        @Test
        void flitModeHasNoPerTlpFramingButPaysTheFlitTax() {
            PcieLinkConfig g6 = PcieLinkConfig.of(PcieGen.GEN6, 16, SimDuration.ns(500));
            assertEquals(16, g6.tlpOverhead(TlpKind.MEMORY_WRITE));
            double expected = 64e9 * 16 / 8 * 236 / 256 * (1 - 4.0 / 1538);
            assertEquals((long) Math.floor(expected), g6.tlpBandwidth().bytesPerSecond());
        }

        @ParameterizedTest
        @CsvSource({"GEN3, 15.75", "GEN4, 31.51", "GEN5, 63.02", "GEN6, 128.0"})
        void rawX16RatesMatchTheSpecification(PcieGen gen, double gbps) {
            assertEquals(gbps, PcieLinkConfig.of(gen, 16, SimDuration.ZERO).rawBytesPerSecond() / 1e9, 0.01);
        }

        @Test
        void ecrcAddsFourBytesPerTlp() {
            PcieLinkConfig c = new PcieLinkConfig(PcieGen.GEN4, 8, 256, 512, true, SimDuration.ZERO);
            assertEquals(28, c.tlpOverhead(TlpKind.MEMORY_WRITE));
        }
    }

    @Nested
    class Validation {

        @Test
        void zeroLanesIsRefusedNamingTheField() {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> new PcieLinkConfig(PcieGen.GEN4, 0, 256, 512, false, SimDuration.ZERO));
            assertEquals("link.lanes must be one of 1, 2, 4, 8, 16; got 0", e.getMessage());
        }

        @Test
        void aGenerationThatDoesNotExistIsRefused() {
            var e = assertThrows(IllegalArgumentException.class, () -> PcieGen.of(7));
            assertEquals("link.gen must be one of 3, 4, 5, 6; got 7", e.getMessage());
        }

        @Test
        void readTagsOutsideOneTo768AreRefusedNamingTheField() {
            var zero = assertThrows(IllegalArgumentException.class,
                    () -> new PcieLinkConfig(PcieGen.GEN5, 16, 256, 512, false, SimDuration.ZERO, 0));
            assertEquals("link.readTags must be between 1 and 768; got 0", zero.getMessage());
            var many = assertThrows(IllegalArgumentException.class,
                    () -> PcieLinkConfig.of(PcieGen.GEN5, 16, SimDuration.ZERO).withReadTags(769));
            assertEquals("link.readTags must be between 1 and 768; got 769", many.getMessage());
        }

        @Test
        void aPayloadSizeOutsideTheSpecIsRefused() {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> new PcieLinkConfig(PcieGen.GEN4, 16, 300, 512, false, SimDuration.ZERO));
            assertTrue(e.getMessage().startsWith("link.maxPayload must be one of 128"), e.getMessage());
        }
    }

    @Nested
    class Timing {

        @Test
        void aLoneWriteTakesWireBytesOverBandwidthPlusHalfTheRoundTrip() {
            Simulator sim = new Simulator(1);
            PcieLink link = new PcieLink(sim, GEN3_X16);
            long[] doneAt = {-1};
            link.dmaWrite(4096, a -> doneAt[0] = sim.nowNanos(), 0);
            sim.run();
            long wire = Math.ceilDiv(4480L * 1_000_000_000L, GEN3_X16_RATE);
            assertEquals(wire + 250, doneAt[0]);
            assertEquals(link.idleWriteTime(4096).nanos(), doneAt[0]);
        }

        @Test
        void aLoneReadTakesTheRoundTripPlusCompletionWireTime() {
            Simulator sim = new Simulator(1);
            PcieLink link = new PcieLink(sim, GEN3_X16);
            long[] doneAt = {-1};
            link.dmaRead(65536, a -> doneAt[0] = sim.nowNanos(), 0);
            sim.run();
            long wire = Math.ceilDiv((65536L + 256 * 20) * 1_000_000_000L, GEN3_X16_RATE);
            assertEquals(500 + wire, doneAt[0]);
        }

        @Test
        void twoTransfersOnOneDirectionEachGetHalfWhileTheOtherDirectionIsUntouched() {
            Simulator sim = new Simulator(1);
            PcieLink link = new PcieLink(sim, PcieLinkConfig.of(PcieGen.GEN4, 16, SimDuration.ZERO));
            long rate = link.hostToDevice().bandwidth().bytesPerSecond();
            List<Long> h2d = new ArrayList<>();
            long[] d2h = {-1};
            link.hostToDevice().start(1_000_000, 1_000_000, 0, a -> h2d.add(sim.nowNanos()), 0);
            link.hostToDevice().start(1_000_000, 1_000_000, 0, a -> h2d.add(sim.nowNanos()), 0);
            link.deviceToHost().start(1_000_000, 1_000_000, 0, a -> d2h[0] = sim.nowNanos(), 0);
            sim.run();
            long alone = Math.ceilDiv(1_000_000L * 1_000_000_000L, rate);
            long shared = Math.ceilDiv(2_000_000L * 1_000_000_000L, rate);
            assertEquals(List.of(shared, shared), h2d);
            assertEquals(alone, d2h[0]);
        }

        @Test
        void aTransferJoiningLaterSharesOnlyFromItsStart() {
            // A (2 MB) alone for t1, then shares with B (1 MB): closed form of processor sharing
            Simulator sim = new Simulator(1);
            PcieLink link = new PcieLink(sim, PcieLinkConfig.of(PcieGen.GEN4, 16, SimDuration.ZERO));
            LinkDirection d = link.hostToDevice();
            long rate = d.bandwidth().bytesPerSecond();
            long[] doneA = {-1};
            long[] doneB = {-1};
            long t1 = 20_000;
            d.start(2_000_000, 2_000_000, 0, a -> doneA[0] = sim.nowNanos(), 0);
            sim.scheduleAtNanos(t1, EventPhase.DEVICE,
                    a -> d.start(1_000_000, 1_000_000, 0, x -> doneB[0] = sim.nowNanos(), 0), 0);
            sim.run();
            double aLeftAtT1 = 2_000_000 - rate * (t1 / 1e9);
            // B finishes first: both drain at rate/2 until B's 1 MB is through
            double bEnd = t1 + 1_000_000 * 2 / (rate / 1e9);
            assertEquals(bEnd, doneB[0], 2.0);
            double aEnd = bEnd + (aLeftAtT1 - 1_000_000) / (rate / 1e9);
            assertEquals(aEnd, doneA[0], 2.0);
        }

        @Test
        void deliveredPayloadShowsUpInTheBandwidthSeries() {
            Simulator sim = new Simulator(1);
            PcieLink link = new PcieLink(sim, GEN3_X16);
            BandwidthSeries h2d = new BandwidthSeries("h2d", SimDuration.us(10));
            BandwidthSeries d2h = new BandwidthSeries("d2h", SimDuration.us(10));
            link.recordInto(h2d, d2h);
            link.dmaRead(1 << 20, a -> { }, 0);
            sim.run();
            assertEquals(1 << 20, h2d.totalBytes(), 1e-3);
            assertEquals(0, d2h.totalBytes(), 1e-9);
            // a full bucket in the middle runs at the link's payload rate: 256 of every 276 TLP bytes
            double payloadRate = GEN3_X16_RATE / 1e9 * 256 / 276;
            assertEquals(payloadRate, h2d.gbps(3), 0.01);
        }
    }

    /**
     * A requester holds one tag per outstanding read request until its completions are in, so reads are
     * bounded by tags x MRRS per (round trip + one request's completion time), as Intel AN 683504
     * "Throughput for Reads" states; writes are posted and have no such bound.
     */
    @Nested
    class ReadTagWindow {

        /** Gen4 x16, 1 us round trip, only 8 tags: the window, not the link, limits reads. */
        final PcieLinkConfig few = new PcieLinkConfig(PcieGen.GEN4, 16, 256, 512, false, SimDuration.ns(1000), 8);

        @Test
        void theWindowIsTagsTimesOneRequestsCompletionsPerRoundTripPlusTheirWireTime() {
            long rate = few.tlpBandwidth().bytesPerSecond();
            long cplWire = 512 + 2 * 20; // one MRRS request answered by two 256 B completions
            double cycleNanos = 1000 + cplWire * 1e9 / rate;
            assertEquals((long) Math.floor(8 * cplWire * 1e9 / cycleNanos), few.readWindowWireBandwidth().bytesPerSecond());
            // 8 x 512 B per ~1018 ns: about 4.0 GB/s of data, a seventh of the link
            assertEquals(4.02, few.readStreamBandwidth().bytesPerSecond() / 1e9, 0.01);
        }

        @Test
        void theWindowForARequestSizeIsTagsTimesThatSizePerCycle() {
            double cycle512 = 1000 + 552e9 / few.tlpBandwidth().bytesPerSecond();
            assertEquals(8 * 512 / cycle512, few.readWindowBandwidth(512).bytesPerSecond() / 1e9, 1e-6);
            assertEquals(few.readStreamBandwidth().bytesPerSecond(), few.readWindowBandwidth(512).bytesPerSecond(), 2e3);
            double cycle64 = 1000 + 84e9 / few.tlpBandwidth().bytesPerSecond();
            assertEquals(8 * 64 / cycle64, few.readWindowBandwidth(64).bytesPerSecond() / 1e9, 1e-6);
            var e = assertThrows(IllegalArgumentException.class, () -> few.readWindowBandwidth(1024));
            assertEquals("read request size must be between 1 B and MRRS (512 B); got 1024", e.getMessage());
        }

        @Test
        void aLongReadDrainsAtTheWindowRateAfterTheRoundTrip() {
            Simulator sim = new Simulator(1);
            PcieLink link = new PcieLink(sim, few);
            long[] doneAt = {-1};
            link.dmaRead(4 << 20, a -> doneAt[0] = sim.nowNanos(), 0);
            sim.run();
            long cap = few.readWindowWireBandwidth().bytesPerSecond();
            long wire = few.readCompletionWireBytes(4 << 20);
            assertEquals(1000 + Math.ceilDiv(wire * 1_000_000_000L, cap), doneAt[0]);
            assertEquals(link.idleReadTime(4 << 20).nanos(), doneAt[0]);
            double gbps = (4 << 20) / (double) (doneAt[0] - 1000);
            assertTrue(gbps < 0.2 * few.tlpBandwidth().bytesPerSecond() / 1e9, gbps + " GB/s");
        }

        @Test
        void writesArePostedAndIgnoreTheWindow() {
            Simulator sim = new Simulator(1);
            PcieLink link = new PcieLink(sim, few);
            long[] doneAt = {-1};
            link.dmaWrite(4 << 20, a -> doneAt[0] = sim.nowNanos(), 0);
            sim.run();
            assertEquals(500 + Math.ceilDiv(few.writeWireBytes(4 << 20) * 1_000_000_000L,
                    few.tlpBandwidth().bytesPerSecond()), doneAt[0]);
        }

        @Test
        void withExtendedTagsTheLinkNotTheWindowLimitsAGen5Read() {
            PcieLinkConfig gen5 = PcieLinkConfig.of(PcieGen.GEN5, 16, SimDuration.ns(534));
            assertEquals(PcieLinkConfig.EXTENDED_TAGS, gen5.readTags());
            assertTrue(gen5.readWindowWireBandwidth().compareTo(gen5.tlpBandwidth()) > 0);
            Simulator sim = new Simulator(1);
            PcieLink link = new PcieLink(sim, gen5);
            long[] doneAt = {-1};
            link.dmaRead(4 << 20, a -> doneAt[0] = sim.nowNanos(), 0);
            sim.run();
            assertEquals(534 + Math.ceilDiv(gen5.readCompletionWireBytes(4 << 20) * 1_000_000_000L,
                    gen5.tlpBandwidth().bytesPerSecond()), doneAt[0]);
        }

        @Test
        void otherDownstreamTrafficGetsWhatTheWindowLeaves() {
            long alone = readTime();
            Simulator sim = new Simulator(1);
            PcieLink link = new PcieLink(sim, few);
            long[] at = {-1, -1};
            link.dmaRead(4 << 20, a -> at[0] = sim.nowNanos(), 0);
            link.hostToDevice().start(1_000_000, 1_000_000, 0, a -> at[1] = sim.nowNanos(), 0);
            sim.run();
            long rate = few.tlpBandwidth().bytesPerSecond();
            long cap = few.readWindowWireBandwidth().bytesPerSecond();
            // the read keeps its window's rate; the other transfer gets the rest of the direction, not half
            assertEquals(alone, at[0]);
            assertEquals(Math.ceilDiv(1_000_000L * 1_000_000_000L, rate - cap), at[1]);
        }

        @Test
        void smallReadsHoldATagEachSoTheyGetFewerBytesThroughTheWindow() {
            // 64 concurrent 64 B reads (say, warps reading host memory) with 8 tags: at most 8 in flight per
            // cycle of round trip plus one 84 B completion, so the last lands after about 8 cycles
            Simulator sim = new Simulator(1);
            PcieLink link = new PcieLink(sim, few);
            long[] last = {0};
            for (int i = 0; i < 64; i++) {
                link.dmaRead(64, a -> last[0] = Math.max(last[0], sim.nowNanos()), i);
            }
            sim.run();
            double cycle = 1000 + 84e9 / few.tlpBandwidth().bytesPerSecond();
            double drain = 64 * 84 / (8 * 84 / cycle); // all 64 completions at the window's rate
            assertEquals(1000 + drain, last[0], 2.0);
            // an MRRS-sized read gets far more through the same window than 64 B reads do
            assertTrue(few.readWindowWireBandwidth().bytesPerSecond() > 5 * (8 * 84 * 1e9 / cycle));
        }

        private long readTime() {
            Simulator sim = new Simulator(1);
            PcieLink link = new PcieLink(sim, few);
            long[] doneAt = {-1};
            link.dmaRead(4 << 20, a -> doneAt[0] = sim.nowNanos(), 0);
            sim.run();
            return doneAt[0];
        }
    }

    @Nested
    class AtsAndPri {

        @Test
        void anInvalidationRoundTripCostsTwoMessagesAndTheDeviceFlush() {
            Simulator sim = new Simulator(1);
            PcieLinkConfig c = GEN3_X16;
            PcieLink link = new PcieLink(sim, c);
            Ats ats = new Ats(sim, link);
            long[] doneAt = {-1};
            ats.invalidate(SimDuration.ns(1000), a -> doneAt[0] = sim.nowNanos(), 0);
            sim.run();
            long req = Math.ceilDiv((16 + 8 + 8) * 1_000_000_000L, GEN3_X16_RATE);
            long cpl = Math.ceilDiv((16 + 8) * 1_000_000_000L, GEN3_X16_RATE);
            assertEquals(req + 250 + 1000 + cpl + 250, doneAt[0]);
            assertEquals(1, ats.invalidations());
        }

        @Test
        void aPageRequestAndItsResponseCrossTheLinkInOppositeDirections() {
            Simulator sim = new Simulator(1);
            PcieLink link = new PcieLink(sim, GEN3_X16);
            Pri pri = new Pri(link);
            long[] at = {-1, -1};
            pri.pageRequest(a -> {
                at[0] = sim.nowNanos();
                pri.pageResponse(b -> at[1] = sim.nowNanos(), 0);
            }, 0);
            sim.run();
            long msg = Math.ceilDiv(24 * 1_000_000_000L, GEN3_X16_RATE) + 250;
            assertEquals(msg, at[0]);
            assertEquals(2 * msg, at[1]);
            assertEquals(24, link.deviceToHost().wireBytes());
            assertEquals(24, link.hostToDevice().wireBytes());
        }
    }
}
