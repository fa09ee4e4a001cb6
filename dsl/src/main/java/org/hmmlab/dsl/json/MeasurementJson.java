package org.hmmlab.dsl.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.hmmlab.calibrate.Measured;
import org.hmmlab.calibrate.MeasuredRun;
import org.hmmlab.dsl.spec.PlatformPresets;
import org.hmmlab.platform.Platform;

/**
 * Reads a document of the CUDA microbenchmarks in {@code calibrate/cuda/} (format
 * {@code "hmmlab-cuda-measurements"}, version 1) into a {@link MeasuredRun}, whose
 * {@link MeasuredRun#cases(Platform) cases} set each measurement beside the model.
 *
 * <p>A malformed document is refused with a {@link JsonFormatException} whose message starts with the JSON path of
 * the bad value ({@code $.results[3].gbps: must be a number in ...}); nothing is half-read. Fields the benchmarks
 * write for people (minimum, maximum, every sample) are allowed and not used; unknown fields are refused, so a
 * misspelt field does not pass unnoticed.
 *
 * <pre>{@code
 * MeasuredRun run = MeasurementJson.read(Path.of("calibrate/cuda/measured/h200-copy.json"));
 * calibration(run.cases(MeasurementJson.platformFor(run)));
 * }</pre>
 */
public final class MeasurementJson {

    /** The {@code format} every document names. */
    public static final String FORMAT = "hmmlab-cuda-measurements";
    /** The format version this reader reads. */
    public static final int VERSION = 1;

    private static final long MAX_BYTES = 64L << 30;        // the benchmarks cap buffers far below this
    private static final double MAX_US = 1e9;               // over a quarter of an hour: not one kernel
    private static final double MAX_GBPS = 10_000;
    private static final Set<String> TOP = Set.of("format", "version", "benchmark", "memory", "dry_run", "taken_at",
            "system", "results", "skipped", "plan", "error", "synthetic");

    private MeasurementJson() {
    }

    /** Reads the document in {@code file}; the citation names the file. */
    public static MeasuredRun read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the measurement file " + file, e);
        }
        Path name = file.getFileName();
        return read(text, name == null ? file.toString() : name.toString());
    }

    /** Reads a document from its text; {@code name} stands for the file in citations. */
    public static MeasuredRun read(String json, String name) {
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new JsonFormatException("$", "not JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        }
        JsonNodeReader root = JsonNodeReader.root(tree).object(TOP);
        String format = root.field("format").text();
        if (!format.equals(FORMAT)) {
            throw root.field("format").error("must be \"" + FORMAT + "\", got \"" + format + "\"");
        }
        root.field("version").longValue(VERSION, VERSION);
        String benchmark = root.field("benchmark").oneOf(List.of("copy", "ondemand"));
        String memory = root.field("memory").oneOf(benchmark.equals("copy") ? List.of("device")
                : List.of("managed", "system"));
        boolean dryRun = root.field("dry_run").booleanValue();
        String synthetic = root.has("synthetic") ? root.field("synthetic").text() : "";
        if (root.has("synthetic") && synthetic.isBlank()) {
            throw root.field("synthetic").error("must say why the file is not a measurement, got an empty string");
        }
        JsonNodeReader system = root.field("system").object(allowedSystem(root.field("system")));
        List<Measured> results = new ArrayList<>();
        for (JsonNodeReader r : root.field("results").elements()) {
            results.add(result(r, benchmark));
        }
        if (dryRun && !results.isEmpty()) {
            throw root.field("results").error("must be empty in a dry run (\"dry_run\": true), got "
                    + results.size() + " results");
        }
        List<String> skipped = new ArrayList<>();
        for (JsonNodeReader s : root.field("skipped").elements()) {
            s.object(Set.of("kind", "reason"));
            skipped.add(s.field("kind").text() + ": " + s.field("reason").text());
        }
        String error = root.has("error") ? root.field("error").text() : "";
        if (!results.isEmpty()) {
            system.field("device"); // a measurement names what it measured
        }
        return new MeasuredRun(name, benchmark, memory, machine(system, dryRun), synthetic,
                pcieGeneration(system), results, skipped, error);
    }

    /**
     * The ready profile whose link matches the document's PCIe generation (Gen3: V100_PCIE3, Gen4: A100_PCIE4,
     * Gen5: H100_PCIE5); where the document gives none, or one without a profile, the error says to name one.
     */
    public static Platform platformFor(MeasuredRun run) {
        return switch (run.pcieGeneration()) {
            case 3 -> PlatformPresets.named("platform", "V100_PCIE3");
            case 4 -> PlatformPresets.named("platform", "A100_PCIE4");
            case 5 -> PlatformPresets.named("platform", "H100_PCIE5");
            default -> throw new IllegalArgumentException(run.name() + ": "
                    + (run.pcieGeneration() == 0 ? "the document gives no PCIe link ($.system.pcie_link)"
                    : "no ready profile has a PCIe Gen" + run.pcieGeneration() + " link")
                    + "; name the profile to compare with: one of " + String.join(", ", PlatformPresets.NAMES));
        };
    }

    // --- results -------------------------------------------------------------------------------------------------

    private static Measured result(JsonNodeReader r, String benchmark) {
        String kind = r.field("kind").oneOf(benchmark.equals("copy") ? List.of("copy")
                : List.of("first_fault", "touch_order", "stream", "gather", "prefetch", "cpu_readback"));
        return switch (kind) {
            case "copy" -> {
                r.object(Set.of("kind", "direction", "memory", "bytes", "repeats", "median_us", "min_us", "max_us",
                        "gbps"));
                yield new Measured.Copy(r.field("direction").oneOf(List.of("h2d", "d2h")).equals("h2d"),
                        r.field("memory").oneOf(List.of("pinned", "pageable")).equals("pinned"), bytes(r, "bytes"),
                        gbps(r));
            }
            case "first_fault" -> {
                r.object(Set.of("kind", "bytes_per_block", "median_us", "min_us", "max_us", "resident_median_us",
                        "latency_ns", "resident_latency_ns"));
                yield new Measured.FirstFault(us(r, "median_us"));
            }
            case "touch_order" -> touchOrder(r);
            case "stream" -> {
                r.object(Set.of("kind", "warps", "bytes", "access_bytes", "us", "gbps", "fault_stats"));
                yield new Measured.Stream(warps(r), bytes(r, "bytes"), bytes(r, "access_bytes"), gbps(r),
                        faultStats(r));
            }
            case "gather" -> {
                r.object(Set.of("kind", "warps", "bytes", "accesses", "access_bytes", "us", "fault_stats"));
                yield new Measured.Gather(warps(r), bytes(r, "bytes"), r.field("accesses").longValue(1, 1L << 24),
                        bytes(r, "access_bytes"), us(r, "us"), faultStats(r));
            }
            case "prefetch" -> {
                r.object(Set.of("kind", "direction", "bytes", "us", "median_us", "gbps"));
                yield new Measured.Prefetch(r.field("direction").oneOf(List.of("h2d", "d2h")).equals("h2d"),
                        bytes(r, "bytes"), gbps(r));
            }
            case "cpu_readback" -> {
                r.object(Set.of("kind", "bytes", "page_bytes", "pages", "first_page_us", "us", "us_per_page", "gbps",
                        "checksum"));
                long bytes = bytes(r, "bytes");
                long page = r.field("page_bytes").longValue(1, bytes);
                yield new Measured.CpuReadback(bytes, page, us(r, "us_per_page"));
            }
            default -> throw new IllegalStateException(kind);
        };
    }

    /**
     * The reads that faulted, averaged over the runs: a read faulted when it took longer than the document's
     * {@code fault_threshold_ns} (the benchmark sets it at 4 times the median of the same reads once resident, and
     * at least 2 us).
     */
    private static Measured touchOrder(JsonNodeReader r) {
        r.object(Set.of("kind", "order", "piece_bytes", "pieces", "pieces_in_order", "runs", "resident_latency_ns",
                "fault_threshold_ns"));
        long piece = r.field("piece_bytes").longValue(4096, 2L << 20);
        List<JsonNodeReader> order = r.field("pieces_in_order").elements();
        if (order.isEmpty()) {
            throw r.field("pieces_in_order").error("must list at least one piece");
        }
        int[] pieces = new int[order.size()];
        for (int k = 0; k < pieces.length; k++) {
            pieces[k] = (int) order.get(k).longValue(0, (2L << 20) / piece - 1);
        }
        double threshold = r.field("fault_threshold_ns").doubleValue(1, MAX_US * 1e3);
        List<JsonNodeReader> runs = r.field("runs").elements();
        if (runs.isEmpty()) {
            throw r.field("runs").error("must hold at least one run");
        }
        double faulted = 0;
        for (JsonNodeReader run : runs) {
            run.object(Set.of("latency_ns"));
            List<JsonNodeReader> lat = run.field("latency_ns").elements();
            if (lat.size() != pieces.length) {
                throw run.field("latency_ns").error("must hold one latency per piece read ("
                        + pieces.length + ", as pieces_in_order), got " + lat.size());
            }
            for (JsonNodeReader l : lat) {
                if (l.doubleValue(0, MAX_US * 1e3) > threshold) {
                    faulted++;
                }
            }
        }
        return new Measured.TouchOrder(r.field("order").text(), piece, pieces, faulted / runs.size());
    }

    /** The driver's fault counters over the kernel, or null where the document has none ({@code "fault_stats": null}). */
    private static Measured.FaultStats faultStats(JsonNodeReader r) {
        if (!r.has("fault_stats")) {
            return null;
        }
        JsonNodeReader f = r.field("fault_stats").object(Set.of("replayable_faults", "duplicates", "pages_in",
                "replays"));
        long max = 1L << 40;
        return new Measured.FaultStats(f.field("replayable_faults").longValue(0, max),
                f.field("duplicates").longValue(0, max), f.field("pages_in").longValue(0, max),
                f.field("replays").longValue(0, max));
    }

    private static long bytes(JsonNodeReader r, String field) {
        return r.field(field).longValue(1, MAX_BYTES);
    }

    private static int warps(JsonNodeReader r) {
        return (int) r.field("warps").longValue(1, 1 << 20);
    }

    private static double gbps(JsonNodeReader r) {
        return positive(r.field("gbps"), MAX_GBPS);
    }

    private static double us(JsonNodeReader r, String field) {
        return positive(r.field(field), MAX_US);
    }

    private static double positive(JsonNodeReader v, double max) {
        double x = v.doubleValue(0, max);
        if (x == 0) {
            throw v.error("must be above 0, got 0");
        }
        return x;
    }

    // --- the machine ---------------------------------------------------------------------------------------------

    private static Set<String> allowedSystem(JsonNodeReader system) {
        // descriptive: the benchmark writes what the machine tells it; every field is read as text where used
        Set<String> names = new java.util.TreeSet<>();
        system.node().fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** "NVIDIA H200, driver 580.159.04, CUDA 13.0 (driver API 13.0), kernel 6.18.44": what a citation needs. */
    private static String machine(JsonNodeReader system, boolean dryRun) {
        if (dryRun) {
            return "dry run, kernel " + optionalText(system, "kernel") + " (no GPU asked)";
        }
        if (!system.has("device")) {
            return "no device (the benchmark stopped before it asked one: see its error), kernel "
                    + optionalText(system, "kernel");
        }
        return system.field("device").text() + ", driver " + optionalText(system, "driver_version") + ", CUDA "
                + optionalText(system, "cuda_runtime") + " (driver API " + optionalText(system, "cuda_driver_api")
                + "), kernel " + optionalText(system, "kernel");
    }

    private static String optionalText(JsonNodeReader r, String field) {
        return r.has(field) ? r.field(field).text() : "unknown";
    }

    /** The link's fastest generation from sysfs's "32.0 GT/s PCIe": max_speed, else current_speed; 0 if neither. */
    private static int pcieGeneration(JsonNodeReader system) {
        if (!system.has("pcie_link")) {
            return 0;
        }
        JsonNodeReader link = system.field("pcie_link").object(Set.of("current_speed", "current_width", "max_speed",
                "max_width"));
        for (String f : List.of("max_speed", "current_speed")) {
            if (link.has(f)) {
                JsonNodeReader v = link.field(f);
                String s = v.text().strip().toLowerCase(Locale.ROOT);
                double gts;
                try {
                    gts = Double.parseDouble(s.split("\\s+")[0]);
                } catch (NumberFormatException e) {
                    throw v.error("must read like \"32.0 GT/s PCIe\", got \"" + v.text() + "\"");
                }
                if (gts >= 64) {
                    return 6;
                } else if (gts >= 32) {
                    return 5;
                } else if (gts >= 16) {
                    return 4;
                } else if (gts >= 8) {
                    return 3;
                }
                return gts >= 5 ? 2 : 1;
            }
        }
        return 0;
    }
}
