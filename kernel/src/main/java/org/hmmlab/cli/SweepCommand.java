package org.hmmlab.cli;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.hmmlab.dsl.Cancellation;
import org.hmmlab.dsl.grid.ScenarioSweep;
import org.hmmlab.dsl.grid.Shard;
import org.hmmlab.dsl.SweepException;
import org.hmmlab.dsl.grid.SweepExecutor;
import org.hmmlab.dsl.grid.SweepExecutors;
import org.hmmlab.dsl.SweepInterruptedException;
import org.hmmlab.dsl.SweepResult;
import org.hmmlab.dsl.json.JsonFormatException;
import org.hmmlab.dsl.grid.SweepJson;
import org.hmmlab.dsl.grid.SweepOutput;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.sim.CancellationToken;

/**
 * {@code ./hmmlab sweep FILE.json [--on local|spark[:MASTER]] [--shard k/N] [--out DIR] [--yes] [--conf spark.K=V]}:
 * runs a sweep file ({@link SweepJson}) and prints its table, with a progress line on stderr; and
 * {@code ./hmmlab sweep merge DIR... [--out DIR]}, which joins shards' output folders into one table.
 *
 * <p>Everything that can be refused is refused before a point runs: the arguments, the file (every value checked
 * against the scenario, named by its path), a grid over its point limit without {@code --yes}, a Spark master that
 * does not answer, an output folder that is already in use. {@code --out} appears whole or not at all
 * ({@link SweepOutput}); on Ctrl-C the job is cancelled and the finished points' rows are still written there. Exit
 * status: 0 done, 1 the sweep failed or was stopped, 2 a usage error.
 */
public final class SweepCommand {

    private SweepCommand() {
    }

    public static void main(String[] args) {
        // The command's own messages go to the process's stderr directly, so that a Ctrl-C can quiet System.err (see below).
        PrintStream stderr = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true,
                java.nio.charset.StandardCharsets.UTF_8);
        int status = run(args, System.out, stderr, true);
        System.exit(status);
    }

    /** Runs the command; returns its exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, false);
    }

    /** Runs the command; {@code console}: {@code err} is the process's own stderr, and a terminal may be there. */
    static int run(String[] args, PrintStream out, PrintStream err, boolean console) {
        if (args.length > 0 && args[0].equals("merge")) {
            return merge(List.of(args).subList(1, args.length), out, err);
        }
        if (args.length > 0 && args[0].equals("bench")) {
            return org.hmmlab.spark.SweepBench.run(List.of(args).subList(1, args.length), out, err);
        }
        Path file = null;
        String on = "local";
        Shard shard = Shard.WHOLE;
        Path dir = null;
        boolean yes = false;
        List<String[]> conf = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--on" -> on = value(args, ++i, "--on needs local, spark or spark:MASTER");
                    case "--shard" -> shard = Shard.parse(value(args, ++i, "--shard needs k/N, such as 2/3"));
                    case "--out" -> dir = Path.of(value(args, ++i, "--out needs a folder"));
                    case "--yes" -> yes = true;
                    case "--conf" -> {
                        String kv = value(args, ++i, "--conf needs spark.KEY=VALUE");
                        int eq = kv.indexOf('=');
                        if (!kv.startsWith("spark.") || eq < 0) {
                            throw new IllegalArgumentException("--conf needs spark.KEY=VALUE, got '" + kv + "'");
                        }
                        conf.add(new String[] {kv.substring(0, eq), kv.substring(eq + 1)});
                    }
                    case "-h", "--help" -> {
                        usage(out, null);
                        return 0;
                    }
                    default -> {
                        if (args[i].startsWith("--") || file != null) {
                            throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
                        }
                        file = Path.of(args[i]);
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        if (file == null) {
            return usage(err, "give a sweep file");
        }
        if (!Files.isRegularFile(file)) {
            err.println("hmmlab sweep: " + file + ": no such file");
            return 2;
        }
        String name = file.getFileName().toString();
        for (String[] kv : conf) {
            System.setProperty(kv[0], kv[1]); // SparkConf reads spark.* system properties
        }
        ScenarioSweep sweep;
        SweepExecutor executor;
        try {
            executor = SweepExecutors.named(on);
            sweep = SweepJson.read(file).shard(shard).on(executor);
            if (sweep.gridSize() > sweep.maxPoints()) {
                if (!yes) {
                    err.println(name + ": the grid has " + sweep.gridSize() + " points, over the limit of " + sweep.maxPoints()
                            + "; run it anyway with --yes (or raise \"maxPoints\" in the file)");
                    return 1;
                }
                sweep = sweep.maxPoints(ScenarioSweep.HARD_MAX_POINTS);
            }
            if (dir != null) {
                SweepOutput.checkFree(dir);
            }
            sweep.validate();
        } catch (JsonFormatException e) {
            err.println(name + ": " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            err.println(name + ": " + e.getMessage());
            return 1;
        }
        int points = sweep.points().size();
        err.println("hmmlab sweep: '" + sweep.name() + "', " + points + " points"
                + (shard.equals(Shard.WHOLE) ? "" : " (shard " + shard + " of a grid of " + sweep.gridSize() + ")")
                + " on " + executor.label());
        boolean terminal = console && System.console() != null;
        sweep = sweep.onProgress(new TerminalProgress(sweep.name(), err, terminal));
        CancellationToken token = Cancellation.begin();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            token.cancel();
            if (console) {
                // Ctrl-C also runs Spark's own shutdown hook, which stops the session under the job being cancelled and
                // logs each task it can no longer launch as an error. Those lines are Spark's, not the user's: this
                // command's own messages go to the stream it was given; the rest of stderr is quiet from here on.
                System.setErr(new PrintStream(java.io.OutputStream.nullOutputStream()));
            }
            try {
                finished.await(30, TimeUnit.SECONDS); // let the kept rows reach --out before the JVM ends
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "hmmlab-sweep-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean spark = executor.label().startsWith("spark");
        long start = System.nanoTime();
        try {
            SweepResult r = sweep.run();
            double seconds = (System.nanoTime() - start) / 1e9;
            err.printf("hmmlab sweep: %d points in %.1f s (%.1f points/s)%n", points, seconds, points / seconds);
            out.println(r.table().toText());
            if (dir != null) {
                Path written = SweepOutput.write(dir, sweep, r.table(), staging -> {
                    if (spark) {
                        SparkOutput.parquet(r, staging.resolve("parquet"));
                    }
                });
                err.println("hmmlab sweep: wrote " + written + " (" + SweepOutput.ROWS_CSV + ", " + SweepOutput.ROWS_JSON
                        + (spark ? ", parquet/" : "") + ")");
            }
            return 0;
        } catch (SweepInterruptedException e) {
            Table kept = e.partial().table();
            err.println(name + ": interrupted; " + kept.rowCount() + " of " + points + " points finished");
            if (dir != null && kept.rowCount() > 0) {
                Path written = SweepOutput.writePartial(dir, sweep, e.partial());
                err.println("hmmlab sweep: wrote the finished points' rows to " + written
                        + " (merge lists the points still missing)");
            }
            return 1;
        } catch (SweepException e) {
            err.println(name + ": " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            err.println(name + ": " + e.getMessage());
            return 1;
        } finally {
            if (spark) {
                SparkOutput.stop();
            }
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: the JVM is exiting anyway
            }
        }
    }

    private static String value(String[] args, int i, String missing) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(missing);
        }
        return args[i];
    }

    static int merge(List<String> args, PrintStream out, PrintStream err) {
        List<Path> dirs = new ArrayList<>();
        Path outDir = null;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--out")) {
                if (i + 1 >= args.size()) {
                    return usage(err, "--out needs a folder");
                }
                outDir = Path.of(args.get(++i));
            } else if (args.get(i).startsWith("--")) {
                return usage(err, "unexpected argument '" + args.get(i) + "'");
            } else {
                dirs.add(Path.of(args.get(i)));
            }
        }
        if (dirs.isEmpty()) {
            return usage(err, "merge needs the shards' output folders");
        }
        try {
            if (outDir != null) {
                SweepOutput.checkFree(outDir);
            }
            SweepOutput.Merged m = SweepOutput.merge(dirs);
            out.println(m.table().toText());
            err.println("hmmlab sweep merge: " + dirs.size() + " shards, " + m.table().rowCount() + " points, none missing or doubled");
            if (outDir != null) {
                err.println("hmmlab sweep merge: wrote " + SweepOutput.write(outDir, m.sweep(), m.table()));
            }
            return 0;
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println("hmmlab sweep " + e.getMessage());
            return 1;
        }
    }

    private static int usage(PrintStream s, String problem) {
        if (problem != null) {
            s.println("hmmlab sweep: " + problem);
        }
        s.println("usage: ./hmmlab sweep FILE.json [--on local|spark[:MASTER]] [--shard k/N] [--out DIR] [--yes] [--conf spark.K=V]");
        s.println("       ./hmmlab sweep merge DIR... [--out DIR]");
        s.println("       ./hmmlab sweep bench [--json]");
        s.println("  --on       local (the default: this machine's cores), spark (embedded, local[*]),");
        s.println("             spark:spark://host:7077 (standalone), spark:k8s://https://host:port (Kubernetes)");
        s.println("  --shard    run shard k of N (every N-th point), for a job array; merge joins the shards");
        s.println("  --out DIR  write rows.csv, rows.json (and parquet/ on Spark) into DIR, which must not exist or be empty");
        s.println("  --yes      run a grid larger than its point limit (10000 unless the file says \"maxPoints\")");
        s.println("  --conf     a Spark setting, such as spark.driver.host=10.0.0.2 for a cluster on other machines");
        return problem == null ? 0 : 2;
    }
}
