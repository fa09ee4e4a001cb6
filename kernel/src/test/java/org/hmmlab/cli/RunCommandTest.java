package org.hmmlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./hmmlab run} on the example files in examples/: what it prints, writes and how it fails. */
class RunCommandTest {

    static final Path EXAMPLES = Path.of("..", "examples");

    @TempDir
    Path dir;

    static CliOutcome run(String... args) {
        return CliOutcome.of(RunCommand::run, args);
    }

    @Test
    void aScenarioFilePrintsItsCountersAndWritesChartsWithOut() throws Exception {
        CliOutcome o = run(EXAMPLES.resolve("stream.json").toString(), "--out", dir.toString());
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().contains("evictions") && o.out().contains("98,304"), o.out());
        assertTrue(Files.size(dir.resolve("stream-oversubscribed-counters.csv")) > 0);
        assertTrue(Files.size(dir.resolve("stream-oversubscribed-pages-migrated.png")) > 0);
        assertTrue(Files.readString(dir.resolve("stream-oversubscribed-pages-migrated.svg")).contains("<svg"));
    }

    @Test
    void aTimingScenarioPrintsLatencyByStageAndWritesEveryChart() throws Exception {
        CliOutcome o = run(EXAMPLES.resolve("fault-latency.json").toString(), "--out", dir.toString());
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().contains("fault latency by stage") && o.out().contains("migration_copy"), o.out());
        for (String chart : new String[] {"fault-latency-fault-latency-cdf", "fault-latency-fault-latency-histogram",
                "fault-latency-where-fault-time-goes", "fault-latency-link-bandwidth"}) {
            assertTrue(Files.size(dir.resolve(chart + ".png")) > 0, chart);
        }
        assertTrue(Files.readString(dir.resolve("fault-latency-link-bandwidth.csv")).startsWith("time_ns,h2d_GBps,d2h_GBps"));
    }

    @Test
    void jsonPrintsTheResultAsJson() {
        CliOutcome o = run(EXAMPLES.resolve("stream.json").toString(), "--json");
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().startsWith("{") && o.out().contains("\"evictions\" : 98304"), o.out());
    }

    @Test
    void aMalformedScenarioNamesTheJsonPath() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, Files.readString(EXAMPLES.resolve("stream.json")).replace("\"first-touch\"", "\"last-touch\""));
        CliOutcome o = run(bad.toString());
        assertEquals(1, o.status());
        assertTrue(o.err().contains("$.policy.placement.kind: \"last-touch\" is not one of first-touch"), o.err());
    }

    @Test
    void adviceByAllocationNameChangesTheRunFromJsonAndJavaScript() {
        CliOutcome json = run(EXAMPLES.resolve("advice.json").toString());
        assertEquals(0, json.status(), json.err());
        // read-mostly weights: 8192 GPU read faults duplicate; the CPU reads its own copy, nothing comes back
        assertTrue(json.out().matches("(?s).*duplicated_pages +8,192\n.*") && json.out().matches("(?s).*pages_to_host +0\n.*"),
                json.out());
        CliOutcome js = run(EXAMPLES.resolve("advice.js").toString());
        assertEquals(0, js.status(), js.err());
        assertTrue(js.out().contains("pages back to the host: 8192 without advice, 0 with read-mostly weights"),
                js.out());
        assertTrue(js.out().contains("remote accesses: 0 without advice, 1024 with the log preferred on the host"),
                js.out());
    }

    @Test
    void aJavaScriptScenarioRunsAndShowsItsTables() {
        CliOutcome o = run(EXAMPLES.resolve("stream.js").toString());
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().contains("vram sweep (4 rows)"), o.out());
        assertTrue(o.err().contains("vram sweep [##############################] 4/4"), o.err());
        assertTrue(o.out().contains("evicted with 128 MiB of VRAM: 98304 pages"), "print() goes to the command's output: " + o.out());
    }

    @Test
    void withJsonAScriptsPrintGoesToStderrSoStdoutStaysJson() throws Exception {
        Path js = dir.resolve("note.js");
        Files.writeString(js, "print('a note from the script');\n");
        CliOutcome o = run(js.toString(), "--json");
        assertEquals(0, o.status(), o.err());
        assertTrue(o.err().contains("a note from the script"), o.err());
        assertTrue(o.out().isBlank(), o.out());
    }

    @Test
    void aJavaScriptErrorNamesTheLine() throws Exception {
        Path bad = dir.resolve("bad.js");
        Files.writeString(bad, "const s = lab.scenario('a');\nconst t = s.vram('1 parsec');\n");
        CliOutcome o = run(bad.toString());
        assertEquals(1, o.status());
        assertTrue(o.err().startsWith("bad.js:2: ") && o.err().contains("needs a number and a unit"), o.err());
    }

    @Test
    void aJShellScriptRunsWithTheDslImported() throws Exception {
        CliOutcome o = run(EXAMPLES.resolve("oversubscription.jsh").toString(), "--out", dir.toString());
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().contains("evictions") && o.out().contains("114,688"), o.out());
        assertTrue(Files.size(dir.resolve("evictions-by-vram.png")) > 0, "the chart is named after what it draws");
        assertTrue(o.err().contains("vram sweep [##############################] 4/4"), o.err());
    }

    @Test
    void aJShellErrorNamesTheLine() throws Exception {
        Path bad = dir.resolve("bad.jsh");
        Files.writeString(bad, "var a = MiB(1);\nvar b = GBps(0);\n");
        CliOutcome o = run(bad.toString());
        assertEquals(1, o.status());
        assertTrue(o.err().contains("bad.jsh:2: IllegalArgumentException: GBps(n): n must be in (0, 1000000] GB/s"), o.err());
    }

    @Test
    void usageErrors() {
        assertEquals(2, run().status());
        assertEquals(2, run("nope.json").status());
        assertEquals(2, run(EXAMPLES.resolve("stream.json").toString(), "--out").status());
    }

    /** Input the run command cannot use: each gets its own message, exit status 1, and nothing is written. */
    @Nested
    class BadInput {

        CliOutcome runWithOut(Path file) {
            return run(file.toString(), "--out", dir.resolve("out").toString());
        }

        void assertNothingWritten() {
            assertFalse(Files.exists(dir.resolve("out")), "nothing may be written for a file that cannot run");
        }

        @Test
        void aFileInAnotherEncodingNamesTheFirstBadByte() throws Exception {
            Path latin1 = dir.resolve("latin1.json");
            Files.write(latin1, "{\n  \"name\" : \"d\u00e9j\u00e0-vu\"\n}\n".getBytes(StandardCharsets.ISO_8859_1));
            CliOutcome o = runWithOut(latin1);
            assertEquals(1, o.status(), o.err());
            assertEquals("latin1.json: is not valid UTF-8 text: byte 0xE9 at line 2, byte 14 of the line; save the file"
                    + " as UTF-8\n", o.err());
            assertNothingWritten();
        }

        @Test
        void aBinaryFileIsCalledBinary() throws Exception {
            Path png = dir.resolve("chart.js");
            Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13});
            CliOutcome o = runWithOut(png);
            assertEquals(1, o.status(), o.err());
            assertTrue(o.err().startsWith("chart.js: is a binary file (a NUL byte at offset 8)"), o.err());
            assertNothingWritten();
        }

        @Test
        void aDirectoryIsCalledADirectory() throws Exception {
            Path folder = Files.createDirectory(dir.resolve("scenarios.json"));
            CliOutcome o = runWithOut(folder);
            assertEquals(1, o.status(), o.err());
            assertEquals("hmmlab run: " + folder + " is a directory; give one .json, .jsh or .js file\n", o.err());
            assertNothingWritten();
        }

        @Test
        void aDuplicatedFieldIsRefusedAtItsJsonPath() throws Exception {
            Path dup = dir.resolve("dup.json");
            Files.writeString(dup, Files.readString(EXAMPLES.resolve("stream.json"))
                    .replace("\"kind\" : \"lru\"", "\"kind\" : \"lru\",\n      \"kind\" : \"random\""));
            CliOutcome o = runWithOut(dup);
            assertEquals(1, o.status(), o.err());
            assertTrue(o.err().startsWith("dup.json: $.policy.eviction.kind: duplicated field at line 16"), o.err());
            assertTrue(o.err().contains("a field may appear once"), o.err());
            assertNothingWritten();
        }

        @Test
        void aDuplicatedFieldInAnArrayElementAndAtTheTopAreNamed() throws Exception {
            Path dup = dir.resolve("dup2.json");
            Files.writeString(dup, Files.readString(EXAMPLES.resolve("stream.json"))
                    .replace("\"name\" : \"x\",", "\"name\" : \"x\", \"name\" : \"y\","));
            CliOutcome o = runWithOut(dup);
            assertEquals(1, o.status(), o.err());
            assertTrue(o.err().startsWith("dup2.json: $.allocations[0].name: duplicated field"), o.err());
            Path top = dir.resolve("dup3.json");
            Files.writeString(top, Files.readString(EXAMPLES.resolve("stream.json")).replace("\"seed\" : 42,",
                    "\"seed\" : 42, \"seed\" : 43,"));
            o = runWithOut(top);
            assertEquals(1, o.status(), o.err());
            assertTrue(o.err().startsWith("dup3.json: $.seed: duplicated field"), o.err());
            assertNothingWritten();
        }

        @Test
        void aNegativeSizeIsCalledNegative() throws Exception {
            Path neg = dir.resolve("neg.json");
            Files.writeString(neg, Files.readString(EXAMPLES.resolve("stream.json"))
                    .replace("\"size\" : \"256MiB\"", "\"size\" : \"-256MiB\""));
            CliOutcome o = runWithOut(neg);
            assertEquals(1, o.status(), o.err());
            assertEquals("neg.json: $.allocations[0].size: size '-256MiB' is negative; a size is zero or more bytes\n",
                    o.err());
            assertNothingWritten();
        }
    }
}
