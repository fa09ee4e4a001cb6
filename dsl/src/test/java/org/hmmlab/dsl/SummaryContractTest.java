package org.hmmlab.dsl;

import static org.hmmlab.dsl.Lab.A100_PCIE4;
import static org.hmmlab.dsl.Lab.MiB;
import static org.hmmlab.dsl.Lab.RESIDENCY_MODEL;
import static org.hmmlab.dsl.Lab.kernel;
import static org.hmmlab.dsl.Lab.phase;
import static org.hmmlab.dsl.Lab.scenario;
import static org.hmmlab.dsl.Lab.sequential;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.hmmlab.dsl.results.Row;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link ScenarioResult#summary()}: its column names and their units. Sweeps, notebooks and users'
 * CSV files select these columns by name, so a rename breaks them silently (it once broke three notebooks). A
 * rename, a removal or a unit change must fail here first; a new counter adds a column without breaking anyone,
 * so the lists below are what must stay, not all there may be.
 */
class SummaryContractTest {

    /** Columns a timing-model summary must keep: the counters, then simulated time and fault latency. */
    static final List<String> TIMING_COLUMNS = List.of("accesses", "host_accesses", "tlb_hits", "tlb_misses", "faults",
            "duplicate_faults", "fault_batches", "replays", "retries", "ats_translations", "pri_requests",
            "invalidations", "tlb_shootdowns", "pages_to_device", "pages_populated_on_device", "pages_to_host",
            "bytes_to_device", "bytes_to_host",
            "remote_accesses", "migration_failures", "evictions", "thrashing_events", "faults_serviced",
            "va_blocks_serviced", "utlb_merged_faults", "sim_time_ns", "fault_p50_ns", "fault_p99_ns");

    /** Columns a residency-model summary must keep. */
    static final List<String> RESIDENCY_COLUMNS = List.of("faults", "host_faults", "pages_to_device",
            "pages_populated_on_device", "pages_to_host",
            "prefetched_pages", "evictions", "duplicated_pages", "remote_accesses", "local_accesses",
            "link_bytes", "throttles", "model_elapsed_ns");

    /**
     * The summary columns the tutorial notebooks (05, 06, 08) select and chart. {@link #notebooksUseOnlyListedColumns}
     * keeps this list equal to what the notebooks' code cells actually name.
     */
    static final Set<String> USED_BY_NOTEBOOKS = Set.of("fault_batches", "pages_to_device", "pages_to_host",
            "remote_accesses", "evictions", "bytes_to_device", "bytes_to_host", "thrashing_events", "sim_time_ns");

    private static final Scenario SCAN = scenario("scan").on(A100_PCIE4)
            .alloc("x", MiB(2))
            .cpu(phase("init").writes("x"))
            .gpu(kernel("scan").reads("x").pattern(sequential()).warps(8));

    @Test
    void timingSummaryKeepsTheseColumns() {
        List<String> names = SCAN.run().summary().names();
        assertEquals(List.of(), TIMING_COLUMNS.stream().filter(c -> !names.contains(c)).toList(),
                "renamed or removed; summary() has " + names);
        assertEquals(List.of("sim_time_ns", "fault_p50_ns", "fault_p99_ns"), names.subList(names.size() - 3, names.size()),
                "time and latency come last, after the counters");
    }

    @Test
    void timingSummaryUnitsAreNanosecondsBytesAndCounts() {
        ScenarioResult run = SCAN.run();
        Row s = run.summary();
        // _ns columns are nanoseconds of simulated time.
        assertEquals(run.timing().simTime().nanos(), s.get("sim_time_ns"));
        long p50 = (Long) s.get("fault_p50_ns");
        long p99 = (Long) s.get("fault_p99_ns");
        assertEquals(run.timing().faults().total().percentile(50).nanos(), p50);
        assertTrue(p50 > 0 && p50 <= p99, "p50 " + p50 + " ns, p99 " + p99 + " ns");
        // bytes_ columns are bytes: a migration-only run moves whole 4 KiB pages and nothing else over the link.
        long pages = (Long) s.get("pages_to_device");
        assertTrue(pages > 0, s.toString());
        assertEquals(pages * Bytes.PAGE.bytes(), s.get("bytes_to_device"), s.toString());
        // Counts are counts: every 4 KiB page of the 2 MiB buffer is read at least once.
        assertTrue((Long) s.get("accesses") >= MiB(2).bytes() / Bytes.PAGE.bytes(), s.toString());
        for (String name : TIMING_COLUMNS) {
            assertTrue(s.get(name) instanceof Long, name + " is a whole number");
        }
    }

    @Test
    void residencySummaryKeepsTheseColumns() {
        Row s = SCAN.engine(RESIDENCY_MODEL).run().summary();
        assertEquals(List.of(), RESIDENCY_COLUMNS.stream().filter(c -> !s.names().contains(c)).toList(),
                "renamed or removed; summary() has " + s.names());
        assertEquals((Long) s.get("pages_to_device") * Bytes.PAGE.bytes(), s.get("link_bytes"), s.toString());
    }

    @Test
    void theColumnsNotebooksUseExist() {
        assertTrue(TIMING_COLUMNS.containsAll(USED_BY_NOTEBOOKS), "not kept: " + missing(USED_BY_NOTEBOOKS));
    }

    /** Columns a multi-GPU summary must keep, whatever the number of GPUs (per GPU they are in perGpu()). */
    static final List<String> MULTI_GPU_COLUMNS = List.of("gpus", "faults", "host_faults", "pages_to_device",
            "pages_populated_on_device", "pages_to_host", "evictions", "duplicated_pages", "remote_accesses",
            "local_accesses", "link_bytes", "peer_accesses", "peer_copied_pages", "staged_pages", "invalidated_copies",
            "access_counter_migrations", "cpu_remote_accesses", "model_elapsed_ns");

    private static final Scenario TWO = scenario("two").on(A100_PCIE4).gpus(2)
            .alloc("x", MiB(2))
            .cpu(phase("init").writes("x"))
            .gpu(0, kernel("k0").reads("x").warps(8))
            .gpu(1, kernel("k1").reads("x").warps(8));

    @Test
    void multiGpuSummaryKeepsTheseColumnsForAnyNumberOfGpus() {
        assertEquals(MULTI_GPU_COLUMNS, TWO.run().summary().names());
        assertEquals(MULTI_GPU_COLUMNS, TWO.gpus(3).run().summary().names());
        assertEquals(MULTI_GPU_COLUMNS, scenario("c2c").on(Lab.GH200_C2C).alloc("x", MiB(2))
                .gpu(kernel("k").reads("x")).run().summary().names());
    }

    @Test
    void notebooksUseOnlyListedColumns() throws IOException {
        List<String> timing = SCAN.run().summary().names();
        // notebook 13 selects from the multi-GPU summary and the per-GPU, phase and calibration tables too
        ScenarioResult two = TWO.run();
        List<String> actual = new ArrayList<>(timing);
        actual.addAll(two.summary().names());
        actual.addAll(two.perGpu().columnNames());
        actual.addAll(two.phases().columnNames());
        actual.addAll(Lab.multiGpuCalibration().columnNames());
        Map<String, Set<String>> used = new TreeMap<>();
        List<String> unknown = new ArrayList<>();
        for (Path nb : notebooks()) {
            String code = codeCells(nb);
            if (!code.contains(".summary()")) {
                continue;
            }
            Set<String> own = ownColumns(code);
            for (String column : referencedColumns(code)) {
                if (own.contains(column)) {
                    continue;
                }
                used.computeIfAbsent(column, c -> new TreeSet<>()).add(nb.getFileName().toString());
                if (!actual.contains(column)) {
                    unknown.add(nb.getFileName() + " names \"" + column + "\", which summary() does not have");
                }
            }
        }
        assertEquals(List.of(), unknown);
        Set<String> usedOfTiming = new TreeSet<>(used.keySet());
        usedOfTiming.retainAll(timing);
        usedOfTiming.removeIf(c -> !c.equals("sim_time_ns") && used.get(c).equals(Set.of("13-several-gpus.ipynb")));
        assertEquals(new TreeSet<>(USED_BY_NOTEBOOKS), usedOfTiming,
                "USED_BY_NOTEBOOKS must list the timing columns the notebooks name: " + used);
    }

    private static List<String> missing(Set<String> names) {
        return names.stream().filter(n -> !TIMING_COLUMNS.contains(n)).sorted().toList();
    }

    // --- reading the notebooks ------------------------------------------------------------------------

    private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** Calls whose string arguments name columns; Charts.* presets take a title first. */
    private static final Pattern USE = Pattern.compile(
            "(Charts\\.)?\\b(select|curves|curvesBy|heatMap|where|column|longs|doubles|strings)\\(");
    /** Columns a notebook makes itself: sweep parameters, row cells, table-builder columns. */
    private static final Pattern OWN = Pattern.compile(
            "\\b(?:param|with|withValue)\\(\\s*\"([^\"]+)\"|\\.column\\(\\s*\"([^\"]+)\"\\s*,\\s*ColumnType");

    static List<Path> notebooks() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("notebooks"))) {
            dir = dir.getParent();
        }
        assertTrue(dir != null, "no notebooks/ directory above " + Path.of("").toAbsolutePath());
        try (Stream<Path> s = Files.list(dir.resolve("notebooks"))) {
            List<Path> all = s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
            assertTrue(all.size() >= 3, "notebooks found: " + all);
            return all;
        }
    }

    static String codeCells(Path notebook) throws IOException {
        JsonNode nb = new ObjectMapper().readTree(notebook.toFile());
        StringBuilder sb = new StringBuilder();
        for (JsonNode cell : nb.get("cells")) {
            if (!"code".equals(cell.path("cell_type").asText())) {
                continue;
            }
            JsonNode src = cell.get("source");
            if (src.isArray()) {
                src.forEach(line -> sb.append(line.asText()));
            } else {
                sb.append(src.asText());
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static Set<String> ownColumns(String code) {
        Set<String> own = new TreeSet<>();
        Matcher m = OWN.matcher(code);
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            own.add(name);
            own.add(name + "_bytes");
            own.add(name + "_ns");
            own.add(name + "_GBps");
        }
        return own;
    }

    static Set<String> referencedColumns(String code) {
        Set<String> names = new TreeSet<>();
        Matcher m = USE.matcher(code);
        while (m.find()) {
            String args = balancedArguments(code, m.end());
            List<String> literals = new ArrayList<>();
            Matcher s = STRING.matcher(args);
            while (s.find()) {
                literals.add(s.group(1));
            }
            String call = m.group(2);
            if (m.group(1) != null && !literals.isEmpty()) {
                literals.remove(0); // the chart's title
            }
            if (call.equals("where") || call.equals("column") || call.equals("longs") || call.equals("doubles")
                    || call.equals("strings")) {
                literals = literals.isEmpty() ? literals : literals.subList(0, 1);
            }
            if (call.equals("column") && args.contains("ColumnType")) {
                continue; // a builder column being defined, not a use
            }
            names.addAll(literals);
        }
        return names;
    }

    /** The text between the parenthesis opened just before {@code from} and its match. */
    private static String balancedArguments(String code, int from) {
        int depth = 1;
        boolean inString = false;
        for (int i = from; i < code.length(); i++) {
            char c = code.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return code.substring(from, i);
            }
        }
        return code.substring(from);
    }
}
