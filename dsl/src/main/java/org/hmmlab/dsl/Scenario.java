package org.hmmlab.dsl;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.hmmlab.device.FaultPath;
import org.hmmlab.dsl.spec.HintSpec;
import org.hmmlab.dsl.spec.PolicySpec;
import org.hmmlab.platform.DriverPersonality;
import org.hmmlab.platform.Platform;
import org.hmmlab.platform.Platforms;
import org.hmmlab.policy.MigrationPolicy;
import org.hmmlab.run.Outcome;
import org.hmmlab.sim.CancellationToken;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.Agent;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Free;
import org.hmmlab.workload.UserPrefetch;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;

/**
 * An experiment: a platform, a driver policy, named allocations, CPU and GPU phases over them, the points
 * where allocations are freed, and a seed. {@link #run()} gives a {@link ScenarioResult} that renders itself.
 *
 * <p>Immutable: every call returns a new scenario, so a cell can derive variants from a base
 * ({@code base.vram(GiB(4))}) without changing it. Defaults resolve in layers: the value given here, then
 * the platform preset, then {@link #DEFAULT_PLATFORM}, {@link #DEFAULT_POLICY} and {@link org.hmmlab.sim.RandomStreams#DEFAULT_SEED}.
 * A phase is checked against the allocations when it is added (its allocation must exist and hold its
 * footprint), so a scenario that builds is one that can run.
 *
 * <pre>{@code
 * var run = scenario("stream").on(A100_PCIE4).vram(GiB(8))
 *     .policy(uvmDefaults().placement(accessCounters(256, MiB(2))))
 *     .alloc("x", GiB(2))
 *     .gpu(kernel("saxpy").reads("x").pattern(sequential()).warps(2048))
 *     .run();
 * }</pre>
 */
public final class Scenario {

    /** The platform of a scenario that names none: an A100 on PCIe Gen4 x16, the most common HMM test bed. */
    public static final Platform DEFAULT_PLATFORM = Platforms.A100_PCIE4;
    /** The policy of a scenario that names none: the UVM driver's defaults. */
    public static final PolicySpec DEFAULT_POLICY = PolicySpec.uvmDefaults();

    private final String name;
    private final Platform platform;
    private final Bytes vram; // null: the platform's
    private final PolicySpec policy;
    private final List<Allocation> allocations;
    private final List<Phase> phases;
    private final long seed;
    private final Engine engine;
    private final FaultPath faultPath;
    private final List<Free> frees;
    private final List<UserPrefetch> prefetches;

    Scenario(String name, Platform platform, Bytes vram, PolicySpec policy, List<Allocation> allocations,
            List<Phase> phases, long seed) {
        this(name, platform, vram, policy, allocations, phases, seed, Engine.TIMING, FaultPath.REPLAYABLE_BUFFER,
                List.of());
    }

    Scenario(String name, Platform platform, Bytes vram, PolicySpec policy, List<Allocation> allocations,
            List<Phase> phases, long seed, Engine engine, FaultPath faultPath, List<Free> frees) {
        this(name, platform, vram, policy, allocations, phases, seed, engine, faultPath, frees, List.of());
    }

    Scenario(String name, Platform platform, Bytes vram, PolicySpec policy, List<Allocation> allocations,
            List<Phase> phases, long seed, Engine engine, FaultPath faultPath, List<Free> frees,
            List<UserPrefetch> prefetches) {
        this.frees = List.copyOf(frees);
        this.prefetches = List.copyOf(prefetches);
        this.engine = engine;
        this.faultPath = faultPath;
        this.name = name;
        this.platform = platform;
        this.vram = vram;
        this.policy = policy;
        this.allocations = List.copyOf(allocations);
        this.phases = List.copyOf(phases);
        this.seed = seed;
    }

    /** A new scenario with the defaults: {@code Scenario.named("stream")}. */
    public static Scenario named(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("scenario(name): name must be non-empty text, got '" + name + "'");
        }
        return new Scenario(name, DEFAULT_PLATFORM, null, DEFAULT_POLICY, List.of(), List.of(), org.hmmlab.sim.RandomStreams.DEFAULT_SEED);
    }

    public String name() {
        return name;
    }

    /** The same experiment under another name, to tell variants apart in tables and legends: {@code .renamed("4 GiB")}. */
    public Scenario renamed(String newName) {
        if (newName == null || newName.isBlank()) {
            throw new IllegalArgumentException("renamed(name): name must be non-empty text, got '" + newName + "'");
        }
        return new Scenario(newName, platform, vram, policy, allocations, phases, seed, engine, faultPath, frees, prefetches);
    }

    /** Runs on {@code p}, a preset ({@code H100_PCIE5}) or a modified one. */
    public Scenario on(Platform p) {
        Objects.requireNonNull(p, "on(platform): platform must be a preset such as A100_PCIE4, got null");
        return new Scenario(name, p, vram, policy, allocations, phases, seed, engine, faultPath, frees, prefetches);
    }

    /**
     * Runs the scenario under driver personality {@code d} on the same hardware:
     * {@code scan.on(MI210_PCIE4).driver(amdSvm().xnack(false))}, or {@code .driver(uvm())} for nvidia-uvm's service.
     */
    public Scenario driver(DriverPersonality d) {
        Objects.requireNonNull(d, "driver(d): d must be uvm() or amdSvm(), got null");
        return on(platform.withDriver(d));
    }

    /**
     * Gives the GPU {@code memory} of device memory instead of the platform's (from 2 MiB to 16 TiB), to see
     * what oversubscription does: {@code .vram(GiB(4))}.
     */
    public Scenario vram(Bytes memory) {
        if (memory == null || memory.bytes() < Bytes.HUGE_PAGE.bytes() || memory.bytes() > (16L << 40)) {
            throw new IllegalArgumentException("vram(memory): memory must be in [2 MiB, 16 TiB], got " + memory);
        }
        return new Scenario(name, platform, memory, policy, allocations, phases, seed, engine, faultPath, frees, prefetches);
    }

    /** The driver policy: {@code .policy(uvmDefaults().prefetch(noPrefetch()))}. */
    public Scenario policy(PolicySpec p) {
        Objects.requireNonNull(p, "policy(p): p must be a policy such as uvmDefaults(), got null");
        return new Scenario(name, platform, vram, p, allocations, phases, seed, engine, faultPath, frees, prefetches);
    }

    /** A managed allocation of {@code size} shared by CPU and GPU: {@code .alloc("x", GiB(2))}. */
    public Scenario alloc(String allocationName, Bytes size) {
        if (allocationName == null || allocationName.isBlank()) {
            throw new IllegalArgumentException("alloc(name, size): name must be non-empty text, got '" + allocationName + "'");
        }
        if (size == null || size.bytes() < 1) {
            throw new IllegalArgumentException("alloc(\"" + allocationName + "\", size): size must be >= 1 B, got " + size);
        }
        for (Allocation a : allocations) {
            if (a.name().equals(allocationName)) {
                throw new IllegalArgumentException("alloc(\"" + allocationName + "\", size): '" + allocationName
                        + "' is already allocated");
            }
        }
        List<Allocation> next = new ArrayList<>(allocations);
        next.add(new Allocation(allocationName, size));
        return new Scenario(name, platform, vram, policy, next, phases, seed, engine, faultPath, frees, prefetches);
    }

    /** A GPU phase on GPU 0, run after the phases before it: {@code .gpu(kernel("saxpy").reads("x"))}. */
    public Scenario gpu(PhaseSpec phase) {
        return add(Agent.gpu(0), phase, "gpu");
    }

    /** A CPU phase, run after the phases before it: {@code .cpu(phase("init").writes("x"))}. */
    public Scenario cpu(PhaseSpec phase) {
        return add(Agent.cpu(), phase, "cpu");
    }

    /**
     * {@code rounds} rounds (1 to 10000) of the GPU reading then the CPU writing all of {@code allocation}, one
     * warp and one thread: the page-bouncing case that UVM's thrashing detection exists for.
     */
    public Scenario pingPong(String allocation, int rounds) {
        return pingPong(allocation, rounds, 1, "pingPong(allocation, rounds)");
    }

    /**
     * {@link #pingPong(String, int)} with the GPU reading by {@code warps} warps (1 to 2^20), so a round's faults
     * arrive in batches as a real kernel's do: {@code .pingPong("x", 8, 256)}.
     */
    public Scenario pingPong(String allocation, int rounds, int warps) {
        return pingPong(allocation, rounds, warps, "pingPong(allocation, rounds, warps)");
    }

    private Scenario pingPong(String allocation, int rounds, int warps, String call) {
        if (rounds < 1 || rounds > 10_000) {
            throw new IllegalArgumentException(call + ": rounds must be in [1, 10000], got " + rounds);
        }
        if (warps < 1 || warps > Phase.MAX_CONCURRENCY) {
            throw new IllegalArgumentException(call + ": warps must be in [1, " + Phase.MAX_CONCURRENCY + "], got "
                    + warps);
        }
        Scenario s = this;
        for (int r = 1; r <= rounds; r++) {
            s = s.gpu(PhaseSpec.named("gpu-" + r).reads(allocation).warps(warps))
                    .cpu(PhaseSpec.named("cpu-" + r).writes(allocation));
        }
        return s;
    }

    /**
     * Frees {@code allocation} once the phases before this call have run ({@code free}, {@code munmap},
     * {@code cudaFree}): its pages leave device and host memory without a copy back, and the room serves the
     * phases after it. No later phase may touch it: {@code .gpu(kernel("k1").writes("tmp")).free("tmp")}.
     */
    public Scenario free(String allocation) {
        if (allocation == null || allocation.isBlank()) {
            throw new IllegalArgumentException("free(allocation): allocation must be non-empty text, got '"
                    + allocation + "'");
        }
        if (allocations.stream().noneMatch(a -> a.name().equals(allocation))) {
            throw new IllegalArgumentException("free(\"" + allocation + "\"): '" + allocation
                    + "' is not allocated; allocations: " + allocations.stream().map(Allocation::name).toList());
        }
        for (Free f : frees) {
            if (f.allocation().equals(allocation)) {
                throw new IllegalArgumentException("free(\"" + allocation + "\"): '" + allocation
                        + "' is freed twice (it was freed " + freedWhere(f) + ")");
            }
        }
        List<Free> next = new ArrayList<>(frees);
        next.add(new Free(allocation, phases.size()));
        return new Scenario(name, platform, vram, policy, allocations, phases, seed, engine, faultPath, next, prefetches);
    }

    private String freedWhere(Free f) {
        return f.afterPhases() == 0 ? "before the first phase"
                : "after phase '" + phases.get(f.afterPhases() - 1).name() + "'";
    }

    /**
     * Prefetches all of {@code allocation} to GPU 0 once the phases before this call have run
     * ({@code cudaMemPrefetchAsync(x, size, 0)}), as GPGPU-Sim UVMSmart does: cut at every 2 MiB line and at pages
     * already there, one transfer after the other; the next phase starts when the last has landed:
     * {@code .cpu(phase("init").writes("x")).prefetchToGpu("x").gpu(kernel("k").reads("x"))}.
     */
    public Scenario prefetchToGpu(String allocation) {
        Allocation a = allocationForPrefetch("prefetchToGpu(\"" + allocation + "\")", allocation);
        return prefetchToGpu(allocation, Bytes.ZERO, Bytes.pages(a.size().pagesCeil()));
    }

    /**
     * Prefetches {@code size} bytes of {@code allocation} from {@code offset} to GPU 0, as {@link #prefetchToGpu(String)}:
     * {@code .prefetchToGpu("x", MiB(2), MiB(4))}. Offset and size are multiples of 4 KiB and the range lies inside the
     * allocation (its size rounded up to pages).
     */
    public Scenario prefetchToGpu(String allocation, Bytes offset, Bytes size) {
        String call = "prefetchToGpu(\"" + allocation + "\", offset, size)";
        Allocation a = allocationForPrefetch(call, allocation);
        if (offset == null || offset.bytes() < 0 || offset.bytes() % Bytes.PAGE.bytes() != 0) {
            throw new IllegalArgumentException(call + ": offset must be a multiple of 4 KiB and >= 0, got " + offset);
        }
        if (size == null || size.bytes() < Bytes.PAGE.bytes() || size.bytes() % Bytes.PAGE.bytes() != 0) {
            throw new IllegalArgumentException(call + ": size must be a multiple of 4 KiB and >= 4 KiB, got " + size);
        }
        Bytes limit = Bytes.pages(a.size().pagesCeil());
        if (offset.bytes() > limit.bytes() - size.bytes()) {
            throw new IllegalArgumentException(call + ": offset + size must be <= the size of '" + allocation
                    + "' rounded to pages (" + limit + "), got " + offset + " + " + size);
        }
        List<UserPrefetch> next = new ArrayList<>(prefetches);
        next.add(new UserPrefetch(allocation, offset, size, 0, phases.size()));
        return new Scenario(name, platform, vram, policy, allocations, phases, seed, engine, faultPath, frees, next);
    }

    private Allocation allocationForPrefetch(String call, String allocation) {
        if (allocation == null || allocation.isBlank()) {
            throw new IllegalArgumentException(call + ": allocation must be non-empty text, got '" + allocation + "'");
        }
        for (Free f : frees) {
            if (f.allocation().equals(allocation)) {
                throw new IllegalArgumentException(call + ": '" + allocation + "' is prefetched after it is freed "
                        + freedWhere(f));
            }
        }
        return allocations.stream().filter(a -> a.name().equals(allocation)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(call + ": '" + allocation + "' is not allocated;"
                        + " allocations: " + allocations.stream().map(Allocation::name).toList()));
    }

    /** The explicit prefetches, each with the number of phases that run before it. */
    public List<UserPrefetch> prefetches() {
        return prefetches;
    }

    /** The frees, each with the number of phases that run before it. */
    public List<Free> frees() {
        return frees;
    }

    private Scenario add(Agent agent, PhaseSpec spec, String verb) {
        Objects.requireNonNull(spec, verb + "(phase): phase must be made with kernel(name) or phase(name), got null");
        if (spec.allocation() == null) {
            throw new IllegalArgumentException(verb + "(phase): phase '" + spec.name()
                    + "' must say what it touches with .reads(\"x\"), .writes(\"x\") or .readsWrites(\"x\", f)");
        }
        Allocation alloc = null;
        for (Allocation a : allocations) {
            if (a.name().equals(spec.allocation())) {
                alloc = a;
            }
        }
        if (alloc == null && spec.traceAllocation() != null) {
            // a trace brings its pages, as Workload.fromTrace allocates them
            return alloc(spec.allocation(), spec.traceAllocation().size()).add(agent, spec, verb);
        }
        if (alloc == null) {
            throw new IllegalArgumentException(verb + "(phase): phase '" + spec.name() + "' touches '" + spec.allocation()
                    + "', which is not allocated; allocations: " + allocations.stream().map(Allocation::name).toList());
        }
        for (Free f : frees) {
            if (f.allocation().equals(alloc.name())) {
                throw new IllegalArgumentException(verb + "(phase): phase '" + spec.name() + "' uses allocation '"
                        + alloc.name() + "' after it is freed " + freedWhere(f));
            }
        }
        List<Phase> next = new ArrayList<>(phases);
        next.add(spec.resolve(agent, alloc));
        return new Scenario(name, platform, vram, policy, allocations, next, seed, engine, faultPath, frees, prefetches);
    }

    /**
     * Appends an engine phase exactly as given (its footprint, work and agent already resolved), as JSON
     * import does; checked against the allocations now.
     */
    public Scenario then(Phase phase) {
        Objects.requireNonNull(phase, "then(phase): phase must be set, got null");
        List<Phase> next = new ArrayList<>(phases);
        next.add(phase);
        Scenario s = new Scenario(name, platform, vram, policy, allocations, next, seed, engine, faultPath, frees, prefetches);
        s.workload(); // the engine's checks: the allocation exists and holds the footprint
        return s;
    }

    /** The seed of {@link #run()}: same seed, same result, bit for bit. */
    public Scenario seed(long runSeed) {
        return new Scenario(name, platform, vram, policy, allocations, phases, runSeed, engine, faultPath, frees, prefetches);
    }

    /**
     * Which model runs it: {@link Engine#TIMING} (the default: latencies, bandwidth, counters) or
     * {@link Engine#RESIDENCY_MODEL} (exact counts of policy decisions, no clock, much faster).
     */
    public Scenario engine(Engine e) {
        Objects.requireNonNull(e, "engine(e): e must be TIMING or RESIDENCY_MODEL, got null");
        return new Scenario(name, platform, vram, policy, allocations, phases, seed, e, faultPath, frees, prefetches);
    }

    /** How the GPU reports faults on the timing engine: the replayable fault buffer (default) or ATS/PRI. */
    public Scenario faultPath(FaultPath p) {
        Objects.requireNonNull(p, "faultPath(p): p must be REPLAYABLE_BUFFER or ATS_PRI, got null");
        return new Scenario(name, platform, vram, policy, allocations, phases, seed, engine, p, frees, prefetches);
    }

    public Engine engine() {
        return engine;
    }

    public FaultPath faultPath() {
        return faultPath;
    }

    /** The platform as it runs, with the {@link #vram} override applied. */
    public Platform platform() {
        return vram == null ? platform : platform.withGpu(platform.gpu().withVram(vram));
    }

    /** The platform as given, before the {@link #vram} override. */
    public Platform basePlatform() {
        return platform;
    }

    /** The device-memory override, if one was given. */
    public java.util.Optional<Bytes> vramOverride() {
        return java.util.Optional.ofNullable(vram);
    }

    public PolicySpec policy() {
        return policy;
    }

    public List<Allocation> allocations() {
        return allocations;
    }

    public List<Phase> phases() {
        return phases;
    }

    public long seed() {
        return seed;
    }

    /** The engine's workload: the allocations and phases, checked as a whole. */
    public Workload workload() {
        if (allocations.isEmpty()) {
            throw new IllegalStateException("scenario '" + name + "' has no allocation; add one with .alloc(\"x\", GiB(1))");
        }
        if (phases.isEmpty()) {
            throw new IllegalStateException("scenario '" + name + "' has no phase; add one with .gpu(kernel(\"k\").reads(\"x\"))");
        }
        for (HintSpec h : policy.hints()) {
            if (allocations.stream().noneMatch(a -> a.name().equals(h.allocation()))) {
                throw new IllegalArgumentException("scenario '" + name + "': hint " + h.label() + " names '"
                        + h.allocation() + "', which is not allocated; allocations: "
                        + allocations.stream().map(Allocation::name).toList());
            }
        }
        return new Workload(allocations, phases, frees, prefetches);
    }

    /** Runs with the scenario's seed. */
    public ScenarioResult run() {
        return run(seed);
    }

    /**
     * Runs with {@code runSeed} (a sweep passes each point's seed) on the scenario's {@link #engine() engine},
     * watching the front end's {@link Cancellation#current() current cancellation token}. Same scenario, same
     * seed: same result, bit for bit.
     */
    public ScenarioResult run(long runSeed) {
        return run(runSeed, Cancellation.current());
    }

    /**
     * Runs with {@code runSeed} on the scenario's {@link #engine() engine}, stopping soon after {@code cancel} is
     * cancelled: {@code s.run(7, token)}.
     */
    public ScenarioResult run(long runSeed, CancellationToken cancel) {
        Objects.requireNonNull(cancel, "run(seed, cancel): cancel must be a CancellationToken, got null");
        cancel.throwIfCancelled();
        Workload w = workload();
        Platform p = platform();
        org.hmmlab.run.Engine e = engine == Engine.TIMING ? new org.hmmlab.run.Engine.Timed(p, faultPath)
                : org.hmmlab.run.Engine.residency(p);
        List<MigrationPolicy> built = new ArrayList<>();
        try {
            Outcome o = e.run(w, () -> {
                MigrationPolicy m = policy.build();
                built.add(m);
                return m;
            }, runSeed, cancel);
            return new ScenarioResult(this, o);
        } finally {
            built.forEach(Scenario::close);
        }
    }

    /** Frees what a policy holds outside the JVM heap (a JavaScript placement's context). */
    private static void close(MigrationPolicy m) {
        if (m.placement() instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not close policy " + m.placement().name(), e);
            }
        }
    }

    @Override
    public String toString() {
        String driver = platform.driver() instanceof org.hmmlab.platform.AmdSvm a
                ? " driven by amdSvm (XNACK " + (a.xnack() ? "on" : "off") + ")" : "";
        return "scenario '" + name + "' on " + platform().name() + driver + ", " + policy.label() + ", "
                + allocations.size()
                + " allocations, " + phases.size() + " phases, " + (frees.isEmpty() ? "" : frees.size() + " frees, ")
                + "seed " + seed + ", "
                + (engine == Engine.TIMING ? "timing model (" + faultPath.name().toLowerCase(java.util.Locale.ROOT) + ")"
                        : "residency model");
    }
}
