package org.hmmlab.dsl;

import java.util.List;
import java.util.Map;
import org.hmmlab.dsl.results.Chart;
import org.hmmlab.dsl.results.Charts;
import org.hmmlab.dsl.results.Column;
import org.hmmlab.dsl.results.Displayable;
import org.hmmlab.dsl.results.Row;
import org.hmmlab.dsl.results.Table;

/**
 * What a sweep measured: one row per point in declaration order, parameter columns first; shown as its
 * table, and drawn as curves or a heat map.
 *
 * <pre>{@code result.curves("h2d_GBps")   // one line per value of the second parameter}</pre>
 */
public final class SweepResult implements Displayable {

    private final Table table;
    private final List<Param<?>> params;
    private final long seed;

    SweepResult(Table table, List<Param<?>> params, long seed) {
        this.table = table;
        this.params = params;
        this.seed = seed;
    }

    /** The result of a grid run elsewhere: its table (parameter columns first), its parameters and its seed. */
    public static SweepResult of(Table table, List<Param<?>> params, long seed) {
        return new SweepResult(table, List.copyOf(params), seed);
    }

    /** The table: parameter columns ({@code size_bytes}, {@code threshold}), then the measured columns. */
    public Table table() {
        return table;
    }

    /** The sweep's seed; each point's seed derives from it. */
    public long seed() {
        return seed;
    }

    /** The column that holds parameter {@code i} (0 is the first declared). */
    public String paramColumn(int i) {
        Param<?> p = params.get(i);
        return Row.of().withValue(p.name(), p.values().get(0)).names().get(0);
    }

    /**
     * Curves of measured columns against the first parameter. With one y column and a second parameter,
     * one line per value of the second parameter; otherwise one line per y column.
     */
    public Chart curves(String... yColumns) {
        if (yColumns.length == 0) {
            throw new IllegalArgumentException("curves(yColumns...): name at least one measured column; columns: "
                    + table.columnNames());
        }
        String x = paramColumn(0);
        if (yColumns.length == 1 && params.size() >= 2) {
            return Charts.curvesBy(title(quantity(yColumns[0]) + " by " + quantity(params.get(0).name())
                    + ", one line per " + quantity(params.get(1).name())), table, x, yColumns[0], paramColumn(1));
        }
        List<String> ys = java.util.Arrays.stream(yColumns).map(SweepResult::quantity).toList();
        return Charts.curves(title(String.join(", ", ys) + " by " + quantity(params.get(0).name())), table, x, yColumns);
    }

    /**
     * A chart title that says what is drawn against what ({@code evictions by vram}); a sweep given a name with
     * {@code named(...)} keeps it in front ({@code oversubscription: evictions by vram}).
     */
    private String title(String what) {
        return table.name().equals(Sweep.DEFAULT_NAME) ? what : table.name() + ": " + what;
    }

    /** A column as words without its unit suffix: {@code sim_time_ns} is {@code sim time}. */
    private static String quantity(String column) {
        for (String suffix : List.of("_ns", "_bytes", "_GBps", "_MBps", "_pct", "_pages", "_us", "_ms")) {
            if (column.endsWith(suffix)) {
                return column.substring(0, column.length() - suffix.length()).replace('_', ' ');
            }
        }
        return column.replace('_', ' ');
    }

    /** A heat map of {@code valueColumn} over the first two parameters (first across, second up). */
    public Chart heatMap(String valueColumn) {
        if (params.size() < 2) {
            throw new IllegalStateException("heatMap needs a sweep over two parameters; this one has " + params.size());
        }
        return Charts.heatMap(title(quantity(valueColumn) + " by " + quantity(params.get(0).name()) + " and "
                + quantity(params.get(1).name())), table, paramColumn(0), paramColumn(1), valueColumn);
    }

    /** A measured column, for assertions and further maths. */
    public Column column(String name) {
        return table.column(name);
    }

    @Override
    public Map<String, String> mimeBundle() {
        return table.mimeBundle();
    }

    @Override
    public String toString() {
        return table.toText();
    }
}
