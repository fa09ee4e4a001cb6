package org.hmmlab.dsl;

import java.util.List;

import org.hmmlab.bench.BenchSuite;
import org.hmmlab.bench.Figure;
import org.hmmlab.dsl.results.Row;
import org.hmmlab.platform.Platforms;
import org.hmmlab.policy.Policies;
import org.hmmlab.run.Experiment;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;

/**
 * The {@code sweep} suite of {@code ./hmmlab bench}: the same sweep (eight on-demand streaming runs of 128 MiB
 * under UVM's defaults, each point its own simulator) run on one thread and on two, and the speed-up. Points share
 * nothing mutable, so the speed-up is bounded by the cores the machine gives the two threads; the suite reports
 * the load average beside it ({@link org.hmmlab.bench.Bench}).
 */
public final class SweepBench implements BenchSuite {

    /** Points in the sweep. */
    static final int POINTS = 8;

    @Override
    public String name() {
        return "sweep";
    }

    @Override
    public List<Figure> run(boolean quick) {
        Bytes size = quick ? Bytes.MiB(16) : Bytes.MiB(128);
        Sweep sweep = Sweep.over(Param.of("point", List.of(0, 1, 2, 3, 4, 5, 6, 7))).named("sweep bench");
        // warm the JIT on both paths first: a sweep's first points otherwise measure compilation
        time(sweep.parallelism(2), size);
        time(sweep.parallelism(1), size);
        long one = Long.MAX_VALUE;
        long two = Long.MAX_VALUE;
        for (int i = 0; i < (quick ? 1 : 3); i++) {
            one = Math.min(one, time(sweep.parallelism(1), size));
            two = Math.min(two, time(sweep.parallelism(2), size));
        }
        boolean twoCores = Runtime.getRuntime().availableProcessors() >= 2;
        return List.of(
                new Figure("sweep_8_points_1_thread_ms", one / 1e6, "ms", false, Double.NaN),
                new Figure("sweep_8_points_2_threads_ms", two / 1e6, "ms", false, Double.NaN),
                new Figure("sweep_speedup_2_cores_over_1", (double) one / two, "ratio", true,
                        twoCores ? 1.8 : Double.NaN));
    }

    /** Host nanoseconds one run of {@code sweep} takes, each point a streaming run over {@code size}. */
    private static long time(Sweep sweep, Bytes size) {
        Workload w = Workload.of(List.of(new Allocation("x", size)),
                List.of(Phase.gpu("stream", "x", Patterns.sequential(), size, size.pagesCeil()).withConcurrency(2048)));
        long t0 = System.nanoTime();
        sweep.run(p -> {
            var r = Experiment.of(Platforms.A100_PCIE4, w, Policies::uvmDefaults).withSeed(p.seed()).run();
            return Row.of().with("sim_time_ns", r.simTime().nanos());
        });
        return System.nanoTime() - t0;
    }
}
