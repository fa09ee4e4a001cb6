package org.hmmlab.dsl;

import java.util.LinkedHashMap;
import java.util.Map;
import org.hmmlab.dsl.results.Chart;
import org.hmmlab.dsl.results.Charts;
import org.hmmlab.dsl.results.Column;
import org.hmmlab.dsl.results.Displayable;
import org.hmmlab.dsl.results.Row;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.policy.ResidencyModel;

/**
 * What one run of a {@link Scenario} produced: counters first (faults, pages moved each way, remote
 * traffic, evictions, throttles), as a table that prints and exports, and charts drawn from them.
 *
 * <p>The counts come from the engine's residency model, which makes exactly the policy decisions the
 * timing layer makes; its elapsed time is a serial sum of fixed costs, indicative only.
 */
public final class ScenarioResult implements Displayable {

    private final Scenario scenario;
    private final long seed;
    private final ResidencyModel.Result result;

    ScenarioResult(Scenario scenario, long seed, ResidencyModel.Result result) {
        this.scenario = scenario;
        this.seed = seed;
        this.result = result;
    }

    public Scenario scenario() {
        return scenario;
    }

    /** The seed this run used. */
    public long seed() {
        return seed;
    }

    /** The engine's raw result. */
    public ResidencyModel.Result raw() {
        return result;
    }

    /** The run's counters as one row, for sweeps: {@code p -> scenario.run(p.seed()).summary()}. */
    public Row summary() {
        return Row.of().with("gpu_faults", result.deviceFaults()).with("cpu_faults", result.hostFaults())
                .with("pages_to_gpu", result.pagesToDevice()).with("pages_to_cpu", result.pagesToHost())
                .with("prefetched_pages", result.prefetchedPages()).with("evicted_pages", result.evictedPages())
                .with("duplicated_pages", result.duplicatedPages()).with("remote_accesses", result.remoteAccesses())
                .with("gpu_local_accesses", result.deviceAccesses()).with("link_bytes", result.linkBytes().bytes())
                .with("throttles", result.throttles()).with("model_elapsed_ns", result.elapsed().nanos());
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

    /** Pages moved each way and prefetched, as a stacked bar (one bar for this run). */
    public Chart migrations() {
        Table t = Table.of("migrations", Column.strings("run", scenario.name()),
                Column.longs("to_gpu_pages", result.pagesToDevice() - result.prefetchedPages()),
                Column.longs("prefetched_pages", result.prefetchedPages()),
                Column.longs("to_cpu_pages", result.pagesToHost()));
        return Charts.stageBreakdown(scenario.name() + ": pages migrated", t, "run");
    }

    @Override
    public Map<String, String> mimeBundle() {
        Map<String, String> m = new LinkedHashMap<>();
        String head = scenario + "\n";
        m.put("text/plain", head + counters().toText());
        m.put("text/html", "<p>" + escape(scenario.toString()) + "</p>\n" + counters().toHtml());
        return m;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    @Override
    public String toString() {
        return toPlainText();
    }
}
