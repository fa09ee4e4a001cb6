package org.hmmlab.dsl;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.hmmlab.device.FaultPath;
import org.hmmlab.dsl.spec.HintSpec;
import org.hmmlab.dsl.spec.PolicySpec;
import org.hmmlab.platform.DriverPersonality;
import org.hmmlab.platform.GpuToGpu;
import org.hmmlab.platform.NvLink;
import org.hmmlab.platform.NvLinkGen;
import org.hmmlab.platform.PeerFabric;
import org.hmmlab.platform.Platform;
import org.hmmlab.platform.Platforms;
import org.hmmlab.platform.Topology;
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
                List.of(), List.of());
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
        for (Phase ph : phases) {
            if (!ph.agent().isCpu() && ph.agent().index() >= p.gpus()) {
                throw new IllegalArgumentException("on(platform): phase '" + ph.name() + "' runs on " + ph.agent()
                        + ", which does not exist on " + p.name() + "; it has " + Topology.names(p.gpus())
                        + " (give the GPUs with .gpus(n) after .on(platform))");
            }
        }
        return new Scenario(name, p, vram, policy, allocations, phases, seed, engine, faultPath, frees, prefetches);
    }

    /**
     * Runs the scenario under driver personality {@code d} on the same hardware:
     * {@code scan.on(MI210_PCIE4).driver(amdSvm().xnack(false))}, or {@code .driver(uvm())} for nvidia-uvm's service.
     */
    public Scenario driver(DriverPersonality d) {
        Objects.requireNonNull(d, "driver(d): d must be uvm() or amdSvm(), got null");
        if (multiGpu() && !d.equals(DriverPersonality.UVM)) {
            throw new IllegalArgumentException("driver(d): " + d.name() + " drives one GPU on PCIe here; this scenario"
                    + " has " + platform.gpus() + " GPUs" + (platform.topology().coherent() ? " on a coherent link" : "")
                    + ", which the multi-GPU model runs with nvidia-uvm's decisions (uvm())");
        }
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
        requireHintGpus("policy(p)", p, platform.gpus());
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

    /**
     * A GPU phase on GPU {@code index} of a platform with several ({@link #gpus(int)}), run after the phases before
     * it: {@code .gpus(2).gpu(1, kernel("scan").reads("x"))}. A GPU the platform does not have is refused here.
     */
    public Scenario gpu(int index, PhaseSpec phase) {
        String call = "gpu(" + index + ", phase)";
        if (index < 0 || index > Agent.MAX_GPU) {
            throw new IllegalArgumentException(call + ": index must be in [0, " + Agent.MAX_GPU + "], got " + index);
        }
        platform.topology().requireGpu(call, index);
        return add(Agent.gpu(index), phase, "gpu");
    }

    // --- several GPUs ---------------------------------------------------------------------------------------

    /**
     * The platform with {@code n} GPUs (1 to 64), each a copy of its GPU with its own fault buffer, TLB, memory and
     * copy engines and its own PCIe link, behind the root complex, without peer access until
     * {@link #peerAccess(boolean)} or {@link #nvlink} says otherwise: {@code .gpus(2)}. A scenario with more than one
     * GPU, or on a coherent platform ({@code GH200_C2C}), runs on the multi-GPU model.
     */
    public Scenario gpus(int n) {
        if (n < 1 || n > 64) {
            throw new IllegalArgumentException("gpus(n): n must be in [1, 64], got " + n);
        }
        for (Phase p : phases) {
            if (!p.agent().isCpu() && p.agent().index() >= n) {
                throw new IllegalArgumentException("gpus(" + n + "): phase '" + p.name() + "' runs on " + p.agent()
                        + ", which would not exist; the platform would have " + Topology.names(n));
            }
        }
        requireHintGpus("gpus(" + n + ")", policy, n);
        if (n > 1 && !platform.driver().equals(DriverPersonality.UVM)) {
            throw new IllegalArgumentException("gpus(" + n + "): several GPUs run on the multi-GPU model, which makes"
                    + " nvidia-uvm's decisions; platform '" + platform.name() + "' is driven by " + platform.driver().name()
                    + " (give it .driver(uvm()) first, or keep one GPU)");
        }
        Topology t;
        try {
            t = platform.topology().withGpus(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("gpus(" + n + "): " + e.getMessage(), e);
        }
        return on(platform.withTopology(t));
    }

    /** GPUs on PCIe reach each other's memory peer to peer ({@code true}) or not: {@code .gpus(2).peerAccess(true)}. */
    public Scenario peerAccess(boolean on) {
        return on(platform.withTopology(platform.topology().withPeerAccess(on)));
    }

    /** The GPUs share a PCIe switch (peer transfers turn there) instead of the root complex: {@code .behindSwitch()}. */
    public Scenario behindSwitch() {
        return on(platform.withTopology(platform.topology().behind(PeerFabric.SWITCH)));
    }

    /**
     * NVLink between GPUs {@code a} and {@code b}: {@code links} links (1 to the generation's most) of
     * {@code generation}, 25 GB/s each per direction: {@code .gpus(2).nvlink(0, 1, NVLINK3, 12)}. A GPU linked to
     * itself or one the platform does not have is refused here.
     */
    public Scenario nvlink(int a, int b, NvLinkGen generation, int links) {
        String call = "nvlink(" + a + ", " + b + ", " + generation + ", " + links + ")";
        Objects.requireNonNull(generation, call + ": generation must be NVLINK2, NVLINK3 or NVLINK4, got null");
        try {
            NvLink l = NvLink.of(a, b, generation, links);
            platform.topology().requireGpu(call, Math.max(a, b));
            return on(platform.withTopology(platform.topology().withNvLink(l)));
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith("nvlink(") ? e : new IllegalArgumentException(call + ": " + e.getMessage(), e);
        }
    }

    /**
     * How a page moves from one GPU to another: {@code DRIVER_COPY} (the UVM driver: a peer copy between peers,
     * staged through system memory otherwise; the default) or {@code THROUGH_SYSTEM_MEMORY} (the core kernel's path
     * for another owner's page), the what-if that shows what a peer copy saves.
     */
    public Scenario gpuToGpu(GpuToGpu path) {
        Objects.requireNonNull(path, "gpuToGpu(path): path must be DRIVER_COPY or THROUGH_SYSTEM_MEMORY, got null");
        return on(platform.withTopology(platform.topology().withGpuToGpu(path)));
    }

    /** Refuses advice that names a GPU beyond the platform's {@code gpus}, naming {@code call} and the GPUs there are. */
    private static void requireHintGpus(String call, PolicySpec p, int gpus) {
        for (HintSpec h : p.hints()) {
            for (var g : h.gpusNamed()) {
                if (g.index() >= gpus) {
                    throw new IllegalArgumentException(call + ": hint " + h.label() + " names " + g
                            + ", which does not exist; this platform has " + Topology.names(gpus));
                }
            }
        }
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
     * Appends the steps of the catalogue's benchmark {@code name} (its host loops and kernel launches, in program
     * order) over an allocation named after it, allocated with its arrays unless the scenario has one of that name:
     * {@code scenario("nw").on(A100_PCIE4).benchmark("nw")}. {@link Lab#benchmarks()} lists the catalogue.
     *
     * @throws IllegalArgumentException listing the catalogue when there is no benchmark of that name
     */
    public Scenario benchmark(String name) {
        return benchmark(BenchmarkSpec.named(name));
    }

    /** {@link #benchmark(String)} for a benchmark value, with its access size: {@code .benchmark(benchmark("bfs"))}. */
    public Scenario benchmark(BenchmarkSpec b) {
        Objects.requireNonNull(b, "benchmark(b): b must be a benchmark such as benchmark(\"nw\"), got null");
        Scenario s = this;
        Allocation a = allocations.stream().filter(x -> x.name().equals(b.name())).findFirst().orElse(null);
        if (a == null) {
            s = alloc(b.name(), b.footprint());
        } else if (a.size().compareTo(b.footprint()) < 0) {
            throw new IllegalArgumentException("benchmark(\"" + b.name() + "\"): allocation '" + b.name() + "' must hold"
                    + " its arrays (" + b.footprint() + "), got " + a.size());
        }
        for (Free f : frees) {
            if (f.allocation().equals(b.name())) {
                throw new IllegalArgumentException("benchmark(\"" + b.name() + "\"): it uses allocation '" + b.name()
                        + "' after it is freed " + freedWhere(f));
            }
        }
        List<Phase> next = new ArrayList<>(phases);
        next.addAll(b.phases(b.name()));
        return new Scenario(name, platform, vram, policy, s.allocations, next, seed, engine, faultPath, frees, prefetches);
    }

    /**
     * Device memory sized to oversubscribe the allocations made so far by {@code ratio}, as the peer sizes it
     * (device memory = working set / ratio, in whole 64 KiB big pages): {@code .benchmark("bfs").oversubscribe(1.1)}
     * for 110 %. {@code ratio} must be in [1, 1000] and leave at least 2 MiB.
     */
    public Scenario oversubscribe(double ratio) {
        if (!(ratio >= 1.0 && ratio <= 1000.0)) {
            throw new IllegalArgumentException("oversubscribe(ratio): ratio must be in [1, 1000] (device memory ="
                    + " working set / ratio, 1 fits it all), got " + ratio);
        }
        if (allocations.isEmpty()) {
            throw new IllegalArgumentException("oversubscribe(ratio): there is no working set yet; allocate first"
                    + " (.alloc(\"x\", MiB(64)) or .benchmark(\"nw\"))");
        }
        long workingSet = 0;
        for (Allocation a : allocations) {
            workingSet += a.size().bytes();
        }
        long memory = (long) Math.floor(workingSet / ratio) & -Bytes.KiB(64).bytes(); // whole big pages
        if (memory < Bytes.HUGE_PAGE.bytes()) {
            throw new IllegalArgumentException("oversubscribe(ratio): ratio must leave at least 2 MiB of device memory"
                    + " for a working set of " + Bytes.of(workingSet) + ", so at most " + (workingSet / (double)
                    Bytes.HUGE_PAGE.bytes()) + ", got " + ratio);
        }
        return vram(Bytes.of(memory));
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

    /**
     * Whether this scenario runs on the multi-GPU model: its platform has several GPUs or a coherent link. The
     * timing engine's clock drives one GPU on PCIe.
     */
    public boolean multiGpu() {
        return platform.gpus() > 1 || platform.topology().coherent();
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
        requireHintGpus("scenario '" + name + "'", policy, platform.gpus());
        for (Phase p : phases) {
            if (!p.agent().isCpu()) {
                platform.topology().requireGpu("scenario '" + name + "': phase '" + p.name() + "'", p.agent().index());
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
        org.hmmlab.run.Engine e = multiGpu() ? org.hmmlab.run.Engine.MultiGpu.on(p)
                : engine == Engine.TIMING ? new org.hmmlab.run.Engine.Timed(p, faultPath)
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

    /**
     * Runs on the multi-GPU model whatever the platform, one GPU on PCIe included, so that a one-GPU run compares
     * like with like against runs on several GPUs or a coherent link: {@code scenario.runMultiGpu()}.
     */
    public ScenarioResult runMultiGpu() {
        Workload w = workload();
        List<MigrationPolicy> built = new ArrayList<>();
        try {
            Outcome o = org.hmmlab.run.Engine.MultiGpu.on(platform()).run(w, () -> {
                MigrationPolicy m = policy.build();
                built.add(m);
                return m;
            }, seed, Cancellation.current());
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
                + (multiGpu() ? "multi-GPU model (" + platform.gpus() + " GPUs" + (platform.topology().coherent()
                        ? ", coherent " + platform.topology().coherentLink().name() : "") + ")"
                        : engine == Engine.TIMING ? "timing model (" + faultPath.name().toLowerCase(java.util.Locale.ROOT) + ")"
                        : "residency model");
    }
}
