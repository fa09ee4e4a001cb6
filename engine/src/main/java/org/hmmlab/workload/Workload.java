package org.hmmlab.workload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hmmlab.units.Bytes;

/**
 * A workload: named allocations, the sequence of CPU and GPU phases that run over them, in order, and the points in
 * that sequence where allocations are freed.
 *
 * <p>Validated as a whole on construction (unique allocation names, every phase names an existing allocation and
 * fits inside it, no allocation freed twice or used by a phase after its free), so a run never starts on a
 * description that would fail half-way.
 *
 * <pre>{@code
 * Workload w = Workload.of(List.of(new Allocation("x", Bytes.MiB(64))),
 *         List.of(Phase.cpu("init", "x", Patterns.sequential(), Bytes.MiB(64), 16_384).withWriteFraction(1),
 *                 Phase.gpu("scan", "x", Patterns.sequential(), Bytes.MiB(64), 16_384)));
 * }</pre>
 */
public record Workload(List<Allocation> allocations, List<Phase> phases, List<Free> frees,
                       List<UserPrefetch> prefetches) {

    /** A workload whose allocations live to the end of the run. */
    public Workload(List<Allocation> allocations, List<Phase> phases) {
        this(allocations, phases, List.of());
    }

    /** A workload with frees and no explicit prefetch. */
    public Workload(List<Allocation> allocations, List<Phase> phases, List<Free> frees) {
        this(allocations, phases, frees, List.of());
    }

    public Workload {
        if (allocations == null || allocations.isEmpty()) {
            throw new IllegalArgumentException("workload allocations must hold at least one allocation");
        }
        if (phases == null || phases.isEmpty()) {
            throw new IllegalArgumentException("workload phases must hold at least one phase");
        }
        allocations = List.copyOf(allocations);
        phases = List.copyOf(phases);
        Map<String, Allocation> byName = new LinkedHashMap<>();
        for (Allocation a : allocations) {
            if (byName.putIfAbsent(a.name(), a) != null) {
                throw new IllegalArgumentException("allocation name '" + a.name() + "' is used twice");
            }
        }
        for (Phase p : phases) {
            Allocation a = byName.get(p.allocation());
            if (a == null) {
                throw new IllegalArgumentException("phase '" + p.name() + "' allocation '" + p.allocation()
                        + "' is not one of " + byName.keySet());
            }
            if (p.footprint().compareTo(a.size()) > 0) {
                throw new IllegalArgumentException("phase '" + p.name() + "' footprint must be <= the size of '"
                        + a.name() + "' (" + a.size() + "), got " + p.footprint());
            }
        }
        frees = List.copyOf(frees == null ? List.of() : frees);
        Map<String, Free> freed = new LinkedHashMap<>();
        for (Free f : frees) {
            if (!byName.containsKey(f.allocation())) {
                throw new IllegalArgumentException("free of allocation '" + f.allocation() + "': it is not one of "
                        + byName.keySet());
            }
            if (f.afterPhases() > phases.size()) {
                throw new IllegalArgumentException("free of allocation '" + f.allocation() + "' afterPhases must be in"
                        + " [0, " + phases.size() + "] (the number of phases), got " + f.afterPhases());
            }
            Free earlier = freed.putIfAbsent(f.allocation(), f);
            if (earlier != null) {
                throw new IllegalArgumentException("allocation '" + f.allocation() + "' is freed twice: "
                        + where(earlier, phases) + " and again " + where(f, phases));
            }
            for (int i = f.afterPhases(); i < phases.size(); i++) {
                Phase p = phases.get(i);
                if (p.allocation().equals(f.allocation())) {
                    throw new IllegalArgumentException("phase '" + p.name() + "' uses allocation '" + f.allocation()
                            + "' after it is freed " + where(f, phases));
                }
            }
        }
        prefetches = List.copyOf(prefetches == null ? List.of() : prefetches);
        for (UserPrefetch u : prefetches) {
            Allocation a = byName.get(u.allocation());
            if (a == null) {
                throw new IllegalArgumentException("prefetch of allocation '" + u.allocation() + "': it is not one of "
                        + byName.keySet());
            }
            if (u.afterPhases() > phases.size()) {
                throw new IllegalArgumentException("prefetch of allocation '" + u.allocation() + "' afterPhases must"
                        + " be in [0, " + phases.size() + "] (the number of phases), got " + u.afterPhases());
            }
            long pages = a.size().pagesCeil();
            if (u.firstPage() + u.pages() > pages) {
                throw new IllegalArgumentException("prefetch of allocation '" + u.allocation() + "' offset + size must"
                        + " be <= its size rounded to pages (" + Bytes.pages(pages) + "), got " + u.offset() + " + "
                        + u.size());
            }
            Free f = freed.get(u.allocation());
            if (f != null && f.afterPhases() <= u.afterPhases()) {
                throw new IllegalArgumentException("prefetch of allocation '" + u.allocation() + "' comes after it is"
                        + " freed " + where(f, phases));
            }
        }
    }

    private static String where(Free f, List<Phase> phases) {
        return f.afterPhases() == 0 ? "before the first phase"
                : "after phase '" + phases.get(f.afterPhases() - 1).name() + "'";
    }

    /**
     * This workload with {@code allocation} freed once the first {@code afterPhases} phases have run
     * ({@code munmap}, {@code cudaFree}): {@code w.withFree("tmp", 2)}.
     *
     * @throws IllegalArgumentException when the allocation does not exist, is already freed, or a later phase uses it
     */
    public Workload withFree(String allocation, int afterPhases) {
        List<Free> next = new ArrayList<>(frees);
        next.add(new Free(allocation, afterPhases));
        return new Workload(allocations, phases, next, prefetches);
    }

    /**
     * This workload with an explicit prefetch ({@code cudaMemPrefetchAsync}):
     * {@code w.withPrefetch(new UserPrefetch("x", Bytes.ZERO, Bytes.MiB(2), 0, 1))}.
     *
     * @throws IllegalArgumentException when the allocation does not exist, the range passes its end, or it is freed
     *                                  before the prefetch
     */
    public Workload withPrefetch(UserPrefetch prefetch) {
        List<UserPrefetch> next = new ArrayList<>(prefetches);
        next.add(prefetch);
        return new Workload(allocations, phases, frees, next);
    }

    /** The explicit prefetches that run once exactly {@code phasesRun} phases have run (after that point's frees). */
    public List<UserPrefetch> prefetchesAfter(int phasesRun) {
        List<UserPrefetch> out = new ArrayList<>();
        for (UserPrefetch u : prefetches) {
            if (u.afterPhases() == phasesRun) {
                out.add(u);
            }
        }
        return out;
    }

    /** The frees that run once exactly {@code phasesRun} phases have run, in the order they were given. */
    public List<Free> freesAfter(int phasesRun) {
        List<Free> out = new ArrayList<>();
        for (Free f : frees) {
            if (f.afterPhases() == phasesRun) {
                out.add(f);
            }
        }
        return out;
    }

    public static Workload of(List<Allocation> allocations, List<Phase> phases) {
        return new Workload(allocations, phases);
    }

    /**
     * CPU/GPU ping-pong on one shared buffer: {@code rounds} times, the GPU then the CPU each run
     * {@code pattern} over the whole buffer with {@code workPerPhase} accesses, the CPU writing what the GPU
     * reads. The classic page-bouncing case that UVM's thrashing detection exists for
     * ({@code uvm_perf_thrashing.c}).
     */
    public static Workload pingPong(String allocation, Bytes size, int rounds, Pattern pattern, long workPerPhase) {
        if (rounds < 1 || rounds > 1_000_000) {
            throw new IllegalArgumentException("ping-pong rounds must be in [1, 1000000], got " + rounds);
        }
        List<Phase> phases = new ArrayList<>(2 * rounds);
        for (int r = 0; r < rounds; r++) {
            phases.add(Phase.gpu("gpu-" + r, allocation, pattern, size, workPerPhase).withWriteFraction(0.0));
            phases.add(Phase.cpu("cpu-" + r, allocation, pattern, size, workPerPhase).withWriteFraction(1.0));
        }
        return new Workload(List.of(new Allocation(allocation, size)), phases);
    }

    /**
     * A workload that replays a recorded trace: one allocation {@code allocation} spanning the pages the trace
     * touches, and one phase per run of consecutive accesses by the same agent, in trace order (the trace's
     * first column orders the accesses; times are not replayed).
     *
     * @throws IllegalArgumentException when the trace is empty
     */
    public static Workload fromTrace(String allocation, AccessTrace trace) {
        int n = trace.size();
        if (n == 0) {
            throw new IllegalArgumentException("trace must hold at least one access");
        }
        long lo = Long.MAX_VALUE;
        long hi = 0;
        for (int i = 0; i < n; i++) {
            lo = Math.min(lo, trace.address(i));
            hi = Math.max(hi, trace.address(i) + trace.accessSize(i));
        }
        long base = lo & -Bytes.PAGE.bytes();
        Bytes size = Bytes.pages(Bytes.of(hi - base).pagesCeil());
        List<Phase> phases = new ArrayList<>();
        int from = 0;
        for (int i = 1; i <= n; i++) {
            if (i == n || trace.gpuIndex(i) != trace.gpuIndex(from)) {
                Agent agent = trace.isCpu(from) ? Agent.cpu() : Agent.gpu(trace.gpuIndex(from));
                phases.add(new Phase("trace-" + phases.size() + "-" + agent, agent, allocation,
                        Patterns.replay(trace, from, i, base), size, i - from, 1, Phase.DEFAULT_ACCESS_SIZE, 0.0));
                from = i;
            }
        }
        return new Workload(List.of(new Allocation(allocation, size)), phases);
    }

    /** The allocation called {@code name}. */
    public Allocation allocation(String name) {
        for (Allocation a : allocations) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("allocation '" + name + "' is not in this workload");
    }

    /** Sum of the allocation sizes: the working set the host must be able to back. */
    public Bytes totalSize() {
        Bytes total = Bytes.ZERO;
        for (Allocation a : allocations) {
            total = total.plus(a.size());
        }
        return total;
    }

    /**
     * Checks that the allocations fit in host memory, since every managed page starts (and can always be evicted
     * back) there.
     *
     * @throws IllegalArgumentException naming the sizes when they do not fit
     */
    public Workload requireFitsInHost(Bytes hostMemory) {
        if (totalSize().compareTo(hostMemory) > 0) {
            throw new IllegalArgumentException("workload working set (" + totalSize()
                    + ") must be <= host memory (" + hostMemory + ")");
        }
        return this;
    }
}
