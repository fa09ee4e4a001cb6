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
