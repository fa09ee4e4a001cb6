package org.hmmlab.golden;

import static org.hmmlab.dsl.Lab.KiB;
import static org.hmmlab.dsl.Lab.MiB;
import static org.hmmlab.dsl.Lab.accessCounters;
import static org.hmmlab.dsl.Lab.arrays;
import static org.hmmlab.dsl.Lab.density;
import static org.hmmlab.dsl.Lab.gemm;
import static org.hmmlab.dsl.Lab.hotSet;
import static org.hmmlab.dsl.Lab.kernel;
import static org.hmmlab.dsl.Lab.lru;
import static org.hmmlab.dsl.Lab.neighbourhood;
import static org.hmmlab.dsl.Lab.onDemand;
import static org.hmmlab.dsl.Lab.param;
import static org.hmmlab.dsl.Lab.phase;
import static org.hmmlab.dsl.Lab.pointerChase;
import static org.hmmlab.dsl.Lab.random;
import static org.hmmlab.dsl.Lab.remoteMap;
import static org.hmmlab.dsl.Lab.rrip;
import static org.hmmlab.dsl.Lab.scenario;
import static org.hmmlab.dsl.Lab.sequential;
import static org.hmmlab.dsl.Lab.stencil;
import static org.hmmlab.dsl.Lab.strided;
import static org.hmmlab.dsl.Lab.sweep;
import static org.hmmlab.dsl.Lab.uvmDefaults;
import static org.hmmlab.dsl.Lab.zeroCopy;
import static org.hmmlab.dsl.Lab.zipf;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.hmmlab.run.Experiment;
import org.hmmlab.device.FaultPath;
import org.hmmlab.dsl.Engine;
import org.hmmlab.dsl.Param;
import org.hmmlab.dsl.spec.PolicySpec;
import org.hmmlab.dsl.Scenario;
import org.hmmlab.dsl.ScenarioResult;
import org.hmmlab.dsl.json.Json;
import org.hmmlab.dsl.json.ScenarioJson;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.platform.Platforms;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden transcripts of canonical scenarios at a fixed seed, on both engines, in every exported format (the
 * scenario's JSON, the summary as text, CSV and JSON, the counters, the stage, bandwidth, residency and phase
 * tables, the result's JSON) and, on the timing engine, the event trace (its line count, SHA-256 and first
 * lines). Taken before the engine's restructuring, they show that a refactoring changed no behaviour; an
 * intended change rewrites them with {@code -Dhmmlab.golden.update=true} in a commit of its own that says why.
 */
class ScenarioGoldenTest {

    static final long SEED = 20261207L;

    /** The CPU writes {@code size}, then a GPU kernel runs {@code pattern} over it. */
    static Scenario gpuAfterCpu(String name, Bytes size, org.hmmlab.workload.Pattern pattern, int passes, int warps) {
        return scenario(name).alloc("x", size).cpu(phase("init").writes("x"))
                .gpu(kernel("k").reads("x").pattern(pattern).passes(passes).warps(warps));
    }

    static Map<String, Supplier<Scenario>> scenarios() {
        Map<String, Supplier<Scenario>> m = new LinkedHashMap<>();
        m.put("stream-on-demand", () -> gpuAfterCpu("stream-on-demand", MiB(8), sequential(), 1, 64).policy(onDemand()));
        m.put("stream-uvm-defaults", () -> gpuAfterCpu("stream-uvm-defaults", MiB(8), sequential(), 2, 256)
                .policy(uvmDefaults()));
        m.put("stream-ats-pri", () -> gpuAfterCpu("stream-ats-pri", MiB(4), sequential(), 1, 64).policy(onDemand())
                .faultPath(FaultPath.ATS_PRI));
        m.put("strided-neighbourhood", () -> gpuAfterCpu("strided-neighbourhood", MiB(8), strided(KiB(64)), 1, 128)
                .policy(onDemand().prefetch(neighbourhood(KiB(64)))));
        m.put("random-density", () -> gpuAfterCpu("random-density", MiB(8), random(), 1, 512)
                .policy(onDemand().prefetch(density(30))));
        m.put("zipf-access-counters", () -> gpuAfterCpu("zipf-access-counters", MiB(8), zipf(1.1), 3, 256)
                .policy(uvmDefaults().placement(accessCounters(4, KiB(64)))));
        m.put("hotset-remote-map", () -> gpuAfterCpu("hotset-remote-map", MiB(4), hotSet(0.1, 0.9), 2, 128)
                .policy(uvmDefaults().placement(remoteMap())));
        m.put("stencil-zero-copy", () -> gpuAfterCpu("stencil-zero-copy", MiB(4), stencil(KiB(64)), 1, 64)
                .policy(zeroCopy()));
        m.put("pointer-chase", () -> gpuAfterCpu("pointer-chase", MiB(2), pointerChase(), 1, 32).policy(uvmDefaults()));
        m.put("arrays", () -> gpuAfterCpu("arrays", MiB(6), arrays(3), 1, 256).policy(uvmDefaults()));
        m.put("gemm", () -> gpuAfterCpu("gemm", MiB(3), gemm(64), 1, 256).policy(uvmDefaults()));
        m.put("oversubscribed-lru", () -> gpuAfterCpu("oversubscribed-lru", MiB(32), sequential(), 2, 256)
                .vram(MiB(16)).policy(onDemand().eviction(lru(KiB(64), true))));
        m.put("oversubscribed-rrip", () -> gpuAfterCpu("oversubscribed-rrip", MiB(32), hotSet(0.3, 0.8), 2, 256)
                .vram(MiB(16)).policy(onDemand().eviction(rrip(MiB(2)))));
        m.put("oversubscribed-random", () -> gpuAfterCpu("oversubscribed-random", MiB(32), sequential(), 2, 256)
                .vram(MiB(16)).policy(onDemand().eviction(PolicySpec.randomEviction(MiB(2)))));
        m.put("ping-pong-thrashing", () -> scenario("ping-pong-thrashing").alloc("x", MiB(2)).pingPong("x", 4)
                .policy(uvmDefaults().thrashing(PolicySpec.uvmThrashing())));
        m.put("free-between-phases", () -> scenario("free-between-phases").alloc("x", MiB(4)).alloc("y", MiB(4))
                .cpu(phase("init").writes("x")).gpu(kernel("a").reads("x").warps(64)).free("x")
                .gpu(kernel("b").readsWrites("y", 0.5).warps(64)).cpu(phase("check").reads("y"))
                .policy(uvmDefaults()));
        return m;
    }

    static Stream<Arguments> cases() {
        return scenarios().keySet().stream()
                .flatMap(n -> Stream.of(Arguments.of(n, Engine.TIMING), Arguments.of(n, Engine.RESIDENCY_MODEL)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void scenarioTranscriptIsUnchanged(String name, Engine engine) {
        Scenario s = scenarios().get(name).get().on(Platforms.A100_PCIE4).engine(engine).seed(SEED);
        StringBuilder out = new StringBuilder();
        section(out, "scenario json", () -> ScenarioJson.write(s));
        ScenarioResult r = s.run();
        section(out, "summary text", () -> summaryTable(r).toText());
        section(out, "summary csv", () -> summaryTable(r).toCsv());
        section(out, "summary json", () -> Json.toJson(summaryTable(r)));
        section(out, "counters csv", () -> r.counters().toCsv());
        section(out, "latency by stage csv", () -> r.latencyByStage().toCsv());
        section(out, "stage means csv", () -> r.stageMeans().toCsv());
        section(out, "bandwidth csv", () -> r.bandwidth().toCsv());
        section(out, "residency over time csv", () -> r.residencyOverTime().toCsv());
        section(out, "phases csv", () -> r.phases().toCsv());
        section(out, "result json", () -> ScenarioJson.write(r));
        if (engine == Engine.TIMING) {
            section(out, "trace", () -> trace(s));
        }
        GoldenFiles.check("scenarios/" + name + "." + engine.name().toLowerCase(java.util.Locale.ROOT) + ".txt",
                out.toString());
    }

    @Test
    void sweepTablesAreUnchanged() {
        Param<Bytes> vram = param("vram", MiB(8), MiB(16), MiB(32));
        Param<Integer> threshold = param("threshold", 1, 16);
        StringBuilder out = new StringBuilder();
        for (Engine engine : Engine.values()) {
            Scenario base = gpuAfterCpu("sweep-base", MiB(24), zipf(1.0), 2, 256).engine(engine);
            Table t = sweep(vram, threshold).seed(SEED).parallelism(2)
                    .run(p -> base.vram(p.get(vram))
                            .policy(uvmDefaults().placement(accessCounters(p.get(threshold), KiB(64))))
                            .run(p.seed()).summary())
                    .table();
            section(out, engine.name() + " csv", t::toCsv);
            section(out, engine.name() + " text", () -> t.showAll().toText());
        }
        GoldenFiles.check("sweeps/vram-threshold.txt", out.toString());
    }

    /** The timing engine's event trace at the scenario's seed: line count, SHA-256, the first 60 lines. */
    static String trace(Scenario s) {
        StringBuilder trace = new StringBuilder();
        Experiment.of(s.platform(), s.workload(), () -> s.policy().build()).withFaultPath(s.faultPath())
                .withSeed(s.seed()).withTrace(trace).run();
        return digest(trace.toString());
    }

    static Table summaryTable(ScenarioResult r) {
        return Table.fromRows("summary", List.of(r.summary()));
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Appends one titled section; an export that the engine refuses records its message instead. */
    static void section(StringBuilder out, String title, Supplier<String> body) {
        out.append("== ").append(title).append(" ==\n");
        String text;
        try {
            text = body.get();
        } catch (IllegalStateException | UnsupportedOperationException e) {
            text = "unavailable: " + e.getMessage();
        }
        out.append(abbreviated(text));
        if (!text.endsWith("\n")) {
            out.append('\n');
        }
    }

    /** Sections longer than this many lines are kept as their line count, SHA-256 and first lines, as the trace is. */
    static final int LONG_SECTION = 400;

    /** {@code text}, or for a long time series its line count, SHA-256 and first 60 lines: every bit still checked. */
    static String abbreviated(String text) {
        return text.lines().count() <= LONG_SECTION ? text : digest(text);
    }

    /** {@code text} as its line count, SHA-256 and first 60 lines. */
    static String digest(String text) {
        List<String> lines = text.lines().toList();
        StringBuilder out = new StringBuilder();
        out.append("lines ").append(lines.size()).append('\n');
        out.append("sha256 ").append(sha256(text)).append('\n');
        lines.stream().limit(60).forEach(l -> out.append(l).append('\n'));
        return out.toString();
    }
}
