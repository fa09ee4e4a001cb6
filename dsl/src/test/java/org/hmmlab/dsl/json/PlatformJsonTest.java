package org.hmmlab.dsl.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.hmmlab.golden.GoldenFiles;
import org.hmmlab.platform.Platform;
import org.hmmlab.platform.Platforms;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Platform profiles through Jackson: the round trip, the written form, and field-named errors. */
class PlatformJsonTest {

    static Stream<Platform> ready() {
        return Stream.of(Platforms.V100_PCIE3, Platforms.A100_PCIE4, Platforms.H100_PCIE5);
    }

    @ParameterizedTest
    @MethodSource("ready")
    void aReadyProfileIsWrittenAsItsGoldenFile(Platform p) {
        GoldenFiles.check("platforms/" + p.gpu().name() + ".json", PlatformJson.write(p));
    }

    @Test
    void aWrongTypeIsNamed() {
        String json = PlatformJson.write(Platforms.A100_PCIE4).replace("\"sms\": 108", "\"sms\": \"many\"");
        var e = assertThrows(IllegalArgumentException.class, () -> PlatformJson.read(json));
        assertEquals("gpu.sms must be a whole number; got \"many\"", e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("ready")
    void aReadyProfileSurvivesAJsonRoundTrip(Platform p) {
        assertEquals(p, PlatformJson.read(PlatformJson.write(p)));
    }

    @Test
    void anUnknownFieldIsNamed() {
        String json = PlatformJson.write(Platforms.A100_PCIE4).replace("\"tlbEntries\"", "\"tlbEntriez\"");
        var e = assertThrows(IllegalArgumentException.class, () -> PlatformJson.read(json));
        assertTrue(e.getMessage().contains("gpu.tlbEntries is missing") || e.getMessage().contains("gpu.tlbEntriez"),
                e.getMessage());
    }

    @Test
    void anExtraFieldIsNamedAsUnknown() {
        String json = PlatformJson.write(Platforms.A100_PCIE4).replace("\"ecrc\": false,", "\"ecrc\": false, \"speed\": 3,");
        var e = assertThrows(IllegalArgumentException.class, () -> PlatformJson.read(json));
        assertTrue(e.getMessage().startsWith("unknown field 'link.speed'"), e.getMessage());
    }

    @Test
    void zeroLanesInJsonIsRefusedWithTheFieldAndRange() {
        String json = PlatformJson.write(Platforms.A100_PCIE4).replace("\"lanes\": 16", "\"lanes\": 0");
        var e = assertThrows(IllegalArgumentException.class, () -> PlatformJson.read(json));
        assertEquals("link.lanes must be one of 1, 2, 4, 8, 16; got 0", e.getMessage());
    }

    @Test
    void aGenerationThatDoesNotExistIsRefused() {
        String json = PlatformJson.write(Platforms.A100_PCIE4).replace("\"gen\": 4", "\"gen\": 9");
        var e = assertThrows(IllegalArgumentException.class, () -> PlatformJson.read(json));
        assertEquals("link.gen must be one of 3, 4, 5, 6; got 9", e.getMessage());
    }

    @Test
    void aNegativeLatencyIsRefusedWithTheFieldName() {
        String json = PlatformJson.write(Platforms.A100_PCIE4).replaceFirst("\"faultEntry\": \"[0-9]+ns\"",
                "\"faultEntry\": \"-5us\"");
        var e = assertThrows(IllegalArgumentException.class, () -> PlatformJson.read(json));
        assertEquals("host.faultEntry must be >= 0 ns; got -5us", e.getMessage());
    }

    @Test
    void theFaultHandlersBatchesPerRunSurviveAJsonRoundTripAndAreChecked() {
        // uvm_perf_fault_max_batches_per_service = 20, uvm_perf_fault_max_throttle_per_service = 5 [P]
        assertEquals(20, Platforms.A100_PCIE4.gpu().faultMaxBatchesPerService());
        assertEquals(5, Platforms.A100_PCIE4.gpu().faultMaxThrottlePerService());
        Platform p = Platforms.A100_PCIE4.withGpu(Platforms.A100_PCIE4.gpu().withFaultBatchesPerService(7, 3));
        Platform back = PlatformJson.read(PlatformJson.write(p));
        assertEquals(p, back);
        assertEquals(7, back.gpu().faultMaxBatchesPerService());
        assertEquals(3, back.gpu().faultMaxThrottlePerService());
        String zero = PlatformJson.write(p).replace("\"faultMaxBatchesPerService\": 7", "\"faultMaxBatchesPerService\": 0");
        var e = assertThrows(IllegalArgumentException.class, () -> PlatformJson.read(zero));
        assertTrue(e.getMessage().startsWith("gpu.faultMaxBatchesPerService"), e.getMessage());
        assertTrue(e.getMessage().contains("0"), e.getMessage());
        var t = assertThrows(IllegalArgumentException.class,
                () -> Platforms.A100_PCIE4.gpu().withFaultBatchesPerService(20, 0));
        assertTrue(t.getMessage().startsWith("gpu.faultMaxThrottlePerService"), t.getMessage());
    }

    @Test
    void readTagsAndStagingSurviveAJsonRoundTrip() {
        Platform p = Platforms.H100_PCIE5.withLink(Platforms.H100_PCIE5.link().withReadTags(768))
                .withHost(Platforms.X86_SERVER.withStaging(Bytes.KiB(64), Platforms.CLIENT_MEMCPY));
        Platform back = PlatformJson.read(PlatformJson.write(p));
        assertEquals(p, back);
        assertEquals(768, back.link().readTags());
        assertEquals(Bytes.KiB(64), back.host().stagingChunk());
        assertEquals(Platforms.CLIENT_MEMCPY, back.host().memcpyBandwidth());
    }

    @Test
    void readTagsOutOfRangeInJsonAreRefusedWithTheFieldAndRange() {
        String json = PlatformJson.write(Platforms.A100_PCIE4).replace("\"readTags\": 256", "\"readTags\": 0");
        var e = assertThrows(IllegalArgumentException.class, () -> PlatformJson.read(json));
        assertEquals("link.readTags must be between 1 and 768; got 0", e.getMessage());
    }

    @Test
    void aStagingChunkOutOfRangeIsRefusedWithTheFieldAndRange() {
        String json = PlatformJson.write(Platforms.A100_PCIE4).replace("\"stagingChunk\": \"4KiB\"", "\"stagingChunk\": \"16B\"");
        var e = assertThrows(IllegalArgumentException.class, () -> PlatformJson.read(json));
        assertTrue(e.getMessage().startsWith("host.stagingChunk must be between "), e.getMessage());
        assertTrue(e.getMessage().contains("; got 16"), e.getMessage());
    }

    @Test
    void aMemcpyBandwidthOutOfRangeIsRefusedWithTheFieldAndRange() {
        String json = PlatformJson.write(Platforms.A100_PCIE4).replaceFirst("\"memcpyBandwidth\": \"[0-9]+B/s\"",
                "\"memcpyBandwidth\": \"20TB/s\"");
        var e = assertThrows(IllegalArgumentException.class, () -> PlatformJson.read(json));
        assertEquals("host.memcpyBandwidth must be between 1MB/s and 10TB/s; got 20000000000000B/s", e.getMessage());
    }

    @Test
    void aMissingStagingFieldIsNamed() {
        String json = PlatformJson.write(Platforms.A100_PCIE4).replaceFirst(",\\s*\"memcpyBandwidth\": \"[0-9]+B/s\"", "");
        var e = assertThrows(IllegalArgumentException.class, () -> PlatformJson.read(json));
        assertEquals("host.memcpyBandwidth is missing", e.getMessage());
    }

    @Test
    void malformedJsonSaysWhere() {
        var e = assertThrows(IllegalArgumentException.class, () -> PlatformJson.read("{\"name\": }"));
        assertTrue(e.getMessage().startsWith("platform JSON is not valid JSON at line 1, column 10: "), e.getMessage());
    }

    @Test
    void theAccessCounterBufferSurvivesAJsonRoundTrip() {
        Platform p = Platforms.A100_PCIE4.withGpu(Platforms.A100_PCIE4.gpu().withAccessCounterBuffer(64, 16));
        Platform back = PlatformJson.read(PlatformJson.write(p));
        assertEquals(p, back);
        assertEquals(64, back.gpu().accessCounterBufferEntries());
        assertEquals(16, back.gpu().accessCounterBatchCount());
    }

    @Test
    void anEmptyAccessCounterBufferInJsonIsRefusedWithTheFieldAndRange() {
        String json = PlatformJson.write(Platforms.A100_PCIE4).replace("\"accessCounterBufferEntries\": 8192",
                "\"accessCounterBufferEntries\": 0");
        var e = assertThrows(IllegalArgumentException.class, () -> PlatformJson.read(json));
        assertEquals("gpu.accessCounterBufferEntries must be between 1 and 1048576; got 0", e.getMessage());
    }

    @Test
    void aMissingAccessCounterFieldIsNamed() {
        String json = PlatformJson.write(Platforms.A100_PCIE4).replaceFirst(",\\s*\"accessCounterBatchCount\": [0-9]+", "");
        var e = assertThrows(IllegalArgumentException.class, () -> PlatformJson.read(json));
        assertEquals("gpu.accessCounterBatchCount is missing", e.getMessage());
    }

    @Test
    void aPlatformWithoutAnIommuIsWrittenWithoutTheField() {
        String json = PlatformJson.write(Platforms.A100_PCIE4);
        assertTrue(!json.contains("\"iommu\":"), json);
        assertEquals(org.hmmlab.pcie.IommuConfig.OFF, PlatformJson.read(json).iommu());
    }

    @Test
    void anIommuSurvivesAJsonRoundTrip() {
        Platform p = Platforms.A100_PCIE4.withIommu(org.hmmlab.pcie.IommuConfig.translated().strict()
                .ioPageSize(org.hmmlab.units.Bytes.MiB(2)).iotlbEntries(128));
        String json = PlatformJson.write(p);
        assertTrue(json.contains("\"translation\": \"translated\"") && json.contains("\"strictInvalidation\": true")
                && json.contains("\"ioPageSize\": \"2MiB\""), json);
        assertEquals(p, PlatformJson.read(json));
    }

    @Test
    void badIommuFieldsAreNamedWithTheAllowedValues() {
        String json = PlatformJson.write(Platforms.A100_PCIE4.withIommu(org.hmmlab.pcie.IommuConfig.translated()));
        var mode = assertThrows(IllegalArgumentException.class,
                () -> PlatformJson.read(json.replace("\"translated\"", "\"sometimes\"")));
        assertEquals("iommu.translation must be one of off, passthrough, translated; got \"sometimes\"", mode.getMessage());
        var page = assertThrows(IllegalArgumentException.class,
                () -> PlatformJson.read(json.replace("\"ioPageSize\": \"4KiB\"", "\"ioPageSize\": \"64KiB\"")));
        assertTrue(page.getMessage().startsWith("iommu.ioPageSize must be one of 4KiB, 2MiB; got"), page.getMessage());
        var entries = assertThrows(IllegalArgumentException.class,
                () -> PlatformJson.read(json.replace("\"iotlbEntries\": 64", "\"iotlbEntries\": -1")));
        assertTrue(entries.getMessage().startsWith("iommu.iotlbEntries must be between 0 and"), entries.getMessage());
        var strictOff = assertThrows(IllegalArgumentException.class, () -> PlatformJson.read(
                json.replace("\"translated\"", "\"off\"").replace("\"strictInvalidation\": false",
                        "\"strictInvalidation\": true")));
        assertTrue(strictOff.getMessage().startsWith("iommu.strictInvalidation needs a translating IOMMU"),
                strictOff.getMessage());
    }
}
