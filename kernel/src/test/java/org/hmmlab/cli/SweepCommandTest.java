package org.hmmlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./hmmlab sweep} on examples/threshold-grid.json: its table, shards and merge, and every refusal. */
class SweepCommandTest {

    static final Path GRID = Path.of("..", "examples", "threshold-grid.json");

    @TempDir
    Path dir;

    static CliOutcome run(String... args) {
        return CliOutcome.of(SweepCommand::run, args);
    }

    /** A sweep file in the temporary folder, its base the example's scenario. */
    Path file(String json) throws Exception {
        Files.copy(Path.of("..", "examples", "scan-16m.json"), dir.resolve("scan-16m.json"));
        Path f = dir.resolve("sweep.json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void aSweepPrintsItsTableWithAProgressLineAndWritesItsRows() throws Exception {
        CliOutcome o = run(GRID.toString(), "--out", dir.resolve("out").toString());
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().contains("threshold") && o.out().contains("vram_bytes") && o.out().contains("faults"), o.out());
        assertTrue(o.err().contains("threshold-grid [##############################] 24/24"), o.err());
        assertTrue(o.err().contains("points/s"), o.err());
        String csv = Files.readString(dir.resolve("out/rows.csv"));
        assertEquals(25, csv.split("\r\n").length, csv);
        assertTrue(csv.startsWith("threshold,vram_bytes,gen,faults,evictions,pages_to_device,remote_accesses,link_bytes\r\n"), csv);
    }

    @Test
    void threeShardsMergeIntoTheWholeTable() throws Exception {
        CliOutcome whole = run(GRID.toString(), "--out", dir.resolve("whole").toString());
        assertEquals(0, whole.status(), whole.err());
        for (int k = 1; k <= 3; k++) {
            CliOutcome s = run(GRID.toString(), "--shard", k + "/3", "--out", dir.resolve("s" + k).toString());
            assertEquals(0, s.status(), s.err());
            assertTrue(s.err().contains("8 points (shard " + k + "/3 of a grid of 24)"), s.err());
        }
        CliOutcome m = run("merge", dir.resolve("s1").toString(), dir.resolve("s2").toString(), dir.resolve("s3").toString(),
                "--out", dir.resolve("merged").toString());
        assertEquals(0, m.status(), m.err());
        assertEquals(Files.readString(dir.resolve("whole/rows.csv")), Files.readString(dir.resolve("merged/rows.csv")));
        CliOutcome missing = run("merge", dir.resolve("s1").toString(), dir.resolve("s3").toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("missing shard 2/3; given: 1/3, 3/3"), missing.err());
        CliOutcome twice = run("merge", dir.resolve("s1").toString(), dir.resolve("s2").toString(), dir.resolve("s3").toString(),
                dir.resolve("s2").toString());
        assertTrue(twice.err().contains("shard 2/3 is given twice"), twice.err());
    }

    @Test
    void anUnknownPathIsRefusedWithThePathsNearItAndNothingWritten() throws Exception {
        Path f = file("""
                {"name": "g", "base": "scan-16m.json",
                 "vary": [{"path": "policy.placement.treshold", "values": [1, 2]}]}
                """);
        CliOutcome o = run(f.toString(), "--out", dir.resolve("out").toString());
        assertEquals(1, o.status());
        assertTrue(o.err().startsWith("sweep.json: $.vary[0].path: unknown parameter path \"policy.placement.treshold\""), o.err());
        assertTrue(o.err().contains("paths near it: policy.placement.threshold"), o.err());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void aValueOfTheWrongTypeOrOutOfRangeIsNamedByItsPath() throws Exception {
        Path f = file("""
                {"name": "g", "base": "scan-16m.json",
                 "vary": [{"path": "phases.scan.warps", "values": [64, 0]}]}
                """);
        CliOutcome range = run(f.toString());
        assertEquals(1, range.status());
        assertTrue(range.err().contains("$.vary[0].values: phases.scan.warps = 0: must be in [1, 1048576], got 0"), range.err());
        Files.writeString(f, """
                {"name": "g", "base": "scan-16m.json",
                 "vary": [{"path": "vram", "values": ["8MiB", "lots"]}]}
                """);
        CliOutcome type = run(f.toString());
        assertTrue(type.err().contains("vary(\"vram\"): value 1 (\"lots\") is not of the same kind as \"8MiB\""), type.err());
        Files.writeString(f, """
                {"name": "g", "base": "scan-16m.json",
                 "vary": [{"path": "vram", "values": [64]}]}
                """);
        CliOutcome number = run(f.toString());
        assertTrue(number.err().contains("vram = 64: must be a string"), number.err());
    }

    @Test
    void anEmptyGridIsRefused() throws Exception {
        CliOutcome none = run(file("""
                {"name": "g", "base": "scan-16m.json", "vary": []}
                """).toString());
        assertEquals(1, none.status());
        assertTrue(none.err().contains("$.vary: is empty"), none.err());
        Files.writeString(dir.resolve("sweep.json"), """
                {"name": "g", "base": "scan-16m.json", "vary": [{"path": "vram", "values": []}]}
                """);
        CliOutcome noValues = run(dir.resolve("sweep.json").toString());
        assertTrue(noValues.err().contains("give at least one value"), noValues.err());
    }

    @Test
    void aGridOverItsLimitNeedsYes() throws Exception {
        Path f = file("""
                {"name": "g", "base": "scan-16m.json", "maxPoints": 4,
                 "vary": [{"path": "policy.placement.threshold", "values": [1, 2, 4]},
                          {"path": "vram", "values": ["4MiB", "8MiB"]}]}
                """);
        CliOutcome refused = run(f.toString(), "--out", dir.resolve("out").toString());
        assertEquals(1, refused.status());
        assertTrue(refused.err().contains("the grid has 6 points, over the limit of 4; run it anyway with --yes"), refused.err());
        assertFalse(Files.exists(dir.resolve("out")));
        CliOutcome yes = run(f.toString(), "--yes");
        assertEquals(0, yes.status(), yes.err());
        assertTrue(yes.err().contains("6/6"), yes.err());
    }

    @Test
    void aMasterThatCannotBeReachedIsRefusedWithinSeconds() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        long start = System.nanoTime();
        CliOutcome o = run(GRID.toString(), "--on", "spark:spark://127.0.0.1:" + closed, "--out", dir.resolve("out").toString());
        assertEquals(1, o.status());
        assertTrue(o.err().contains("spark master spark://127.0.0.1:" + closed + " cannot be reached"), o.err());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10);
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void aShardSpecLikeFourOfThreeIsAUsageError() {
        CliOutcome o = run(GRID.toString(), "--shard", "4/3");
        assertEquals(2, o.status());
        assertTrue(o.err().startsWith("hmmlab sweep: shard k/N: k must be in [1, N] = [1, 3], got 4/3"), o.err());
        CliOutcome executor = run(GRID.toString(), "--on", "cluster");
        assertEquals(1, executor.status());
        assertTrue(executor.err().contains("unknown executor 'cluster'"), executor.err());
    }

    @Test
    void anOutputFolderInUseIsRefusedBeforeAnythingRuns() throws Exception {
        Files.createDirectories(dir.resolve("out"));
        Files.writeString(dir.resolve("out/notes.txt"), "mine");
        CliOutcome o = run(GRID.toString(), "--out", dir.resolve("out").toString());
        assertEquals(1, o.status());
        assertTrue(o.err().contains("exists and is not an empty folder"), o.err());
        assertFalse(o.err().contains("points/s"), "nothing ran");
        assertEquals("mine", Files.readString(dir.resolve("out/notes.txt")));
    }

    /**
     * Ctrl-C (here SIGTERM, which runs the same shutdown hooks) during a sweep on Spark: the job is cancelled, the
     * finished points' rows are written to --out, and Spark's own shutdown leaves no error lines on stderr.
     */
    @Test
    void anInterruptedSparkSweepKeepsItsFinishedRows() throws Exception {
        Path f = file("""
                {"name": "slow", "base": "scan-16m.json",
                 "vary": [{"path": "policy.placement.threshold", "values": [1, 4, 16, 64]},
                          {"path": "vram", "values": ["4MiB", "8MiB", "32MiB"]},
                          {"path": "phases.scan.accesses", "values": [20000000, 40000000]}]}
                """);
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.awt.headless=true"));
        for (String flag : System.getProperty("hmmlab.spark.jvm.flags", "").split(" ")) {
            if (!flag.isBlank()) {
                cmd.add(flag);
            }
        }
        cmd.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), SweepCommand.class.getName(),
                f.toString(), "--on", "spark", "--out", dir.resolve("out").toString()));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        StringBuilder err = new StringBuilder();
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                err.append(line).append('\n');
                if (line.contains("/24  ") && !line.contains("24/24")) {
                    p.toHandle().destroy(); // SIGTERM, streams left open: the JVM runs its shutdown hooks, as on Ctrl-C
                    break;
                }
            }
            while ((line = lines.readLine()) != null) {
                err.append(line).append('\n');
            }
        }
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the sweep ended: " + err);
        var m = java.util.regex.Pattern.compile("interrupted; ([0-9]+) of 24 points finished").matcher(err);
        assertTrue(m.find(), err.toString());
        int kept = Integer.parseInt(m.group(1));
        assertTrue(kept >= 1 && kept < 24, err.toString());
        assertEquals(kept + 1, Files.readString(dir.resolve("out/rows.csv")).split("\r\n").length);
        assertFalse(err.toString().contains("ERROR"), "Spark's shutdown stayed quiet: " + err);
        CliOutcome merge = run("merge", dir.resolve("out").toString());
        assertTrue(merge.err().contains("grid points missing"), merge.err());
    }
}
