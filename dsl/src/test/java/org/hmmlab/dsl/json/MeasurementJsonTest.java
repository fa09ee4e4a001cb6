package org.hmmlab.dsl.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hmmlab.calibrate.Calibration;
import org.hmmlab.calibrate.CalibrationCase;
import org.hmmlab.calibrate.Measured;
import org.hmmlab.calibrate.MeasuredRun;
import org.hmmlab.calibrate.SourceTag;
import org.hmmlab.platform.Platforms;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.Test;

/**
 * The reader of the CUDA suite's measurement documents, on the SYNTHETIC example files in
 * src/test/resources/measurements (made-up round numbers, labelled so in the files: no GPU measured them), and
 * on malformed documents, each refused at the JSON path of its bad value.
 */
class MeasurementJsonTest {

    static final Path FIXTURES = Path.of("src", "test", "resources", "measurements");

    static String fixture(String name) throws Exception {
        return Files.readString(FIXTURES.resolve(name));
    }

    @Test
    void theSyntheticOnDemandExampleReadsIntoOneMeasurementPerResult() {
        MeasuredRun run = MeasurementJson.read(FIXTURES.resolve("synthetic-ondemand.json"));
        assertEquals("synthetic-ondemand.json", run.name());
        assertEquals("ondemand", run.benchmark());
        assertEquals("managed", run.memory());
        assertTrue(run.isSynthetic() && run.synthetic().contains("NOT a measurement"), run.synthetic());
        assertEquals(SourceTag.UNVERIFIED, run.tag(), "a synthetic file's cases are not tagged measured");
        assertTrue(run.source().startsWith("SYNTHETIC, not a measurement"), run.source());
        assertEquals(List.of("first_fault", "touch_order", "stream", "gather", "prefetch", "cpu_readback"),
                run.results().stream().map(Measured::kind).toList());
        assertEquals(new Measured.FirstFault(30.0), run.results().get(0));
        // the two runs fault on pieces {0, 2} and {0, 1}: over the 4000 ns threshold, 2 reads each
        assertEquals(new Measured.TouchOrder("sequential", 65536, new int[] {0, 1, 2, 3}, 2.0), run.results().get(1));
        assertEquals(new Measured.Stream(8, 16L << 20, 256, 10.0, null), run.results().get(2));
        assertEquals(new Measured.Gather(64, 64L << 20, 512, 256, 2000.0, new Measured.FaultStats(600, 88, 8192, 5)),
                run.results().get(3));
        assertEquals(new Measured.Prefetch(true, 16L << 20, 20.0), run.results().get(4));
        assertEquals(new Measured.CpuReadback(4L << 20, 4096, 20.0), run.results().get(5));
        assertEquals(List.of("gather: SYNTHETIC: an example of a skipped item"), run.skipped());
        assertEquals("", run.error());
        // max_speed is null there: the generation comes from current_speed, 32.0 GT/s
        assertEquals(5, run.pcieGeneration());
        assertEquals(Platforms.H100_PCIE5, MeasurementJson.platformFor(run));
    }

    @Test
    void casesSetEachMeasurementBesideTheModelOnThePlatform() {
        MeasuredRun run = MeasurementJson.read(FIXTURES.resolve("synthetic-copy.json"));
        // current_speed 2.5 GT/s is an idle link; the generation is the link's fastest, max_speed 32.0 GT/s
        assertEquals(5, run.pcieGeneration());
        List<CalibrationCase> cases = run.cases(Platforms.A100_PCIE4);
        assertEquals(4, cases.size());
        CalibrationCase pinned = cases.get(0);
        assertEquals("copy H2D pinned 64 KiB", pinned.name());
        assertEquals(10.0, pinned.published());
        assertEquals(Calibration.copyRate(Platforms.A100_PCIE4, true, Bytes.KiB(64)), pinned.model());
        assertEquals(SourceTag.UNVERIFIED, pinned.tag());
        assertEquals("GB/s", pinned.unit());
        assertTrue(cases.get(3).note().contains("stages only host-to-device"), cases.get(3).note());
        List<CalibrationCase> onDemand = MeasurementJson.read(FIXTURES.resolve("synthetic-ondemand.json"))
                .cases(Platforms.H100_PCIE5);
        // one case a result, and three more for the gather's fault counters
        assertEquals(6 + 3, onDemand.size());
        for (CalibrationCase c : onDemand) {
            assertTrue(c.model() > 0 && Double.isFinite(c.model()), c.name() + " model " + c.model());
        }
        CalibrationCase replays = onDemand.get(6);
        assertEquals("fault batches (replays), random gather 512 x 256 B over 64 MiB, 64 warps, managed",
                replays.name());
        assertEquals(5.0, replays.published());
    }

    @Test
    void aDryRunDocumentHasNoResultsAndIsNotSynthetic() {
        MeasuredRun run = MeasurementJson.read(DRY_RUN, "dry.json");
        assertTrue(run.results().isEmpty());
        assertEquals(SourceTag.MEASURED, run.tag());
        assertEquals(0, run.pcieGeneration());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MeasurementJson.platformFor(run));
        assertTrue(e.getMessage().contains("$.system.pcie_link") && e.getMessage().contains("A100_PCIE4"),
                e.getMessage());
    }

    static final String DRY_RUN = """
            {"format": "hmmlab-cuda-measurements", "version": 1, "benchmark": "ondemand", "memory": "system",
             "dry_run": true, "taken_at": "2026-12-07T00:00:00Z",
             "system": {"kernel": "6.1.0", "device": null, "pcie_link": null},
             "results": [], "skipped": [], "plan": [{"kind": "stream"}], "error": null}
            """;

    static void refused(String json, String path, String message) {
        JsonFormatException e = assertThrows(JsonFormatException.class, () -> MeasurementJson.read(json, "bad.json"));
        assertEquals(path, e.path(), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    /** The synthetic on-demand example with {@code from} replaced by {@code to} (which must occur once). */
    static String edited(String from, String to) throws Exception {
        String s = fixture("synthetic-ondemand.json");
        assertEquals(s.indexOf(from), s.lastIndexOf(from), "the edit must be unambiguous: " + from);
        assertTrue(s.contains(from), from);
        return s.replace(from, to);
    }

    @Test
    void malformedDocumentsAreRefusedAtThePathOfTheBadValue() throws Exception {
        refused("{\"format\": ", "$", "not JSON");
        refused("[1, 2]", "$", "must be an object");
        refused(edited("\"hmmlab-cuda-measurements\"", "\"nvbandwidth\""), "$.format",
                "must be \"hmmlab-cuda-measurements\"");
        refused(edited("\"version\": 1", "\"version\": 2"), "$.version", "must be in [1, 1]");
        refused(edited("\"memory\": \"managed\"", "\"memory\": \"device\""), "$.memory",
                "\"device\" is not one of managed, system");
        refused(edited("\"kind\": \"stream\"", "\"kind\": \"triad\""), "$.results[2].kind",
                "\"triad\" is not one of first_fault, touch_order, stream, gather, prefetch, cpu_readback");
        refused(edited("\"gbps\": 10.0", "\"gbps\": \"fast\""), "$.results[2].gbps", "must be a number");
        refused(edited("\"gbps\": 10.0", "\"gbps\": 0"), "$.results[2].gbps", "must be above 0");
        refused(edited("\"gbps\": 10.0", "\"gpbs\": 10.0"), "$.results[2].gpbs", "unknown field");
        refused(edited("\"warps\": 8,", ""), "$.results[2].warps", "is required");
        refused(edited("\"bytes\": 4194304", "\"bytes\": -4194304"), "$.results[5].bytes", "must be in [1, ");
        refused(edited("\"latency_ns\": [30000, 1000, 30000, 1000]", "\"latency_ns\": [30000, 1000]"),
                "$.results[1].runs[0].latency_ns", "one latency per piece read (4, as pieces_in_order), got 2");
        refused(edited("\"pieces_in_order\": [0, 1, 2, 3]", "\"pieces_in_order\": [0, 1, 2, 32]"),
                "$.results[1].pieces_in_order[3]", "must be in [0, 31]");
        refused(edited("\"current_speed\": \"32.0 GT/s PCIe\"", "\"current_speed\": \"fast\""),
                "$.system.pcie_link.current_speed", "must read like \"32.0 GT/s PCIe\"");
        refused(edited("\"dry_run\": false", "\"dry_run\": true"), "$.results", "must be empty in a dry run");
        refused(edited("\"synthetic\": \"SYNTHETIC: made-up round numbers for the reader's tests and the docs; NOT a"
                + " measurement of any GPU\"", "\"synthetic\": \" \""), "$.synthetic", "must say why");
        refused(edited("\"device\": \"SYNTHETIC GPU\",", ""), "$.system.device", "is required");
        refused(edited("\"replays\": 5", "\"replays\": -5"), "$.results[3].fault_stats.replays", "must be in [0, ");
        refused(edited("\"replays\": 5", "\"batches\": 5"), "$.results[3].fault_stats.batches", "unknown field");
        refused(edited("\"reason\": \"SYNTHETIC: an example of a skipped item\"", "\"why\": \"x\""),
                "$.skipped[0].why", "unknown field");
    }

    @Test
    void aMissingFileNamesTheFile() {
        Path missing = FIXTURES.resolve("no-such-file.json");
        Exception e = assertThrows(java.io.UncheckedIOException.class, () -> MeasurementJson.read(missing));
        assertTrue(e.getMessage().contains("no-such-file.json"), e.getMessage());
    }

    @Test
    void aCopyDocumentHoldsCopiesOnly() throws Exception {
        String copy = fixture("synthetic-copy.json");
        JsonFormatException e = assertThrows(JsonFormatException.class, () -> MeasurementJson.read(
                copy.replaceFirst("\"kind\": \"copy\"", "\"kind\": \"stream\""), "bad.json"));
        assertEquals("$.results[0].kind", e.path());
        assertInstanceOf(Measured.Copy.class, MeasurementJson.read(copy, "copy.json").results().get(1));
    }
}
