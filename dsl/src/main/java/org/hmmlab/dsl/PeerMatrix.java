package org.hmmlab.dsl;

import static org.hmmlab.dsl.spec.PolicySpec.firstTouch;
import static org.hmmlab.dsl.spec.PolicySpec.noPrefetch;
import static org.hmmlab.dsl.spec.PolicySpec.noThrashing;
import static org.hmmlab.dsl.spec.PolicySpec.randomPrefetch;
import static org.hmmlab.dsl.spec.PolicySpec.sequentialLocal;
import static org.hmmlab.dsl.spec.PolicySpec.sequentialLocalEviction;
import static org.hmmlab.dsl.spec.PolicySpec.treeBasedEviction;
import static org.hmmlab.dsl.spec.PolicySpec.treeBasedNeighbourhood;
import static org.hmmlab.dsl.spec.PolicySpec.uvmSmartLfu;
import static org.hmmlab.dsl.spec.PolicySpec.uvmSmartLru;
import static org.hmmlab.dsl.spec.PolicySpec.uvmSmartRandom;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.hmmlab.dsl.results.Row;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.dsl.spec.EvictionSpec;
import org.hmmlab.dsl.spec.PolicySpec;
import org.hmmlab.dsl.spec.PrefetchSpec;
import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.RunResult;
import org.hmmlab.platform.Platform;
import org.hmmlab.platform.Platforms;
import org.hmmlab.run.ResidencyModel;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.catalogue.Catalogue;

/**
 * The peer's experiments (Ganguly et al., "Interplay between hardware prefetcher and page eviction policy in
 * CPU-GPU unified virtual memory", ISCA 2019) as one matrix of lab runs, with the peer's configurations as its
 * output logs record them ({@code benchmarks/Results/Eviction_Prefetcher_Interplay/output_logs/}):
 * <ul>
 *   <li>{@code prefetchers}: on demand, random, sequential-local and tree-based neighbourhood prefetching without
 *       oversubscription, LRU 2 MiB eviction ({@code HWPrefetchers/}: {@code -hardware_prefetch 0, 3, 2, 1});</li>
 *   <li>{@code oversubscription}: LRU 4 KiB at 110, 125 and 150 %, the tree-based prefetcher turned off at the first
 *       eviction ({@code Oversubscription/}: {@code -eviction_policy 5 -hwprefetch_oversub 0});</li>
 *   <li>{@code eviction}: each of the peer's six evictors at 110 %, the same prefetching ({@code EvictionPolicies/});</li>
 *   <li>{@code pairs}: matched prefetcher and evictor at 110 %, the tree-based prefetcher until the first eviction,
 *       then the pair's ({@code EvictionPolicy_HWPrefetcher_Combo/}: LRU_OD, Random_Random, SL_SL, TBN_TBN);</li>
 *   <li>{@code large-page}: tree-based eviction against LRU 2 MiB at 110 and 125 %, tree-based prefetching
 *       throughout ({@code LPEviction/}).</li>
 * </ul>
 * Device memory is the peer's working set over the ratio, as its logs' {@code -gddr_size} shows (15.96591 MB for
 * backprop's 17.5625 MB at 110 %), on the peer's GTX 1080 Ti ({@code GTX1080TI_PCIE3}). Each row has the lab's timed run ({@code sim_time_ns}, far faults, PCIe bytes)
 * and the peer's accounting beside it: {@code peer_time_ns} = the benchmark's kernel time plus far faults x a fixed
 * far-fault latency ({@code -page_fault_latency 66645} core cycles at 1481 MHz, 45 us).
 *
 * <pre>{@code
 * var m = peerMatrix().benchmarks("bfs", "hotspot");
 * m.run().where("experiment", "prefetchers")
 * }</pre>
 */
public final class PeerMatrix {

    /** The peer's far-fault latency: {@code -page_fault_latency 66645} cycles of its 1481 MHz core clock. */
    public static final SimDuration PEER_FAR_FAULT = SimDuration.us(45);
    /** The experiments, in the order the matrix runs them. */
    public static final List<String> EXPERIMENTS = List.of("prefetchers", "oversubscription", "eviction", "pairs",
            "large-page");

    /** One run of the matrix: which experiment, benchmark and configuration, at which oversubscription. */
    public record Cell(String experiment, String benchmark, String config, double oversubscription, PolicySpec policy) {
    }

    private static final Map<String, SimDuration> KERNEL_TIMES = new ConcurrentHashMap<>();
    /** The measurements of a run that failed: none (0, so the columns keep their types; {@code status} says why). */
    private static final Row FAILED = Row.of().with("sim_time_ns", 0L).with("far_faults", 0L)
            .with("pages_to_device", 0L).with("evictions", 0L).with("bytes_to_device", 0L).with("bytes_to_host", 0L)
            .with("pcie_GBps", 0.0).with("kernel_time_ns", 0L).with("peer_time_ns", 0L).with("peer_over_timed", Double.NaN)
            .with("host_time_ns", 0L);

    private final List<String> benchmarks;
    private final Platform platform;
    private final SimDuration farFault;
    private final Bytes accessSize;
    private final int parallelism;
    private final Engine engine;
    private final List<String> experiments;

    private PeerMatrix(List<String> benchmarks, Platform platform, SimDuration farFault, Bytes accessSize,
            int parallelism, Engine engine) {
        this(benchmarks, platform, farFault, accessSize, parallelism, engine, EXPERIMENTS);
    }

    private PeerMatrix(List<String> benchmarks, Platform platform, SimDuration farFault, Bytes accessSize,
            int parallelism, Engine engine, List<String> experiments) {
        this.experiments = List.copyOf(experiments);
        this.benchmarks = List.copyOf(benchmarks);
        this.platform = platform;
        this.farFault = farFault;
        this.accessSize = accessSize;
        this.parallelism = parallelism;
        this.engine = engine;
    }

    /**
     * The ISCA'19 matrix over its seven benchmarks on the peer's GTX 1080 Ti on PCIe Gen3 x16,
     * kernel accesses cut at 4 KiB (the peer's page; a warp's range stays one access unless it crosses a page).
     */
    public static PeerMatrix isca19() {
        return new PeerMatrix(Catalogue.ISCA19, Platforms.GTX1080TI_PCIE3, PEER_FAR_FAULT, Bytes.PAGE,
                Math.max(1, Runtime.getRuntime().availableProcessors()), Engine.TIMING);
    }

    /** The same matrix over other benchmarks of the catalogue: {@code .benchmarks("bfs", "sssp")}. */
    public PeerMatrix benchmarks(String... names) {
        if (names == null || names.length == 0) {
            throw new IllegalArgumentException("benchmarks(names): names must list at least one of "
                    + String.join(", ", Catalogue.NAMES));
        }
        for (String n : names) {
            BenchmarkSpec.named(n); // refuses an unknown name with the catalogue
        }
        return new PeerMatrix(List.of(names), platform, farFault, accessSize, parallelism, engine, experiments);
    }

    /** On another platform: {@code .on(A100_PCIE4)}. */
    public PeerMatrix on(Platform p) {
        return new PeerMatrix(benchmarks, Objects.requireNonNull(p, "on(platform): platform must be set"), farFault,
                accessSize, parallelism, engine, experiments);
    }

    /** The far-fault latency of the peer's accounting (1 ns to 10 ms; 45 us by default): {@code .farFault(us(20))}. */
    public PeerMatrix farFault(SimDuration latency) {
        if (latency == null || latency.nanos() < 1 || latency.nanos() > 10_000_000) {
            throw new IllegalArgumentException("farFault(latency): latency must be in [1 ns, 10 ms], got " + latency);
        }
        return new PeerMatrix(benchmarks, platform, latency, accessSize, parallelism, engine, experiments);
    }

    /** Kernel accesses of at most {@code size} (4 KiB by default; see {@link BenchmarkSpec#accessSize}). */
    public PeerMatrix accessSize(Bytes size) {
        BenchmarkSpec.named("nw").accessSize(size); // its check
        return new PeerMatrix(benchmarks, platform, farFault, size, parallelism, engine, experiments);
    }

    /** Runs on {@code threads} threads (1 to 1024; all cores by default). */
    public PeerMatrix parallelism(int threads) {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("parallelism(threads): threads must be in [1, 1024], got " + threads);
        }
        return new PeerMatrix(benchmarks, platform, farFault, accessSize, threads, engine, experiments);
    }

    /**
     * Which model runs the cells: {@link Engine#TIMING} (the default: the lab's timed fault path beside the peer's
     * accounting) or {@link Engine#RESIDENCY_MODEL} (the same policy decisions without a clock: far faults and
     * migrations exactly, several times faster; {@code sim_time_ns} is then the model's serial cost).
     */
    public PeerMatrix engine(Engine e) {
        return new PeerMatrix(benchmarks, platform, farFault, accessSize, parallelism,
                Objects.requireNonNull(e, "engine(e): e must be TIMING or RESIDENCY_MODEL, got null"), experiments);
    }

    /**
     * Only some of the experiments, in {@link #EXPERIMENTS} order: {@code .experiments("prefetchers")}, so that a
     * notebook runs them cell by cell.
     */
    public PeerMatrix experiments(String... names) {
        if (names == null || names.length == 0) {
            throw new IllegalArgumentException("experiments(names): names must list at least one of "
                    + String.join(", ", EXPERIMENTS));
        }
        for (String n : names) {
            if (!EXPERIMENTS.contains(n)) {
                throw new IllegalArgumentException("experiments(names): \"" + n + "\" is not one of "
                        + String.join(", ", EXPERIMENTS));
            }
        }
        List<String> chosen = EXPERIMENTS.stream().filter(List.of(names)::contains).toList();
        return new PeerMatrix(benchmarks, platform, farFault, accessSize, parallelism, engine, chosen);
    }

    public List<String> benchmarks() {
        return benchmarks;
    }

    /** Every run of the matrix, experiment by experiment, benchmark by benchmark. */
    public List<Cell> cells() {
        List<Cell> out = new ArrayList<>();
        PrefetchSpec tbn = treeBasedNeighbourhood();
        EvictionSpec lru2m = uvmSmartLru(Bytes.MiB(2));
        EvictionSpec lru4k = uvmSmartLru(Bytes.KiB(4));
        PrefetchSpec tbnOffAtEviction = tbn.onEviction(noPrefetch());
        for (String b : benchmarks) {
            add(out, "prefetchers", b, "on-demand", 1, noPrefetch(), lru2m);
            add(out, "prefetchers", b, "random", 1, randomPrefetch(), lru2m);
            add(out, "prefetchers", b, "sequential-local", 1, sequentialLocal(), lru2m);
            add(out, "prefetchers", b, "tree-based", 1, tbn, lru2m);
        }
        for (String b : benchmarks) {
            for (double r : new double[] {1.10, 1.25, 1.50}) {
                add(out, "oversubscription", b, "lru-4k", r, tbnOffAtEviction, lru4k);
            }
        }
        for (String b : benchmarks) {
            add(out, "eviction", b, "lru-4k", 1.10, tbnOffAtEviction, lru4k);
            add(out, "eviction", b, "lru-2m", 1.10, tbnOffAtEviction, lru2m);
            add(out, "eviction", b, "lfu-2m", 1.10, tbnOffAtEviction, uvmSmartLfu());
            add(out, "eviction", b, "random-4k", 1.10, tbnOffAtEviction, uvmSmartRandom(Bytes.KiB(4)));
            add(out, "eviction", b, "sequential-local", 1.10, tbnOffAtEviction, sequentialLocalEviction());
            add(out, "eviction", b, "tree-based", 1.10, tbnOffAtEviction, treeBasedEviction());
        }
        for (String b : benchmarks) {
            add(out, "pairs", b, "lru-4k + on-demand", 1.10, tbnOffAtEviction, lru4k);
            add(out, "pairs", b, "random + random", 1.10, tbn.onEviction(randomPrefetch()),
                    uvmSmartRandom(Bytes.KiB(4)));
            add(out, "pairs", b, "sequential-local + sequential-local", 1.10, tbn.onEviction(sequentialLocal()),
                    sequentialLocalEviction());
            add(out, "pairs", b, "tree-based + tree-based", 1.10, tbn, treeBasedEviction());
        }
        for (String b : benchmarks) {
            for (double r : new double[] {1.10, 1.25}) {
                add(out, "large-page", b, "lru-2m", r, tbn, lru2m);
                add(out, "large-page", b, "tree-based", r, tbn, treeBasedEviction());
            }
        }
        return out.stream().filter(c -> experiments.contains(c.experiment())).toList();
    }

    private static void add(List<Cell> out, String experiment, String benchmark, String config, double ratio,
            PrefetchSpec prefetch, EvictionSpec eviction) {
        out.add(new Cell(experiment, benchmark, config, ratio,
                new PolicySpec(firstTouch(), prefetch, eviction, noThrashing())));
    }

    /**
     * The scenario of one cell: the benchmark on the platform, device memory the peer's working set over the ratio
     * (the platform's own without oversubscription), the cell's policy.
     */
    public Scenario scenario(Cell c) {
        BenchmarkSpec b = BenchmarkSpec.named(c.benchmark()).accessSize(accessSize);
        Scenario s = Scenario.named(c.benchmark() + " " + c.config()).on(platform).policy(c.policy()).benchmark(b);
        return c.oversubscription() == 1 ? s : s.vram(b.deviceMemoryAt(c.oversubscription()));
    }

    /**
     * The benchmark's kernel time on the peer's terms: its kernel launches alone (the peer runs no host code on its
     * clock), on the platform with every page already in device memory (a warm-up kernel reads the whole allocation
     * first, and is not counted). Computed once per benchmark, platform and access size.
     */
    public SimDuration kernelTime(String benchmark) {
        BenchmarkSpec b = BenchmarkSpec.named(benchmark).accessSize(accessSize);
        return KERNEL_TIMES.computeIfAbsent(benchmark + "|" + platform.name() + "|" + accessSize, k -> {
            Scenario s = Scenario.named(benchmark + " kernels").on(platform).policy(PolicySpec.onDemand())
                    .alloc(benchmark, b.footprint());
            s = s.then(Phase.gpu("warm-up", benchmark, Patterns.sequential(), b.footprint(),
                    b.footprint().pagesCeil()).withConcurrency(1024));
            for (Phase p : b.phases(benchmark)) {
                if (!p.agent().isCpu()) {
                    s = s.then(p);
                }
            }
            RunResult r = s.run().timing();
            long ns = 0;
            for (RunResult.PhaseTiming t : r.phases().subList(1, r.phases().size())) {
                ns += t.end_ns() - t.start_ns();
            }
            return SimDuration.ns(ns);
        });
    }

    /** The peer's accounting of a run: kernel time plus far faults x the far-fault latency. */
    public SimDuration peerTime(SimDuration kernelTime, long farFaults) {
        return SimDuration.ns(kernelTime.nanos() + farFaults * farFault.nanos());
    }

    /**
     * Runs every cell (in parallel, each its own simulator, same seed for all) and gives one row each:
     * {@code experiment}, {@code benchmark}, {@code config}, {@code oversubscription_pct}, {@code vram_bytes},
     * {@code status} ({@code ok}, or {@code failed: } and why, the measurements then 0),
     * {@code sim_time_ns} (the lab's timed fault path), {@code far_faults} (faulting pages serviced, summed over
     * batches), {@code pages_to_device}, {@code evictions}, {@code bytes_to_device}, {@code bytes_to_host},
     * {@code pcie_GBps} (bytes both ways over the run time), {@code kernel_time_ns} and {@code peer_time_ns} (the
     * peer's accounting), {@code peer_over_timed} (the one over the other) and {@code host_time_ns}, what the run
     * took on this machine.
     */
    public Table run() {
        List<Cell> cells = cells();
        // a configuration that two experiments share (LRU 4 KiB at 110 % is in three) runs once
        Map<String, Integer> firstOf = new LinkedHashMap<>();
        List<Integer> distinct = new ArrayList<>();
        int[] runOf = new int[cells.size()];
        for (int i = 0; i < cells.size(); i++) {
            Cell c = cells.get(i);
            String key = c.benchmark() + "|" + c.oversubscription() + "|" + c.policy().label();
            Integer first = firstOf.putIfAbsent(key, distinct.size());
            if (first == null) {
                distinct.add(i);
                runOf[i] = distinct.size() - 1;
            } else {
                runOf[i] = first;
            }
        }
        Param<Integer> index = Param.of("run", distinct);
        SweepResult r = Sweep.over(index).named("peer matrix").parallelism(parallelism)
                .run(p -> measure(cells.get(p.get(index))));
        Table runs = r.table();
        List<Row> rows = new ArrayList<>(cells.size());
        for (int i = 0; i < cells.size(); i++) {
            Cell c = cells.get(i);
            Row row = Row.of().with("experiment", c.experiment()).with("benchmark", c.benchmark())
                    .with("config", c.config()).with("oversubscription_pct", Math.round(c.oversubscription() * 100));
            for (String col : runs.columnNames()) {
                if (!col.equals("run")) {
                    row = row.withValue(col, runs.get(runOf[i], col));
                }
            }
            rows.add(row);
        }
        return Table.fromRows("peer matrix", rows);
    }

    /** One cell's measurements. */
    private Row measure(Cell c) {
        Scenario s = scenario(c).engine(engine);
        Row head = Row.of().with("vram_bytes", s.platform().gpu().vram().bytes());
        long simNs;
        long farFaults;
        long toDevice;
        long toHost;
        long pages;
        long evictions;
        long hostNs;
        try {
            long t0 = System.nanoTime();
            ScenarioResult result = s.run(1);
            if (engine == Engine.TIMING) {
                RunResult t = result.timing();
                simNs = t.simTime().nanos();
                farFaults = t.counters().get(Counter.FAULTS_SERVICED);
                toDevice = t.counters().get(Counter.BYTES_TO_DEVICE);
                toHost = t.counters().get(Counter.BYTES_TO_HOST);
                pages = t.counters().get(Counter.PAGES_TO_DEVICE);
                evictions = t.counters().get(Counter.EVICTIONS);
            } else {
                ResidencyModel.Result m = result.residency();
                simNs = m.elapsed().nanos();
                farFaults = m.faults();
                toDevice = m.bytesToDevice().bytes();
                toHost = m.bytesToHost().bytes();
                pages = m.pagesToDevice();
                evictions = m.evictions();
            }
            hostNs = System.nanoTime() - t0;
        } catch (IllegalStateException e) { // a policy that cannot go on (no victim): the row says so
            return head.with("status", "failed: " + e.getMessage()).with(FAILED);
        }
        SimDuration kernel = kernelTime(c.benchmark());
        return head.with("status", "ok").with("sim_time_ns", simNs).with("far_faults", farFaults)
                .with("pages_to_device", pages).with("evictions", evictions)
                .with("bytes_to_device", toDevice).with("bytes_to_host", toHost)
                .with("pcie_GBps", simNs == 0 ? 0.0 : (toDevice + toHost) / (double) simNs)
                .with("kernel_time_ns", kernel.nanos())
                .with("peer_time_ns", peerTime(kernel, farFaults).nanos())
                .with("peer_over_timed", simNs == 0 ? Double.NaN : peerTime(kernel, farFaults).nanos() / (double) simNs)
                .with("host_time_ns", hostNs);
    }

    /**
     * {@code rows} with a column {@code relative_<quantity>}: each row's {@code column} over that of the row of the same
     * experiment, benchmark and oversubscription whose config is {@code baselineConfig} (the paper's normalised
     * bars): {@code PeerMatrix.relativeTo(rows, "sim_time_ns", "on-demand")}. Rows without a baseline get NaN.
     */
    public static Table relativeTo(Table rows, String column, String baselineConfig) {
        String name = "relative_" + (column.lastIndexOf('_') > 0 ? column.substring(0, column.lastIndexOf('_'))
                : column);
        Map<String, Double> base = new HashMap<>();
        for (int i = 0; i < rows.rowCount(); i++) {
            if (baselineConfig.equals(rows.get(i, "config"))) {
                base.put(key(rows, i), ((Number) rows.get(i, column)).doubleValue());
            }
        }
        if (base.isEmpty()) {
            throw new IllegalArgumentException("relativeTo(rows, column, baselineConfig): no row has config \""
                    + baselineConfig + "\"");
        }
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < rows.rowCount(); i++) {
            Double b = base.get(key(rows, i));
            double v = ((Number) rows.get(i, column)).doubleValue();
            Row r = Row.of();
            for (String c : rows.columnNames()) {
                r = r.withValue(c, rows.get(i, c));
            }
            out.add(r.with(name, b == null || b == 0 ? Double.NaN : v / b));
        }
        return Table.fromRows(rows.name(), out);
    }

    private static String key(Table rows, int i) {
        return rows.get(i, "experiment") + "|" + rows.get(i, "benchmark") + "|" + rows.get(i, "oversubscription_pct");
    }

    @Override
    public String toString() {
        return "the peer's ISCA'19 matrix: " + cells().size() + " runs over " + String.join(", ", benchmarks) + " on "
                + platform.name() + ", far faults at " + farFault + " on the peer's terms";
    }
}
