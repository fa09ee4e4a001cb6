package org.hmmlab.dsl;

import java.util.List;
import org.hmmlab.calibrate.Calibration;
import org.hmmlab.calibrate.CalibrationCase;
import org.hmmlab.device.FaultPath;
import org.hmmlab.dsl.results.ColumnType;
import org.hmmlab.dsl.results.Row;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.pcie.IommuConfig;
import org.hmmlab.platform.AmdSvm;
import org.hmmlab.platform.DriverPersonality;
import org.hmmlab.platform.SvmAttributes;
import org.hmmlab.pcie.Lanes;
import org.hmmlab.pcie.PcieGen;
import org.hmmlab.platform.CoherentPlatforms;
import org.hmmlab.platform.GpuToGpu;
import org.hmmlab.platform.NvLinkGen;
import org.hmmlab.platform.Platform;
import org.hmmlab.platform.Platforms;
import org.hmmlab.dsl.spec.EvictionSpec;
import org.hmmlab.dsl.spec.HintSpec;
import org.hmmlab.dsl.spec.PlacementSpec;
import org.hmmlab.dsl.spec.PolicySpec;
import org.hmmlab.dsl.spec.PrefetchSpec;
import org.hmmlab.dsl.spec.PresetLink;
import org.hmmlab.dsl.spec.Processor;
import org.hmmlab.dsl.spec.ThrashingSpec;
import org.hmmlab.workload.Pattern;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.catalogue.Catalogue;
import org.hmmlab.units.Bandwidth;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * The one static entry point of the DSL: {@code import static org.hmmlab.dsl.Lab.*;} and a notebook cell
 * reads like the experiment.
 *
 * <p>Unit helpers make every number carry its unit ({@code MiB(2)}, {@code us(5)}, {@code GBps(25)}); a
 * value out of range is refused here, at the call that introduced it, with the parameter and the range in
 * the message. Sweeps start from {@link #param} and {@link #sweep}.
 *
 * <pre>{@code
 * var size = param("size", MiB(1), MiB(4), MiB(16));
 * sweep(size).run(p -> row().with("pages", p.get(size).pagesCeil()))
 * }</pre>
 */
public final class Lab {

    private Lab() {
    }

    // --- sizes -------------------------------------------------------------------------------------

    /** A size in bytes: {@code bytes(4096)}. */
    public static Bytes bytes(long n) {
        return new Bytes(checkCount("bytes", n, Long.MAX_VALUE));
    }

    /** Kibibytes (1024 bytes): {@code KiB(64)}. */
    public static Bytes KiB(long n) {
        return Bytes.KiB(checkCount("KiB", n, Long.MAX_VALUE >> 10));
    }

    /** Mebibytes (2^20 bytes): {@code MiB(2)}. */
    public static Bytes MiB(long n) {
        return Bytes.MiB(checkCount("MiB", n, Long.MAX_VALUE >> 20));
    }

    /** Gibibytes (2^30 bytes): {@code GiB(8)}. */
    public static Bytes GiB(long n) {
        return Bytes.GiB(checkCount("GiB", n, Long.MAX_VALUE >> 30));
    }

    /** A number of 4 KiB base pages: {@code pages(512)} is 2 MiB. */
    public static Bytes pages(long n) {
        return Bytes.pages(checkCount("pages", n, Long.MAX_VALUE / Bytes.PAGE.bytes()));
    }

    // --- durations ---------------------------------------------------------------------------------

    /** Nanoseconds of simulated time: {@code ns(250)}. */
    public static SimDuration ns(long n) {
        return SimDuration.ns(checkCount("ns", n, Long.MAX_VALUE));
    }

    /** Microseconds of simulated time: {@code us(5)}. */
    public static SimDuration us(long n) {
        return SimDuration.us(checkCount("us", n, Long.MAX_VALUE / 1_000));
    }

    /** Milliseconds of simulated time: {@code ms(10)}. */
    public static SimDuration ms(long n) {
        return SimDuration.ms(checkCount("ms", n, Long.MAX_VALUE / 1_000_000));
    }

    // --- rates -------------------------------------------------------------------------------------

    /** A rate in decimal gigabytes per second, as vendors quote links: {@code GBps(31.5)}. */
    public static Bandwidth GBps(double n) {
        if (n < 0) {
            throw new IllegalArgumentException("GBps(n): n is negative (" + n + "); a rate is more than zero, n in"
                    + " (0, 1000000] GB/s");
        }
        if (!(n > 0 && n <= 1e6)) {
            throw new IllegalArgumentException("GBps(n): n must be in (0, 1000000] GB/s, got " + n);
        }
        return Bandwidth.GBps(n);
    }

    /** A rate in decimal megabytes per second: {@code MBps(900)}. */
    public static Bandwidth MBps(double n) {
        if (n < 0) {
            throw new IllegalArgumentException("MBps(n): n is negative (" + n + "); a rate is more than zero, n in"
                    + " [0.000001, 1000000000] MB/s");
        }
        if (!(n >= 1e-6 && n <= 1e9)) {
            throw new IllegalArgumentException("MBps(n): n must be in [0.000001, 1000000000] MB/s, got " + n);
        }
        return Bandwidth.MBps(n);
    }

    private static long checkCount(String unit, long n, long max) {
        if (n < 0) {
            String what = unit.equals("ns") || unit.equals("us") || unit.equals("ms") ? "a duration" : "a size";
            throw new IllegalArgumentException(unit + "(n): n is negative (" + n + "); " + what
                    + " is zero or more, n in [0, " + max + "]");
        }
        if (n > max) {
            throw new IllegalArgumentException(unit + "(n): n must be in [0, " + max + "], got " + n);
        }
        return n;
    }

    // --- sweeps ------------------------------------------------------------------------------------

    /** A swept parameter with its values in declaration order: {@code param("threshold", 64, 128, 256)}. */
    @SafeVarargs
    public static <T> Param<T> param(String name, T... values) {
        return Param.of(name, List.of(values));
    }

    /** A swept parameter from a list of values: {@code param("size", sizes)}. */
    public static <T> Param<T> param(String name, List<T> values) {
        return Param.of(name, values);
    }

    /**
     * Sizes from {@code from} to {@code to} doubling each step (both powers-of-two apart):
     * {@code doublings(KiB(64), MiB(64))}.
     */
    public static List<Bytes> doublings(Bytes from, Bytes to) {
        if (from.bytes() <= 0) {
            throw new IllegalArgumentException("doublings(from, to): from must be > 0 bytes, got " + from);
        }
        if (to.compareTo(from) < 0) {
            throw new IllegalArgumentException("doublings(from, to): to must be >= from (" + from + "), got " + to);
        }
        java.util.ArrayList<Bytes> out = new java.util.ArrayList<>();
        for (long b = from.bytes(); b <= to.bytes() && b > 0; b <<= 1) {
            out.add(new Bytes(b));
        }
        return List.copyOf(out);
    }

    /** A sweep over one parameter: {@code sweep(size).run(p -> ...)}. */
    public static Sweep sweep(Param<?> first) {
        return Sweep.over(first);
    }

    /** A sweep over two parameters; the first varies slowest: {@code sweep(size, threshold)}. */
    public static Sweep sweep(Param<?> first, Param<?> second) {
        return Sweep.over(first, second);
    }

    // --- scenarios ---------------------------------------------------------------------------------

    /** Tesla V100 16 GB on PCIe Gen3 x16 (sourced in perf-figures.md). */
    public static final Platform V100_PCIE3 = Platforms.V100_PCIE3;
    /** A100 40 GB on PCIe Gen4 x16. */
    public static final Platform A100_PCIE4 = Platforms.A100_PCIE4;
    /** H100 80 GB on PCIe Gen5 x16. */
    public static final Platform H100_PCIE5 = Platforms.H100_PCIE5;
    /** AMD Instinct MI100 32 GB on PCIe Gen4 x16, AMD's SVM driver with XNACK on. */
    public static final Platform MI100_PCIE4 = Platforms.MI100_PCIE4;
    /** AMD Instinct MI210 64 GB on PCIe Gen4 x16, AMD's SVM driver with XNACK on. */
    public static final Platform MI210_PCIE4 = Platforms.MI210_PCIE4;
    /** AMD Instinct MI300X 192 GB on its PCIe Gen5 x16 host link, AMD's SVM driver with XNACK on. */
    public static final Platform MI300X_PCIE5 = Platforms.MI300X_PCIE5;

    /**
     * AMD's SVM driver (amdkfd's kfd_svm.c) as a platform's driver personality, with XNACK on and its defaults;
     * {@code scenario.driver(amdSvm().xnack(false))} or {@code A100_PCIE4.withDriver(amdSvm())}. Its options:
     * {@code xnack}, {@code granularity} (0..63, 9 = 2 MiB), per-allocation attributes with {@code range("x",
     * svmRange().preferredLoc(SvmAttributes.Location.GPU))}, and the timing parameters ({@code restoreDelay}, ...).
     */
    public static AmdSvm amdSvm() {
        return AmdSvm.defaults();
    }

    /** NVIDIA's nvidia-uvm as a platform's driver personality (every NVIDIA preset's): {@code .driver(uvm())}. */
    public static DriverPersonality uvm() {
        return DriverPersonality.UVM;
    }

    /**
     * The SVM attributes of one allocation's range, the driver's defaults to start from:
     * {@code svmRange().prefetchLoc(SvmAttributes.Location.GPU).granularity(9)}.
     */
    public static SvmAttributes svmRange() {
        return SvmAttributes.DEFAULT;
    }

    /** GeForce GTX 1080 Ti on PCIe Gen3 x16 in a desktop: the GPU of GPGPU-Sim UVMSmart and its nvprof traces. */
    public static final Platform GTX1080TI_PCIE3 = Platforms.GTX1080TI_PCIE3;

    /**
     * A Grace Hopper superchip: CPU and GPU coherent over NVLink-C2C (375 GB/s host to device, 297 GB/s device to
     * host as measured by Schieffer et al., ICPP 2024): ATS, no device-private pages, access-counter migration.
     */
    public static final Platform GH200_C2C = CoherentPlatforms.GH200_C2C;

    /** Volta's NVLink (6 links of 25 GB/s each way): {@code .nvlink(0, 1, NVLINK2, 6)}. */
    public static final NvLinkGen NVLINK2 = NvLinkGen.NVLINK2;

    /** Ampere's NVLink (12 links of 25 GB/s each way): {@code .nvlink(0, 1, NVLINK3, 12)}. */
    public static final NvLinkGen NVLINK3 = NvLinkGen.NVLINK3;

    /** Hopper's NVLink (18 links of 25 GB/s each way): {@code .nvlink(0, 1, NVLINK4, 18)}. */
    public static final NvLinkGen NVLINK4 = NvLinkGen.NVLINK4;

    /** GPU-to-GPU moves as the UVM driver makes them (peer copy between peers, staged otherwise). */
    public static final GpuToGpu DRIVER_COPY = GpuToGpu.DRIVER;

    /** GPU-to-GPU moves as the core kernel makes them for another owner's page: through system memory, always. */
    public static final GpuToGpu THROUGH_SYSTEM_MEMORY =
            GpuToGpu.THROUGH_SYSTEM_MEMORY;

    /**
     * PCIe generation {@code n}, 3 to 6, for a platform on another link:
     * {@code A100_PCIE4.withLink(gen(5), lanes(16))} (Gen3 to Gen5 at 8, 16, 32 GT/s with 128b/130b, Gen6 at
     * 64 GT/s in FLIT mode).
     */
    public static PcieGen gen(int n) {
        return PresetLink.gen(n);
    }

    /** A link {@code n} lanes wide (1, 2, 4, 8 or 16), for a platform on another link: {@code withLink(gen(4), lanes(8))}. */
    public static Lanes lanes(int n) {
        return PresetLink.lanes(n);
    }

    /**
     * A host IOMMU that translates the GPU's DMA, lazily invalidated, with 4 KiB IO pages and the published IOTLB
     * (64 entries, 280 ns a miss): Linux's x86 default. Shape it and put it on a platform:
     * {@code A100_PCIE4.withIommu(iommu().strict().ioPageSize(KiB(4)).iotlbEntries(64))};
     * {@code iommu().passthrough()} is {@code iommu=pt}, {@code iommu().off()} no IOMMU (every platform's default).
     * An IO page size other than 4 KiB or 2 MiB, a negative IOTLB size, or strict with the IOMMU off or in
     * passthrough is refused at the call.
     */
    public static IommuConfig iommu() {
        return IommuConfig.translated();
    }

    /** The timing layer's GPU model: {@code .engine(TIMING)} (the default). */
    public static final Engine TIMING = Engine.TIMING;
    /** The residency model: exact policy decisions, no clock: {@code .engine(RESIDENCY_MODEL)}. */
    public static final Engine RESIDENCY_MODEL = Engine.RESIDENCY_MODEL;
    /** NVIDIA-UVM style replayable fault buffer: {@code .faultPath(REPLAYABLE_BUFFER)} (the default). */
    public static final FaultPath REPLAYABLE_BUFFER = FaultPath.REPLAYABLE_BUFFER;
    /** PCIe ATS translation with PRI page requests: {@code .faultPath(ATS_PRI)}. */
    public static final FaultPath ATS_PRI = FaultPath.ATS_PRI;

    /** A new experiment with the default platform, policy and seed: {@code scenario("stream")}. */
    public static Scenario scenario(String name) {
        return Scenario.named(name);
    }

    /** A GPU kernel phase: {@code kernel("saxpy").reads("x").warps(2048)}. */
    public static PhaseSpec kernel(String name) {
        return PhaseSpec.named(name);
    }

    /** A phase (CPU or GPU, chosen by {@code .cpu(...)} or {@code .gpu(...)}): {@code phase("init").writes("x")}. */
    public static PhaseSpec phase(String name) {
        return PhaseSpec.named(name);
    }

    /**
     * A phase replaying a recorded access trace (CSV: {@code order|time_ns, agent, address, R|W|A, size}), read
     * now: {@code .gpu(trace("app.csv"))} replays every access on GPU 0 in file order, with the trace's types and
     * sizes, over an allocation named after the file ({@code app}) that the scenario allocates with the trace's
     * pages unless it has one of that name. {@code trace("app.csv").reads("buf")} replays it over {@code buf}
     * instead; a trace that does not fit there is refused when the phase is added, naming it. The agent column
     * is not consulted: {@code .gpu} or {@code .cpu} says who issues the accesses.
     */
    public static PhaseSpec trace(String file) {
        return PhaseSpec.trace(file);
    }

    // --- access patterns ---------------------------------------------------------------------------

    /** Streams through the footprint in order, wrapping around. */
    public static Pattern sequential() {
        return Patterns.sequential();
    }

    /** Steps through the footprint {@code stride} bytes at a time. */
    public static Pattern strided(Bytes stride) {
        return Patterns.strided(stride);
    }

    /** Uniformly random accesses over the footprint. */
    public static Pattern random() {
        return Patterns.uniformRandom();
    }

    /** Zipf-distributed pages (a few hot, a long cold tail), exponent > 0: {@code zipf(1.1)}. */
    public static Pattern zipf(double exponent) {
        return Patterns.zipf(exponent);
    }

    /** A hot set: {@code hotProbability} of accesses go to the first {@code hotFraction} of the footprint. */
    public static Pattern hotSet(double hotFraction, double hotProbability) {
        return Patterns.hotSet(hotFraction, hotProbability);
    }

    /** A 2-D stencil over rows of {@code rowBytes}: each access also reads the rows above and below. */
    public static Pattern stencil(Bytes rowBytes) {
        return Patterns.stencil(rowBytes);
    }

    /**
     * {@code arrays} equal arrays laid side by side, streamed in lockstep: the STREAM kernels (copy and scale
     * touch 2, add and triad 3). Give the phase a write fraction of {@code 1.0 / arrays} for one output array.
     */
    public static Pattern arrays(int arrays) {
        return Patterns.arrays(arrays);
    }

    /**
     * C = A x B for square fp32 matrices, A, B and C one after another in the footprint (the side is the largest
     * multiple of {@code tile} that fits), computed in {@code tile} x {@code tile} output tiles as a CUDA
     * shared-memory sgemm does: per output tile and k-step, the A tile's rows then the B tile's rows, then the C
     * tile stored. Loads are reads and stores writes whatever the phase's write fraction; give the phase the access
     * size of one warp's load of a tile row: {@code kernel("sgemm").reads("abc").pattern(gemm(32)).accessSize(bytes(128))}.
     */
    public static Pattern gemm(int tile) {
        return Patterns.gemm(tile);
    }

    /**
     * {@link #gemm(int)} for {@code n} x {@code n} matrices; the footprint must hold the three ({@code 12 n^2}
     * bytes): {@code gemm(2048, 32)}.
     */
    public static Pattern gemm(int n, int tile) {
        return Patterns.gemm(n, tile);
    }

    /** Dependent random accesses: each address comes from the previous one. */
    public static Pattern pointerChase() {
        return Patterns.pointerChase();
    }

    // --- policies (the records and their ranges live in org.hmmlab.dsl.spec) ------------------------

    /** The UVM driver's defaults: first touch, density prefetch (51 %), LRU 2 MiB, thrashing detection. */
    public static PolicySpec uvmDefaults() {
        return PolicySpec.uvmDefaults();
    }

    /** First touch without prefetch or thrashing detection. */
    public static PolicySpec onDemand() {
        return PolicySpec.onDemand();
    }

    /** Everything mapped remotely; nothing migrates. */
    public static PolicySpec zeroCopy() {
        return PolicySpec.zeroCopy();
    }

    /** Migrate on first GPU touch: {@code uvmDefaults().placement(firstTouch())}. */
    public static PlacementSpec.FirstTouch firstTouch() {
        return PolicySpec.firstTouch();
    }

    /** Map remotely instead of migrating: {@code uvmDefaults().placement(remoteMap())}. */
    public static PlacementSpec.RemoteMap remoteMap() {
        return PolicySpec.remoteMap();
    }

    /**
     * Access-counter migration with UVM's defaults (256 accesses per 2 MiB, no decay), refined step by step:
     * {@code accessCounters().threshold(64).granularity(KiB(64)).decay(us(100))}.
     */
    public static PlacementSpec.AccessCounters accessCounters() {
        return PolicySpec.accessCounters();
    }

    /** Migrate a region after {@code threshold} remote accesses per {@code granularity}: {@code accessCounters(64, KiB(64))}. */
    public static PlacementSpec.AccessCounters accessCounters(int threshold, Bytes granularity) {
        return PolicySpec.accessCounters(threshold, granularity);
    }

    /** A placement written in JavaScript: {@code javascript("mine.js", "function onDeviceFault(f) { ... }")}. */
    public static PlacementSpec.JavaScript javascript(String name, String source) {
        return PolicySpec.javascript(name, source);
    }

    /** No prefetch: {@code onDemand().prefetch(noPrefetch())}. */
    public static PrefetchSpec.None noPrefetch() {
        return PolicySpec.noPrefetch();
    }

    /** The density prefetcher at UVM's 51 %: {@code density()}. */
    public static PrefetchSpec.Density density() {
        return PolicySpec.density();
    }

    /** The density prefetcher at {@code thresholdPercent} (1 to 100): {@code density(30)}. */
    public static PrefetchSpec.Density density(int thresholdPercent) {
        return PolicySpec.density(thresholdPercent);
    }

    /** Prefetch the aligned neighbourhood of each fault: {@code neighbourhood(KiB(64))}. */
    public static PrefetchSpec.Neighbourhood neighbourhood(Bytes size) {
        return PolicySpec.neighbourhood(size);
    }

    /** UVM's LRU (2 MiB chunks, on allocation), refined step by step: {@code lru().granularity(KiB(64))}. */
    public static EvictionSpec.Lru lru() {
        return PolicySpec.lru();
    }

    /** LRU eviction at {@code granularity}, refreshed on access or only on allocation: {@code lru(KiB(64), true)}. */
    public static EvictionSpec.Lru lru(Bytes granularity, boolean refreshOnAccess) {
        return PolicySpec.lru(granularity, refreshOnAccess);
    }

    /** Random victims at {@code granularity}, drawn from the run's seed: {@code randomEviction(MiB(2))}. */
    public static EvictionSpec.Random randomEviction(Bytes granularity) {
        return PolicySpec.randomEviction(granularity);
    }

    /** SRRIP eviction at {@code granularity}: {@code rrip(KiB(64))}. */
    public static EvictionSpec.Rrip rrip(Bytes granularity) {
        return PolicySpec.rrip(granularity);
    }

    /** GPGPU-Sim UVMSmart's random prefetcher (one more random 4 KiB page of the 2 MiB): {@code randomPrefetch()}. */
    public static PrefetchSpec.RandomPage randomPrefetch() {
        return PolicySpec.randomPrefetch();
    }

    /** GPGPU-Sim UVMSmart's sequential-local prefetcher (the faulting 64 KiB block): {@code sequentialLocal()}. */
    public static PrefetchSpec.SequentialLocal sequentialLocal() {
        return PolicySpec.sequentialLocal();
    }

    /**
     * GPGPU-Sim UVMSmart's tree-based neighbourhood prefetcher, optionally switched at the first eviction:
     * {@code treeBasedNeighbourhood().onEviction(noPrefetch())}.
     */
    public static PrefetchSpec.TreeBasedNeighbourhood treeBasedNeighbourhood() {
        return PolicySpec.treeBasedNeighbourhood();
    }

    /** GPGPU-Sim UVMSmart's LRU refreshed on every access, with its options: {@code uvmSmartLru(KiB(4)).reservePct(10)}. */
    public static EvictionSpec.UvmSmartLru uvmSmartLru(Bytes granularity) {
        return PolicySpec.uvmSmartLru(granularity);
    }

    /** GPGPU-Sim UVMSmart's LFU over 2 MiB (count, then clean, then age): {@code uvmSmartLfu().freeBufferPct(5)}. */
    public static EvictionSpec.UvmSmartLfu uvmSmartLfu() {
        return PolicySpec.uvmSmartLfu();
    }

    /** GPGPU-Sim UVMSmart's random eviction: {@code uvmSmartRandom(KiB(4)).dropClean(true)}. */
    public static EvictionSpec.UvmSmartRandom uvmSmartRandom(Bytes granularity) {
        return PolicySpec.uvmSmartRandom(granularity);
    }

    /** GPGPU-Sim UVMSmart's sequential-local eviction (LRU 64 KiB): {@code sequentialLocalEviction()}. */
    public static EvictionSpec.SequentialLocal sequentialLocalEviction() {
        return PolicySpec.sequentialLocalEviction();
    }

    /** GPGPU-Sim UVMSmart's tree-based neighbourhood pre-eviction: {@code treeBasedEviction().freeBufferPct(10)}. */
    public static EvictionSpec.TreeBasedNeighbourhood treeBasedEviction() {
        return PolicySpec.treeBasedEviction();
    }

    /** IPDPS'20 delayed migration with an adaptive threshold: {@code adaptiveAccessCounters().threshold(8).penalty(2)}. */
    public static PlacementSpec.AdaptiveAccessCounters adaptiveAccessCounters() {
        return PolicySpec.adaptiveAccessCounters();
    }

    /** GPGPU-Sim UVMSmart's GTX 1080 Ti configuration: {@code uvmSmartDefaults()} (see {@link PolicySpec#uvmSmartDefaults()}). */
    public static PolicySpec uvmSmartDefaults() {
        return PolicySpec.uvmSmartDefaults();
    }

    /** No thrashing detection: {@code uvmDefaults().thrashing(noThrashing())}. */
    public static ThrashingSpec.None noThrashing() {
        return PolicySpec.noThrashing();
    }

    /**
     * UVM's thrashing detection with its defaults (3 events 500 us apart, nap 500 us, pin after 10 throttles for
     * 150 ms, epoch 1 s), refined step by step: {@code onDemand().thrashing(uvmThrashing().threshold(5)
     * .lapse(us(250)).pinDuration(ms(10)).throttleOnly())}; see {@link ThrashingSpec.Uvm} for every parameter.
     */
    public static ThrashingSpec.Uvm uvmThrashing() {
        return PolicySpec.uvmThrashing();
    }

    // --- hints (cudaMemAdvise by allocation name) --------------------------------------------------

    /** Host memory, where a hint points: {@code preferredLocation("x", HOST)}. */
    public static final Processor HOST = Processor.HOST;

    /** GPU {@code index} (0 to 63), where a hint points: {@code accessedBy("x", gpu(0))}. */
    public static Processor gpu(int index) {
        return Processor.gpu(index);
    }

    /** Keep {@code allocation} at {@code location}: {@code uvmDefaults().hints(preferredLocation("x", HOST))}. */
    public static HintSpec.PreferredLocation preferredLocation(String allocation, Processor location) {
        return PolicySpec.preferredLocation(allocation, location);
    }

    /** {@code gpu} maps {@code allocation} where it lives: {@code uvmDefaults().hints(accessedBy("x", gpu(0)))}. */
    public static HintSpec.AccessedBy accessedBy(String allocation, Processor gpu) {
        return PolicySpec.accessedBy(allocation, gpu);
    }

    /**
     * Each of a set of GPUs maps {@code allocation} where it lives, without migrating it:
     * {@code uvmDefaults().hints(accessedBy("x", gpu(0), gpu(1)))}.
     */
    public static HintSpec.AccessedBySet accessedBy(String allocation, Processor first, Processor... more) {
        return PolicySpec.accessedBy(allocation, first, more);
    }

    /** GPU reads of {@code allocation} duplicate it: {@code uvmDefaults().hints(readMostly("weights"))}. */
    public static HintSpec.ReadMostly readMostly(String allocation) {
        return PolicySpec.readMostly(allocation);
    }

    /**
     * A machine for the kernel-level API, with 1 GiB of RAM: {@code var p = machine().process();}.
     * See {@link org.hmmlab.dsl.mm}.
     */
    public static org.hmmlab.dsl.mm.Machine machine() {
        return org.hmmlab.dsl.mm.Machine.withRam(org.hmmlab.dsl.mm.Machine.DEFAULT_RAM);
    }

    /** A machine with {@code ram} of RAM (8 MiB to 8 TiB): {@code machine(MiB(64))}. */
    public static org.hmmlab.dsl.mm.Machine machine(Bytes ram) {
        return org.hmmlab.dsl.mm.Machine.withRam(ram);
    }

    // --- calibration -------------------------------------------------------------------------------

    /**
     * How far to trust the model: every published measurement the model can answer
     * (shared/reference/perf-figures.md) beside what the model gives for the same set-up, one row per case, as
     * {@code ./hmmlab calibrate} prints it: {@code calibration().where("within_15pct", false)}.
     *
     * <p>Each case runs the real timing model (links, copy engines, the GPU's fault path) on a ready platform
     * profile, so this takes a few seconds; keep the table in a variable. The columns:
     * <ul>
     * <li>{@code case}, {@code source} (the citation), {@code tag} (its perf-figures.md tag, the label of a
     *     {@link org.hmmlab.calibrate.SourceTag}: {@code M} measured, {@code D} derived from a published model,
     *     {@code 2nd} second-hand, {@code P} a driver's or simulator's parameter, {@code A} an assumption);</li>
     * <li>{@code unit}: the unit of {@code published}, {@code published_low}, {@code published_high} and
     *     {@code model} in that row ({@code GB/s}, {@code us}, {@code ns}, {@code faults}...), because rows measure
     *     different things;</li>
     * <li>{@code published}: the figure, or the midpoint of a published range whose ends are
     *     {@code published_low} and {@code published_high} (equal for a single figure);</li>
     * <li>{@code error_pct}: model against the figure in percent, or against the nearer end of a range
     *     (0 inside it); {@code within_15pct}: whether its magnitude is at most 15;</li>
     * <li>{@code fit}: the figure set one of the model's constants, so agreement there is by construction, not a
     *     validation; {@code note}: what was fitted, or why a case misses.</li>
     * </ul>
     * Draw it with {@link org.hmmlab.dsl.results.Charts#calibration}. At 30-odd rows the table is longer than a
     * notebook shows by default: {@code calibration().showAll()} shows it whole.
     */
    public static Table calibration() {
        return calibration(Calibration.cases());
    }

    /**
     * The multi-GPU model's copy paths against the published figures they touch (GH200 NVLink-C2C each way, small
     * GPU-to-GPU copies with and without peer access), as the same table as {@link #calibration()}:
     * {@code Charts.calibration("multi-GPU", multiGpuCalibration())}.
     */
    public static Table multiGpuCalibration() {
        return calibration(org.hmmlab.multigpu.MultiGpuCalibration.cases());
    }

    /**
     * Comparisons of your own, as the same table as {@link #calibration()}, for example a copy you timed on
     * your machine against the model on your platform profile:
     * {@code calibration(List.of(CalibrationCase.of("my H2D 256 MiB", SourceTag.MEASURED, "my nvbandwidth run",
     * "GB/s", 24.1, Calibration.copyRate(mine, true, MiB(256)), "")))}.
     */
    public static Table calibration(List<CalibrationCase> cases) {
        Table.Builder b = Table.builder("calibration")
                .column("case", ColumnType.STRING)
                .column("source", ColumnType.STRING)
                .column("tag", ColumnType.STRING)
                .column("unit", ColumnType.STRING)
                .column("published", ColumnType.DOUBLE)
                .column("published_low", ColumnType.DOUBLE)
                .column("published_high", ColumnType.DOUBLE)
                .column("model", ColumnType.DOUBLE)
                .column("error_pct", ColumnType.DOUBLE)
                .column("within_15pct", ColumnType.BOOLEAN)
                .column("fit", ColumnType.BOOLEAN)
                .column("note", ColumnType.STRING);
        for (int i = 0; i < cases.size(); i++) {
            CalibrationCase c = cases.get(i);
            if (c == null) {
                throw new IllegalArgumentException("calibration(cases): cases[" + i + "] is null");
            }
            b.row(c.name(), c.source(), c.tag().label(), c.unit(), c.published(), c.low(), c.high(), c.model(),
                    c.errorPercent(), c.within15Percent(), c.note().startsWith("fit"), c.note());
        }
        return b.build();
    }

    /** The seven benchmarks of Ganguly et al., ISCA 2019: backprop, bfs, fdtd-2d, hotspot, nw, pathfinder, srad. */
    public static final List<String> ISCA19_BENCHMARKS = Catalogue.ISCA19;

    /**
     * The peer simulator's benchmarks as workloads (Rodinia's backprop, bfs, hotspot, nw, pathfinder and srad_v2,
     * PolyBench/GPU's FDTD-2D, HPC Challenge's RandomAccess, sssp), one row each: {@code benchmark}, {@code suite},
     * {@code kernels}, {@code launches}, {@code footprint_bytes}, {@code peer_working_set_bytes},
     * {@code gpu_accesses}, {@code source}. Use one with {@code scenario("nw").benchmark("nw")}.
     */
    public static Table benchmarks() {
        return BenchmarkSpec.catalogue();
    }

    /**
     * The catalogue's benchmark {@code name}, to tune before it joins a scenario:
     * {@code scenario("bfs").benchmark(benchmark("bfs").accessSize(KiB(4)))}.
     *
     * @throws IllegalArgumentException listing the catalogue when there is no benchmark of that name
     */
    public static BenchmarkSpec benchmark(String name) {
        return BenchmarkSpec.named(name);
    }

    /**
     * The peer's ISCA'19 experiments over its seven benchmarks, as one matrix of runs (prefetchers, oversubscription,
     * eviction policies, matched pairs, large-page eviction), each with the lab's timed fault path and the peer's
     * accounting beside it: {@code peerMatrix().benchmarks("bfs").run()}. See {@link PeerMatrix}.
     */
    public static PeerMatrix peerMatrix() {
        return PeerMatrix.isca19();
    }

    /** An empty measurement row to add cells to: {@code row().with("faults", 12)}. */
    public static Row row() {
        return Row.of();
    }
}
