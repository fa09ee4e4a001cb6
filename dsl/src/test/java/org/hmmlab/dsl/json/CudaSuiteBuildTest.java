package org.hmmlab.dsl.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hmmlab.calibrate.MeasuredRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA microbenchmarks of calibrate/cuda build with CUDA's nvcc, and their runner's documents (written with
 * {@code --dry-run}: no GPU is asked anything) have the shape {@link MeasurementJson} reads. nvcc must be there (at
 * /usr/local/bin/nvcc on the build machines, or on PATH, or named by NVCC): without it the test fails, saying so.
 */
class CudaSuiteBuildTest {

    static final Path SUITE = Path.of("..", "calibrate", "cuda").toAbsolutePath().normalize();

    /** One build for the class: the runner's dry run builds into it, the other tests run its programs. */
    @TempDir
    static Path dir;

    static Ran dryRun;

    @BeforeAll
    static void buildAndDryRun() throws Exception {
        dryRun = run(List.of("bash", SUITE.resolve("run.sh").toString(), dir.resolve("out").toString(), "--dry-run"));
    }

    static Path nvcc() {
        List<Path> candidates = new ArrayList<>();
        String named = System.getenv("NVCC");
        if (named != null && !named.isBlank()) {
            candidates.add(Path.of(named));
        }
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty()) {
                candidates.add(Path.of(d, "nvcc"));
            }
        }
        candidates.add(Path.of("/usr/local/bin/nvcc"));
        candidates.add(Path.of("/usr/local/cuda/bin/nvcc"));
        for (Path p : candidates) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return fail("CUDA's nvcc is missing (looked at $NVCC, on PATH, /usr/local/bin/nvcc, /usr/local/cuda/bin/nvcc):"
                + " the CUDA microbenchmarks in calibrate/cuda cannot be built; install CUDA 13's compiler");
    }

    record Ran(int status, String output) {
    }

    static Ran run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("NVCC", nvcc().toString());
        pb.environment().put("HMMLAB_CUDA_BUILD", dir.resolve("build").toString());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(command + " did not finish in 180 s");
        }
        return new Ran(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void theSuiteBuildsAndTheRunnersDryRunWritesDocumentsTheReaderReads() throws Exception {
        Path out = dir.resolve("out");
        Ran r = dryRun;
        assertEquals(0, r.status(), r.output());
        assertTrue(Files.isExecutable(dir.resolve("build/hmmlab-copy-bw")), r.output());
        assertTrue(Files.isExecutable(dir.resolve("build/hmmlab-ondemand")), r.output());
        String log = Files.readString(out.resolve("run.log"));
        for (String step : List.of("copy", "ondemand-managed", "ondemand-system")) {
            assertTrue(log.contains(step + ": done"), log);
            Path file = out.resolve(step + ".json");
            MeasuredRun run = MeasurementJson.read(file);
            assertTrue(run.results().isEmpty() && run.skipped().isEmpty() && run.error().isEmpty(), step);
            assertEquals(step.equals("copy") ? "device" : step.substring("ondemand-".length()), run.memory());
            assertTrue(run.machine().startsWith("dry run, kernel "), run.machine());
            JsonNode doc = Json.MAPPER.readTree(file.toFile());
            assertTrue(doc.get("dry_run").asBoolean(), step);
            assertTrue(doc.get("system").get("device").isNull(), "a dry run asks no GPU: " + doc.get("system"));
            assertEquals(step.equals("copy") ? 10 : 6, doc.get("plan").size(), doc.get("plan").toString());
        }
        assertTrue(Files.readString(out.resolve("machine.txt")).contains("## uname -a"));
    }

    @Test
    void aBenchmarkRefusesAnUnknownMemoryKindAndABadOrder() throws Exception {
        assertEquals(0, dryRun.status(), dryRun.output());
        Ran r = run(List.of(dir.resolve("build/hmmlab-ondemand").toString(), "--memory", "device", "--dry-run"));
        assertEquals(2, r.status(), r.output());
        assertTrue(r.output().contains("--memory must be managed or system, got 'device'"), r.output());
        Ran order = run(List.of(dir.resolve("build/hmmlab-ondemand").toString(), "--order", "0,16,16", "--dry-run"));
        assertEquals(2, order.status(), order.output());
        assertTrue(order.output().contains("--order must list pieces 0 to 31, each once, separated by commas; got"
                + " '16' in '0,16,16'"), order.output());
        Ran chosen = run(List.of(dir.resolve("build/hmmlab-ondemand").toString(), "--order", "0,16,8", "--dry-run"));
        assertEquals(0, chosen.status(), chosen.output());
        assertTrue(chosen.output().contains("and the chosen 0,16,8,"), chosen.output());
    }

    /**
     * The benchmark's reader of the UVM driver's fault_stats procfs file, on a SYNTHETIC file laid out as
     * uvm_gpu.c prints it (made-up counts): the first of each counter is the replayable section's.
     */
    @Test
    void theFaultStatsReaderTakesTheReplayableCounters() throws Exception {
        assertEquals(0, dryRun.status(), dryRun.output());
        Path layout = Path.of("src", "test", "resources", "measurements", "synthetic-uvm-fault-stats.txt")
                .toAbsolutePath();
        Ran r = run(List.of(dir.resolve("build/hmmlab-ondemand").toString(), "--parse-fault-stats", layout.toString()));
        assertEquals(0, r.status(), r.output());
        assertEquals("{\"replayable_faults\": 1234, \"duplicates\": 56, \"pages_in\": 4096, \"replays\": 78}",
                r.output().strip());
        Ran missing = run(List.of(dir.resolve("build/hmmlab-ondemand").toString(), "--parse-fault-stats",
                dir.resolve("none").toString()));
        assertEquals(1, missing.status(), missing.output());
        assertEquals("null", missing.output().strip());
    }

    /**
     * A real run writes a document the reader reads whatever happens: on a machine without a GPU (the build
     * machines) the document carries no results and the CUDA error that stopped it; with one, its copies.
     */
    @Test
    void aRunWithoutAGpuWritesItsErrorIntoADocumentTheReaderReads() throws Exception {
        assertEquals(0, dryRun.status(), dryRun.output());
        Path file = dir.resolve("copy.json");
        Ran r = run(List.of(dir.resolve("build/hmmlab-copy-bw").toString(), "--out", file.toString()));
        MeasuredRun run = MeasurementJson.read(file);
        if (r.status() == 0) {
            assertEquals(20, run.results().size(), "2 memories x 5 sizes x 2 directions");
        } else {
            assertEquals(1, r.status(), r.output());
            assertTrue(run.results().isEmpty(), run.results().toString());
            assertTrue(run.error().startsWith("cudaGetDevice"), run.error());
        }
    }
}
