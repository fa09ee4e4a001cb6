package org.hmmlab.dsl.json;


import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hmmlab.dsl.BenchmarkSpec;
import org.hmmlab.dsl.Engine;
import org.hmmlab.dsl.Scenario;
import org.hmmlab.dsl.ScenarioResult;
import org.hmmlab.dsl.spec.ComponentSpec;
import org.hmmlab.dsl.spec.EvictionSpec;
import org.hmmlab.dsl.spec.FaultPaths;
import org.hmmlab.dsl.spec.HintSpec;
import org.hmmlab.dsl.spec.DriverSpec;
import org.hmmlab.dsl.spec.IommuSpec;
import org.hmmlab.dsl.spec.PlacementSpec;
import org.hmmlab.dsl.spec.PlatformPresets;
import org.hmmlab.dsl.spec.PolicySpec;
import org.hmmlab.dsl.spec.PrefetchSpec;
import org.hmmlab.dsl.spec.PresetLink;
import org.hmmlab.dsl.spec.ThrashingSpec;
import org.hmmlab.pcie.IommuConfig;
import org.hmmlab.platform.AmdSvm;
import org.hmmlab.platform.DriverPersonality;
import org.hmmlab.platform.Platform;
import org.hmmlab.platform.Topology;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;
import org.hmmlab.workload.AccessTrace;
import org.hmmlab.workload.Agent;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Free;
import org.hmmlab.workload.KernelLaunch;
import org.hmmlab.workload.UserPrefetch;
import org.hmmlab.workload.Pattern;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.catalogue.Benchmark;
import org.hmmlab.workload.catalogue.Catalogue;

/**
 * Scenarios and their results as JSON: what {@code ./hmmlab run FILE.json} reads and {@code --json} writes.
 *
 * <p>A scenario written and read back is equal in every field and runs to the same result. Sizes and
 * durations are strings with units ({@code "256MiB"}); a platform is a preset's name, a preset on another PCIe
 * link ({@code {"preset": "A100_PCIE4", "gen": 5, "lanes": 16}}) or a whole platform object (the engine's format); a policy names its components and their parameters. A malformed file is
 * refused with the JSON path of the bad field and the values allowed there.
 *
 * <pre>{@code
 * {"name": "stream", "platform": "A100_PCIE4", "vram": "8GiB", "seed": 42,
 *  "policy": {"placement": {"kind": "first-touch"}, "prefetch": {"kind": "density", "threshold_pct": 51},
 *             "eviction": {"kind": "lru"}, "thrashing": {"kind": "uvm"},
 *             "hints": [{"kind": "read-mostly", "allocation": "x"}]},
 *  "allocations": [{"name": "x", "size": "2GiB"}],
 *  "phases": [{"name": "saxpy", "agent": "gpu0", "allocation": "x", "pattern": {"kind": "sequential"},
 *              "footprint": "2GiB", "work": 524288, "concurrency": 2048, "accessSize": "4KiB", "writeFraction": 0.0},
             {"free": "x"}]}
 * }</pre>
 *
 * <p>A free ({@link Scenario#free}) is an element of {@code "phases"}, {@code {"free": "x"}}, at its place in the
 * sequence. So is a benchmark of the catalogue ({@link Scenario#benchmark}), {@code {"benchmark": "nw"}} with an
 * optional {@code "accessSize"}: its steps join there, over an allocation named after it (allocated unless listed);
 * written back, they are phases whose pattern is {@code {"kind": "kernel", "benchmark": "nw", "step": 3}}. A
 * top-level {@code "oversubscription": 1.1} sizes device memory from every allocation once the phases are read
 * ({@link Scenario#oversubscribe}). An explicit prefetch ({@link Scenario#prefetchToGpu}) is a step of the sequence
 * too: {@code {"prefetchToGpu": "x"}} or {@code {"prefetchToGpu": "x", "offset": "2MiB", "size": "4MiB"}}.
 *
 * <p>The policy's components and hints are read by the spec itself ({@link org.hmmlab.dsl.spec}), through the same
 * grammar the JavaScript front end uses, so a bad value has the same message here as in Java and JavaScript, with the
 * field's JSON path in front. {@code "hints"} and an access counter's {@code "decay"} are written only when given.
 */
public final class ScenarioJson {

    static final List<String> PATTERNS = List.of("sequential", "strided", "random", "zipf", "hot-set", "stencil",
            "pointer-chase", "arrays", "gemm", "trace", "kernel");

    private ScenarioJson() {
    }

    // --- writing -----------------------------------------------------------------------------------

    /** The scenario as JSON text. */
    public static String write(Scenario s) {
        return Json.write(tree(s));
    }

    /** The scenario as a JSON tree. */
    public static ObjectNode tree(Scenario s) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("name", s.name());
        // several GPUs or links go in "topology"; the platform is written as it was before they existed, as a
        // preset (or a preset on its link, with its IOMMU) driven by its own driver, and the driver beside it when
        // another personality drives it
        Topology topology = s.basePlatform().topology();
        boolean wholePreset = PlatformPresets.scenarioNameOf(s.basePlatform()) != null;
        Platform basePlatform = wholePreset ? s.basePlatform() : s.basePlatform().withTopology(Topology.SINGLE);
        Platform shape = shape(basePlatform);
        String preset = PlatformPresets.scenarioNameOf(shape);
        java.util.Optional<PresetLink> onLink = PresetLink.of(shape);
        IommuConfig io = shape.iommu();
        Platform withoutIommu = shape.withIommu(IommuConfig.OFF);
        if (preset != null) {
            root.put("platform", preset);
        } else if (onLink.isPresent()) {
            root.putObject("platform").put("preset", onLink.get().preset()).put("gen", onLink.get().gen().number())
                    .put("lanes", onLink.get().lanes().count());
        } else if (IommuSpec.written(io).isPresent() && (PlatformPresets.nameOf(withoutIommu) != null
                || PresetLink.of(withoutIommu).isPresent())) {
            // a preset (on its link or another) with an IOMMU the short form can say
            ObjectNode o = root.putObject("platform");
            if (PlatformPresets.nameOf(withoutIommu) != null) {
                o.put("preset", PlatformPresets.nameOf(withoutIommu));
            } else {
                PresetLink l = PresetLink.of(withoutIommu).get();
                o.put("preset", l.preset()).put("gen", l.gen().number()).put("lanes", l.lanes().count());
            }
            ObjectNode i = o.putObject("iommu");
            IommuSpec.written(io).get().forEach((k, v) -> {
                if (v instanceof Integer n) {
                    i.put(k, n);
                } else {
                    i.put(k, (String) v);
                }
            });
        } else {
            root.set("platform", PlatformJson.tree(shape));
        }
        if (!shape.driver().equals(basePlatform.driver())) {
            root.set("driver", Json.MAPPER.valueToTree(DriverSpec.written(basePlatform.driver())));
        }
        if (!wholePreset && !topology.equals(Topology.SINGLE)) {
            root.set("topology", TopologyJson.tree(topology));
        }
        s.vramOverride().ifPresent(v -> root.put("vram", bytes(v)));
        root.put("seed", s.seed());
        root.put("engine", s.engine().label());
        root.put("faultPath", FaultPaths.nameOf(s.faultPath()));
        root.set("policy", policy(s.policy()));
        ArrayNode allocs = root.putArray("allocations");
        for (Allocation a : s.allocations()) {
            allocs.addObject().put("name", a.name()).put("size", bytes(a.size()));
        }
        ArrayNode phases = root.putArray("phases");
        for (int i = 0; i <= s.phases().size(); i++) {
            for (Free f : s.frees()) {
                if (f.afterPhases() == i) {
                    phases.addObject().put("free", f.allocation()); // a step in the sequence, where it runs
                }
            }
            for (UserPrefetch u : s.prefetches()) {
                if (u.afterPhases() == i) {
                    ObjectNode o = phases.addObject().put("prefetchToGpu", u.allocation()); // after that point's frees
                    long whole = s.allocations().stream().filter(a -> a.name().equals(u.allocation())).findFirst()
                            .orElseThrow().size().pagesCeil();
                    if (u.firstPage() != 0 || u.pages() != whole) {
                        o.put("offset", bytes(u.offset())).put("size", bytes(u.size()));
                    }
                }
            }
            if (i == s.phases().size()) {
                break;
            }
            Phase p = s.phases().get(i);
            ObjectNode o = phases.addObject();
            o.put("name", p.name());
            o.put("agent", p.agent().isCpu() ? "cpu" : "gpu" + p.agent().index());
            o.put("allocation", p.allocation());
            o.set("pattern", pattern(p.pattern()));
            o.put("footprint", bytes(p.footprint()));
            o.put("work", p.work());
            o.put("concurrency", p.concurrency());
            o.put("accessSize", bytes(p.accessSize()));
            o.put("writeFraction", p.writeFraction());
        }
        return root;
    }

    /** Sizes in the largest binary unit that divides them: {@code "256MiB"}, {@code "4KiB"}, {@code "1000B"}. */
    public static String bytes(Bytes b) {
        long v = b.bytes();
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (u < units.length - 1 && v != 0 && v % 1024 == 0) {
            v /= 1024;
            u++;
        }
        return v + units[u];
    }

    public static ObjectNode pattern(Pattern p) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        switch (p) {
            case Patterns.Sequential s -> o.put("kind", "sequential");
            case Patterns.Strided s -> o.put("kind", "strided").put("stride", bytes(s.stride()));
            case Patterns.UniformRandom r -> o.put("kind", "random");
            case Patterns.Zipf z -> o.put("kind", "zipf").put("exponent", z.exponent());
            case Patterns.HotSet h -> o.put("kind", "hot-set").put("hotFraction", h.hotFraction())
                    .put("hotProbability", h.hotProbability());
            case Patterns.Stencil s -> o.put("kind", "stencil").put("row", bytes(s.rowBytes()));
            case Patterns.PointerChase c -> o.put("kind", "pointer-chase");
            case Patterns.Arrays a -> o.put("kind", "arrays").put("arrays", a.arrays());
            case Patterns.Gemm g -> {
                o.put("kind", "gemm");
                if (g.n() != Patterns.Gemm.FROM_FOOTPRINT) {
                    o.put("n", g.n()); // absent: the side the footprint holds
                }
                o.put("tile", g.tile());
            }
            case Patterns.Replay r -> o.put("kind", "trace")
                    .put("file", r.trace().source().orElseThrow(() -> new IllegalArgumentException("pattern "
                            + p.label() + " has no JSON form: its trace was not read from a file")))
                    .put("from", r.from()).put("to", r.to()).put("base", "0x" + Long.toHexString(r.baseAddress()));
            case KernelLaunch k -> o.put("kind", "kernel").put("benchmark", k.benchmark()).put("step", k.step());
        }
        return o;
    }

    static ObjectNode policy(PolicySpec p) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.set("placement", component(p.placement()));
        o.set("prefetch", component(p.prefetch()));
        o.set("eviction", component(p.eviction()));
        o.set("thrashing", component(p.thrashing()));
        if (!p.hints().isEmpty()) {
            ArrayNode hints = o.putArray("hints");
            for (HintSpec h : p.hints()) {
                ObjectNode ho = hints.addObject().put("kind", h.kind()).put("allocation", h.allocation());
                if (h instanceof HintSpec.AccessedBySet set) {
                    ArrayNode gpus = ho.putArray("gpus");
                    set.gpus().forEach(g -> gpus.add(g.toString()));
                    continue;
                }
                settings(ho, h.settings());
            }
        }
        return o;
    }

    private static ObjectNode component(ComponentSpec<?> c) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("kind", c.kind());
        settings(o, c.settings());
        if (c instanceof PlacementSpec.JavaScript js) {
            o.put("source", js.source());
        }
        return o;
    }

    private static void settings(ObjectNode o, List<ComponentSpec.Setting> settings) {
        for (ComponentSpec.Setting s : settings) {
            switch (s.value()) {
                case Integer i -> o.put(s.name(), i);
                case Long l -> o.put(s.name(), l);
                case Boolean b -> o.put(s.name(), b);
                case Bytes b -> o.put(s.name(), bytes(b));
                case SimDuration d -> o.put(s.name(), duration(d));
                default -> o.put(s.name(), s.value().toString());
            }
        }
    }

    /** Durations in the largest unit that divides them: {@code "100us"}, {@code "250ns"}. */
    public static String duration(SimDuration d) {
        long v = d.nanos();
        String[] units = {"ns", "us", "ms"};
        int u = 0;
        while (u < units.length - 1 && v != 0 && v % 1000 == 0) {
            v /= 1000;
            u++;
        }
        return v + units[u];
    }

    /**
     * {@code base}, or {@code base} driven by another personality when that makes it a preset the short forms can
     * write (a preset, on its link, with an IOMMU); the difference goes into the scenario's {@code "driver"}.
     */
    private static Platform shape(Platform base) {
        if (shortForm(base)) {
            return base;
        }
        for (DriverPersonality d : List.of(DriverPersonality.UVM, AmdSvm.defaults())) {
            if (shortForm(base.withDriver(d))) {
                return base.withDriver(d);
            }
        }
        return base;
    }

    private static boolean shortForm(Platform p) {
        Platform withoutIommu = p.withIommu(IommuConfig.OFF);
        return PlatformPresets.nameOf(p) != null || PresetLink.of(p).isPresent()
                || (IommuSpec.written(p.iommu()).isPresent() && (PlatformPresets.nameOf(withoutIommu) != null
                || PresetLink.of(withoutIommu).isPresent()));
    }

    // --- reading -----------------------------------------------------------------------------------

    /** Reads a scenario; every field is checked and a bad one named by its JSON path. */
    public static Scenario read(String json) {
        return read(JsonNodeReader.root(Json.parse(json)));
    }

    /** Reads a scenario at {@code r}'s position in a larger document. */
    public static Scenario read(JsonNodeReader r) {
        r.object(Set.of("name", "platform", "driver", "topology", "vram", "seed", "engine", "faultPath", "policy",
                "allocations", "phases", "oversubscription"));
        Scenario s = Scenario.named(r.field("name").text());
        if (r.has("platform")) {
            JsonNodeReader p = r.field("platform");
            if (p.node().isTextual()) {
                s = s.on(PlatformPresets.scenarioPlatform("platform", p.oneOf(PlatformPresets.SCENARIO_NAMES)));
            } else if (p.node().isObject() && p.has("preset")) {
                Platform base;
                if (p.has("iommu") && !p.has("gen") && !p.has("lanes")) {
                    p.object(Set.of("preset", "iommu"));
                    base = PlatformPresets.named("platform", p.field("preset").oneOf(PlatformPresets.NAMES));
                } else {
                    base = PresetLink.read(new JsonSpecReader(p)).platform();
                }
                if (p.has("iommu")) {
                    base = base.withIommu(IommuSpec.read(new JsonSpecReader(p.field("iommu"))));
                }
                s = s.on(base);
            } else if (p.node().isObject()) {
                try {
                    s = s.on(PlatformJson.read(p.node()));
                } catch (IllegalArgumentException e) {
                    throw new JsonFormatException(p.path(), e.getMessage(), e);
                }
            } else {
                throw p.error("must be a preset name (one of " + String.join(", ", PlatformPresets.SCENARIO_NAMES)
                        + "), a preset on another link ({\"preset\": \"A100_PCIE4\", \"gen\": 5, \"lanes\": 16})"
                        + " or a platform object");
            }
        }
        if (r.has("driver")) {
            s = s.driver(DriverSpec.read(new JsonSpecReader(r.field("driver"))));
        }
        if (r.has("topology")) {
            Topology t = TopologyJson.read(r.field("topology"));
            s = s.on(s.basePlatform().withTopology(t));
        }
        if (r.has("vram")) {
            Bytes v = r.field("vram").parsed(Bytes::parse);
            s = at(r.field("vram"), s, sc -> sc.vram(v));
        }
        if (r.has("seed")) {
            s = s.seed(r.field("seed").longValue(Long.MIN_VALUE, Long.MAX_VALUE));
        }
        if (r.has("engine")) {
            s = s.engine(Engine.named(r.field("engine").oneOf(Engine.NAMES)));
        }
        if (r.has("faultPath")) {
            s = s.faultPath(FaultPaths.named(r.field("faultPath").oneOf(FaultPaths.NAMES)));
        }
        if (r.has("policy")) {
            PolicySpec policy = readPolicy(r.field("policy"));
            s = s.policy(policy);
        }
        for (JsonNodeReader a : r.has("allocations") ? r.field("allocations").elements() : List.<JsonNodeReader>of()) {
            a.object(Set.of("name", "size"));
            String name = a.field("name").text();
            Bytes size = a.field("size").parsed(Bytes::parse);
            s = at(a, s, sc -> sc.alloc(name, size));
        }
        if (r.has("policy") && r.field("policy").has("hints")) {
            List<String> names = s.allocations().stream().map(Allocation::name).toList();
            for (JsonNodeReader h : r.field("policy").field("hints").elements()) {
                JsonNodeReader a = h.field("allocation");
                if (!names.contains(a.text())) {
                    throw a.error("\"" + a.text() + "\" is not allocated; allocations: " + names);
                }
            }
        }
        for (JsonNodeReader ph : r.field("phases").elements()) {
            if (ph.node().isObject() && ph.has("benchmark")) {
                ph.object(Set.of("benchmark", "accessSize"));
                BenchmarkSpec b = at(ph.field("benchmark"), () -> BenchmarkSpec.named(ph.field("benchmark").text()));
                if (ph.has("accessSize")) {
                    Bytes size = ph.field("accessSize").parsed(Bytes::parse);
                    b = at(ph.field("accessSize"), () -> BenchmarkSpec.named(ph.field("benchmark").text())
                            .accessSize(size));
                }
                BenchmarkSpec chosen = b;
                s = at(ph, s, sc -> sc.benchmark(chosen));
                continue;
            }
            if (ph.node().isObject() && ph.has("free")) {
                ph.object(Set.of("free"));
                String allocation = ph.field("free").text();
                s = at(ph, s, sc -> sc.free(allocation));
                continue;
            }
            if (ph.node().isObject() && ph.has("prefetchToGpu")) {
                ph.object(Set.of("prefetchToGpu", "offset", "size"));
                String allocation = ph.field("prefetchToGpu").text();
                if (ph.has("offset") != ph.has("size")) {
                    throw ph.error("a prefetch gives both \"offset\" and \"size\", or neither (the whole allocation)");
                }
                if (ph.has("offset")) {
                    Bytes offset = ph.field("offset").parsed(Bytes::parse);
                    Bytes size = ph.field("size").parsed(Bytes::parse);
                    s = at(ph, s, sc -> sc.prefetchToGpu(allocation, offset, size));
                } else {
                    s = at(ph, s, sc -> sc.prefetchToGpu(allocation));
                }
                continue;
            }
            Phase phase = readPhase(ph);
            s = at(ph, s, sc -> sc.then(phase));
        }
        if (r.has("oversubscription")) { // device memory = working set / ratio, once every allocation is known
            double ratio = r.field("oversubscription").doubleValue(1, 1000);
            s = at(r.field("oversubscription"), s, sc -> sc.oversubscribe(ratio));
        }
        return s;
    }

    private static <T> T at(JsonNodeReader where, Supplier<T> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw new JsonFormatException(where.path(), e.getMessage(), e);
        }
    }

    private static Scenario at(JsonNodeReader where, Scenario s, Function<Scenario, Scenario> step) {
        try {
            return step.apply(s);
        } catch (IllegalArgumentException e) {
            if (e instanceof JsonFormatException) {
                throw e;
            }
            throw new JsonFormatException(where.path(), e.getMessage(), e);
        }
    }

    static Phase readPhase(JsonNodeReader ph) {
        ph.object(Set.of("name", "agent", "allocation", "pattern", "footprint", "work", "concurrency", "accessSize",
                "writeFraction"));
        String name = ph.field("name").text();
        JsonNodeReader ag = ph.field("agent");
        String agentText = ag.text();
        Agent agent;
        if (agentText.equals("cpu")) {
            agent = Agent.cpu();
        } else if (agentText.matches("gpu[0-9]{1,2}") && Integer.parseInt(agentText.substring(3)) <= Agent.MAX_GPU) {
            agent = Agent.gpu(Integer.parseInt(agentText.substring(3)));
        } else {
            throw ag.error("\"" + agentText + "\" is not one of cpu, gpu0 .. gpu" + Agent.MAX_GPU);
        }
        String alloc = ph.field("allocation").text();
        Pattern pattern = readPattern(ph.field("pattern"));
        Bytes footprint = ph.field("footprint").parsed(Bytes::parse);
        long work = ph.field("work").longValue(1, Phase.MAX_WORK);
        int concurrency = (int) ph.field("concurrency").longValue(1, Phase.MAX_CONCURRENCY);
        Bytes accessSize = ph.field("accessSize").parsed(Bytes::parse);
        double wf = ph.field("writeFraction").doubleValue(0, 1);
        try {
            return new Phase(name, agent, alloc, pattern, footprint, work, concurrency, accessSize, wf);
        } catch (IllegalArgumentException e) {
            throw new JsonFormatException(ph.path(), e.getMessage(), e);
        }
    }

    static Pattern readPattern(JsonNodeReader p) {
        String kind = p.field("kind").oneOf(PATTERNS);
        try {
            return switch (kind) {
                case "sequential" -> {
                    p.object(Set.of("kind"));
                    yield Patterns.sequential();
                }
                case "strided" -> {
                    p.object(Set.of("kind", "stride"));
                    yield Patterns.strided(p.field("stride").parsed(Bytes::parse));
                }
                case "random" -> {
                    p.object(Set.of("kind"));
                    yield Patterns.uniformRandom();
                }
                case "zipf" -> {
                    p.object(Set.of("kind", "exponent"));
                    yield Patterns.zipf(p.field("exponent").doubleValue(0, 100));
                }
                case "hot-set" -> {
                    p.object(Set.of("kind", "hotFraction", "hotProbability"));
                    yield Patterns.hotSet(p.field("hotFraction").doubleValue(0, 1), p.field("hotProbability").doubleValue(0, 1));
                }
                case "stencil" -> {
                    p.object(Set.of("kind", "row"));
                    yield Patterns.stencil(p.field("row").parsed(Bytes::parse));
                }
                case "pointer-chase" -> {
                    p.object(Set.of("kind"));
                    yield Patterns.pointerChase();
                }
                case "arrays" -> {
                    p.object(Set.of("kind", "arrays"));
                    yield Patterns.arrays((int) p.field("arrays").longValue(1, Patterns.Arrays.MAX_ARRAYS));
                }
                case "trace" -> {
                    p.object(Set.of("kind", "file", "from", "to", "base"));
                    yield trace(p);
                }
                case "gemm" -> {
                    p.object(Set.of("kind", "n", "tile"));
                    int tile = (int) p.field("tile").longValue(1, Patterns.Gemm.MAX_TILE);
                    if (!p.has("n")) {
                        yield Patterns.gemm(tile);
                    }
                    JsonNodeReader n = p.field("n");
                    int side = (int) n.longValue(tile, Patterns.Gemm.MAX_N);
                    if (side % tile != 0) {
                        throw n.error("must be a multiple of tile (" + tile + "), got " + side);
                    }
                    yield Patterns.gemm(side, tile);
                }
                case "kernel" -> {
                    p.object(Set.of("kind", "benchmark", "step"));
                    Benchmark b = Catalogue.named(p.field("benchmark").oneOf(Catalogue.NAMES));
                    yield b.launch((int) p.field("step").longValue(0, b.steps().size() - 1));
                }
                default -> throw new AssertionError(kind);
            };
        } catch (IllegalArgumentException e) {
            if (e instanceof JsonFormatException) {
                throw e;
            }
            throw new JsonFormatException(p.path(), e.getMessage(), e);
        }
    }

    /**
     * A replay of a CSV trace file ({@code "file"}, read now, relative to the working directory), accesses
     * {@code "from"} (default 0) to {@code "to"} (default all), addresses relative to {@code "base"} (default the
     * slice's lowest page), as {@code Lab.trace} makes it.
     */
    private static Pattern trace(JsonNodeReader p) {
        JsonNodeReader file = p.field("file");
        AccessTrace t;
        try {
            t = AccessTrace.read(java.nio.file.Path.of(file.text()));
        } catch (java.io.UncheckedIOException e) {
            throw file.error("cannot read trace '" + file.text() + "' (" + e.getCause().getClass().getSimpleName()
                    + ")");
        } catch (IllegalArgumentException e) {
            throw file.error(e.getMessage());
        }
        int from = p.has("from") ? (int) p.field("from").longValue(0, t.size()) : 0;
        int to = p.has("to") ? (int) p.field("to").longValue(0, t.size()) : t.size();
        long base;
        if (p.has("base")) {
            JsonNodeReader b = p.field("base");
            String text = b.text();
            try {
                base = text.startsWith("0x") ? Long.parseUnsignedLong(text.substring(2), 16) : Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw b.error("must be an address, decimal or 0x-hexadecimal, got \"" + text + "\"");
            }
        } else {
            long lo = Long.MAX_VALUE;
            for (int i = from; i < to; i++) {
                lo = Math.min(lo, t.address(i));
            }
            base = lo & -Bytes.PAGE.bytes();
        }
        return Patterns.replay(t, from, to, base);
    }

    static PolicySpec readPolicy(JsonNodeReader r) {
        if (r.node().isTextual()) {
            return guard(r, () -> PolicySpec.preset(r.text()));
        }
        r.object(Set.of("placement", "prefetch", "eviction", "thrashing", "hints"));
        PolicySpec p = PolicySpec.uvmDefaults();
        if (r.has("placement")) {
            JsonNodeReader c = r.field("placement");
            p = p.placement(guard(c, () -> PlacementSpec.read(new JsonSpecReader(c))));
        }
        if (r.has("prefetch")) {
            JsonNodeReader c = r.field("prefetch");
            p = p.prefetch(guard(c, () -> PrefetchSpec.read(new JsonSpecReader(c))));
        }
        if (r.has("eviction")) {
            JsonNodeReader c = r.field("eviction");
            p = p.eviction(guard(c, () -> EvictionSpec.read(new JsonSpecReader(c))));
        }
        if (r.has("thrashing")) {
            JsonNodeReader c = r.field("thrashing");
            p = p.thrashing(guard(c, () -> ThrashingSpec.read(new JsonSpecReader(c))));
        }
        if (r.has("hints")) {
            for (JsonNodeReader h : r.field("hints").elements()) {
                p = p.hints(guard(h, () -> HintSpec.read(new JsonSpecReader(h))));
            }
        }
        return p;
    }

    /** Runs {@code make}; a refusal that is not yet located is reported at {@code where}. */
    private static <T> T guard(JsonNodeReader where, java.util.function.Supplier<T> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            if (e instanceof JsonFormatException) {
                throw e;
            }
            throw new JsonFormatException(where.path(), e.getMessage(), e);
        }
    }

    // --- results -----------------------------------------------------------------------------------

    /** A run's result: the scenario, the seed and the counters. */
    public static ObjectNode tree(ScenarioResult r) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("engine", r.engine().label());
        root.put("seed", r.seed());
        root.set("scenario", tree(r.scenario()));
        ObjectNode counters = root.putObject("counters");
        r.summary().cells().forEach(c -> counters.put(c.name(), (Long) c.value()));
        if (r.engine() == Engine.TIMING) {
            root.set("latencyByStage", Json.tree(r.latencyByStage()));
            root.set("phases", Json.tree(r.phases()));
        }
        return root;
    }

    /** A run's result as JSON text. */
    public static String write(ScenarioResult r) {
        return Json.write(tree(r));
    }


}
