package org.hmmlab.dsl.grid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.hmmlab.dsl.Cancellation;
import org.hmmlab.dsl.Param;
import org.hmmlab.dsl.Point;
import org.hmmlab.dsl.Scenario;
import org.hmmlab.dsl.Sweep;
import org.hmmlab.dsl.SweepException;
import org.hmmlab.dsl.SweepInterruptedException;
import org.hmmlab.dsl.SweepProgress;
import org.hmmlab.dsl.SweepResult;
import org.hmmlab.dsl.json.JsonFormatException;
import org.hmmlab.dsl.json.JsonNodeReader;
import org.hmmlab.dsl.json.ScenarioJson;
import org.hmmlab.dsl.results.Row;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.run.Columns;
import org.hmmlab.run.Seeds;
import org.hmmlab.sim.RandomStreams;

/**
 * A sweep described as data, so that it can leave the notebook's JVM: a base scenario, a grid of parameters named by
 * their path in the scenario's JSON ({@code policy.placement.threshold}, {@code platform.link.gen},
 * {@code allocations.x.size}, {@code phases.scan.warps}), the columns to keep and a seed. It runs on the local cores
 * by default, or on Apache Spark ({@code .on("spark")}, {@code .on("spark:spark://host:7077")}) where the lab's
 * Spark module is on the class path; either way the same table.
 *
 * <p>Each point runs the base scenario with the point's values set, under a seed derived from the sweep's seed and
 * the point's coordinates ({@link Seeds#point(long, String)}), not its position, so a point gives the same row
 * wherever and in whatever order it runs. Rows come back in grid order (the first parameter varies slowest), the
 * parameter columns first. Every value is checked against the scenario when it is given, and every point before
 * anything runs, so a bad value is refused at once with its path.
 *
 * <pre>{@code
 * var grid = sweep(scan).vary("policy.placement.threshold", 1, 4, 16, 64).vary("vram", MiB(16), MiB(32))
 *     .columns("faults", "evictions").seed(7).run();
 * }</pre>
 *
 * <p>Immutable: every call returns a new sweep. {@link SweepJson} reads and writes the same thing as a file, for
 * {@code ./hmmlab sweep FILE.json}.
 */
public final class ScenarioSweep {

    /** Grids larger than this are refused unless {@link #maxPoints(int)} raises the limit (the CLI's {@code --yes}). */
    public static final int DEFAULT_MAX_POINTS = 10_000;

    /** The most points a grid may have at all. */
    public static final int HARD_MAX_POINTS = 10_000_000;

    /** One varied parameter: its path, the column it becomes, and its values as the scenario file writes them. */
    public record Axis(String path, String column, List<JsonNode> values) {
    }

    private final String name;
    private final ObjectNode base;
    private final List<Axis> axes;
    private final List<String> columns;
    private final long seed;
    private final int maxPoints;
    private final Shard shard;
    private final SweepExecutor executor;
    private final int parallelism;
    private final Consumer<SweepProgress> progress;

    private ScenarioSweep(String name, ObjectNode base, List<Axis> axes, List<String> columns, long seed, int maxPoints,
            Shard shard, SweepExecutor executor, int parallelism, Consumer<SweepProgress> progress) {
        this.name = name;
        this.base = base;
        this.axes = axes;
        this.columns = columns;
        this.seed = seed;
        this.maxPoints = maxPoints;
        this.shard = shard;
        this.executor = executor;
        this.parallelism = parallelism;
        this.progress = progress;
    }

    /** A sweep of {@code base} with nothing varied yet, named after it: {@code ScenarioSweep.of(scan)}. */
    public static ScenarioSweep of(Scenario base) {
        Objects.requireNonNull(base, "sweep(base): base scenario");
        return of(base.name(), ScenarioJson.tree(base));
    }

    /** A sweep of a scenario given as its JSON tree (a sweep file's {@code "base"}); the tree is checked first. */
    public static ScenarioSweep of(String name, ObjectNode base) {
        Scenario checked = ScenarioJson.read(JsonNodeReader.root(base));
        return new ScenarioSweep(checkName(name), ScenarioJson.tree(checked), List.of(), List.of(), RandomStreams.DEFAULT_SEED,
                DEFAULT_MAX_POINTS, Shard.WHOLE, SweepExecutors.local(), Runtime.getRuntime().availableProcessors(), p -> { });
    }

    private static String checkName(String title) {
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("named(title): title must be non-empty text");
        }
        return title;
    }

    // --- building -----------------------------------------------------------------------------------

    /**
     * Varies the field at {@code path} over {@code values}, in order: {@code .vary("policy.placement.threshold", 1, 4, 16)}.
     * Values are what the DSL takes there (numbers, {@code MiB(64)}, {@code us(5)}, a platform, a pattern) or the
     * scenario file's text ({@code "64MiB"}). The parameter's column is the path's last name ({@code threshold},
     * {@code size_bytes}), with more of the path in front where two would clash ({@code scan_warps}).
     *
     * @throws IllegalArgumentException for an unknown path (listing the paths near it), no values, a value given twice,
     *     or a value the scenario refuses there (named by the path and its range)
     */
    public ScenarioSweep vary(String path, Object... values) {
        return vary(path, List.of(values));
    }

    /** Varies the field at {@code path} over a list of values: {@code .vary("vram", sizes)}. */
    public ScenarioSweep vary(String path, List<?> values) {
        Objects.requireNonNull(path, "vary(path, values): path");
        String where = "vary(\"" + path + "\")";
        for (Axis a : axes) {
            if (a.path().equals(path)) {
                throw new IllegalArgumentException(where + ": this path is varied already");
            }
        }
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException(where + ": give at least one value (an empty grid has no points)");
        }
        List<JsonNode> json = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            try {
                json.add(SweepPaths.value(values.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": value " + i + ": " + e.getMessage(), e);
            }
        }
        if (json.stream().anyMatch(JsonNode::isFloatingPointNumber) && json.stream().allMatch(JsonNode::isNumber)) {
            // 0, 0.5, 1: one column of doubles, not whole numbers and fractions side by side
            json.replaceAll(v -> JsonNodeFactory.instance.numberNode(v.asDouble()));
        }
        Set<Object> cells = new HashSet<>();
        for (int i = 0; i < json.size(); i++) {
            JsonNode v = json.get(i);
            Object cell = SweepPaths.cell(v);
            if (!cells.add(cell)) {
                throw new IllegalArgumentException(where + ": " + v + " is listed twice");
            }
            if (cell.getClass() != SweepPaths.cell(json.get(0)).getClass()) {
                throw new IllegalArgumentException(where + ": value " + i + " (" + v + ") is not of the same kind as "
                        + json.get(0) + "; one column holds one kind of value");
            }
        }
        for (JsonNode v : json) {
            check(path, v); // each value alone against the base, before anything runs
        }
        List<Axis> next = new ArrayList<>(axes);
        next.add(new Axis(path, null, List.copyOf(json)));
        return new ScenarioSweep(name, base, withColumns(next), columns, seed, maxPoints, shard, executor, parallelism, progress);
    }

    /** Refuses {@code value} at {@code path} the way the scenario would, named as the sweep names it. */
    private void check(String path, JsonNode value) {
        ObjectNode tree = base.deepCopy();
        SweepPaths.Target t = SweepPaths.resolve(tree, path);
        boolean present = t.present();
        SweepPaths.set(tree, path, value);
        try {
            ScenarioJson.read(JsonNodeReader.root(tree));
        } catch (JsonFormatException e) {
            if (!present && e.getMessage().contains("unknown field")) {
                throw SweepPaths.unknown(base.deepCopy(), path, "the scenario has no such field");
            }
            throw new IllegalArgumentException(path + " = " + value + ": " + located(e.getMessage(), t.jsonPath(), path), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + " = " + value + ": " + e.getMessage(), e);
        }
    }

    /** A refusal at the field's JSON path ({@code $.phases[1].concurrency: ...}) says the sweep's name for it. */
    private static String located(String message, String jsonPath, String path) {
        if (message.startsWith(jsonPath + ": ")) {
            return message.substring(jsonPath.length() + 2);
        }
        return message.replace(jsonPath, path);
    }

    /** Columns named after the paths' last names, lengthened where two axes would share one. */
    private static List<Axis> withColumns(List<Axis> axes) {
        List<Axis> out = new ArrayList<>();
        for (Axis a : axes) {
            String[] segs = a.path().split("\\.");
            int take = 1;
            while (true) {
                String col = column(segs, take);
                final int t = take;
                boolean clash = axes.stream().filter(o -> o != a).anyMatch(o -> column(o.path().split("\\."), t).equals(col));
                if (!clash || take == segs.length) {
                    out.add(new Axis(a.path(), col, a.values()));
                    break;
                }
                take++;
            }
        }
        return List.copyOf(out);
    }

    private static String column(String[] segs, int take) {
        String joined = String.join("_", java.util.Arrays.asList(segs).subList(Math.max(0, segs.length - take), segs.length));
        String col = joined.replaceAll("[^A-Za-z0-9_]", "_");
        return Character.isLetter(col.charAt(0)) ? col : "p_" + col;
    }

    /**
     * Keeps these measured columns, in this order (the default keeps every column of the engine's summary):
     * {@code .columns("faults", "evictions")}.
     */
    public ScenarioSweep columns(String... measured) {
        return columns(List.of(measured));
    }

    /** Keeps these measured columns, in this order. */
    public ScenarioSweep columns(List<String> measured) {
        Set<String> known = new LinkedHashSet<>(Columns.TIMED_SUMMARY);
        known.addAll(Columns.RESIDENCY_SUMMARY);
        Set<String> seen = new HashSet<>();
        for (String c : measured) {
            if (!known.contains(c)) {
                throw new IllegalArgumentException("columns(...): \"" + c + "\" is not a column of a run; columns: "
                        + String.join(", ", known));
            }
            if (!seen.add(c)) {
                throw new IllegalArgumentException("columns(...): \"" + c + "\" is listed twice");
            }
        }
        return new ScenarioSweep(name, base, axes, List.copyOf(measured), seed, maxPoints, shard, executor, parallelism, progress);
    }

    /** The sweep's seed, from which each point's seed derives: {@code .seed(42)}. */
    public ScenarioSweep seed(long sweepSeed) {
        return new ScenarioSweep(name, base, axes, columns, sweepSeed, maxPoints, shard, executor, parallelism, progress);
    }

    /** The sweep's name, which titles its table and charts: {@code .named("threshold grid")}. */
    public ScenarioSweep named(String title) {
        return new ScenarioSweep(checkName(title), base, axes, columns, seed, maxPoints, shard, executor, parallelism, progress);
    }

    /**
     * The most points {@link #run()} accepts, in [1, 10,000,000] (default 10,000), so a grid a typo made huge is
     * refused rather than started: {@code .maxPoints(50_000)}.
     */
    public ScenarioSweep maxPoints(int limit) {
        if (limit < 1 || limit > HARD_MAX_POINTS) {
            throw new IllegalArgumentException("maxPoints(limit): limit must be in [1, " + HARD_MAX_POINTS + "], got " + limit);
        }
        return new ScenarioSweep(name, base, axes, columns, seed, limit, shard, executor, parallelism, progress);
    }

    /** Only shard {@code k} of {@code n} of the grid (every n-th point), for a batch scheduler's job array: {@code .shard(2, 3)}. */
    public ScenarioSweep shard(int k, int n) {
        return shard(Shard.of(k, n));
    }

    /** Only this shard of the grid. */
    public ScenarioSweep shard(Shard s) {
        return new ScenarioSweep(name, base, axes, columns, seed, maxPoints, Objects.requireNonNull(s, "shard"), executor,
                parallelism, progress);
    }

    /** Runs on {@code where}: {@code "local"} (the default), {@code "spark"} (embedded, {@code local[*]}), {@code "spark:spark://host:7077"}. */
    public ScenarioSweep on(String where) {
        return on(SweepExecutors.named(where));
    }

    /** Runs on this executor. */
    public ScenarioSweep on(SweepExecutor where) {
        return new ScenarioSweep(name, base, axes, columns, seed, maxPoints, shard, Objects.requireNonNull(where, "on(executor)"),
                parallelism, progress);
    }

    /** How many points run at once on the local executor, in [1, 1024] (default: the cores); the table does not depend on it. */
    public ScenarioSweep parallelism(int threads) {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("parallelism(threads): threads must be in [1, 1024], got " + threads);
        }
        return new ScenarioSweep(name, base, axes, columns, seed, maxPoints, shard, executor, threads, progress);
    }

    /** Calls {@code listener} on the calling thread as points finish: {@code .onProgress(progress("grid"))}. */
    public ScenarioSweep onProgress(Consumer<SweepProgress> listener) {
        return new ScenarioSweep(name, base, axes, columns, seed, maxPoints, shard, executor, parallelism,
                Objects.requireNonNull(listener, "onProgress(listener)"));
    }

    // --- reading ------------------------------------------------------------------------------------

    public String name() {
        return name;
    }

    /** The base scenario's JSON tree (a copy). */
    public ObjectNode base() {
        return base.deepCopy();
    }

    public List<Axis> axes() {
        return axes;
    }

    /** The measured columns kept; empty keeps all. */
    public List<String> columns() {
        return columns;
    }

    public long seed() {
        return seed;
    }

    public int maxPoints() {
        return maxPoints;
    }

    public Shard shard() {
        return shard;
    }

    public SweepExecutor executor() {
        return executor;
    }

    public int parallelism() {
        return parallelism;
    }

    public Consumer<SweepProgress> progress() {
        return progress;
    }

    /** Points in the whole grid: the product of the parameters' value counts. */
    public long gridSize() {
        long n = 1;
        for (Axis a : axes) {
            n *= a.values().size();
            if (n > HARD_MAX_POINTS) {
                return HARD_MAX_POINTS + 1L;
            }
        }
        return n;
    }

    /** The parameters, as the columns of the table. */
    List<Param<?>> params() {
        List<Param<?>> out = new ArrayList<>();
        for (Axis a : axes) {
            out.add(Param.of(a.column(), a.values().stream().map(SweepPaths::cell).toList()));
        }
        return out;
    }

    /** The grid point at position {@code index} (the first parameter varies slowest), with its seed. */
    public Point point(int index) {
        long n = gridSize();
        if (index < 0 || index >= n) {
            throw new IllegalArgumentException("point(index): index must be in [0, " + (n - 1) + "], got " + index);
        }
        List<Object> values = new ArrayList<>(axes.size());
        List<String> key = new ArrayList<>(axes.size());
        long rest = index;
        long stride = n;
        for (Axis a : axes) {
            stride /= a.values().size();
            JsonNode v = a.values().get((int) (rest / stride));
            rest %= stride;
            values.add(SweepPaths.cell(v));
            key.add(a.path() + "=" + v);
        }
        key.sort(Comparator.naturalOrder());
        return Point.of(params(), values, index, Seeds.point(seed, String.join(",", key)));
    }

    /** The points this sweep runs: the whole grid, or its shard's, in grid order. */
    public List<Point> points() {
        checkGrid();
        List<Point> out = new ArrayList<>();
        for (int i = shard.k() - 1; i < gridSize(); i += shard.n()) {
            out.add(point(i));
        }
        return out;
    }

    private void checkGrid() {
        if (axes.isEmpty()) {
            throw new IllegalStateException("sweep '" + name + "' varies nothing: add .vary(path, values...) (an empty grid has no points)");
        }
        long n = gridSize();
        if (n > maxPoints) {
            throw new IllegalStateException("sweep '" + name + "' has " + (n > HARD_MAX_POINTS ? "more than " + HARD_MAX_POINTS : n)
                    + " points, over the limit of " + maxPoints + ": raise it with .maxPoints(" + Math.min(n, HARD_MAX_POINTS)
                    + ") (on the command line, --yes) or vary fewer values");
        }
    }

    /** The scenario that point {@code p} runs: the base with the point's values set and the point's seed. */
    public Scenario scenario(Point p) {
        ObjectNode tree = base.deepCopy();
        long n = gridSize();
        long rest = p.index();
        long stride = n;
        for (Axis a : axes) {
            stride /= a.values().size();
            SweepPaths.set(tree, a.path(), a.values().get((int) (rest / stride)));
            rest %= stride;
        }
        try {
            return ScenarioJson.read(JsonNodeReader.root(tree)).seed(p.seed());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("point " + p.index() + " (" + p + "): " + e.getMessage(), e);
        }
    }

    /** Checks that every point of the grid (or shard) makes a valid scenario, before anything is submitted. */
    public ScenarioSweep validate() {
        for (Point p : points()) {
            scenario(p);
        }
        return this;
    }

    /** Runs point {@code p}: its parameter cells, then the kept measured cells. */
    public Row measure(Point p) {
        return p.row().with(measured(p));
    }

    /** The kept measured cells of point {@code p}'s run. */
    Row measured(Point p) {
        Row summary = scenario(p).run(p.seed(), Cancellation.current()).summary();
        if (columns.isEmpty()) {
            return summary;
        }
        Row out = Row.of();
        for (String c : columns) {
            Object v = summary.get(c);
            if (v == null) {
                throw new IllegalArgumentException("column \"" + c + "\" is not in this engine's summary; columns: "
                        + summary.names());
            }
            out = out.withValue(c, v);
        }
        return out;
    }

    // --- running ------------------------------------------------------------------------------------

    /**
     * Checks the grid (size, every point's scenario), then runs it on the chosen executor and gives its table in grid
     * order.
     *
     * @throws IllegalStateException for an empty grid or one over {@link #maxPoints(int)}
     * @throws SweepInterruptedException on an interrupt, with the finished points' rows
     */
    public SweepResult run() {
        validate();
        return executor.run(this);
    }

    /** The local executor's run: the points on this machine's cores, through {@link Sweep}'s runner. */
    SweepResult runLocally() {
        List<Point> points = points();
        Sweep runner = Sweep.over(params().toArray(Param<?>[]::new)).named(name).seed(seed).parallelism(parallelism)
                .onProgress(progress);
        return runner.runPoints(points, this::measured);
    }

    /** The result of rows measured elsewhere ({@link #measure}), one per point of {@link #points()}, in that order. */
    public SweepResult result(List<Row> rows) {
        return SweepResult.of(Table.fromRows(name, rows), params(), seed);
    }

    /**
     * The error for a run stopped after some points: keeps their rows (in grid order) for
     * {@link Sweep#lastInterrupted()}, as a local sweep does.
     */
    public SweepInterruptedException interrupted(List<Row> finished) {
        SweepResult partial = SweepResult.of(finished.isEmpty() ? Table.of(name) : Table.fromRows(name, finished), params(), seed);
        return Sweep.interrupted(name, partial, points().size());
    }

    /** The error for point {@code p} whose run failed elsewhere (on an executor) with {@code message}. */
    public SweepException failed(Point p, String message) {
        return SweepException.at(p, new IllegalStateException(message));
    }

    /** The sweep as a sweep file's JSON. */
    public String toJson() {
        return SweepJson.write(this);
    }

    @Override
    public String toString() {
        return "sweep '" + name + "' of " + base.path("name").asText() + " over "
                + axes.stream().map(a -> a.path() + " " + a.values()).toList() + ", seed " + seed
                + (shard.equals(Shard.WHOLE) ? "" : ", shard " + shard) + ", on " + executor.label();
    }
}
