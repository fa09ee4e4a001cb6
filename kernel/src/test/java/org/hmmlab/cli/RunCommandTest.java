package org.hmmlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./hmmlab run} on the example files in examples/: what it prints, writes and how it fails. */
class RunCommandTest {

    static final Path EXAMPLES = Path.of("..", "examples");

    @TempDir
    Path dir;

    record Outcome(int status, String out, String err) {
    }

    static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = RunCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aScenarioFilePrintsItsCountersAndWritesChartsWithOut() throws Exception {
        Outcome o = run(EXAMPLES.resolve("stream.json").toString(), "--out", dir.toString());
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().contains("evictions") && o.out().contains("98,304"), o.out());
        assertTrue(Files.size(dir.resolve("stream-oversubscribed-counters.csv")) > 0);
        assertTrue(Files.size(dir.resolve("stream-oversubscribed-pages-migrated.png")) > 0);
        assertTrue(Files.readString(dir.resolve("stream-oversubscribed-pages-migrated.svg")).contains("<svg"));
    }

    @Test
    void aTimingScenarioPrintsLatencyByStageAndWritesEveryChart() throws Exception {
        Outcome o = run(EXAMPLES.resolve("fault-latency.json").toString(), "--out", dir.toString());
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
        Outcome o = run(EXAMPLES.resolve("stream.json").toString(), "--json");
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().startsWith("{") && o.out().contains("\"evictions\" : 98304"), o.out());
    }

    @Test
    void aMalformedScenarioNamesTheJsonPath() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, Files.readString(EXAMPLES.resolve("stream.json")).replace("\"first-touch\"", "\"last-touch\""));
        Outcome o = run(bad.toString());
        assertEquals(1, o.status());
        assertTrue(o.err().contains("$.policy.placement.kind: \"last-touch\" is not one of first-touch"), o.err());
    }

    @Test
    void aJavaScriptScenarioRunsAndShowsItsTables() {
        Outcome o = run(EXAMPLES.resolve("stream.js").toString());
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().contains("vram sweep (4 rows)"), o.out());
        assertTrue(o.err().contains("vram sweep [##############################] 4/4"), o.err());
        assertTrue(o.out().contains("evicted with 128 MiB of VRAM: 98304 pages"), "print() goes to the command's output: " + o.out());
    }

    @Test
    void withJsonAScriptsPrintGoesToStderrSoStdoutStaysJson() throws Exception {
        Path js = dir.resolve("note.js");
        Files.writeString(js, "print('a note from the script');\n");
        Outcome o = run(js.toString(), "--json");
        assertEquals(0, o.status(), o.err());
        assertTrue(o.err().contains("a note from the script"), o.err());
        assertTrue(o.out().isBlank(), o.out());
    }

    @Test
    void aJavaScriptErrorNamesTheLine() throws Exception {
        Path bad = dir.resolve("bad.js");
        Files.writeString(bad, "const s = lab.scenario('a');\nconst t = s.vram('1 parsec');\n");
        Outcome o = run(bad.toString());
        assertEquals(1, o.status());
        assertTrue(o.err().startsWith("bad.js:2: ") && o.err().contains("needs a number and a unit"), o.err());
    }

    @Test
    void aJShellScriptRunsWithTheDslImported() throws Exception {
        Outcome o = run(EXAMPLES.resolve("oversubscription.jsh").toString(), "--out", dir.toString());
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().contains("evictions") && o.out().contains("114,688"), o.out());
        assertTrue(Files.size(dir.resolve("evictions-by-vram.png")) > 0, "the chart is named after what it draws");
        assertTrue(o.err().contains("vram sweep [##############################] 4/4"), o.err());
    }

    @Test
    void aJShellErrorNamesTheLine() throws Exception {
        Path bad = dir.resolve("bad.jsh");
        Files.writeString(bad, "var a = MiB(1);\nvar b = GBps(0);\n");
        Outcome o = run(bad.toString());
        assertEquals(1, o.status());
        assertTrue(o.err().contains("bad.jsh:2: IllegalArgumentException: GBps(n): n must be in (0, 1000000] GB/s"), o.err());
    }

    @Test
    void usageErrors() {
        assertEquals(2, run().status());
        assertEquals(2, run("nope.json").status());
        assertEquals(2, run(EXAMPLES.resolve("stream.json").toString(), "--out").status());
    }
}
