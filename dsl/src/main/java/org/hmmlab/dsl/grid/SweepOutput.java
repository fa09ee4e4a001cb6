package org.hmmlab.dsl.grid;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.hmmlab.dsl.Point;
import org.hmmlab.dsl.SweepResult;
import org.hmmlab.dsl.json.Json;
import org.hmmlab.dsl.json.JsonNodeReader;
import org.hmmlab.dsl.results.Table;

/**
 * A sweep's rows on disk, and shards merged into one table. An output folder holds {@code rows.csv} and
 * {@code rows.json} (the table; JSON keeps the column types), {@code sweep.json} (the sweep, standalone) and
 * {@code manifest.json} (which shard, which grid points, a fingerprint of the sweep). It appears whole or not at all:
 * everything is written into a hidden sibling folder first, then moved into place in one step.
 *
 * <pre>{@code SweepOutput.write(Path.of("out/shard-2"), sweep, result.table());}</pre>
 */
public final class SweepOutput {

    public static final String ROWS_CSV = "rows.csv";
    public static final String ROWS_JSON = "rows.json";
    public static final String SWEEP_JSON = "sweep.json";
    public static final String MANIFEST = "manifest.json";

    private SweepOutput() {
    }

    /**
     * Refuses an output folder that exists and is not empty, before anything runs, so a finished sweep is never
     * written over by accident.
     */
    public static void checkFree(Path dir) {
        if (Files.exists(dir) && (!Files.isDirectory(dir) || !isEmpty(dir))) {
            throw new IllegalArgumentException("--out " + dir + ": exists and is not an empty folder; choose another or remove it");
        }
    }

    private static boolean isEmpty(Path dir) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code table} (the rows of {@code sweep}'s points, in order) to {@code dir}. */
    public static Path write(Path dir, ScenarioSweep sweep, Table table) {
        return write(dir, sweep, table, staging -> { });
    }

    /**
     * Writes the rows, then lets {@code more} add files (Parquet, say) to the staging folder, then moves the folder into
     * place; a failure anywhere leaves nothing at {@code dir}.
     */
    public static Path write(Path dir, ScenarioSweep sweep, Table table, Consumer<Path> more) {
        List<Integer> all = sweep.points().stream().map(Point::index).toList();
        if (all.size() != table.rowCount()) {
            throw new IllegalArgumentException("the table has " + table.rowCount() + " rows but the sweep has " + all.size() + " points");
        }
        return write(dir, sweep, table, more, all);
    }

    private static Path write(Path dir, ScenarioSweep sweep, Table table, Consumer<Path> more, List<Integer> points) {
        checkFree(dir);
        Path abs = dir.toAbsolutePath();
        Path staging = abs.resolveSibling("." + abs.getFileName() + ".partial-" + ProcessHandle.current().pid());
        try {
            deleteTree(staging);
            Files.createDirectories(staging);
            Files.writeString(staging.resolve(ROWS_CSV), table.toCsv());
            Files.writeString(staging.resolve(ROWS_JSON), Json.toJson(table));
            Files.writeString(staging.resolve(SWEEP_JSON), SweepJson.write(sweep.shard(Shard.WHOLE)));
            ObjectNode m = Json.mapper().createObjectNode();
            m.put("sweep", sweep.name());
            m.put("fingerprint", SweepJson.fingerprint(sweep.shard(Shard.WHOLE)));
            m.put("gridPoints", sweep.gridSize());
            m.put("shard", sweep.shard().toString());
            ArrayNode idx = m.putArray("points");
            points.forEach(idx::add);
            Files.writeString(staging.resolve(MANIFEST), Json.write(m));
            more.accept(staging);
            if (Files.isDirectory(abs)) {
                Files.delete(abs); // checked empty above
            }
            Files.createDirectories(abs.getParent());
            Files.move(staging, abs, StandardCopyOption.ATOMIC_MOVE);
            return abs;
        } catch (FileAlreadyExistsException e) {
            deleteQuietly(staging);
            throw new IllegalArgumentException("--out " + dir + ": appeared while the sweep ran; the rows were not written", e);
        } catch (IOException e) {
            deleteQuietly(staging);
            throw new UncheckedIOException("could not write the sweep's rows to " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(staging);
            throw e;
        }
    }

    /**
     * Writes the rows of an interrupted run: the finished points only, each found by its coordinates, so that a merge
     * names the points still missing.
     */
    public static Path writePartial(Path dir, ScenarioSweep sweep, org.hmmlab.dsl.SweepResult partial) {
        Table t = partial.table();
        int params = sweep.axes().size();
        Map<List<Object>, Integer> byCoordinates = new java.util.HashMap<>();
        for (Point p : sweep.points()) {
            byCoordinates.put(p.row().cells().stream().map(c -> c.value()).toList(), p.index());
        }
        List<Integer> indexes = new ArrayList<>();
        for (int r = 0; r < t.rowCount(); r++) {
            List<Object> key = new ArrayList<>();
            for (int c = 0; c < params; c++) {
                key.add(t.columns().get(c).get(r));
            }
            Integer i = byCoordinates.get(key);
            if (i == null) {
                throw new IllegalStateException("a kept row matches no point of the sweep: " + key);
            }
            indexes.add(i);
        }
        return write(dir, sweep, t, staging -> { }, indexes);
    }

    /** The merged shards: the sweep and its whole table in grid order. */
    public record Merged(ScenarioSweep sweep, Table table) {
    }

    /**
     * Joins the shards written in {@code dirs} into one table in grid order, checking that they are shards of one sweep,
     * that every shard of {@code 1/N .. N/N} is there once, and every grid point once.
     *
     * @throws IllegalArgumentException naming the missing or doubled shard or point, or the folder that does not belong
     */
    public static Merged merge(List<Path> dirs) {
        if (dirs.isEmpty()) {
            throw new IllegalArgumentException("merge: give the shards' output folders");
        }
        String fingerprint = null;
        Path first = null;
        ScenarioSweep sweep = null;
        int n = -1;
        long grid = -1;
        Map<Integer, Path> shards = new TreeMap<>();
        Map<Integer, Object[]> rows = new TreeMap<>();
        Map<Integer, Path> rowFrom = new TreeMap<>();
        Table shape = null;
        for (Path dir : dirs) {
            JsonNodeReader m = read(dir, MANIFEST);
            m.object(Set.of("sweep", "fingerprint", "gridPoints", "shard", "points"));
            String fp = m.field("fingerprint").text();
            Shard shard;
            try {
                shard = Shard.parse(m.field("shard").text());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(dir.resolve(MANIFEST) + ": " + e.getMessage(), e);
            }
            if (fingerprint == null) {
                fingerprint = fp;
                first = dir;
                n = shard.n();
                grid = m.field("gridPoints").longValue(1, ScenarioSweep.HARD_MAX_POINTS);
                try {
                    sweep = SweepJson.read(Files.readString(dir.resolve(SWEEP_JSON)), dir).maxPoints(ScenarioSweep.HARD_MAX_POINTS);
                } catch (IOException e) {
                    throw new UncheckedIOException("merge: cannot read " + dir.resolve(SWEEP_JSON), e);
                }
            } else if (!fingerprint.equals(fp)) {
                throw new IllegalArgumentException("merge: " + dir + " holds rows of another sweep than " + first
                        + " (sweep '" + m.field("sweep").text() + "'; the sweep files differ)");
            } else if (shard.n() != n) {
                throw new IllegalArgumentException("merge: " + dir + " is shard " + shard + " but " + first + " is a shard of "
                        + n + "; merge shards cut the same way");
            }
            Path twice = shards.put(shard.k(), dir);
            if (twice != null) {
                throw new IllegalArgumentException("merge: shard " + shard + " is given twice: " + twice + " and " + dir);
            }
            Table t = Json.table(read(dir, ROWS_JSON));
            if (shape == null) {
                shape = t;
            } else if (!shape.columnNames().equals(t.columnNames())) {
                throw new IllegalArgumentException("merge: " + dir + " has columns " + t.columnNames() + " but " + first
                        + " has " + shape.columnNames());
            }
            List<JsonNodeReader> idx = m.field("points").elements();
            if (idx.size() != t.rowCount()) {
                throw new IllegalArgumentException("merge: " + dir + " lists " + idx.size() + " points but holds "
                        + t.rowCount() + " rows; the folder is damaged");
            }
            for (int r = 0; r < idx.size(); r++) {
                int i = (int) idx.get(r).longValue(0, grid - 1);
                Object[] cells = new Object[t.columns().size()];
                for (int c = 0; c < cells.length; c++) {
                    cells[c] = t.columns().get(c).get(r);
                }
                if (rows.put(i, cells) != null) {
                    throw new IllegalArgumentException("merge: grid point " + i + " is in both " + rowFrom.get(i) + " and " + dir);
                }
                rowFrom.put(i, dir);
            }
        }
        List<Integer> missingShards = new ArrayList<>();
        for (int k = 1; k <= n; k++) {
            if (!shards.containsKey(k)) {
                missingShards.add(k);
            }
        }
        if (!missingShards.isEmpty()) {
            final int total = n;
            throw new IllegalArgumentException("merge: missing shard" + (missingShards.size() > 1 ? "s " : " ")
                    + String.join(", ", missingShards.stream().map(k -> k + "/" + total).toList()) + "; given: "
                    + String.join(", ", shards.keySet().stream().map(k -> k + "/" + total).toList()));
        }
        List<Long> missing = new ArrayList<>();
        for (long i = 0; i < grid && missing.size() < 10; i++) {
            if (!rows.containsKey((int) i)) {
                missing.add(i);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("merge: grid points missing, first ones: " + missing);
        }
        Table.Builder b = Table.builder(shape.name());
        for (var c : shape.columns()) {
            b.column(c.name(), c.type());
        }
        rows.values().forEach(b::row);
        return new Merged(sweep, b.build());
    }

    private static JsonNodeReader read(Path dir, String file) {
        Path f = dir.resolve(file);
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException("merge: " + dir + " is not a sweep's output folder (no " + file + ")");
        }
        try {
            return JsonNodeReader.root(Json.parse(Files.readString(f)));
        } catch (IOException e) {
            throw new UncheckedIOException("merge: cannot read " + f, e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            deleteTree(p);
        } catch (IOException | UncheckedIOException e) {
            // best effort: the staging folder is hidden and named after this process
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> all = Files.walk(p)) {
            for (Path q : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
