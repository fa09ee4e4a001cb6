package org.hmmlab.dsl;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hmmlab.dsl.results.Row;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.run.Seeds;
import org.hmmlab.sim.RandomStreams;
import org.hmmlab.sim.CancellationToken;
import org.hmmlab.sim.SimulationCancelledException;

/**
 * A parameter sweep: the cartesian product of the parameters' values in declaration order (the first
 * parameter varies slowest), each point run in parallel with its own seed, gathered into one table.
 *
 * <p>Immutable: every setter returns a new sweep. The table's rows are in declaration order whatever order
 * the points finish in, and each point's seed depends only on the sweep's seed and the point's index
 * ({@link Seeds#point}, the run layer's one stream-seed derivation), so
 * the same sweep gives the same table bit for bit on any number of cores. A sweep watches the
 * {@link Cancellation#current() current cancellation token}: a notebook interrupt stops it between points
 * (and inside a point, where the run polls the same token).
 *
 * <pre>{@code
 * var size = param("size", MiB(1), MiB(4));
 * var thr  = param("threshold", 64, 256);
 * SweepResult r = sweep(size, thr).seed(42).run(p -> Row.of().with("faults", simulate(p.get(size), p.get(thr), p.seed())));
 * }</pre>
 */
public final class Sweep {

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final String name;
    private final List<Param<?>> params;
    private final long seed;
    private final int parallelism;
    private final Consumer<SweepProgress> progress;

    private Sweep(String name, List<Param<?>> params, long seed, int parallelism, Consumer<SweepProgress> progress) {
        this.name = name;
        this.params = params;
        this.seed = seed;
        this.parallelism = parallelism;
        this.progress = progress;
    }

    /** The name of a sweep not given one with {@link #named(String)}; its charts are titled by what they draw. */
    public static final String DEFAULT_NAME = "sweep";

    /** A sweep over one or more parameters, in declaration order: {@code Sweep.over(size, threshold)}. */
    public static Sweep over(Param<?>... params) {
        if (params.length == 0) {
            throw new IllegalArgumentException("sweep(params...): give at least one parameter");
        }
        Set<String> names = new HashSet<>();
        for (Param<?> p : params) {
            Objects.requireNonNull(p, "sweep(params...): a parameter is null");
            if (!names.add(p.name())) {
                throw new IllegalArgumentException("sweep(params...): parameter '" + p.name() + "' is given twice");
            }
        }
        return new Sweep(DEFAULT_NAME, List.of(params), RandomStreams.DEFAULT_SEED, Runtime.getRuntime().availableProcessors(), p -> { });
    }

    /** The same sweep under a name, which titles its table: {@code .named("threshold sweep")}. */
    public Sweep named(String title) {
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("named(title): title must be non-empty text");
        }
        return new Sweep(title, params, seed, parallelism, progress);
    }

    /** The sweep's seed, from which every point's seed is derived: {@code .seed(42)}. */
    public Sweep seed(long sweepSeed) {
        return new Sweep(name, params, sweepSeed, parallelism, progress);
    }

    /**
     * How many points run at once, in [1, 1024]; the default is the number of cores. The result does not
     * depend on it.
     */
    public Sweep parallelism(int threads) {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("parallelism(threads): threads must be in [1, 1024], got " + threads);
        }
        return new Sweep(name, params, seed, threads, progress);
    }

    /**
     * Calls {@code listener} on the calling thread after each point finishes:
     * {@code .onProgress(p -> System.out.println(p.line()))}.
     */
    public Sweep onProgress(Consumer<SweepProgress> listener) {
        return new Sweep(name, params, seed, parallelism, Objects.requireNonNull(listener, "onProgress(listener)"));
    }

    public List<Param<?>> params() {
        return params;
    }

    public long seed() {
        return seed;
    }

    /** Number of points: the product of the parameters' sizes. */
    public int size() {
        long n = 1;
        for (Param<?> p : params) {
            n *= p.size();
            if (n > 1_000_000) {
                throw new IllegalStateException("sweep has more than 1,000,000 points; split it");
            }
        }
        return (int) n;
    }

    /** The points in declaration order, each with its seed. */
    public List<Point> points() {
        int n = size();
        List<Point> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<Object> values = new ArrayList<>(params.size());
            int rest = i;
            int stride = n;
            for (Param<?> p : params) {
                stride /= p.size();
                values.add(p.values().get(rest / stride));
                rest %= stride;
            }
            out.add(new Point(params, List.copyOf(values), i, Seeds.point(seed, i)));
        }
        return out;
    }

    /**
     * Runs {@code measure} at every point, in parallel, and gathers one row per point: the parameter
     * columns first, then the measured cells.
     *
     * @throws SweepException when a point fails, naming the point (the other points are abandoned)
     * @throws SimulationCancelledException when the current cancellation token is cancelled
     */
    public SweepResult run(Function<Point, Row> measure) {
        Objects.requireNonNull(measure, "run(measure)");
        return runPoints(points(), measure);
    }

    /**
     * Runs {@code measure} at the given points (a whole grid, or one shard of it), in parallel; the rows come back in
     * the order of {@code points}. A point's {@link Point#index()} is its position in the whole grid, so a shard's
     * points are found in {@code points} by their position in that list, not by their index.
     */
    public SweepResult runPoints(List<Point> points, Function<Point, Row> measure) {
        Objects.requireNonNull(measure, "runPoints(points, measure)");
        CancellationToken token = Cancellation.current();
        List<Point> slots = new ArrayList<>(points.size());
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            slots.add(new Point(params, p.values(), i, p.seed())); // positions in this list, for the arrays below
        }
        Row[] rows = new Row[slots.size()];
        boolean[] finished = new boolean[slots.size()];
        Function<Point, Row> measureAt = slot -> measure.apply(points.get(slot.index()));
        try {
            if (parallelism == 1 || slots.size() == 1) {
                for (Point p : slots) {
                    token.throwIfCancelled();
                    rows[p.index()] = measureOne(measureAt, p, points.get(p.index()));
                    finished[p.index()] = true;
                    progress.accept(new SweepProgress(p.index() + 1, slots.size(), points.get(p.index())));
                }
            } else {
                runParallel(measureAt, token, slots, rows, finished, points);
            }
            token.throwIfCancelled();
        } catch (SimulationCancelledException e) {
            throw interrupted(rows, finished);
        }
        return new SweepResult(Table.fromRows(name, List.of(rows)), params, seed);
    }

    /** The rows of an interrupted sweep's finished points, in point order, kept for {@link #lastInterrupted()}. */
    private SweepInterruptedException interrupted(Row[] rows, boolean[] finished) {
        List<Row> kept = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            if (finished[i]) {
                kept.add(rows[i]);
            }
        }
        SweepResult partial = new SweepResult(kept.isEmpty() ? Table.of(name) : Table.fromRows(name, kept), params, seed);
        LAST_INTERRUPTED.set(partial);
        return new SweepInterruptedException(name, partial, kept.size(), rows.length);
    }

    private static final AtomicReference<SweepResult> LAST_INTERRUPTED = new AtomicReference<>();

    /**
     * The error for a sweep that another executor ran and that was interrupted after {@code partial}'s rows of
     * {@code points}: keeps the rows for {@link #lastInterrupted()}, as a local sweep does.
     */
    public static SweepInterruptedException interrupted(String sweep, SweepResult partial, int points) {
        LAST_INTERRUPTED.set(partial);
        return new SweepInterruptedException(sweep, partial, partial.table().rowCount(), points);
    }

    /**
     * The finished points of the last sweep that was interrupted, on any thread of this JVM (a notebook cell's
     * interrupt leaves no variable behind, so the rows wait here): {@code Sweep.lastInterrupted().get().table()}.
     * Empty until a sweep is interrupted.
     */
    public static Optional<SweepResult> lastInterrupted() {
        return Optional.ofNullable(LAST_INTERRUPTED.get());
    }

    private void runParallel(Function<Point, Row> measure, CancellationToken token, List<Point> points, Row[] rows,
            boolean[] finishedPoints, List<Point> reported) {
        int threads = Math.min(parallelism, points.size());
        int pool = POOLS.incrementAndGet();
        AtomicInteger serial = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "hmmlab-sweep-" + pool + "-" + serial.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ExecutorService executor = Executors.newFixedThreadPool(threads, tf);
        try {
            CompletionService<Point> done = new ExecutorCompletionService<>(executor);
            for (Point p : points) {
                done.submit(() -> {
                    token.throwIfCancelled();
                    rows[p.index()] = measureOne(measure, p, reported.get(p.index()));
                    return p;
                });
            }
            int finished = 0;
            while (finished < points.size()) {
                Future<Point> f = done.poll(50, TimeUnit.MILLISECONDS);
                if (f == null) {
                    token.throwIfCancelled();
                    continue;
                }
                Point p = f.get();
                finishedPoints[p.index()] = true; // the completion service's hand-off publishes rows[p.index()]
                finished++;
                progress.accept(new SweepProgress(finished, points.size(), reported.get(p.index())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SimulationCancelledException();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } finally {
            executor.shutdownNow();
        }
    }

    /** Measures at {@code p}; a failure names {@code shown}, the point as the user's grid numbers it. */
    private static Row measureOne(Function<Point, Row> measure, Point p, Point shown) {
        Row measured;
        try {
            measured = measure.apply(p);
        } catch (SimulationCancelledException | SweepException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SweepException(shown, e);
        }
        if (measured == null) {
            throw new SweepException(shown, new NullPointerException("the measure function returned null instead of a Row"));
        }
        try {
            return p.row().with(measured);
        } catch (IllegalArgumentException e) {
            throw new SweepException(shown, new IllegalArgumentException(
                    "a measured cell has the name of a parameter column: " + e.getMessage(), e));
        }
    }

    @Override
    public String toString() {
        return "sweep '" + name + "' over " + params + ", seed " + seed;
    }
}
