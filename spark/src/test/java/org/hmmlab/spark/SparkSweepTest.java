package org.hmmlab.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.hmmlab.dsl.Cancellation;
import org.hmmlab.dsl.grid.ScenarioSweep;
import org.hmmlab.dsl.Sweep;
import org.hmmlab.dsl.grid.SweepExecutors;
import org.hmmlab.dsl.SweepInterruptedException;
import org.hmmlab.dsl.SweepResult;
import org.hmmlab.dsl.grid.SweepJson;
import org.hmmlab.dsl.grid.SweepOutput;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.sim.CancellationToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same sweep file on every executor gives the same table, byte for byte: the local cores, Spark embedded
 * ({@code local[*]}), a real standalone cluster (Spark's own Master and two Worker JVMs on 127.0.0.1, started here, the
 * lab's jars shipped to their executors), and three shards merged.
 */
class SparkSweepTest {

    static ScenarioSweep grid() {
        try (InputStream in = SparkSweepTest.class.getResourceAsStream("/grid.json")) {
            return SweepJson.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rows sorted by their coordinates (the leading parameter columns), as CSV: the comparison. */
    static String sortedCsv(Table t) {
        String[] lines = t.toCsv().split("\r\n");
        List<String> body = new ArrayList<>(Arrays.asList(lines).subList(1, lines.length));
        body.sort(null);
        return lines[0] + "\r\n" + String.join("\r\n", body) + "\r\n";
    }

    @AfterAll
    static void stopSpark() {
        Spark.stop();
    }

    @Test
    void oneSweepFileGivesOneTableOnEveryExecutor(@TempDir Path tmp) throws Exception {
        ScenarioSweep sweep = grid();
        Table local = sweep.run().table();
        assertEquals(24, local.rowCount());
        String expected = local.toCsv();

        Table embedded = sweep.on("spark").run().table();
        assertEquals(expected, embedded.toCsv(), "spark local[*]");
        assertEquals(sortedCsv(local), sortedCsv(embedded));

        List<Path> shards = new ArrayList<>();
        for (int k = 1; k <= 3; k++) {
            ScenarioSweep shard = sweep.shard(k, 3);
            shards.add(SweepOutput.write(tmp.resolve("shard-" + k), shard, shard.run().table()));
        }
        assertEquals(expected, SweepOutput.merge(shards).table().toCsv(), "3 shards merged");

        try (StandaloneCluster cluster = StandaloneCluster.start(tmp.resolve("cluster"), 2)) {
            List<String> progress = new ArrayList<>();
            Table clustered = sweep.on("spark:" + cluster.url()).onProgress(p -> progress.add(p.line())).run().table();
            assertEquals(expected, clustered.toCsv(), "standalone cluster of two workers");
            assertFalse(progress.isEmpty());
            assertTrue(progress.getLast().contains("24/24"), progress.getLast());
            assertEquals(2, cluster.executorsThatRan(), "both workers' executors ran points");
        } finally {
            Spark.stop();
        }
    }

    @Test
    void theTableComesBackAsADatasetForSparkSql() {
        SweepResult r = grid().on(Spark.local()).run();
        Spark.view(r, "grid");
        Table byThreshold = Spark.sql("SELECT threshold, sum(faults) AS faults, count(*) AS points FROM grid "
                + "GROUP BY threshold ORDER BY threshold");
        assertEquals(List.of("threshold", "faults", "points"), byThreshold.columnNames());
        assertEquals(List.of(1L, 4L, 16L, 64L), byThreshold.column("threshold").values());
        long[] faults = r.table().longs("faults");
        long first = 0;
        for (int i = 0; i < 6; i++) {
            first += faults[i]; // threshold 1: the first 6 rows (3 vram x 2 gen)
        }
        assertEquals(first, byThreshold.longs("faults")[0]);
        assertEquals(6L, byThreshold.longs("points")[0]);
        assertEquals(r.table().toCsv(), Spark.table(Spark.dataset(r), r.table().name()).toCsv(), "a table survives the round trip");
    }

    @Test
    void anInterruptCancelsTheJobAndKeepsTheFinishedRows() {
        ScenarioSweep slow = grid().vary("phases.scan.accesses", 400_000); // some tens of milliseconds a point
        CancellationToken token = Cancellation.begin();
        try {
            SweepInterruptedException e = assertThrows(SweepInterruptedException.class, () -> slow.on("spark:local[2]")
                    .onProgress(p -> token.cancel()).run());
            Table kept = e.partial().table();
            assertTrue(kept.rowCount() >= 1 && kept.rowCount() < 24, "kept " + kept.rowCount());
            assertEquals(kept.toCsv(), Sweep.lastInterrupted().orElseThrow().table().toCsv());
            Cancellation.begin();
            String whole = slow.run().table().toCsv();
            for (String line : kept.toCsv().split("\r\n")) {
                assertTrue(whole.contains(line + "\r\n"), "a kept row is the point's row: " + line);
            }
        } finally {
            Cancellation.begin();
        }
    }

    @Test
    void aMasterThatCannotBeReachedIsRefusedWithinSeconds() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        long start = System.nanoTime();
        var e = assertThrows(IllegalArgumentException.class, () -> grid().on("spark:spark://127.0.0.1:" + closed).run());
        assertTrue(e.getMessage().startsWith("spark master spark://127.0.0.1:" + closed + " cannot be reached"), e.getMessage());
        var k8s = assertThrows(IllegalArgumentException.class, () -> grid().on("spark:k8s://https://127.0.0.1:" + closed).run());
        assertTrue(k8s.getMessage().contains("cannot be reached"), k8s.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10, "refused within seconds");
        var bad = assertThrows(IllegalArgumentException.class, () -> SweepExecutors.named("spark:yarn"));
        assertTrue(bad.getMessage().startsWith("spark master must be local[*], local[N], spark://host:port or k8s://"), bad.getMessage());
        var remote = assertThrows(IllegalArgumentException.class, () -> grid().on(Spark.master("spark://203.0.113.7:7077")).run());
        assertTrue(remote.getMessage().contains("is on another machine") && remote.getMessage().contains("spark.driver.host"),
                remote.getMessage());
    }

    /** Spark's own standalone cluster: one Master and {@code n} Worker JVMs on 127.0.0.1, one core each. */
    static final class StandaloneCluster implements AutoCloseable {

        private final List<Process> processes = new ArrayList<>();
        private final List<Path> workDirs = new ArrayList<>();
        private int port;

        static StandaloneCluster start(Path dir, int workers) throws Exception {
            StandaloneCluster c = new StandaloneCluster();
            try {
                c.startAll(dir, workers);
                return c;
            } catch (Exception | Error e) {
                c.close();
                throw e;
            }
        }

        String url() {
            return "spark://127.0.0.1:" + port;
        }

        private void startAll(Path dir, int workers) throws Exception {
            Path home = sparkHome(dir.resolve("spark-home"));
            port = freePort();
            int ui = freePort();
            processes.add(jvm(dir.resolve("master.log"), home, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", Integer.toString(port), "--webui-port", Integer.toString(ui)));
            for (int w = 1; w <= workers; w++) {
                Path work = Files.createDirectories(dir.resolve("worker-" + w));
                workDirs.add(work);
                processes.add(jvm(dir.resolve("worker-" + w + ".log"), home, "org.apache.spark.deploy.worker.Worker", url(),
                        "--host", "127.0.0.1", "--cores", "1", "--memory", "1g", "--work-dir", work.toString(),
                        "--webui-port", Integer.toString(freePort())));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (aliveWorkers(ui) < workers) {
                for (Process p : processes) {
                    if (!p.isAlive()) {
                        throw new IllegalStateException("a cluster JVM ended early; see " + dir);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the workers did not register with the master in 90 s; see " + dir);
                }
                Thread.sleep(250);
            }
            // The application's executors: 1 core and a little memory each, one per worker.
            System.setProperty("spark.executor.memory", "512m");
            System.setProperty("spark.executor.cores", "1");
            System.setProperty("spark.cores.max", Integer.toString(workers));
        }

        /** How many executors (one per worker) wrote a log, that is, were started for the application. */
        int executorsThatRan() throws IOException {
            int n = 0;
            for (Path w : workDirs) {
                try (var files = Files.walk(w)) {
                    if (files.anyMatch(f -> f.getFileName().toString().equals("stderr"))) {
                        n++;
                    }
                }
            }
            return n;
        }

        private static int aliveWorkers(int ui) {
            try {
                var conn = URI.create("http://127.0.0.1:" + ui + "/json/").toURL().openConnection();
                conn.setConnectTimeout(1000);
                conn.setReadTimeout(1000);
                try (InputStream in = conn.getInputStream()) {
                    String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    var m = java.util.regex.Pattern.compile("\"aliveworkers\"\\s*:\\s*([0-9]+)").matcher(json);
                    return m.find() ? Integer.parseInt(m.group(1)) : 0;
                }
            } catch (IOException e) {
                return 0;
            }
        }

        /**
         * A Spark home for the workers: {@code jars/} holds Spark's jars (this test's class path, less the lab's own
         * modules, which the driver ships), as a Spark distribution's does; the executors' class path is built from it.
         */
        private static Path sparkHome(Path home) throws IOException {
            Path jars = Files.createDirectories(home.resolve("jars"));
            Files.createDirectories(home.resolve("conf"));
            for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                Path p = Path.of(e);
                String name = p.getFileName().toString();
                if (Files.isRegularFile(p) && name.endsWith(".jar") && !name.startsWith("hmmlab-")) {
                    Files.createSymbolicLink(jars.resolve(name), p.toAbsolutePath());
                }
            }
            Files.copy(SparkSweepTest.class.getResourceAsStream("/log4j2-test.properties"), home.resolve("conf/log4j2.properties"));
            return home;
        }

        private static Process jvm(Path log, Path home, String main, String... args) throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", home.resolve("jars") + "/*"));
            cmd.addAll(Arrays.asList(System.getProperty("hmmlab.spark.jvm.flags", "").split(" ")).stream().filter(s -> !s.isBlank()).toList());
            cmd.add(main);
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = pb.environment();
            env.put("SPARK_HOME", home.toString());
            env.put("SPARK_SCALA_VERSION", "2.13");
            env.put("SPARK_LOCAL_IP", "127.0.0.1");
            env.put("SPARK_CONF_DIR", home.resolve("conf").toString());
            env.put("JAVA_HOME", System.getProperty("java.home"));
            return pb.start();
        }

        private static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            }
        }

        @Override
        public void close() {
            Spark.stop();
            for (String k : List.of("spark.executor.memory", "spark.executor.cores", "spark.cores.max")) {
                System.clearProperty(k);
            }
            for (Process p : processes.reversed()) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
            }
            for (Process p : processes) {
                try {
                    if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                        p.descendants().forEach(ProcessHandle::destroyForcibly);
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
