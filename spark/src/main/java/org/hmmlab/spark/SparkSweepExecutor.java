package org.hmmlab.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.VoidFunction;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.hmmlab.dsl.Cancellation;
import org.hmmlab.dsl.Point;
import org.hmmlab.dsl.grid.ScenarioSweep;
import org.hmmlab.dsl.grid.SweepExecutor;
import org.hmmlab.dsl.SweepProgress;
import org.hmmlab.dsl.SweepResult;
import org.hmmlab.dsl.grid.SweepJson;
import org.hmmlab.dsl.results.Row;
import org.hmmlab.sim.CancellationToken;

/**
 * Runs a {@link ScenarioSweep} as one Spark job: the grid positions of its points are the job's data, cut into a few
 * partitions per core; each task reads the sweep (shipped as its JSON, the lab's jars on the executors' class path),
 * runs its points and hands their rows back through an accumulator, which Spark merges once for each task that
 * finishes. So a progress line counts finished tasks, and an interrupt cancels the job and still keeps the rows of
 * every task that had finished.
 *
 * <pre>{@code sweep.on("spark:spark://127.0.0.1:7077").run()}</pre>
 */
final class SparkSweepExecutor implements SweepExecutor {

    /** Partitions per core of the cluster: enough for an even spread and a progress line that moves. */
    private static final int PARTITIONS_PER_CORE = 4;

    private final String master;

    SparkSweepExecutor(String master) {
        Spark.checkMaster(master);
        this.master = master;
    }

    @Override
    public String label() {
        return "spark " + master;
    }

    /** One point's row on its way back from an executor: its grid position and its cells, or what went wrong. */
    record PointRow(int index, String[] names, Object[] values, String error) implements Serializable {
    }

    @Override
    public SweepResult run(ScenarioSweep sweep) {
        List<Point> points = sweep.points();
        SparkSession spark = Spark.session(master);
        if (sweep.toJson().contains("\"javascript\"")) {
            Spark.shipJavaScript();
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Integer> indexes = points.stream().map(Point::index).toList();
        int slices = Math.max(1, Math.min(indexes.size(), jsc.defaultParallelism() * PARTITIONS_PER_CORE));
        JavaRDD<Integer> rdd = jsc.parallelize(indexes, slices);
        CollectionAccumulator<PointRow> rows = jsc.sc().collectionAccumulator("hmmlab sweep rows");
        String group = "hmmlab-sweep-" + System.nanoTime();
        jsc.setJobGroup(group, "hmmlab sweep '" + sweep.name() + "' (" + indexes.size() + " points)", true);
        CancellationToken token = Cancellation.current();
        JavaFutureAction<Void> job = rdd.foreachPartitionAsync(new RunPoints(sweep.toJson(), rows));
        Map<Integer, Point> byIndex = new TreeMap<>();
        points.forEach(p -> byIndex.put(p.index(), p));
        int reported = 0;
        try {
            while (true) {
                try {
                    job.get(100, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException e) {
                    // not done yet: report progress, watch for an interrupt or a failed point
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    token.cancel();
                }
                List<PointRow> now = rows.value();
                reported = report(sweep, byIndex, now, reported);
                failIfAny(sweep, byIndex, now, job);
                if (token.isCancelled()) {
                    cancelAndWait(jsc, job);
                    throw sweep.interrupted(ordered(rows.value(), byIndex));
                }
            }
        } catch (ExecutionException e) {
            if (token.isCancelled()) {
                cancelAndWait(jsc, job);
                throw sweep.interrupted(ordered(rows.value(), byIndex));
            }
            failIfAny(sweep, byIndex, rows.value(), job);
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new IllegalStateException("sweep '" + sweep.name() + "' failed on spark " + master + ": " + root.getMessage(), e);
        } finally {
            jsc.clearJobGroup();
        }
        List<PointRow> all = rows.value();
        report(sweep, byIndex, all, reported);
        failIfAny(sweep, byIndex, all, job);
        List<Row> ordered = ordered(all, byIndex);
        if (ordered.size() != points.size()) {
            throw new IllegalStateException("sweep '" + sweep.name() + "' on spark " + master + ": " + ordered.size() + " of "
                    + points.size() + " points came back");
        }
        return sweep.result(ordered);
    }

    private static int report(ScenarioSweep sweep, Map<Integer, Point> byIndex, List<PointRow> now, int reported) {
        for (int i = reported; i < now.size(); i++) {
            sweep.progress().accept(new SweepProgress(i + 1, byIndex.size(), byIndex.get(now.get(i).index())));
        }
        return Math.max(reported, now.size());
    }

    private static void failIfAny(ScenarioSweep sweep, Map<Integer, Point> byIndex, List<PointRow> now, JavaFutureAction<Void> job) {
        for (PointRow r : now) {
            if (r.error() != null) {
                cancelAndWait(null, job); // a failed point: the session is not stopped after this, so waiting for the job suffices
                throw sweep.failed(byIndex.get(r.index()), r.error());
            }
        }
    }

    /**
     * Cancels the job and waits (up to 10 s) until Spark has wound it down, so the session can be stopped next without
     * Spark complaining that it cannot launch a task it had queued.
     */
    private static void cancelAndWait(JavaSparkContext jsc, JavaFutureAction<Void> job) {
        job.cancel(true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            boolean idle = jsc == null || jsc.statusTracker().getActiveStageIds().length == 0;
            if (job.isDone() && idle) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The rows in grid order, each point once (a task Spark ran twice hands its rows in once). */
    private static List<Row> ordered(List<PointRow> rows, Map<Integer, Point> byIndex) {
        Map<Integer, Row> sorted = new TreeMap<>();
        for (PointRow r : rows) {
            if (r.error() == null && byIndex.containsKey(r.index())) {
                Row row = Row.of();
                for (int i = 0; i < r.names().length; i++) {
                    row = row.withValue(r.names()[i], r.values()[i]);
                }
                sorted.putIfAbsent(r.index(), row);
            }
        }
        return new ArrayList<>(sorted.values());
    }

    /** A task: reads the sweep once, runs its points, hands each row to the accumulator; stops when Spark kills it. */
    static final class RunPoints implements VoidFunction<Iterator<Integer>> {

        private static final long serialVersionUID = 1L;

        private final String sweepJson;
        private final CollectionAccumulator<PointRow> rows;

        RunPoints(String sweepJson, CollectionAccumulator<PointRow> rows) {
            this.sweepJson = sweepJson;
            this.rows = rows;
        }

        @Override
        public void call(Iterator<Integer> indexes) {
            ScenarioSweep sweep = SweepJson.read(sweepJson, null).maxPoints(ScenarioSweep.HARD_MAX_POINTS);
            TaskContext task = TaskContext.get();
            while (indexes.hasNext()) {
                if (task != null && task.isInterrupted()) {
                    throw new org.apache.spark.TaskKilledException("sweep cancelled");
                }
                int i = indexes.next();
                Point p = sweep.point(i);
                try {
                    Row row = sweep.measure(p);
                    String[] names = row.names().toArray(String[]::new);
                    Object[] values = row.cells().stream().map(Row.Cell::value).toArray();
                    rows.add(new PointRow(i, names, values, null));
                } catch (org.hmmlab.sim.SimulationCancelledException e) {
                    // Embedded (local[*]), the executor watches the caller's token: an interrupt stops the point in the
                    // middle. Spark takes a killed task quietly; any other exception it logs as an error.
                    throw new org.apache.spark.TaskKilledException("sweep cancelled");
                } catch (RuntimeException e) {
                    rows.add(new PointRow(i, null, null, e.getClass().getSimpleName() + ": " + e.getMessage()));
                    return;
                }
            }
        }
    }

    @Override
    public String toString() {
        return label();
    }
}
