package org.hmmlab.dsl.js;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;
import org.hmmlab.dsl.Lab;
import org.hmmlab.dsl.Param;
import org.hmmlab.dsl.PhaseSpec;
import org.hmmlab.dsl.Scenario;
import org.hmmlab.dsl.grid.ScenarioSweep;
import org.hmmlab.dsl.ScenarioResult;
import org.hmmlab.dsl.Sweep;
import org.hmmlab.dsl.SweepProgress;
import org.hmmlab.dsl.SweepResult;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.dsl.spec.EvictionSpec;
import org.hmmlab.dsl.spec.FaultPaths;
import org.hmmlab.dsl.spec.HintSpec;
import org.hmmlab.dsl.spec.IommuSpec;
import org.hmmlab.dsl.spec.PlacementSpec;
import org.hmmlab.dsl.spec.PlatformPresets;
import org.hmmlab.dsl.spec.PolicySpec;
import org.hmmlab.dsl.spec.PrefetchSpec;
import org.hmmlab.dsl.spec.PresetLink;
import org.hmmlab.dsl.spec.Processor;
import org.hmmlab.dsl.spec.SpecReader;
import org.hmmlab.dsl.spec.TopologyNames;
import org.hmmlab.dsl.spec.ThrashingSpec;
import org.hmmlab.pcie.IommuConfig;
import org.hmmlab.pcie.Lanes;
import org.hmmlab.pcie.PcieGen;
import org.hmmlab.units.Bytes;

/**
 * The DSL as a JavaScript scenario sees it, through the global {@code lab}: the same scenario API with sizes
 * written as strings with units ({@code "256MiB"}) and patterns as short strings ({@code "zipf:1.1"}).
 *
 * <pre>{@code
 * const s = lab.scenario("stream").on("A100_PCIE4").vram("128MiB").policy("on-demand")
 *     .alloc("x", "256MiB")
 *     .cpu(lab.phase("init").writes("x"))
 *     .gpu(lab.kernel("scan").reads("x").passes(2).warps(1024));
 * lab.show(s.run().counters());
 * }</pre>
 *
 * <p>Policy components and hints are object literals in the JSON grammar, read by the spec itself
 * ({@link org.hmmlab.dsl.spec}), so a policy written here equals the same policy written in Java or JSON and a bad
 * value gets the same message:
 * <pre>{@code
 * s.placement({kind: "access-counters", threshold: 256, granularity: "64KiB", decay: "100us"})
 *  .eviction({kind: "lru", granularity: "64KiB", refresh_on_access: true})
 *  .readMostly("weights").preferredLocation("x", "host").accessedBy("y", "gpu0")
 * }</pre>
 *
 * <p>Only the methods marked {@code @HostAccess.Export} here and in the nested wrappers are reachable from a
 * script. A bad value is refused by the same checks as in Java, and the error names the script line.
 */
public final class JsLab {

    private final Consumer<Object> shows;
    private final Function<String, Consumer<SweepProgress>> progress;

    /** A lab whose {@link #show} hands values to {@code shows} (the CLI prints them); sweeps report no progress. */
    public JsLab(Consumer<Object> shows) {
        this(shows, label -> p -> { });
    }

    /**
     * A lab whose {@link #show} hands values to {@code shows} and whose sweeps report to the listener
     * {@code progress} gives for the sweep's name (the CLI draws a progress line).
     */
    public JsLab(Consumer<Object> shows, Function<String, Consumer<SweepProgress>> progress) {
        this.shows = Objects.requireNonNull(shows, "shows");
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /** A new scenario: {@code lab.scenario("stream")}. */
    @HostAccess.Export
    public JsScenario scenario(String name) {
        return new JsScenario(Lab.scenario(name));
    }

    /** A GPU kernel phase: {@code lab.kernel("scan").reads("x")}. */
    @HostAccess.Export
    public JsPhase kernel(String name) {
        return new JsPhase(Lab.kernel(name));
    }

    /** A CPU or GPU phase: {@code lab.phase("init").writes("x")}. */
    @HostAccess.Export
    public JsPhase phase(String name) {
        return new JsPhase(Lab.phase(name));
    }

    /** The benchmark catalogue as a table: {@code lab.show(lab.benchmarks())}. */
    @HostAccess.Export
    public Table benchmarks() {
        return Lab.benchmarks();
    }

    /** Shows a result: a table prints, a chart is written under --out. */
    @HostAccess.Export
    public void show(Object value) {
        shows.accept(value instanceof JsResult r ? r.result : value);
    }

    /**
     * Runs {@code fn(value)} for each value, in order, and gathers the counters of the scenario results it
     * returns into a table whose first column is the parameter: {@code lab.sweep("vram", ["64MiB", "128MiB"], v => s.vram(v).run())}.
     * Points run one after another (a script is single-threaded), each with its own seed.
     */
    @HostAccess.Export
    public Table sweep(String name, Value values, Value fn) {
        if (values == null || !values.hasArrayElements() || values.getArraySize() == 0) {
            throw new IllegalArgumentException("sweep(name, values, fn): values must be a non-empty array");
        }
        if (fn == null || !fn.canExecute()) {
            throw new IllegalArgumentException("sweep(name, values, fn): fn must be a function of one value");
        }
        List<Object> vs = new ArrayList<>();
        for (long i = 0; i < values.getArraySize(); i++) {
            Value v = values.getArrayElement(i);
            vs.add(v.isString() ? (Object) v.asString() : v.fitsInLong() ? (Object) v.asLong() : (Object) v.asDouble());
        }
        Param<Object> p = Param.of(name, vs);
        SweepResult r = Sweep.over(p).parallelism(1).named(name + " sweep")
                .onProgress(progress.apply(name + " sweep")).run(point -> {
            Value out = fn.execute(point.get(p));
            if (!out.isHostObject() || !(out.asHostObject() instanceof JsResult res)) {
                throw new IllegalArgumentException("sweep fn must return a scenario's run(), returned " + out);
            }
            return res.result.summary();
        });
        return r.table();
    }

    /**
     * A sweep described as data over scenario {@code base}, as Java's {@code sweep(base)} and a sweep file:
     * {@code lab.sweep(base).vary("policy.placement.threshold", [1, 4, 16]).vary("vram", ["64MiB", "128MiB"]).run()}.
     */
    @HostAccess.Export
    public JsGrid sweep(JsScenario base) {
        if (base == null) {
            throw new IllegalArgumentException("sweep(base): base must be a scenario, lab.scenario(...)");
        }
        return new JsGrid(ScenarioSweep.of(base.scenario()));
    }

    /** A sweep described as data under construction; each call returns a new one. */
    public final class JsGrid {
        private final ScenarioSweep s;

        JsGrid(ScenarioSweep s) {
            this.s = s;
        }

        /** Varies the field at {@code path} over an array of values (numbers, text such as {@code "64MiB"}). */
        @HostAccess.Export
        public JsGrid vary(String path, Value values) {
            if (values == null || !values.hasArrayElements()) {
                throw new IllegalArgumentException("vary(\"" + path + "\", values): values must be an array");
            }
            List<Object> vs = new ArrayList<>();
            for (long i = 0; i < values.getArraySize(); i++) {
                Value v = values.getArrayElement(i);
                vs.add(v.isString() ? (Object) v.asString() : v.isBoolean() ? (Object) v.asBoolean()
                        : v.fitsInLong() ? (Object) v.asLong() : v.isNumber() ? (Object) v.asDouble() : v.toString());
            }
            return new JsGrid(s.vary(path, vs));
        }

        /** Keeps these measured columns: {@code .columns(["faults", "evictions"])}. */
        @HostAccess.Export
        public JsGrid columns(Value names) {
            if (names == null || !names.hasArrayElements()) {
                throw new IllegalArgumentException("columns(names): names must be an array of column names");
            }
            List<String> cs = new ArrayList<>();
            for (long i = 0; i < names.getArraySize(); i++) {
                Value n = names.getArrayElement(i);
                cs.add(n.isString() ? n.asString() : n.toString());
            }
            return new JsGrid(s.columns(cs));
        }

        /** The sweep's seed. */
        @HostAccess.Export
        public JsGrid seed(double seed) {
            return new JsGrid(s.seed((long) seed));
        }

        /** The sweep's name. */
        @HostAccess.Export
        public JsGrid named(String title) {
            return new JsGrid(s.named(title));
        }

        /** Runs on {@code "local"} (the default) or {@code "spark"}, {@code "spark:MASTER"}. */
        @HostAccess.Export
        public JsGrid on(String executor) {
            return new JsGrid(s.on(executor));
        }

        /** Runs every point and gives the table, parameter columns first. */
        @HostAccess.Export
        public Table run() {
            return s.onProgress(progress.apply(s.name())).run().table();
        }

        /** The sweep as a sweep file's JSON, for {@code ./hmmlab sweep}. */
        @HostAccess.Export
        public String toJson() {
            return s.toJson();
        }

        /** The Java sweep behind this one. */
        public ScenarioSweep sweep() {
            return s;
        }

        @Override
        @HostAccess.Export
        public String toString() {
            return s.toString();
        }
    }

    /** A scenario under construction; each call returns a new one. */
    public static final class JsScenario {
        private final Scenario s;

        JsScenario(Scenario s) {
            this.s = s;
        }

        /** The platform preset: one of {@link org.hmmlab.dsl.spec.PlatformPresets#NAMES}, {@code "A100_PCIE4"} say. */
        @HostAccess.Export
        public JsScenario on(String preset) {
            return new JsScenario(s.on(PlatformPresets.scenarioPlatform("preset", preset)));
        }

        /**
         * The platform's GPU on another PCIe link, generation (3 to 6) and lanes (1, 2, 4, 8 or 16):
         * {@code .on("A100_PCIE4").link(5, 16)}, Java's {@code A100_PCIE4.withLink(gen(5), lanes(16))}.
         */
        @HostAccess.Export
        public JsScenario link(Value gen, Value lanes) {
            PcieGen g = PresetLink.gen(JsNumbers.whole("link(gen, lanes)", "gen", gen));
            Lanes l = PresetLink.lanes(JsNumbers.whole("link(gen, lanes)", "lanes", lanes));
            return new JsScenario(s.on(s.basePlatform().withLink(g, l)));
        }

        /**
         * The host IOMMU in front of the GPU: {@code .iommu("strict")} (off, passthrough, lazy or strict, with the
         * published IOTLB) or {@code .iommu({mode: "lazy", ioPageSize: "2MiB", iotlbEntries: 64, iotlbMiss: "280ns"})};
         * Java's {@code A100_PCIE4.withIommu(iommu().lazy().ioPageSize(MiB(2)))}.
         */
        @HostAccess.Export
        public JsScenario iommu(Value spec) {
            IommuConfig c = spec != null && spec.isString() ? IommuSpec.mode(spec.asString())
                    : IommuSpec.read(new JsSpecReader("iommu", spec));
            return new JsScenario(s.on(s.basePlatform().withIommu(c)));
        }

        /**
         * The driver personality on the same hardware: {@code .driver("amdSvm")}, {@code .driver("uvm")} or
         * {@code .driver({name: "amdSvm", xnack: false, ranges: {x: {prefetchLoc: "gpu"}}})}; Java's
         * {@code .driver(amdSvm().xnack(false))}. An amdSvm option given to uvm is refused, naming the driver.
         */
        @HostAccess.Export
        public JsScenario driver(Value spec) {
            org.hmmlab.platform.DriverPersonality d = spec != null && spec.isString()
                    ? org.hmmlab.dsl.spec.DriverSpec.named(spec.asString())
                    : org.hmmlab.dsl.spec.DriverSpec.read(new JsSpecReader("driver", spec));
            return new JsScenario(s.driver(d));
        }

        /** Device memory: {@code .vram("8GiB")}. */
        @HostAccess.Export
        public JsScenario vram(String size) {
            return new JsScenario(s.vram(Bytes.parse(size)));
        }

        /** A ready policy: {@code "uvm-defaults"}, {@code "on-demand"} or {@code "zero-copy"}; hints given so far stay. */
        @HostAccess.Export
        public JsScenario policy(String name) {
            PolicySpec p = PolicySpec.preset(name);
            return new JsScenario(s.policy(p.hints(s.policy().hints().toArray(HintSpec[]::new))));
        }

        /** Access-counter placement: {@code .accessCounters(256, "2MiB")}. */
        @HostAccess.Export
        public JsScenario accessCounters(Value threshold, String granularity) {
            int t = JsNumbers.wholeInt("accessCounters(threshold, granularity)", "threshold", threshold);
            return with(s.policy().placement(PolicySpec.accessCounters(t, Bytes.parse(granularity))));
        }

        /**
         * The placement: {@code .placement({kind: "access-counters", threshold: 64, decay: "100us"})}, or a
         * JavaScript placement given as the function itself: {@code .placement(function onDeviceFault(f) { return
         * f.access() === "read" ? "map-remote" : "migrate"; })}. The function's text becomes a placement script of
         * its own ({@code PlacementSpec.JavaScript}, named after the function), so it runs in its own sandbox and
         * sees its parameters, not the scenario's variables; {@code onRemoteAccess} and {@code onMigrated} need the
         * object form with the whole script as {@code source}.
         */
        @HostAccess.Export
        public JsScenario placement(Value spec) {
            if (spec != null && spec.canExecute() && !spec.hasMember("kind")) {
                return with(s.policy().placement(functionPlacement(spec)));
            }
            return with(s.policy().placement(PlacementSpec.read(new JsSpecReader("placement", spec))));
        }

        /** A placement from a script's function: its source text, as {@code onDeviceFault}. */
        private static PlacementSpec.JavaScript functionPlacement(Value fn) {
            var where = fn.getSourceLocation();
            if (where == null || !where.isAvailable() || !where.hasCharIndex()) {
                throw new IllegalArgumentException("placement(fn): fn must be a function written in the script, got "
                        + fn);
            }
            String text = where.getCharacters().toString();
            Value named = fn.getMember("name");
            String name = named != null && named.isString() && !named.asString().isBlank() ? named.asString()
                    : "placement";
            String source = name.equals("onDeviceFault") && text.startsWith("function")
                    ? text : "var onDeviceFault = " + text + ";";
            try {
                return PolicySpec.javascript(name, source);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("placement(fn): " + e.getMessage(), e);
            }
        }

        /**
         * The prefetcher: {@code .prefetch({kind: "neighbourhood", size: "64KiB"})}, or a number: the density
         * prefetcher at that percent (1 to 100), 0 for none.
         */
        @HostAccess.Export
        public JsScenario prefetch(Value spec) {
            if (spec != null && spec.isNumber()) {
                int percent = JsNumbers.wholeInt("prefetch(percent)", "percent", spec);
                return with(s.policy().prefetch(percent == 0 ? PolicySpec.noPrefetch() : PolicySpec.density(percent)));
            }
            return with(s.policy().prefetch(PrefetchSpec.read(new JsSpecReader("prefetch", spec))));
        }

        /** The evictor: {@code .eviction({kind: "rrip", granularity: "64KiB"})}. */
        @HostAccess.Export
        public JsScenario eviction(Value spec) {
            return with(s.policy().eviction(EvictionSpec.read(new JsSpecReader("eviction", spec))));
        }

        /** The thrashing detector: {@code .thrashing({kind: "none"})}. */
        @HostAccess.Export
        public JsScenario thrashing(Value spec) {
            return with(s.policy().thrashing(ThrashingSpec.read(new JsSpecReader("thrashing", spec))));
        }

        /** A hint: {@code .hint({kind: "read-mostly", allocation: "x"})}. */
        @HostAccess.Export
        public JsScenario hint(Value spec) {
            return with(s.policy().hints(HintSpec.read(new JsSpecReader("hint", spec))));
        }

        /** Keeps {@code allocation} at {@code location}, {@code "host"} or {@code "gpu0"}: {@code .preferredLocation("x", "host")}. */
        @HostAccess.Export
        public JsScenario preferredLocation(String allocation, String location) {
            return with(s.policy().hints(PolicySpec.preferredLocation(allocation, Processor.parse("location", location))));
        }

        /** {@code gpu} maps {@code allocation} where it lives: {@code .accessedBy("x", "gpu0")}. */
        @HostAccess.Export
        public JsScenario accessedBy(String allocation, String gpu) {
            return with(s.policy().hints(PolicySpec.accessedBy(allocation, Processor.parse("gpu", gpu))));
        }

        /** GPU reads of {@code allocation} duplicate it: {@code .readMostly("weights")}. */
        @HostAccess.Export
        public JsScenario readMostly(String allocation) {
            return with(s.policy().hints(PolicySpec.readMostly(allocation)));
        }

        private JsScenario with(PolicySpec p) {
            return new JsScenario(s.policy(p));
        }

        /** A managed allocation: {@code .alloc("x", "2GiB")}. */
        @HostAccess.Export
        public JsScenario alloc(String name, String size) {
            return new JsScenario(s.alloc(name, Bytes.parse(size)));
        }

        /**
         * The steps of the catalogue's benchmark {@code name} over an allocation named after it:
         * {@code .benchmark("nw")}; {@code .benchmark("nw", "4KiB")} cuts kernel accesses at 4 KiB instead of 128 B.
         */
        @HostAccess.Export
        public JsScenario benchmark(String name) {
            return new JsScenario(s.benchmark(name));
        }

        /** {@link #benchmark(String)} with kernel accesses of at most {@code accessSize}. */
        @HostAccess.Export
        public JsScenario benchmark(String name, String accessSize) {
            return new JsScenario(s.benchmark(Lab.benchmark(name).accessSize(Bytes.parse(accessSize))));
        }

        /** Device memory = the allocations so far / {@code ratio}: {@code .oversubscribe(1.1)} for 110 %. */
        @HostAccess.Export
        public JsScenario oversubscribe(Value ratio) {
            if (ratio == null || !ratio.isNumber()) {
                throw new IllegalArgumentException("oversubscribe(ratio): ratio must be a number in [1, 1000], got "
                        + ratio);
            }
            return new JsScenario(s.oversubscribe(ratio.asDouble()));
        }

        /** A GPU phase. */
        @HostAccess.Export
        public JsScenario gpu(JsPhase phase) {
            return new JsScenario(s.gpu(phase.spec));
        }

        /** A GPU phase on GPU {@code index} of a platform with several: {@code .gpus(2).gpu(1, lab.kernel("k").reads("x"))}. */
        @HostAccess.Export
        public JsScenario gpu(Value index, JsPhase phase) {
            return new JsScenario(s.gpu(JsNumbers.wholeInt("gpu(index, phase)", "index", index), phase.spec));
        }

        /** {@code n} GPUs (1 to 64): {@code .gpus(2)}, Java's {@code .gpus(2)}. */
        @HostAccess.Export
        public JsScenario gpus(Value n) {
            return new JsScenario(s.gpus(JsNumbers.wholeInt("gpus(n)", "n", n)));
        }

        /** PCIe peer-to-peer access between the GPUs on or off: {@code .peerAccess(true)}. */
        @HostAccess.Export
        public JsScenario peerAccess(boolean on) {
            return new JsScenario(s.peerAccess(on));
        }

        /** The GPUs behind one PCIe switch: {@code .behindSwitch()}. */
        @HostAccess.Export
        public JsScenario behindSwitch() {
            return new JsScenario(s.behindSwitch());
        }

        /** NVLink between two GPUs: {@code .nvlink(0, 1, "nvlink3", 12)}. */
        @HostAccess.Export
        public JsScenario nvlink(Value a, Value b, String generation, Value links) {
            String call = "nvlink(a, b, generation, links)";
            return new JsScenario(s.nvlink(JsNumbers.wholeInt(call, "a", a), JsNumbers.wholeInt(call, "b", b),
                    TopologyNames.generation(call, generation), JsNumbers.wholeInt(call, "links", links)));
        }

        /** How pages move between GPUs: {@code .gpuToGpu("through-system-memory")} or {@code "driver"}. */
        @HostAccess.Export
        public JsScenario gpuToGpu(String path) {
            return new JsScenario(s.gpuToGpu(TopologyNames.gpuToGpu("gpuToGpu(path)", path)));
        }

        /** A CPU phase. */
        @HostAccess.Export
        public JsScenario cpu(JsPhase phase) {
            return new JsScenario(s.cpu(phase.spec));
        }

        /** {@code rounds} rounds of the GPU reading then the CPU writing {@code allocation}: {@code .pingPong("x", 4)}. */
        @HostAccess.Export
        public JsScenario pingPong(String allocation, Value rounds) {
            return new JsScenario(s.pingPong(allocation, JsNumbers.wholeInt("pingPong(allocation, rounds)", "rounds",
                    rounds)));
        }

        /** The ping-pong with the GPU reading by {@code warps} warps: {@code .pingPong("x", 4, 256)}. */
        @HostAccess.Export
        public JsScenario pingPong(String allocation, Value rounds, Value warps) {
            String call = "pingPong(allocation, rounds, warps)";
            return new JsScenario(s.pingPong(allocation, JsNumbers.wholeInt(call, "rounds", rounds),
                    JsNumbers.wholeInt(call, "warps", warps)));
        }

        /** Prefetches all of {@code allocation} to GPU 0 here ({@code cudaMemPrefetchAsync}): {@code .prefetchToGpu("x")}. */
        @HostAccess.Export
        public JsScenario prefetchToGpu(String allocation) {
            return new JsScenario(s.prefetchToGpu(allocation));
        }

        /** Prefetches {@code size} bytes from {@code offset}: {@code .prefetchToGpu("x", "2MiB", "4MiB")}. */
        @HostAccess.Export
        public JsScenario prefetchToGpu(String allocation, String offset, String size) {
            return new JsScenario(s.prefetchToGpu(allocation, Bytes.parse(offset), Bytes.parse(size)));
        }

        /** The engine: {@code "timing"} (the default) or {@code "residency-model"}. */
        @HostAccess.Export
        public JsScenario engine(String name) {
            return new JsScenario(s.engine(org.hmmlab.dsl.Engine.named(name)));
        }

        /** The fault path on the timing engine: {@code "replayable-buffer"} (default) or {@code "ats-pri"}. */
        @HostAccess.Export
        public JsScenario faultPath(String name) {
            return new JsScenario(s.faultPath(FaultPaths.named(name)));
        }

        /** The run's seed, a whole number (a fraction is refused, not truncated). */
        @HostAccess.Export
        public JsScenario seed(Value seed) {
            return new JsScenario(s.seed(JsNumbers.whole("seed(n)", "n", seed)));
        }

        /**
         * Runs it. An engine's refusal says which engine, by the name the script gave it ({@code run() on the
         * "residency-model" engine: workload working set (2 TiB) must be <= host memory (1 TiB)}).
         */
        @HostAccess.Export
        public JsResult run() {
            try {
                return new JsResult(s.run());
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new IllegalArgumentException("run() on the \"" + s.engine().label() + "\" engine: "
                        + e.getMessage(), e);
            }
        }

        /** The Java scenario behind this one. */
        public Scenario scenario() {
            return s;
        }

        @Override
        @HostAccess.Export
        public String toString() {
            return s.toString();
        }
    }

    /** A phase under construction; each call returns a new one. */
    public static final class JsPhase {
        private final PhaseSpec spec;

        JsPhase(PhaseSpec spec) {
            this.spec = spec;
        }

        @HostAccess.Export
        public JsPhase reads(String allocation) {
            return new JsPhase(spec.reads(allocation));
        }

        @HostAccess.Export
        public JsPhase writes(String allocation) {
            return new JsPhase(spec.writes(allocation));
        }

        @HostAccess.Export
        public JsPhase readsWrites(String allocation, double writeFraction) {
            return new JsPhase(spec.readsWrites(allocation, writeFraction));
        }

        /**
         * The pattern: {@code "sequential"}, {@code "random"}, {@code "pointer-chase"}, {@code "zipf:1.1"},
         * {@code "strided:64KiB"}, {@code "stencil:1MiB"}, {@code "hot-set:0.1:0.9"}, {@code "arrays:3"},
         * {@code "gemm:32"} (tile 32, matrices as large as the footprint holds), {@code "gemm:2048:32"} (n 2048, tile 32).
         */
        @HostAccess.Export
        public JsPhase pattern(String text) {
            String[] p = text.split(":");
            var pattern = switch (p[0]) {
                case "sequential" -> Lab.sequential();
                case "random" -> Lab.random();
                case "pointer-chase" -> Lab.pointerChase();
                case "zipf" -> Lab.zipf(arg(p, 1, text));
                case "strided" -> Lab.strided(Bytes.parse(p.length > 1 ? p[1] : ""));
                case "stencil" -> Lab.stencil(Bytes.parse(p.length > 1 ? p[1] : ""));
                case "hot-set" -> Lab.hotSet(arg(p, 1, text), arg(p, 2, text));
                case "arrays" -> Lab.arrays(arrayCount(p, text));
                case "gemm" -> p.length > 2 ? Lab.gemm(whole(p, 1, "gemm:N:TILE", text), whole(p, 2, "gemm:N:TILE", text))
                        : Lab.gemm(whole(p, 1, "gemm:TILE", text));
                default -> throw new IllegalArgumentException("pattern(text): '" + text + "' is not one of sequential, random,"
                        + " pointer-chase, zipf:E, strided:SIZE, stencil:SIZE, hot-set:FRACTION:PROBABILITY, arrays:N,"
                        + " gemm:TILE, gemm:N:TILE");
            };
            return new JsPhase(spec.pattern(pattern));
        }

        private static int arrayCount(String[] p, String text) {
            double n = arg(p, 1, text);
            if (n != Math.rint(n)) {
                throw new IllegalArgumentException("pattern(text): arrays:N needs a whole number N in [1, "
                        + org.hmmlab.workload.Patterns.Arrays.MAX_ARRAYS + "], got '" + text + "'");
            }
            return (int) n;
        }

        private static int whole(String[] p, int i, String form, String text) {
            double v = arg(p, i, text);
            if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("pattern(text): " + form + " needs whole numbers, got '" + text + "'");
            }
            return (int) v;
        }

        private static double arg(String[] p, int i, String text) {
            if (p.length <= i) {
                throw new IllegalArgumentException("pattern(text): '" + text + "' lacks its parameter " + i);
            }
            try {
                return Double.parseDouble(p[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("pattern(text): '" + p[i] + "' in '" + text + "' is not a number");
            }
        }

        @HostAccess.Export
        public JsPhase footprint(String size) {
            return new JsPhase(spec.footprint(Bytes.parse(size)));
        }

        @HostAccess.Export
        public JsPhase passes(Value n) {
            return new JsPhase(spec.passes(JsNumbers.wholeInt("passes(n)", "n", n)));
        }

        @HostAccess.Export
        public JsPhase accesses(Value n) {
            return new JsPhase(spec.accesses(JsNumbers.whole("accesses(n)", "n", n)));
        }

        @HostAccess.Export
        public JsPhase warps(Value n) {
            return new JsPhase(spec.warps(JsNumbers.wholeInt("warps(n)", "n", n)));
        }

        @HostAccess.Export
        public JsPhase threads(Value n) {
            return new JsPhase(spec.threads(JsNumbers.wholeInt("threads(n)", "n", n)));
        }

        @HostAccess.Export
        public JsPhase accessSize(String size) {
            return new JsPhase(spec.accessSize(Bytes.parse(size)));
        }
    }

    /** A run's result: counters by name, the counters table. */
    public static final class JsResult {
        final ScenarioResult result;

        JsResult(ScenarioResult result) {
            this.result = result;
        }

        /**
         * A counter's value: {@code r.get("faults")}. A name the run lacks is refused with the run's names, and a
         * latency asked of the residency model says which engine has it.
         */
        @HostAccess.Export
        public double get(String counter) {
            var summary = result.summary();
            if (!summary.names().contains(counter)) {
                String timingOnly = result.engine() == org.hmmlab.dsl.Engine.RESIDENCY_MODEL
                        && (counter.endsWith("_ns") || counter.startsWith("fault_p"))
                        ? " (times and latencies need the \"timing\" engine, the default: .engine(\"timing\"))" : "";
                throw new IllegalArgumentException("get(counter): this run of the \"" + result.engine().label()
                        + "\" engine has no counter \"" + counter + "\"" + timingOnly + "; it has "
                        + String.join(", ", summary.names()));
            }
            return ((Number) summary.get(counter)).doubleValue();
        }

        /**
         * Refuses a question only the timing engine answers, in the script's words: {@code .engine("timing")},
         * not the Java DSL's {@code .engine(Engine.TIMING)}.
         */
        private void requireTiming(String what) {
            if (result.engine() != org.hmmlab.dsl.Engine.TIMING) {
                throw new IllegalStateException(what + " needs the \"timing\" engine; this run used the \""
                        + result.engine().label() + "\" engine, which counts policy decisions without a clock (run"
                        + " the scenario with .engine(\"timing\"), the default)");
            }
        }

        /** The counters table, for {@code lab.show(...)}. */
        @HostAccess.Export
        public Table counters() {
            return result.counters();
        }

        /** Fault latency by stage (timing engine), for {@code lab.show(...)}. */
        @HostAccess.Export
        public Table latencyByStage() {
            requireTiming("latencyByStage()");
            return result.latencyByStage();
        }

        /** The fault-latency CDF chart (timing engine), for {@code lab.show(...)}. */
        @HostAccess.Export
        public org.hmmlab.dsl.results.Chart latencyCdf() {
            requireTiming("latencyCdf()");
            return result.latencyCdf();
        }

        /** The Java result behind this one. */
        public ScenarioResult result() {
            return result;
        }

        @Override
        @HostAccess.Export
        public String toString() {
            return result.toPlainText();
        }
    }
}
