package org.hmmlab.dsl;

import static org.hmmlab.dsl.Lab.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.hmmlab.dsl.json.Json;
import org.hmmlab.dsl.json.JsonNodeReader;
import org.hmmlab.dsl.results.Chart;
import org.hmmlab.dsl.results.Charts;
import org.hmmlab.dsl.results.Column;
import org.hmmlab.dsl.results.ColumnType;
import org.hmmlab.dsl.results.Distribution;
import org.hmmlab.dsl.results.Row;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.dsl.script.JsScript;
import org.hmmlab.dsl.spec.ComponentSpec;
import org.hmmlab.dsl.spec.EvictionSpec;
import org.hmmlab.dsl.spec.HintSpec;
import org.hmmlab.dsl.spec.PlacementSpec;
import org.hmmlab.dsl.spec.PlatformPresets;
import org.hmmlab.dsl.spec.PolicySpec;
import org.hmmlab.dsl.spec.PrefetchSpec;
import org.hmmlab.dsl.spec.Processor;
import org.hmmlab.dsl.spec.SpecException;
import org.hmmlab.dsl.spec.ThrashingSpec;
import org.hmmlab.dsl.script.ScriptLimits;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls every public DSL method once, so an accidental change to the DSL's surface breaks the build
 * (Gatling's compile tests). Behaviour is tested elsewhere; here the calls must compile and not throw.
 */
class DslCompileTest {

    @TempDir
    Path dir;

    @Test
    void everyPublicMethodOnce() throws Exception {
        // Lab: units
        Bytes b = bytes(4096);
        KiB(4);
        MiB(2);
        GiB(1);
        pages(1);
        ns(1);
        us(1);
        ms(1);
        GBps(12.5);
        MBps(900);
        List<Bytes> sizes = doublings(KiB(64), MiB(1));

        // Lab: sweeps
        Param<Bytes> size = param("size", sizes);
        Param<Integer> thr = param("threshold", 64, 256);
        Param<String> policy = Param.of("policy", List.of("first-touch"));
        size.name();
        size.values();
        size.size();
        Sweep s1 = sweep(size);
        Sweep s2 = sweep(size, thr).named("compile").seed(1).parallelism(2).onProgress(p -> {
            p.fraction();
            p.line();
            p.done();
            p.total();
            p.last();
        });
        Sweep.over(size, thr, policy).size();
        s2.params();
        s2.seed();
        s2.size();
        List<Point> points = s2.points();
        Point p0 = points.get(0);
        p0.get(size);
        p0.index();
        p0.seed();
        p0.row();
        SweepResult r = s2.run(p -> row().with("pages", p.get(size).pagesCeil()).with("t", p.get(thr)));
        s1.run(p -> row().with("pages", 1));
        r.table();
        r.seed();
        r.paramColumn(0);
        r.column("pages");
        r.curves("pages");
        r.heatMap("pages");
        r.mimeBundle();

        // results: rows, columns, tables
        Row row = Row.of().with("a", 1L).with("b", 2.0).with("c", "x").with("d", true).with("e", b)
                .with("f", us(1)).with("g", GBps(1)).withValue("h", 3).with(Row.of().with("i", 1));
        row.cells();
        row.get("a");
        row.names();
        Column.longs("n", 1).renamed("m");
        Column.doubles("x", 1.0).doubleValues();
        Column.strings("s", "a").stringValues();
        Column.booleans("z", true).booleanValues();
        Column col = Column.longs("l", 5);
        col.name();
        col.type();
        col.size();
        col.get(0);
        col.number(0);
        col.longValues();
        ColumnType.LONG.isNumeric();
        ColumnType.LONG.jsonName();
        Table t = Table.fromRows("rows", List.of(row));
        Table.of("cols", List.of(col));
        Table built = Table.builder("b").column("l", ColumnType.LONG).row(1L).build();
        t.name();
        t.named("other");
        t.columns();
        t.columnNames();
        t.rowCount();
        t.column("a");
        t.hasColumn("a");
        t.longs("a");
        t.doubles("b");
        t.strings("c");
        t.get(0, "a");
        t.row(0);
        t.rows();
        t.select("a");
        t.filter(i -> true);
        t.where("c", "x");
        t.head(1);
        t.tail(1);
        t.slice(0, 1);
        t.showAll();
        t.show(10);
        t.shownLimit();
        t.digits(3);
        built.withColumn(Column.longs("m", 2));
        t.toText();
        t.toHtml();
        t.toCsv();
        t.writeCsv(dir.resolve("t.csv"));
        t.mimeBundle();
        t.toPlainText();

        // distributions and charts
        Distribution d = Distribution.ofSamples("d", new long[] {100, 200, 300, 5000});
        Distribution.ofCounts("c", new long[] {100}, new long[] {2}).named("e");
        d.name();
        d.count();
        d.isEmpty();
        d.values();
        d.counts();
        d.minNs();
        d.maxNs();
        d.meanNs();
        d.percentile(50);
        d.fractionAtOrBelow(200);
        d.toTable();
        d.summary();
        Table series = Table.of("s", Column.longs("time_ns", 0, 1000), Column.doubles("h2d_GBps", 1, 2),
                Column.longs("gpu_bytes", 0, 4096), Column.strings("k", "a", "b"));
        List<Chart> charts = List.of(
                Charts.latencyCdf("cdf", d),
                Charts.latencyCdf("cdf", List.of(d)),
                Charts.latencyHistogram("hist", d),
                Charts.latencyHistogram("hist", List.of(d)),
                Charts.stageBreakdown("stages", series.select("k", "time_ns"), "k"),
                Charts.stageBreakdown("stages", series, "k", "time_ns"),
                Charts.stackedBars("stacked", series, "k", "time_ns"),
                Charts.bandwidthOverTime("bw", series, "time_ns", "h2d_GBps"),
                Charts.residencyOverTime("res", series, "time_ns", "gpu_bytes"),
                Charts.curves("c", series, "time_ns", "h2d_GBps"),
                Charts.curvesBy("c", series, "time_ns", "h2d_GBps", "k"),
                Charts.heatMap("h", series, "k", "time_ns", "h2d_GBps"));
        // Lab: calibration (the published cases run in CalibrationTableTest; one case of one's own here)
        Table cal = calibration(List.of(org.hmmlab.calibrate.CalibrationCase.of("my copy", "[M] mine", "GB/s", 24, 25, "")));
        Charts.calibration("calibration", cal);
        Charts.calibration("multi-GPU", multiGpuCalibration());
        // several GPUs and the coherent platform
        Scenario two = scenario("two").on(A100_PCIE4).gpus(3).behindSwitch().peerAccess(true).nvlink(0, 1, NVLINK3, 12)
                .nvlink(1, 2, NVLINK2, 6).nvlink(0, 2, NVLINK4, 18).gpuToGpu(THROUGH_SYSTEM_MEMORY)
                .gpuToGpu(DRIVER_COPY).alloc("x", MiB(1)).gpu(1, kernel("k").reads("x"))
                .policy(uvmDefaults().hints(accessedBy("x", gpu(0), gpu(1))));
        ScenarioResult twoRun = two.run();
        twoRun.multiGpu();
        twoRun.perGpu();
        scenario("one").alloc("x", MiB(1)).gpu(kernel("k").reads("x")).runMultiGpu().multiGpu();
        twoRun.perGpuChart("faults");
        scenario("c2c").on(GH200_C2C).alloc("x", MiB(1)).gpu(kernel("k").reads("x")).run().multiGpu();
        Charts.errorBand("errors", cal, "case", "error_pct", 10);
        Chart c = charts.get(0).size(400, 300);
        c.title();
        c.width();
        c.height();
        c.jfreeChart();
        c.seriesCount();
        c.itemCount();
        c.image(1);
        c.png();
        c.svg();
        c.save(dir.resolve("c.png"));
        c.save(dir.resolve("c.svg"));
        c.mimeBundle();
        c.mimeMetadata();
        c.withSvg().mimeBundle();

        // JSON
        Json.mapper();
        String json = Json.toJson(t);
        Json.write(Json.tree(t));
        Json.table(JsonNodeReader.root(Json.parse(json)));
        Json.tableFromJson(json);

        // JavaScript
        try (JsScript js = JsScript.load("a.js", "function f(x) { return x + 1; }");
                JsScript js2 = JsScript.load("b.js", "function g() { return 's'; }", Map.of(), ScriptLimits.DEFAULT)) {
            js.name();
            js.limits();
            js.hasFunction("f");
            js.function("f").call(1);
            js.function("f").callDouble(1);
            js.function("f").callLong(1);
            js.function("f").name();
            js2.function("g").callString();
            JsScript.load("c.js", "function h() { return true; }").function("h").callBoolean();
        }
        ScriptLimits.DEFAULT.statements(5000).time(java.time.Duration.ofSeconds(1));

        // scenarios, policies, patterns
        PolicySpec pol = uvmDefaults().placement(accessCounters(64, KiB(64))).prefetch(density(30))
                .eviction(lru(MiB(2), false)).thrashing(noThrashing());
        onDemand().placement(firstTouch()).prefetch(noPrefetch()).eviction(rrip(KiB(64)));
        zeroCopy().placement(remoteMap()).prefetch(neighbourhood(KiB(64)));
        PolicySpec.uvmDefaults().eviction(PolicySpec.randomEviction(MiB(2))).thrashing(PolicySpec.uvmThrashing())
                .prefetch(PolicySpec.density()).eviction(PolicySpec.lru()).placement(javascript("p.js",
                        "function onDeviceFault(f) { return 'migrate'; }"));
        pol.label();
        pol.build();
        pol.placement().label();
        pol.placement().param("threshold");

        // the policy spec: records, step objects, hints (org.hmmlab.dsl.spec)
        PlacementSpec.AccessCounters ac = accessCounters().threshold(256).granularity(KiB(64)).decay(us(100));
        ac.threshold();
        ac.granularity();
        ac.decay();
        EvictionSpec.Lru l = lru().granularity(KiB(64)).refreshOnAccess(true);
        l.granularity();
        l.refreshOnAccess();
        density().thresholdPercent();
        neighbourhood(KiB(64)).size();
        randomEviction(MiB(2)).granularity();
        rrip(KiB(64)).granularity();
        // GPGPU-Sim UVMSmart's policies and options (issue 21)
        uvmSmartDefaults().prefetch(randomPrefetch()).prefetch(sequentialLocal())
                .prefetch(treeBasedNeighbourhood().onEviction(noPrefetch()))
                .eviction(uvmSmartLru(MiB(2)).reservePct(10).freeBufferPct(5).dropClean(true))
                .eviction(uvmSmartLfu()).eviction(uvmSmartRandom(KiB(4))).eviction(sequentialLocalEviction())
                .eviction(treeBasedEviction()).placement(adaptiveAccessCounters().threshold(8).penalty(2));
        ThrashingSpec.Uvm th = uvmThrashing().threshold(5).lapse(us(250)).nap(us(100)).pinThreshold(3)
                .pinDuration(ms(10)).epoch(ms(100)).mitigation(org.hmmlab.policy.UvmThrashingDetector.Mitigation.PIN)
                .detectOnly().throttleOnly().pinAtOnce().throttleThenPin();
        List.of(th.threshold(), th.lapse(), th.nap(), th.pinThreshold(), th.pinDuration(), th.epoch(), th.mitigation());
        ThrashingSpec.Uvm.nameOf(ThrashingSpec.Uvm.mitigationNamed(ThrashingSpec.Uvm.MITIGATIONS.get(1)));
        javascript("q.js", "function onDeviceFault(f) { return 'migrate'; }").source();
        Processor where = gpu(0);
        where.isHost();
        where.index();
        HOST.isHost();
        Processor.parse("location", "gpu0");
        HintSpec.PreferredLocation pl = preferredLocation("x", HOST);
        pl.location();
        HintSpec.AccessedBy by = accessedBy("x", where);
        by.gpu();
        HintSpec.ReadMostly rm = readMostly("x");
        PolicySpec advised = pol.hints(pl, by, rm).thrashing(uvmThrashing()).eviction(l).placement(ac);
        advised.hints().forEach(h -> {
            h.allocation();
            h.kind();
            h.settings();
            h.label();
            h.addTo(org.hmmlab.policy.Hints.none());
        });
        List<ComponentSpec<?>> parts = List.of(advised.placement(), advised.prefetch(), advised.eviction(),
                advised.thrashing());
        for (ComponentSpec<?> part : parts) {
            part.kind();
            part.settings().forEach(st -> st.value());
            part.label();
            part.build();
        }
        advised.build().onMapped("x", 0, 512);
        PolicySpec.preset(PolicySpec.PRESETS.get(0));
        List.of(PlacementSpec.KINDS, PrefetchSpec.KINDS, EvictionSpec.KINDS, ThrashingSpec.KINDS, HintSpec.KINDS);
        PlatformPresets.nameOf(PlatformPresets.named("platform", PlatformPresets.NAMES.get(0)));
        new SpecException("threshold", "m").parameter();
        Engine.named(Engine.NAMES.get(1)).label();
        org.hmmlab.dsl.spec.FaultPaths.nameOf(org.hmmlab.dsl.spec.FaultPaths.named(
                org.hmmlab.dsl.spec.FaultPaths.NAMES.get(1)));
        List.of(sequential(), strided(KiB(64)), random(), zipf(1.1), hotSet(0.1, 0.9), stencil(KiB(64)), pointerChase(), arrays(3),
                gemm(32), gemm(256, 32));
        PhaseSpec ph = kernel("k").reads("x").pattern(random()).footprint(MiB(1)).accesses(100).warps(8)
                .accessSize(bytes(256));
        phase("w").writes("x").passes(2).threads(2).name();
        kernel("rw").readsWrites("x", 0.5).allocation();
        Scenario sc = scenario("s").on(V100_PCIE3).on(A100_PCIE4).on(H100_PCIE5).on(GTX1080TI_PCIE3).on(H100_PCIE5).vram(MiB(64)).policy(pol)
                .alloc("x", MiB(2)).cpu(phase("init").writes("x")).gpu(ph.footprint(MiB(2))).pingPong("x", 1)
                .seed(3).engine(Engine.RESIDENCY_MODEL).faultPath(org.hmmlab.device.FaultPath.REPLAYABLE_BUFFER);
        sc.on(A100_PCIE4.withLink(gen(5), lanes(16))).platform();
        sc.on(A100_PCIE4.withIommu(iommu().strict().ioPageSize(KiB(4)).iotlbEntries(64).iotlbMiss(ns(280)))).platform();
        sc.on(A100_PCIE4.withIommu(iommu().lazy().passthrough().off())).platform();
        // issue 17: the driver personality and AMD's SVM options
        sc.on(MI100_PCIE4).driver(uvm()).driver(amdSvm().xnack(false).granularity(9)
                .range("x", svmRange().preferGpu().preferSysmem().prefetchToGpu().accessInPlace().noAccess()
                        .granularity(4))).platform();
        sc.on(MI210_PCIE4.withXnack(false)).on(MI300X_PCIE5.withDriver(uvm())).platform();
        sc.pingPong("x", 1, 8);
        Path traced = dir.resolve("app.csv");
        Files.writeString(traced, "0,gpu0,0x10000,R,4096\n");
        scenario("t").gpu(trace(traced.toString())).phases();
        org.hmmlab.dsl.spec.PresetLink.of(H100_PCIE5.withLink(gen(4), lanes(8))).get().platform();
        sc.then(sc.phases().get(0));
        sc.alloc("tmp", MiB(2)).gpu(kernel("t").writes("tmp")).free("tmp").frees();
        // the benchmark catalogue and the peer's matrix
        benchmarks();
        BenchmarkSpec bench = benchmark("nw").accessSize(KiB(4));
        bench.name();
        bench.accessSize();
        bench.footprint();
        bench.peerWorkingSet();
        bench.derivation();
        bench.benchmark();
        bench.phases("nw");
        bench.arrays();
        bench.steps();
        bench.deviceMemoryAt(1.1);
        BenchmarkSpec.catalogue();
        scenario("nw").benchmark("nw").oversubscribe(1.25).benchmark(bench);
        ISCA19_BENCHMARKS.size();
        PeerMatrix pm = peerMatrix().benchmarks("nw").on(V100_PCIE3).farFault(us(45)).accessSize(KiB(4))
                .parallelism(1).engine(TIMING);
        pm.benchmarks();
        pm.cells();
        pm.scenario(pm.cells().get(0));
        pm.peerTime(us(1), 2);
        sc.alloc("pre", MiB(4)).prefetchToGpu("pre").prefetchToGpu("pre", MiB(2), MiB(2)).prefetches();
        sc.renamed("variant").engine(TIMING).faultPath(ATS_PRI).faultPath(REPLAYABLE_BUFFER).engine(RESIDENCY_MODEL);
        Table.concat("both", t, t);
        sc.name();
        sc.platform();
        sc.basePlatform();
        sc.vramOverride();
        sc.policy();
        sc.allocations();
        sc.phases();
        sc.seed();
        sc.engine();
        sc.faultPath();
        sc.workload();
        ScenarioResult res = sc.run();
        sc.run(4).summary();
        sc.run(4, new org.hmmlab.sim.CancellationToken()).summary();
        res.scenario();
        res.outcome();
        res.seed();
        res.engine();
        res.residency();
        res.counters();
        res.migrations();
        res.charts();
        res.tables();
        res.mimeBundle();
        ScenarioResult tr = scenario("t").alloc("x", MiB(1)).cpu(phase("i").writes("x")).gpu(kernel("k").reads("x")).run();
        tr.timing();
        tr.faultLatency();
        tr.stageLatency(org.hmmlab.metrics.Stage.MIGRATION_COPY);
        tr.latencyByStage();
        tr.stageMeans();
        tr.bandwidth();
        tr.phases();
        tr.latencyCdf();
        tr.latencyHistogram();
        tr.stageBreakdown();
        tr.bandwidthChart();
        org.hmmlab.dsl.json.ScenarioJson.read(org.hmmlab.dsl.json.ScenarioJson.write(sc));
        org.hmmlab.dsl.json.ScenarioJson.write(tr);

        assertEquals(10, r.table().rowCount());
        assertTrue(Files.size(dir.resolve("c.png")) > 0);
        assertFalse(charts.isEmpty());
    }
}
