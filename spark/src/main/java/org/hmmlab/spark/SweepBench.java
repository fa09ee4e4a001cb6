package org.hmmlab.spark;

import static org.hmmlab.dsl.Lab.A100_PCIE4;
import static org.hmmlab.dsl.Lab.MiB;
import static org.hmmlab.dsl.Lab.RESIDENCY_MODEL;
import static org.hmmlab.dsl.Lab.accessCounters;
import static org.hmmlab.dsl.Lab.kernel;
import static org.hmmlab.dsl.Lab.onDemand;
import static org.hmmlab.dsl.Lab.phase;
import static org.hmmlab.dsl.Lab.scenario;
import static org.hmmlab.dsl.grid.Grids.sweep;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hmmlab.dsl.Scenario;
import org.hmmlab.dsl.grid.ScenarioSweep;
import org.hmmlab.dsl.json.Json;

/**
 * {@code ./hmmlab sweep bench [--json]}: points per second of the same grid on the local executor and on Spark
 * {@code local[*]}, for small points (a few milliseconds each) and large ones (about a second each on the residency model, 2 GiB scanned 8 times), so a user can
 * tell when Spark pays on one machine. Both are timed warm (each grid run once on each first); Spark's session start
 * is timed apart: it is paid once per JVM.
 */
public final class SweepBench {

    private SweepBench() {
    }

    /** A grid of {@code n} points of {@code base}: thresholds by warps. */
    static ScenarioSweep grid(Scenario base, int thresholds, int warps) {
        List<Object> t = new ArrayList<>();
        for (int i = 0; i < thresholds; i++) {
            t.add(1 << i);
        }
        List<Object> w = new ArrayList<>();
        for (int i = 0; i < warps; i++) {
            w.add(8 * (i + 1));
        }
        return sweep(base).vary("policy.placement.threshold", t).vary("phases.scan.warps", w)
                .columns("faults", "evictions", "pages_to_device").seed(1).maxPoints(100_000);
    }

    static Scenario base(int mib, int passes) {
        return scenario("scan").on(A100_PCIE4).vram(MiB(mib / 2)).engine(RESIDENCY_MODEL)
                .policy(onDemand().placement(accessCounters().threshold(4)))
                .alloc("x", MiB(mib))
                .cpu(phase("init").writes("x"))
                .gpu(kernel("scan").reads("x").passes(passes).warps(64));
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        boolean json = args.contains("--json");
        Map<String, ScenarioSweep> grids = new LinkedHashMap<>();
        grids.put("small", grid(base(16, 2), 12, 20));   // 240 points
        grids.put("large", grid(base(2048, 8), 4, 4));   // 16 points
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        long t0 = System.nanoTime();
        Spark.session(Spark.DEFAULT_MASTER);
        double start = (System.nanoTime() - t0) / 1e9;
        figures.put("spark_session_start_s", round(start));
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "spark local[*] session start: %.1f s (once per JVM)%n", start));
        try {
            for (var g : grids.entrySet()) {
                ScenarioSweep s = g.getValue();
                int n = s.points().size();
                s.run(); // warm the JIT on the engine's code paths, then Spark's job path, before timing either
                s.on(Spark.local()).run();
                double local = pointsPerSecond(s, n);
                double spark = pointsPerSecond(s.on(Spark.local()), n);
                figures.put(g.getKey() + "_points", n);
                figures.put(g.getKey() + "_local_points_per_s", round(local));
                figures.put(g.getKey() + "_spark_points_per_s", round(spark));
                text.append(String.format(Locale.ROOT, "%s points (%d): local %.1f points/s, spark local[*] %.1f points/s%n",
                        g.getKey(), n, local, spark));
            }
        } finally {
            Spark.stop();
        }
        if (json) {
            out.println(Json.write(Json.mapper().valueToTree(figures)));
        } else {
            out.print(text);
        }
        return 0;
    }

    private static double pointsPerSecond(ScenarioSweep s, int n) {
        long t = System.nanoTime();
        s.run();
        return n / ((System.nanoTime() - t) / 1e9);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
