package org.hmmlab.dsl.grid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.hmmlab.dsl.Sweep;
import org.hmmlab.dsl.json.Json;
import org.hmmlab.dsl.json.JsonFormatException;
import org.hmmlab.dsl.json.JsonNodeReader;

/**
 * Sweep files: a sweep described as data, what {@code ./hmmlab sweep FILE.json} reads. The base scenario is a
 * scenario file of its own (a path relative to the sweep file's folder, else to the current folder) or the scenario
 * object inline; {@code vary} lists the
 * parameters in order (the first varies slowest), each a path into the scenario and its values as the scenario file
 * writes them; {@code columns} (optional) keeps some measured columns; {@code maxPoints} (optional) raises the size
 * limit.
 *
 * <pre>{@code
 * {"name": "threshold-grid", "base": "stream.json", "seed": 7,
 *  "vary": [{"path": "policy.placement.threshold", "values": [1, 4, 16, 64]},
 *           {"path": "vram", "values": ["64MiB", "128MiB"]}],
 *  "columns": ["faults", "evictions", "pages_to_device"]}
 * }</pre>
 *
 * <p>{@link #write} puts the base inline, so the written file stands alone (it is what a sweep's output keeps beside its
 * rows, and what an executor ships to another JVM); reading it back gives the same sweep.
 */
public final class SweepJson {

    private static final Set<String> FIELDS = Set.of("name", "base", "seed", "vary", "columns", "maxPoints");

    private SweepJson() {
    }

    /** The sweep as a sweep file, its base inline. */
    public static String write(ScenarioSweep s) {
        return Json.write(tree(s));
    }

    /** The sweep as a JSON tree. */
    public static ObjectNode tree(ScenarioSweep s) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("name", s.name());
        root.set("base", s.base());
        root.put("seed", s.seed());
        ArrayNode vary = root.putArray("vary");
        for (ScenarioSweep.Axis a : s.axes()) {
            ObjectNode o = vary.addObject().put("path", a.path());
            ArrayNode values = o.putArray("values");
            a.values().forEach(values::add);
        }
        if (!s.columns().isEmpty()) {
            ArrayNode cols = root.putArray("columns");
            s.columns().forEach(cols::add);
        }
        if (s.maxPoints() != ScenarioSweep.DEFAULT_MAX_POINTS) {
            root.put("maxPoints", s.maxPoints());
        }
        return root;
    }

    /** A fingerprint of what the sweep computes (SHA-256 of its file), to tell shards of one sweep from another's. */
    public static String fingerprint(ScenarioSweep s) {
        ObjectNode t = tree(s);
        t.remove("maxPoints"); // a limit is no part of what the rows hold
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(Json.write(t).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a sweep file; a relative {@code "base"} path is resolved against the file's folder. */
    public static ScenarioSweep read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read sweep file " + file + ": " + e.getMessage(), e);
        }
        Path dir = file.toAbsolutePath().getParent();
        return read(text, dir);
    }

    /** Reads a sweep from text; a {@code "base"} given as a path is resolved against {@code dir}. */
    public static ScenarioSweep read(String json, Path dir) {
        JsonNodeReader r = JsonNodeReader.root(Json.parse(json)).object(FIELDS);
        String name = r.field("name").text();
        JsonNodeReader b = r.field("base");
        ObjectNode base;
        if (b.node().isTextual()) {
            Path scenarioFile = (dir == null ? Path.of(b.text()) : dir.resolve(b.text()));
            if (!Files.exists(scenarioFile) && Files.exists(Path.of(b.text()))) {
                scenarioFile = Path.of(b.text()); // relative to the current folder, as a command line reads it
            }
            String text;
            try {
                text = Files.readString(scenarioFile);
            } catch (IOException e) {
                throw b.error("cannot read the base scenario file " + scenarioFile + " (" + e.getClass().getSimpleName() + ")");
            }
            JsonNode tree;
            try {
                tree = Json.parse(text);
            } catch (JsonFormatException e) {
                throw b.error("base scenario " + scenarioFile + ": " + e.getMessage());
            }
            if (!tree.isObject()) {
                throw b.error("base scenario " + scenarioFile + " must hold a scenario object");
            }
            base = (ObjectNode) tree;
        } else if (b.node().isObject()) {
            base = (ObjectNode) b.node();
        } else {
            throw b.error("must be a scenario file's path or a scenario object");
        }
        ScenarioSweep s;
        try {
            s = ScenarioSweep.of(name, base);
        } catch (JsonFormatException e) {
            throw new JsonFormatException(b.path() + e.path().substring(1), e.getMessage().substring(e.path().length() + 2), e);
        }
        if (r.has("seed")) {
            s = s.seed(r.field("seed").longValue(Long.MIN_VALUE, Long.MAX_VALUE));
        }
        if (r.has("maxPoints")) {
            s = s.maxPoints((int) r.field("maxPoints").longValue(1, ScenarioSweep.HARD_MAX_POINTS));
        }
        List<JsonNodeReader> vary = r.field("vary").elements();
        if (vary.isEmpty()) {
            throw r.field("vary").error("is empty: vary at least one parameter (an empty grid has no points)");
        }
        for (JsonNodeReader a : vary) {
            a.object(Set.of("path", "values"));
            String path = a.field("path").text();
            List<JsonNodeReader> values = a.field("values").elements();
            List<Object> vs = new ArrayList<>();
            values.forEach(v -> vs.add(v.node()));
            try {
                s = s.vary(path, vs);
            } catch (SweepPaths.UnknownPathException e) {
                throw new JsonFormatException(a.field("path").path(), e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new JsonFormatException(a.field("values").path(), e.getMessage(), e);
            }
        }
        if (r.has("columns")) {
            List<String> cols = new ArrayList<>();
            for (JsonNodeReader c : r.field("columns").elements()) {
                cols.add(c.text());
            }
            try {
                s = s.columns(cols);
            } catch (IllegalArgumentException e) {
                throw new JsonFormatException(r.field("columns").path(), e.getMessage(), e);
            }
        }
        return s;
    }
}
