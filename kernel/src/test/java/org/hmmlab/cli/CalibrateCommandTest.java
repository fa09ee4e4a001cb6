package org.hmmlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./hmmlab calibrate --measured FILE}: the model beside the files the CUDA suite writes, here the SYNTHETIC
 * example files of the DSL's tests (made-up numbers, labelled so; not measurements).
 */
class CalibrateCommandTest {

    static final Path FIXTURES = Path.of("..", "dsl", "src", "test", "resources", "measurements");

    @TempDir
    Path dir;

    static CliOutcome run(String... args) {
        return CliOutcome.of(CalibrateCommand::run, args);
    }

    @Test
    void measuredFilesPrintOneTableEachWithTheModelBesideTheMeasuredValue() {
        CliOutcome o = run("--measured", FIXTURES.resolve("synthetic-copy.json").toString(),
                "--measured", FIXTURES.resolve("synthetic-ondemand.json").toString());
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().contains("== synthetic-copy.json: copy, device memory; SYNTHETIC GPU, driver 0.0.synthetic"),
                o.out());
        assertTrue(o.out().contains("model: H100 on PCIe Gen5 x16 (the ready profile for the file's PCIe Gen5 link)"),
                o.out());
        assertTrue(o.out().contains("NOT a measurement of any GPU"), o.out());
        assertTrue(o.out().contains("measured") && o.out().contains("copy H2D pinned 64 KiB"), o.out());
        assertTrue(o.out().contains("[U] SYNTHETIC, not a measurement: calibrate/cuda synthetic-ondemand.json"),
                o.out());
        assertTrue(o.out().contains("skipped gather: SYNTHETIC: an example of a skipped item"), o.out());
        assertTrue(o.out().contains("2 files, 13 cases,"), o.out());
    }

    @Test
    void platformNamesTheProfileToCompareWith() {
        CliOutcome o = run("--measured", FIXTURES.resolve("synthetic-copy.json").toString(), "--platform", "V100_PCIE3",
                "--markdown");
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().contains("model: V100 on PCIe Gen3 x16 (--platform)"), o.out());
        assertTrue(o.out().contains("| case | source | measured | model | error % | note |"), o.out());
    }

    @Test
    void aMalformedFileIsNamedWithTheJsonPathOfTheBadValue() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, Files.readString(FIXTURES.resolve("synthetic-copy.json"))
                .replace("\"gbps\": 50.0", "\"gbps\": \"fifty\""));
        CliOutcome o = run("--measured", bad.toString());
        assertEquals(1, o.status(), o.out());
        assertTrue(o.err().contains("bad.json: $.results[1].gbps: must be a number"), o.err());
        CliOutcome missing = run("--measured", dir.resolve("none.json").toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("none.json"), missing.err());
    }

    @Test
    void usageErrorsExitWithTwoAndTheUsage() {
        for (String[] args : new String[][] {{"--bogus"}, {"--measured"}, {"--platform", "H100_PCIE5"},
                {"--measured", "x.json", "--platform", "B200"}}) {
            CliOutcome o = run(args);
            assertEquals(2, o.status(), String.join(" ", args) + ": " + o.err());
            assertTrue(o.err().contains("usage: ./hmmlab calibrate"), o.err());
        }
        assertTrue(run("--measured", "x.json", "--platform", "B200").err()
                .contains("--platform must be one of V100_PCIE3, A100_PCIE4, H100_PCIE5, GTX1080TI_PCIE3, got 'B200'"));
    }
}
