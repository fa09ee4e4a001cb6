package org.hmmlab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PlatformTest {

    static Stream<Platform> ready() {
        return Stream.of(Platforms.V100_PCIE3, Platforms.A100_PCIE4, Platforms.H100_PCIE5);
    }
    @Test
    void readyProfilesUseTheirGenerations() {
        assertEquals(3, Platforms.V100_PCIE3.link().gen().number());
        assertEquals(4, Platforms.A100_PCIE4.link().gen().number());
        assertEquals(5, Platforms.H100_PCIE5.link().gen().number());
    }

    @Test
    void aPlatformOnAnotherLinkKeepsEverythingButGenerationAndWidth() {
        Platform a = Platforms.A100_PCIE4;
        Platform gen5 = a.withLink(org.hmmlab.pcie.PcieGen.GEN5, new org.hmmlab.pcie.Lanes(8));
        assertEquals("A100 on PCIe Gen5 x8", gen5.name());
        assertEquals(5, gen5.link().gen().number());
        assertEquals(8, gen5.link().lanes());
        assertEquals(a.link().roundTripLatency(), gen5.link().roundTripLatency());
        assertEquals(a.link().maxPayload(), gen5.link().maxPayload());
        assertEquals(a.gpu(), gen5.gpu());
        assertEquals(a.host(), gen5.host());
        assertEquals(a, gen5.withLink(org.hmmlab.pcie.PcieGen.GEN4, new org.hmmlab.pcie.Lanes(16)), "and back");
        var e = assertThrows(IllegalArgumentException.class, () -> new org.hmmlab.pcie.Lanes(12));
        assertEquals("link.lanes must be one of 1, 2, 4, 8, 16; got 12", e.getMessage());
    }

    @Test
    void aTlbLargerThanTheAddressSpaceIsRefused() {
        GpuProfile g = Platforms.A100_PCIE4.gpu();
        var e = assertThrows(IllegalArgumentException.class, () -> new GpuProfile(g.name(), g.sms(), g.warpsPerSm(),
                g.vram(), g.localBandwidth(), g.localLatency(), 1 << 27, Bytes.MiB(2), g.tlbHitLatency(),
                g.pageWalkLatency(), g.faultReport(), g.faultBufferEntries(), g.faultBatchCount(),
                g.utlbOutstandingFaults(), g.copyEngines(), g.copySetup(), g.copyInflightGranules(),
                g.atcInvalidate(), g.replayLatency(), g.accessCounterBufferEntries(), g.accessCounterBatchCount(),
                g.faultMaxBatchesPerService(), g.faultMaxThrottlePerService()));
        assertTrue(e.getMessage().startsWith("gpu.tlbEntries x gpu.tlbPageSize (TLB reach) must be at most"),
                e.getMessage());
    }

    @Test
    void readyProfilesServiceUvmsDefaultAccessCounterBatch() {
        ready().forEach(p -> assertEquals(256, p.gpu().accessCounterBatchCount(), p.name()));
    }

    @Test
    void anAccessCounterBatchLargerThanItsBufferIsRefusedWithTheFieldAndRange() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Platforms.A100_PCIE4.gpu().withAccessCounterBuffer(128, 256));
        assertEquals("gpu.accessCounterBatchCount must be between 1 and 128; got 256", e.getMessage());
    }

    @Test
    void tlbReachIsEntriesTimesPageSize() {
        assertEquals(Bytes.MiB(256), Platforms.V100_PCIE3.gpu().tlbReach());
    }
}
