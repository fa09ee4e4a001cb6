package org.hmmlab.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.hmmlab.device.CpuAgent;
import org.hmmlab.device.FaultPath;
import org.hmmlab.device.Gpu;
import org.hmmlab.device.HostMemory;
import org.hmmlab.hostmm.MmHostMemory;
import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.RunMetrics;
import org.hmmlab.metrics.RunResult;
import org.hmmlab.metrics.TraceWriter;
import org.hmmlab.pcie.PcieLink;
import org.hmmlab.platform.Platform;
import org.hmmlab.policy.MigrationPolicy;
import org.hmmlab.sim.CancellationToken;
import org.hmmlab.sim.EventPhase;
import org.hmmlab.sim.RandomStreams;
import org.hmmlab.sim.Simulator;
import org.hmmlab.units.SimDuration;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Free;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.UserPrefetch;
import org.hmmlab.workload.Workload;

/**
 * One run of the timing model: a platform, a workload (allocations, CPU/GPU phases and frees), a driver policy, a
 * fault path and a seed. The single entry point the DSL calls; immutable, every {@code with...} returns a new value.
 *
 * <pre>{@code
 * RunResult r = Experiment.of(Platforms.A100_PCIE4, workload, Policies::uvmDefaults).withSeed(42).run();
 * }</pre>
 *
 * <p>Every allocation is mapped when the run starts; a {@link Free} of the workload unmaps it at its point in the
 * phase sequence through the host memory ({@link HostMemory#unmap}, munmap), which the GPU sees as an
 * MMU_NOTIFY_UNMAP invalidation. It shows in the phase timings as a row {@code "free <allocation>"} run by the cpu,
 * lasting the invalidation's confirmation time.
 *
 * <p>The policy is a supplier because a policy holds the run's mutable state (LRU lists, counters): each run
 * gets a fresh one. The same experiment run twice gives the same {@link RunResult#fingerprint()}.
 *
 * @param platform  host, link and GPU
 * @param workload  allocations and phases, run in order
 * @param policy    makes a fresh driver policy for the run
 * @param faultPath replayable fault buffer (UVM) or ATS/PRI
 * @param seed      seeds every random stream of the run
 * @param bucket    width of the bandwidth-over-time buckets
 * @param trace     where to write the JSON-lines event trace, or null for none
 * @param host      makes the run's host memory: the functional core ({@link MmHostMemory}, the default)
 * @param cancel    the token the run watches (the simulator polls it); a front end passes the one it cancels on
 *                  an interrupt
 */
public record Experiment(Platform platform, Workload workload, Supplier<MigrationPolicy> policy, FaultPath faultPath,
                         long seed, SimDuration bucket, Appendable trace, Supplier<HostMemory> host,
                         CancellationToken cancel) {

    public Experiment {
        if (platform == null || workload == null || policy == null || faultPath == null || bucket == null
                || host == null || cancel == null) {
            throw new IllegalArgumentException(
                    "experiment: platform, workload, policy, faultPath, bucket, host and cancel must be set");
        }
        if (bucket.nanos() < 1) {
            throw new IllegalArgumentException("experiment bucket must be >= 1 ns; got " + bucket);
        }
        for (Phase p : workload.phases()) {
            if (!p.agent().isCpu() && p.agent().index() != 0) {
                throw new IllegalArgumentException("phase '" + p.name() + "': agent " + p.agent()
                        + " is not on this platform, which has one GPU (gpu0)");
            }
        }
    }

    /**
     * An experiment with the replayable fault buffer, the default seed, 10 us buckets, no trace, on the
     * functional core's address space, watching a token nobody cancels.
     */
    public static Experiment of(Platform platform, Workload workload, Supplier<MigrationPolicy> policy) {
        return new Experiment(platform, workload, policy, FaultPath.REPLAYABLE_BUFFER, RandomStreams.DEFAULT_SEED,
                SimDuration.us(10), null, MmHostMemory::new, new CancellationToken());
    }

    /** Runs on host memory made by {@code h}, for example an {@link MmHostMemory} over a prepared process. */
    public Experiment withHostMemory(Supplier<HostMemory> h) {
        return new Experiment(platform, workload, policy, faultPath, seed, bucket, trace, h, cancel);
    }

    public Experiment withSeed(long s) {
        return new Experiment(platform, workload, policy, faultPath, s, bucket, trace, host, cancel);
    }

    public Experiment withFaultPath(FaultPath p) {
        return new Experiment(platform, workload, policy, p, seed, bucket, trace, host, cancel);
    }

    public Experiment withPlatform(Platform p) {
        return new Experiment(p, workload, policy, faultPath, seed, bucket, trace, host, cancel);
    }

    public Experiment withWorkload(Workload w) {
        return new Experiment(platform, w, policy, faultPath, seed, bucket, trace, host, cancel);
    }

    public Experiment withBucket(SimDuration b) {
        return new Experiment(platform, workload, policy, faultPath, seed, b, trace, host, cancel);
    }

    /** Writes the run's event trace as JSON lines to {@code out}. */
    public Experiment withTrace(Appendable out) {
        return new Experiment(platform, workload, policy, faultPath, seed, bucket, out, host, cancel);
    }

    /** Watches {@code token}: the run stops with SimulationCancelledException soon after it is cancelled. */
    public Experiment withCancellation(CancellationToken token) {
        return new Experiment(platform, workload, policy, faultPath, seed, bucket, trace, host, token);
    }

    /** Runs the experiment to the end of its last phase. */
    public RunResult run() {
        long hostStart = System.nanoTime();
        Simulator sim = new Simulator(seed, cancel, Simulator.DEFAULT_MAX_EVENTS_PER_INSTANT);
        RunMetrics metrics = new RunMetrics(bucket, trace == null ? null : new TraceWriter(trace));
        PcieLink link = new PcieLink(sim, platform.link());
        link.recordInto(metrics.hostToDevice(), metrics.deviceToHost());
        HostMemory memory = host.get();
        MigrationPolicy pol = policy.get();
        pol.evictor().seedFrom(Seeds.evictor(seed));
        pol.prefetcher().seedFrom(Seeds.prefetcher(seed));
        Gpu gpu = new Gpu(sim, platform, link, memory, pol, faultPath, metrics);
        CpuAgent cpu = new CpuAgent(sim, platform.host(), memory, metrics.counters());
        Map<String, Long> first = new LinkedHashMap<>();
        for (Allocation a : workload.allocations()) {
            long pages = a.size().pagesCeil();
            long p = memory.mapAnonymous(a.name(), pages);
            pol.onMapped(a.name(), p, pages); // advice given by allocation name covers its pages from now on
            gpu.attach(a.name(), p, pages);
            first.put(a.name(), p);
        }
        List<RunResult.PhaseTiming> timings = new ArrayList<>();
        List<Phase> phases = workload.phases();
        long[] start = new long[1];
        Runnable[] next = new Runnable[1];
        int[] i = {0};
        Runnable[] startPhase = new Runnable[1];
        next[0] = () -> {
            // the frees due once i phases have run: munmap on the host, charged as the invalidation it sends
            long freeStart = sim.nowNanos();
            long freeEnd = freeStart;
            for (Free f : workload.freesAfter(i[0])) {
                long p = first.get(f.allocation());
                memory.unmap(p, workload.allocation(f.allocation()).size().pagesCeil());
                freeEnd += gpu.takeInvalidationCost();
                timings.add(new RunResult.PhaseTiming("free " + f.allocation(), "cpu", freeStart, freeEnd));
                freeStart = freeEnd;
            }
            // then the explicit prefetches due there, one after the other (cudaMemPrefetchAsync, the peer's cut)
            List<UserPrefetch> due = workload.prefetchesAfter(i[0]);
            Runnable afterFrees = due.isEmpty() ? startPhase[0] : () -> userPrefetches(sim, gpu, due, 0, first,
                    timings, startPhase[0]);
            if (freeEnd > sim.nowNanos()) {
                sim.scheduleAtNanos(freeEnd, EventPhase.HOST, a -> afterFrees.run(), 0);
            } else {
                afterFrees.run();
            }
        };
        startPhase[0] = () -> {
            if (i[0] >= phases.size()) {
                return;
            }
            Phase ph = phases.get(i[0]);
            start[0] = sim.nowNanos();
            long phaseSeed = Seeds.phase(seed, i[0], ph.name());
            var stream = ph.stream(phaseSeed);
            long base = first.get(ph.allocation());
            org.hmmlab.sim.EventHandler done = a -> {
                timings.add(new RunResult.PhaseTiming(ph.name(), ph.agent().toString(), start[0], sim.nowNanos()));
                i[0]++;
                next[0].run();
            };
            if (ph.agent().isCpu()) {
                cpu.runPhase(stream, base, ph.concurrency(), done);
            } else {
                gpu.runPhase(stream, base, ph.concurrency(), done);
            }
        };
        sim.scheduleAtNanos(0, EventPhase.HOST, a -> next[0].run(), 0);
        sim.run();
        // the detector counts the throttles and pins it started (uvm_perf_thrashing.c's thrashing events)
        metrics.counters().add(Counter.THRASHING_EVENTS, pol.thrashing().thrashingEvents());
        long end = timings.isEmpty() ? 0 : timings.getLast().end_ns();
        metrics.deviceResidency().extendTo(end);
        return new RunResult(platform.name(), pol.describe(), faultPath.name(), seed, SimDuration.ns(end),
                System.nanoTime() - hostStart, metrics.counters(), metrics.faults(), metrics.batches(),
                metrics.accessCounterBatches(), metrics.hostToDevice(), metrics.deviceToHost(), List.copyOf(timings), metrics.deviceResidency());
    }

    /** Runs {@code due[k..]} in order, each a timing row "prefetch NAME" on its GPU, then {@code then}. */
    private static void userPrefetches(Simulator sim, Gpu gpu, List<UserPrefetch> due, int k,
                                       Map<String, Long> first, List<RunResult.PhaseTiming> timings,
                                       Runnable then) {
        if (k == due.size()) {
            then.run();
            return;
        }
        UserPrefetch u = due.get(k);
        if (u.gpu() != 0) {
            throw new IllegalArgumentException("prefetch of '" + u.allocation() + "' gpu must be 0 (the timing engine"
                    + " runs one GPU), got " + u.gpu());
        }
        long start = sim.nowNanos();
        long base = first.get(u.allocation());
        gpu.userPrefetch(base, base + u.firstPage(), u.pages(), a -> {
            timings.add(new RunResult.PhaseTiming("prefetch " + u.allocation(), "gpu" + u.gpu(), start,
                    sim.nowNanos()));
            userPrefetches(sim, gpu, due, k + 1, first, timings, then);
        });
    }
}
