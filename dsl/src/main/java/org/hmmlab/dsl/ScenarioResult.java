package org.hmmlab.dsl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.hmmlab.dsl.results.Chart;
import org.hmmlab.dsl.results.Charts;
import org.hmmlab.dsl.results.Column;
import org.hmmlab.dsl.results.Displayable;
import org.hmmlab.dsl.results.Distribution;
import org.hmmlab.dsl.results.Row;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.metrics.BandwidthSeries;
import org.hmmlab.metrics.ResidencySeries;
import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.LatencyHistogram;
import org.hmmlab.metrics.RunResult;
import org.hmmlab.metrics.Stage;
import org.hmmlab.multigpu.MultiGpuCounter;
import org.hmmlab.multigpu.MultiGpuResult;
import org.hmmlab.run.Outcome;
import org.hmmlab.run.ResidencyModel;

/**
 * What one run of a {@link Scenario} produced, as tables first and charts second: counters, fault latency
 * (distribution, percentiles by stage), bandwidth over time per link direction, device-memory residency over
 * time, phase timings.
 *
 * <p>A run on the {@link Engine#TIMING timing model} has all of them. A run on the
 * {@link Engine#RESIDENCY_MODEL residency model} has counters only (exact counts of the policy's decisions;
 * its elapsed time is a serial sum of fixed costs, indicative only); asking it for latencies is refused with
 * that reason rather than answered with invented numbers.
 */
public final class ScenarioResult implements Displayable {

    private final Scenario scenario;
    private final Outcome outcome;

    ScenarioResult(Scenario scenario, Outcome outcome) {
        this.scenario = Objects.requireNonNull(scenario, "scenario");
        this.outcome = Objects.requireNonNull(outcome, "outcome");
    }

    public Scenario scenario() {
        return scenario;
    }

    /** The seed this run used. */
    public long seed() {
        return outcome.seed();
    }

    /**
     * Which engine produced this result; the multi-GPU model, page-granular without a clock, reports
     * {@link Engine#RESIDENCY_MODEL} (see {@link Scenario#multiGpu()}).
     */
    public Engine engine() {
        return outcome instanceof Outcome.Timed ? Engine.TIMING : Engine.RESIDENCY_MODEL;
    }

    /** The multi-GPU model's raw result (a scenario with {@code .gpus(n)}, n > 1, or on {@code GH200_C2C}). */
    public MultiGpuResult multiGpu() {
        if (outcome instanceof Outcome.MultiGpu m) {
            return m.result();
        }
        throw new IllegalStateException("multiGpu() is for runs with several GPUs (.gpus(2)) or a coherent platform"
                + " (GH200_C2C); this run used the " + engine().label() + " engine on one GPU");
    }

    /**
     * Every multi-GPU counter per GPU, one row per GPU ({@code gpu}, then {@code faults}, {@code pages_to_device},
     * ... {@code link_bytes}): {@code r.perGpu()}.
     */
    public Table perGpu() {
        MultiGpuResult m = multiGpu();
        List<Column> cols = new ArrayList<>();
        String[] names = new String[m.gpus()];
        for (int g = 0; g < m.gpus(); g++) {
            names[g] = "gpu" + g;
        }
        cols.add(Column.strings("gpu", names));
        for (MultiGpuCounter c : MultiGpuCounter.values()) {
            long[] v = new long[m.gpus()];
            for (int g = 0; g < m.gpus(); g++) {
                v[g] = m.count(c, g);
            }
            cols.add(Column.longs(c.column(), v));
        }
        return Table.of(scenario.name() + ": per GPU", cols);
    }

    /**
     * A bar per GPU stacking the named per-GPU counters (in one unit):
     * {@code r.perGpuChart("local_accesses", "remote_accesses", "peer_accesses")}.
     */
    public Chart perGpuChart(String... columns) {
        return Charts.stackedBars(scenario.name() + ": per GPU", perGpu(), "gpu", columns);
    }

    /** The engine's outcome: {@code switch (r.outcome()) { case Outcome.Timed t -> ...; case Outcome.Residency m -> ...; }}. */
    public Outcome outcome() {
        return outcome;
    }

    /** The timing engine's raw result. */
    public RunResult timing() {
        return requireTiming("timing()");
    }

    /** The residency model's raw result. */
    public ResidencyModel.Result residency() {
        if (outcome instanceof Outcome.Residency m) {
            return m.result();
        }
        throw new IllegalStateException("this run used the timing model; residency() is for .engine(RESIDENCY_MODEL) runs");
    }

    private RunResult requireTiming(String what) {
        if (!(outcome instanceof Outcome.Timed timed)) {
            throw new IllegalStateException(what + " needs the timing model; this run used the residency model, which has"
                    + " no clock (run the scenario with .engine(Engine.TIMING), the default)");
        }
        return timed.result();
    }

    /**
     * The run's numbers as one row, for sweeps ({@code p -> scenario.run(p.seed()).summary()}): on the timing
     * model every counter, simulated time and fault latency p50/p99; on the residency model its counts.
     */
    public Row summary() {
        Row r = Row.of();
        for (Map.Entry<String, Long> e : outcome.summary().entrySet()) {
            r = r.with(e.getKey(), e.getValue());
        }
        return r;
    }

    /** The counters as a two-column table ({@code counter}, {@code value}), one row per counter. */
    public Table counters() {
        Row s = summary();
        String[] names = s.names().toArray(String[]::new);
        long[] values = new long[names.length];
        for (int i = 0; i < names.length; i++) {
            values[i] = (Long) s.get(names[i]);
        }
        return Table.of(scenario.name() + ": counters", Column.strings("counter", names), Column.longs("value", values));
    }

    /** Per-fault latency (timing model): the whole fault, from the GPU's report to its replay. */
    public Distribution faultLatency() {
        return distribution(scenario.name(), requireTiming("faultLatency()").faults().total());
    }

    /** The latency of one stage of the fault path (timing model). */
    public Distribution stageLatency(Stage stage) {
        return distribution(stage.name().toLowerCase(Locale.ROOT), requireTiming("stageLatency()").faults().stage(stage));
    }

    static Distribution distribution(String name, LatencyHistogram h) {
        List<LatencyHistogram.CdfPoint> cdf = h.cdf();
        long n = h.count();
        long[] values = new long[cdf.size()];
        long[] counts = new long[cdf.size()];
        long before = 0;
        for (int i = 0; i < cdf.size(); i++) {
            long upTo = Math.round(cdf.get(i).fraction() * n);
            values[i] = cdf.get(i).latency_ns();
            counts[i] = upTo - before;
            before = upTo;
        }
        return Distribution.ofCounts(name, values, counts);
    }

    /**
     * Fault latency by stage (timing model): one row per stage and one for the whole fault, with mean, p50,
     * p99 and max in nanoseconds.
     */
    public Table latencyByStage() {
        RunResult r = requireTiming("latencyByStage()");
        List<String> names = new ArrayList<>();
        List<LatencyHistogram> hs = new ArrayList<>();
        for (Stage s : r.faults().listed()) {
            names.add(s.name().toLowerCase(Locale.ROOT));
            hs.add(r.faults().stage(s));
        }
        names.add("total");
        hs.add(r.faults().total());
        int n = names.size();
        long[] count = new long[n];
        double[] mean = new double[n];
        long[] p50 = new long[n];
        long[] p99 = new long[n];
        long[] max = new long[n];
        for (int i = 0; i < n; i++) {
            LatencyHistogram h = hs.get(i);
            count[i] = h.count();
            if (h.count() > 0) {
                mean[i] = (double) h.total().nanos() / h.count();
                p50[i] = h.percentile(50).nanos();
                p99[i] = h.percentile(99).nanos();
                max[i] = h.max().nanos();
            }
        }
        return Table.of(scenario.name() + ": fault latency by stage", Column.strings("stage", names.toArray(String[]::new)),
                Column.longs("count", count), Column.doubles("mean_ns", mean), Column.longs("p50_ns", p50),
                Column.longs("p99_ns", p99), Column.longs("max_ns", max));
    }

    /** Mean time per fault in each stage as one row (a bar of {@link Charts#stageBreakdown}). */
    public Table stageMeans() {
        RunResult r = requireTiming("stageMeans()");
        List<Column> cols = new ArrayList<>();
        cols.add(Column.strings("run", scenario.name()));
        for (Map.Entry<Stage, Double> e : r.faults().meanNanosPerFault().entrySet()) {
            cols.add(Column.doubles(e.getKey().name().toLowerCase(Locale.ROOT) + "_ns", e.getValue()));
        }
        return Table.of(scenario.name() + ": mean time per fault by stage", cols);
    }

    /** Link payload bandwidth over simulated time (timing model): {@code time_ns, h2d_GBps, d2h_GBps}. */
    public Table bandwidth() {
        RunResult r = requireTiming("bandwidth()");
        BandwidthSeries h2d = r.hostToDevice();
        BandwidthSeries d2h = r.deviceToHost();
        int n = Math.max(h2d.size(), d2h.size());
        long[] t = new long[n];
        double[] a = new double[n];
        double[] b = new double[n];
        long w = h2d.bucketWidth().nanos();
        for (int i = 0; i < n; i++) {
            t[i] = i * w;
            a[i] = i < h2d.size() ? h2d.gbps(i) : 0;
            b[i] = i < d2h.size() ? d2h.gbps(i) : 0;
        }
        return Table.of(scenario.name() + ": link bandwidth", Column.longs("time_ns", t), Column.doubles("h2d_GBps", a),
                Column.doubles("d2h_GBps", b));
    }

    /**
     * Pages resident in device memory over simulated time (timing model): {@code time_ns, device_resident_pages,
     * device_resident_bytes}: a row at time 0, then one per bucket of the bandwidth series, stamped with the
     * bucket's end and holding the count there.
     */
    public Table residencyOverTime() {
        ResidencySeries s = requireTiming("residencyOverTime()").deviceResidency();
        int n = s.size();
        long[] t = new long[n + 1];
        long[] pages = new long[n + 1];
        long[] bytes = new long[n + 1];
        long w = s.bucketWidth().nanos();
        for (int i = 0; i < n; i++) { // row 0: nothing is resident before the run starts
            t[i + 1] = (i + 1) * w;
            pages[i + 1] = s.pages(i);
            bytes[i + 1] = s.bytes(i).bytes();
        }
        return Table.of(scenario.name() + ": device residency", Column.longs("time_ns", t),
                Column.longs("device_resident_pages", pages), Column.longs("device_resident_bytes", bytes));
    }

    /** When each phase ran (timing model). */
    public Table phases() {
        List<RunResult.PhaseTiming> timings = outcome instanceof Outcome.MultiGpu m ? m.result().phases()
                : requireTiming("phases()").phases();
        Table.Builder b = Table.builder(scenario.name() + ": phases").column("phase", org.hmmlab.dsl.results.ColumnType.STRING)
                .column("agent", org.hmmlab.dsl.results.ColumnType.STRING)
                .column("start_ns", org.hmmlab.dsl.results.ColumnType.LONG)
                .column("end_ns", org.hmmlab.dsl.results.ColumnType.LONG)
                .column("duration_ns", org.hmmlab.dsl.results.ColumnType.LONG);
        for (RunResult.PhaseTiming p : timings) {
            b.row(p.name(), p.agent(), p.start_ns(), p.end_ns(), p.duration_ns());
        }
        return b.build();
    }

    // --- charts ------------------------------------------------------------------------------------

    /** The CDF of fault latency (log axis when latencies span 20x or more, else linear), p50 and p99 marked. */
    public Chart latencyCdf() {
        return Charts.latencyCdf(scenario.name() + ": fault latency CDF", faultLatency());
    }

    /** The histogram of fault latency on a log axis. */
    public Chart latencyHistogram() {
        return Charts.latencyHistogram(scenario.name() + ": fault latency histogram", faultLatency());
    }

    /** Mean time per fault, stacked by stage. */
    public Chart stageBreakdown() {
        return Charts.stageBreakdown(scenario.name() + ": where fault time goes", stageMeans(), "run");
    }

    /** Bandwidth over time, one line per link direction. */
    public Chart bandwidthChart() {
        return Charts.bandwidthOverTime(scenario.name() + ": link bandwidth", bandwidth(), "time_ns", "h2d_GBps", "d2h_GBps");
    }

    /** Bytes resident in device memory over simulated time (timing model). */
    public Chart residencyChart() {
        return Charts.residencyOverTime(scenario.name() + ": device memory residency", residencyOverTime(), "time_ns",
                "device_resident_bytes");
    }

    /** Pages moved each way (residency model: with prefetched pages apart), as a stacked bar. */
    public Chart migrations() {
        Table t = switch (outcome) {
            case Outcome.Timed timed -> Table.of("migrations", Column.strings("run", scenario.name()),
                    Column.longs("to_device_pages", timed.result().count(Counter.PAGES_TO_DEVICE)),
                    Column.longs("to_host_pages", timed.result().count(Counter.PAGES_TO_HOST)));
            case Outcome.Residency m -> Table.of("migrations", Column.strings("run", scenario.name()),
                    Column.longs("demand_to_device_pages", m.result().pagesToDevice() - m.result().prefetchedPages()),
                    Column.longs("prefetched_pages", m.result().prefetchedPages()),
                    Column.longs("to_host_pages", m.result().pagesToHost()));
            case Outcome.MultiGpu m -> Table.of("migrations", Column.strings("run", scenario.name()),
                    Column.longs("to_device_pages", m.result().total(MultiGpuCounter.PAGES_TO_DEVICE)),
                    Column.longs("to_host_pages", m.result().total(MultiGpuCounter.PAGES_TO_HOST)));
        };
        return Charts.stageBreakdown(scenario.name() + ": pages migrated", t, "run");
    }

    /** Every chart this run can draw, in a fixed order (what {@code ./hmmlab run --out} writes). */
    public List<Chart> charts() {
        if (!(outcome instanceof Outcome.Timed timed)) {
            return List.of(migrations());
        }
        List<Chart> out = new ArrayList<>();
        if (timed.result().faults().total().count() > 0) {
            out.add(latencyCdf());
            out.add(latencyHistogram());
            out.add(stageBreakdown());
        }
        out.add(bandwidthChart());
        out.add(residencyChart());
        out.add(migrations());
        return out;
    }

    /** Every table this run has, in a fixed order. */
    public List<Table> tables() {
        if (outcome instanceof Outcome.MultiGpu) {
            return List.of(counters(), perGpu(), phases());
        }
        if (!(outcome instanceof Outcome.Timed)) {
            return List.of(counters());
        }
        return List.of(counters(), latencyByStage(), phases(), bandwidth(), residencyOverTime());
    }

    @Override
    public Map<String, String> mimeBundle() {
        Map<String, String> m = new LinkedHashMap<>();
        StringBuilder text = new StringBuilder(scenario.toString()).append('\n').append(counters().toText());
        StringBuilder html = new StringBuilder("<p>").append(Displayable.escapeHtml(scenario.toString())).append("</p>\n")
                .append(counters().toHtml());
        if (outcome instanceof Outcome.Timed timed && timed.result().faults().total().count() > 0) {
            text.append('\n').append(latencyByStage().toText());
            html.append(latencyByStage().toHtml());
        }
        m.put("text/plain", text.toString());
        m.put("text/html", html.toString());
        return m;
    }

    @Override
    public String toString() {
        return mimeBundle().get("text/plain");
    }
}
