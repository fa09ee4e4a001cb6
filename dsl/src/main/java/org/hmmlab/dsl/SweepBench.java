package org.hmmlab.dsl;

import java.lang.management.ManagementFactory;
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
 * The {@code sweep} suite of {@code ./hmmlab bench}: the same sweep (eight on-demand streaming runs of 1 GiB under
 * UVM's defaults, each point its own simulator) run on one thread and on two, best of five each, alternated, and the
 * speed-up. Points share nothing mutable, so the speed-up is bounded by the cores the machine gives the two threads:
 * with other processes runnable it cannot reach 2, which is why the bench prints the load average beside it
 * ({@link org.hmmlab.bench.Bench}).
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
        // points long enough (about 50 ms of host time each) that a thread pool's start and the timer do not count
        Bytes size = quick ? Bytes.MiB(16) : Bytes.GiB(1);
        Sweep sweep = Sweep.over(Param.of("point", List.of(0, 1, 2, 3, 4, 5, 6, 7))).named("sweep bench");
        // warm the JIT on both paths first: a sweep's first points otherwise measure compilation
        time(sweep.parallelism(2), size);
        time(sweep.parallelism(1), size);
        long[] one = {Long.MAX_VALUE, 0};
        long[] two = {Long.MAX_VALUE, 0};
        for (int i = 0; i < (quick ? 1 : 5); i++) {
            keepBest(one, time(sweep.parallelism(1), size));
            keepBest(two, time(sweep.parallelism(2), size));
        }
        boolean twoCores = Runtime.getRuntime().availableProcessors() >= 2;
        return List.of(
                new Figure("sweep_8_points_1_thread_ms", one[0] / 1e6, "ms", false, Double.NaN),
                new Figure("sweep_8_points_2_threads_ms", two[0] / 1e6, "ms", false, Double.NaN),
                new Figure("sweep_speedup_2_cores_over_1", (double) one[0] / two[0], "ratio", true,
                        twoCores ? 1.8 : Double.NaN),
                // what the speed-up is made of: the work (CPU time) two threads spend against one, and how many
                // cores the machine gave the two threads (CPU time over wall time; 2 on an idle machine)
                new Figure("sweep_cpu_time_2_threads_over_1", (double) two[1] / one[1], "ratio", false, Double.NaN),
                new Figure("sweep_cores_given_2_threads", (double) two[1] / two[0], "cores", true, Double.NaN));
    }

    /** Keeps in {@code best} the run ({wall, cpu} nanoseconds) with the shorter wall time. */
    private static void keepBest(long[] best, long[] run) {
        if (run[0] < best[0]) {
            best[0] = run[0];
            best[1] = run[1];
        }
    }

    /** Wall and process CPU nanoseconds one run of {@code sweep} takes, each point a streaming run over {@code size}. */
    private static long[] time(Sweep sweep, Bytes size) {
        Workload w = Workload.of(List.of(new Allocation("x", size)),
                List.of(Phase.gpu("stream", "x", Patterns.sequential(), size, size.pagesCeil()).withConcurrency(2048)));
        long c0 = cpuNanos();
        long t0 = System.nanoTime();
        sweep.run(p -> {
            var r = Experiment.of(Platforms.A100_PCIE4, w, Policies::uvmDefaults).withSeed(p.seed()).run();
            return Row.of().with("sim_time_ns", r.simTime().nanos());
        });
        return new long[] {System.nanoTime() - t0, cpuNanos() - c0};
    }

    /** CPU time of this process so far, every thread; 0 where the JDK does not say. */
    private static long cpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
    }
}
