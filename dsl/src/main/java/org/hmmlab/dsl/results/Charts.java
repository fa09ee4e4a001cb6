package org.hmmlab.dsl.results;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.hmmlab.units.SimDuration;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StackedXYAreaRenderer2;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.DefaultTableXYDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Ready charts for memory experiments, all in one theme: latency CDF and histogram on a log axis, a
 * stacked breakdown of fault stages, bandwidth and residency over simulated time, sweep curves and a heat
 * map for two-parameter sweeps.
 *
 * <p>Charts are drawn from {@link Table}s by column name (and latency charts from {@link Distribution}s), so
 * one preset applies to every run's result. Axis units come from the column names' suffixes: a
 * {@code time_ns} column is shown in us or ms as its range needs, {@code size_bytes} in KiB, MiB or GiB.
 *
 * <pre>{@code Charts.curves("Bandwidth vs size", sweep, "size_bytes", "h2d_GBps", "d2h_GBps")}</pre>
 */
public final class Charts {

    /** Points kept per CDF curve; longer distributions are thinned at even steps of probability. */
    static final int CDF_POINTS = 2000;
    /** Histogram bins per decade of latency on the log axis. */
    static final int BINS_PER_DECADE = 20;
    /** Latency axes turn logarithmic when the largest latency is at least this many times the smallest. */
    static final double LOG_AXIS_RATIO = 20;
    /** Bins of a histogram on a linear axis. */
    static final int LINEAR_BINS = 40;
    /** Heat maps with at most this many cells print each cell's value. */
    static final int HEAT_MAP_LABELLED_CELLS = 144;

    private Charts() {
    }

    // --- latency -----------------------------------------------------------------------------------

    /**
     * The cumulative distribution of fault latency, one step curve per distribution. The latency axis is
     * logarithmic when the slowest fault took at least {@value #LOG_AXIS_RATIO} times the fastest, else linear in
     * us or ms. With one distribution, dashed lines mark p50 and p99, labelled with their values.
     *
     * <pre>{@code Charts.latencyCdf("Fault latency", run.faultLatency())}</pre>
     */
    public static Chart latencyCdf(String title, Distribution... distributions) {
        return latencyCdf(title, List.of(distributions));
    }

    /** {@link #latencyCdf(String, Distribution...)} for a list. */
    public static Chart latencyCdf(String title, List<Distribution> distributions) {
        requireSeries("latencyCdf", distributions);
        XYSeriesCollection data = new XYSeriesCollection();
        long max = 1;
        for (Distribution d : distributions) {
            XYSeries s = new XYSeries(d.name(), true, true);
            long[] v = d.values();
            long[] c = d.counts();
            long seen = 0;
            double next = 0;
            s.add(Math.max(1, v[0]), 0.0, false); // every curve rises from zero, even a single latency
            for (int i = 0; i < v.length; i++) {
                seen += c[i];
                double f = (double) seen / d.count();
                if (f >= next || i == v.length - 1) {
                    s.add(Math.max(1, v[i]), f, false);
                    next = f + 1.0 / CDF_POINTS;
                }
            }
            max = Math.max(max, d.maxNs());
            data.addSeries(s);
        }
        long min = Long.MAX_VALUE;
        for (Distribution d : distributions) {
            min = Math.min(min, Math.max(1, d.minNs()));
        }
        boolean log = (double) max / min >= LOG_AXIS_RATIO;
        AxisUnit unit = AxisUnit.forColumn("latency_ns", log ? 1 : max);
        if (!log) {
            // a narrow range reads better on a linear axis in us or ms: rescale the curves
            XYSeriesCollection scaled = new XYSeriesCollection();
            for (int i = 0; i < data.getSeriesCount(); i++) {
                XYSeries src = data.getSeries(i);
                XYSeries dst = new XYSeries(src.getKey(), true, true);
                for (int k = 0; k < src.getItemCount(); k++) {
                    dst.add(unit.scale(src.getX(k).doubleValue()), src.getY(k), false);
                }
                scaled.addSeries(dst);
            }
            data = scaled;
        }
        ValueAxis x = log ? logAxis(unit.label()) : numberAxis(unit.label());
        if (x instanceof NumberAxis n) {
            n.setAutoRangeIncludesZero(false);
        }
        NumberAxis y = new NumberAxis("fraction of faults at or below");
        y.setRange(0, 1.02);
        y.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(0.2));
        XYStepRenderer r = new XYStepRenderer();
        lineStyle(r, distributions.size());
        XYPlot plot = new XYPlot(data, x, y, r);
        if (distributions.size() == 1) {
            // Labels low and right of their lines: there the curve has already risen past 0.5 (p50) or 0.99
            // (p99), so the text sits on empty plot; p99's label stands higher so the two never overlap, and a
            // line near the right edge takes its label on its left, inside the plot.
            Distribution d = distributions.get(0);
            long p50 = d.percentile(50);
            long p99 = d.percentile(99);
            double lo = log ? Math.log(Math.max(1, d.minNs())) : unit.scale(Math.max(1, d.minNs()));
            double hi = log ? Math.log(Math.max(2, d.maxNs())) : unit.scale(Math.max(2, d.maxNs()));
            String[] names = {"p50", "p99"};
            long[] at = {p50, p99};
            int[] rise = {8, 30};
            for (int i = 0; i < 2; i++) {
                double pos = log ? Math.log(Math.max(1, at[i])) : unit.scale(Math.max(1, at[i]));
                boolean nearRight = hi > lo && (pos - lo) / (hi - lo) > 0.8;
                plot.addDomainMarker(cdfMarker(unit.scale(Math.max(1, at[i])), names[i] + " " + new SimDuration(at[i]),
                        rise[i], nearRight));
            }
        }
        return chart(title, plot, distributions.size() > 1);
    }

    /**
     * A histogram of fault latency on a log axis ({@value #BINS_PER_DECADE} bins per decade), as the
     * fraction of faults per bin so runs of different lengths compare; several distributions overlap
     * translucently.
     *
     * <pre>{@code Charts.latencyHistogram("Fault latency", javaPolicy, jsPolicy)}</pre>
     */
    public static Chart latencyHistogram(String title, Distribution... distributions) {
        return latencyHistogram(title, List.of(distributions));
    }

    /** {@link #latencyHistogram(String, Distribution...)} for a list. */
    public static Chart latencyHistogram(String title, List<Distribution> distributions) {
        requireSeries("latencyHistogram", distributions);
        long min = Long.MAX_VALUE;
        long max = 1;
        for (Distribution d : distributions) {
            min = Math.min(min, Math.max(1, d.minNs()));
            max = Math.max(max, d.maxNs());
        }
        boolean log = (double) max / min >= LOG_AXIS_RATIO;
        AxisUnit unit = AxisUnit.forColumn("latency_ns", log ? 1 : max);
        double lo;
        double width;
        int bins;
        if (log) {
            lo = Math.floor(Math.log10(min) * BINS_PER_DECADE) / BINS_PER_DECADE;
            double hi = Math.ceil(Math.log10(Math.max(max, min + 1)) * BINS_PER_DECADE + 1e-9) / BINS_PER_DECADE;
            bins = Math.max(1, (int) Math.round((hi - lo) * BINS_PER_DECADE));
            width = 1.0 / BINS_PER_DECADE;
        } else {
            bins = LINEAR_BINS;
            double span = max - min;
            if (span < 0.1 * max) { // (nearly) one latency: centre it in a window of +-10 %
                lo = min - 0.1 * max;
                span = 0.2 * max + (max - min);
            } else {
                lo = min;
            }
            width = Math.max(1.0, span / bins);
        }
        XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
        for (Distribution d : distributions) {
            double[] frac = new double[bins];
            long[] v = d.values();
            long[] c = d.counts();
            for (int i = 0; i < v.length; i++) {
                double pos = log ? Math.log10(Math.max(1, v[i])) : v[i];
                int b = (int) Math.floor((pos - lo) / width);
                frac[Math.min(bins - 1, Math.max(0, b))] += (double) c[i] / d.count();
            }
            XYIntervalSeries s = new XYIntervalSeries(d.name());
            for (int b = 0; b < bins; b++) {
                if (frac[b] > 0) {
                    double x0 = log ? Math.pow(10, lo + b * width) : unit.scale(lo + b * width);
                    double x1 = log ? Math.pow(10, lo + (b + 1) * width) : unit.scale(lo + (b + 1) * width);
                    s.add((x0 + x1) / 2, x0, x1, frac[b], 0, frac[b]);
                }
            }
            data.addSeries(s);
        }
        ValueAxis x = log ? logAxis(unit.label()) : numberAxis(unit.label());
        if (x instanceof NumberAxis n) {
            n.setAutoRangeIncludesZero(false);
        }
        NumberAxis y = new NumberAxis("fraction of faults");
        y.setNumberFormatOverride(AxisUnit.tickFormat());
        XYBarRenderer r = new XYBarRenderer();
        r.setBarPainter(new StandardXYBarPainter());
        r.setShadowVisible(false);
        r.setDrawBarOutline(false);
        r.setMargin(0.05);
        int alpha = distributions.size() > 1 ? 150 : 255;
        for (int i = 0; i < distributions.size(); i++) {
            Color c = ChartStyle.color(i);
            r.setSeriesPaint(i, new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha));
        }
        return chart(title, new XYPlot(data, x, y, r), distributions.size() > 1);
    }

    // --- stage breakdown ---------------------------------------------------------------------------

    /**
     * Where fault time goes: one stacked bar per row (a run, a policy), one stack segment per stage column.
     * Stages are every numeric column except {@code categoryColumn}.
     *
     * <pre>{@code Charts.stageBreakdown("Fault stages", stages, "policy")}</pre>
     */
    public static Chart stageBreakdown(String title, Table table, String categoryColumn) {
        List<String> stages = new ArrayList<>();
        for (Column c : table.columns()) {
            if (!c.name().equals(categoryColumn) && c.type().isNumeric()) {
                stages.add(c.name());
            }
        }
        return stageBreakdown(title, table, categoryColumn, stages.toArray(String[]::new));
    }

    /** {@link #stageBreakdown(String, Table, String)} with the stage columns named, in stacking order. */
    public static Chart stageBreakdown(String title, Table table, String categoryColumn, String... stageColumns) {
        return stacked("stageBreakdown", "stageColumns", "time per fault", title, table, categoryColumn, stageColumns);
    }

    /**
     * Stacked bars: one bar per row, labelled by {@code categoryColumn}, one segment per named column (all in one
     * unit), so each bar's height is their sum; for parts of a whole, such as where a buffer's pages are.
     *
     * <pre>{@code Charts.stackedBars("Pages by state", table, "approach", "movable_pages", "pinned_pages")}</pre>
     */
    public static Chart stackedBars(String title, Table table, String categoryColumn, String... columns) {
        return stacked("stackedBars", "columns", "time", title, table, categoryColumn, columns);
    }

    private static Chart stacked(String preset, String parameter, String timeQuantity, String title, Table table,
            String categoryColumn, String[] stageColumns) {
        if (stageColumns.length == 0) {
            throw new IllegalArgumentException(preset + ": " + parameter + " must name at least one numeric column of '"
                    + table.name() + "'; columns: " + table.columnNames());
        }
        Column cat = table.column(categoryColumn);
        double maxTotal = 0;
        for (int r = 0; r < table.rowCount(); r++) {
            double t = 0;
            for (String s : stageColumns) {
                t += numeric(table, s, preset).number(r);
            }
            maxTotal = Math.max(maxTotal, t);
        }
        AxisUnit unit = AxisUnit.forColumn(stageColumns[0], maxTotal);
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (String s : stageColumns) {
            if (!AxisUnit.sameSuffix(s, stageColumns[0])) {
                throw new IllegalArgumentException(preset + ": " + parameter + " must share one unit; '" + s
                        + "' and '" + stageColumns[0] + "' differ");
            }
            Column col = table.column(s);
            for (int r = 0; r < table.rowCount(); r++) {
                data.addValue(unit.scale(col.number(r)), AxisUnit.seriesName(s), AxisUnit.formatValue(cat, r));
            }
        }
        CategoryAxis x = new CategoryAxis(cat.name().replace('_', ' '));
        x.setCategoryMargin(0.3);
        x.setMaximumCategoryLabelLines(2); // many bars: a label wraps at its spaces instead of becoming "..."
        x.setMaximumCategoryLabelWidthRatio(1.5f);
        boolean time = List.of("ns", "us", "ms", "s").contains(unit.unit());
        NumberAxis y = new NumberAxis(time ? unit.label(timeQuantity) : unit.unit().isEmpty() ? "value" : unit.unit());
        y.setNumberFormatOverride(AxisUnit.tickFormat());
        StackedBarRenderer r = new StackedBarRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setMaximumBarWidth(0.12);
        r.setDrawBarOutline(false);
        for (int i = 0; i < stageColumns.length; i++) {
            r.setSeriesPaint(i, ChartStyle.color(i));
        }
        CategoryPlot plot = new CategoryPlot(data, x, y, r);
        plot.setOrientation(PlotOrientation.VERTICAL);
        return chart(title, plot, true);
    }

    /**
     * Grouped bars: one group per value of {@code categoryColumn} (in first-seen order), one bar in each group per value
     * of {@code seriesColumn}, its height the row's {@code valueColumn}; how a paper compares policies across
     * benchmarks. A missing pair leaves a gap.
     *
     * <pre>{@code Charts.groupedBars("Far faults by prefetcher", table, "benchmark", "config", "far_faults")}</pre>
     */
    public static Chart groupedBars(String title, Table table, String categoryColumn, String seriesColumn,
            String valueColumn) {
        Column value = numeric(table, valueColumn, "groupedBars");
        Column cat = table.column(categoryColumn);
        Column series = table.column(seriesColumn);
        double max = 0;
        for (int r = 0; r < table.rowCount(); r++) {
            max = Math.max(max, value.number(r));
        }
        AxisUnit unit = AxisUnit.forColumn(valueColumn, max);
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (int r = 0; r < table.rowCount(); r++) {
            data.addValue(unit.scale(value.number(r)), AxisUnit.formatValue(series, r), AxisUnit.formatValue(cat, r));
        }
        CategoryAxis x = new CategoryAxis(cat.name().replace('_', ' '));
        x.setCategoryMargin(0.2);
        x.setMaximumCategoryLabelLines(2);
        NumberAxis y = new NumberAxis(unit.unit().isEmpty() ? unit.quantity() : unit.quantity() + " (" + unit.unit() + ")");
        y.setNumberFormatOverride(AxisUnit.tickFormat());
        org.jfree.chart.renderer.category.BarRenderer r = new org.jfree.chart.renderer.category.BarRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setDrawBarOutline(false);
        r.setItemMargin(0.02);
        for (int i = 0; i < data.getRowCount(); i++) {
            r.setSeriesPaint(i, ChartStyle.color(i));
        }
        CategoryPlot plot = new CategoryPlot(data, x, y, r);
        plot.setOrientation(PlotOrientation.VERTICAL);
        return chart(title, plot, true);
    }

    // --- over simulated time -----------------------------------------------------------------------

    /**
     * Link bandwidth over simulated time, one line per direction column (for example {@code h2d_GBps},
     * {@code d2h_GBps}).
     *
     * <pre>{@code Charts.bandwidthOverTime("PCIe traffic", run.bandwidth(), "time_ns", "h2d_GBps", "d2h_GBps")}</pre>
     */
    public static Chart bandwidthOverTime(String title, Table table, String timeColumn, String... directionColumns) {
        return lines(title, table, timeColumn, directionColumns, "bandwidth", false, true);
    }

    /**
     * Where the data lives over simulated time, as stacked areas (for example {@code cpu_bytes},
     * {@code gpu_bytes}), so the top edge is the whole working set.
     *
     * <pre>{@code Charts.residencyOverTime("Residency", run.residency(), "time_ns", "gpu_bytes", "cpu_bytes")}</pre>
     */
    public static Chart residencyOverTime(String title, Table table, String timeColumn, String... placeColumns) {
        requireColumns("residencyOverTime", table, placeColumns);
        Column t = numeric(table, timeColumn, "residencyOverTime");
        double maxStack = 0;
        for (int r = 0; r < table.rowCount(); r++) {
            double s = 0;
            for (String p : placeColumns) {
                s += numeric(table, p, "residencyOverTime").number(r);
            }
            maxStack = Math.max(maxStack, s);
        }
        AxisUnit xu = AxisUnit.forColumn(timeColumn, maxAbs(t));
        AxisUnit yu = AxisUnit.forColumn(placeColumns[0], maxStack);
        DefaultTableXYDataset data = new DefaultTableXYDataset();
        for (String p : placeColumns) {
            XYSeries s = new XYSeries(AxisUnit.seriesName(p), true, false);
            Column c = table.column(p);
            for (int r = 0; r < table.rowCount(); r++) {
                s.addOrUpdate(xu.scale(t.number(r)), yu.scale(c.number(r)));
            }
            data.addSeries(s);
        }
        StackedXYAreaRenderer2 r = new StackedXYAreaRenderer2();
        for (int i = 0; i < placeColumns.length; i++) {
            Color c = ChartStyle.color(i);
            r.setSeriesPaint(i, new Color(c.getRed(), c.getGreen(), c.getBlue(), 200));
        }
        NumberAxis x = numberAxis(xu.label());
        NumberAxis y = numberAxis(yu.label("resident"));
        return chart(title, new XYPlot(data, x, y, r), true);
    }

    // --- sweeps ------------------------------------------------------------------------------------

    /**
     * Sweep curves: one line per y column against a parameter column; the x axis turns logarithmic when the
     * parameter spans two decades or more (sizes in powers of two).
     *
     * <pre>{@code Charts.curves("Migration bandwidth", sweep.table(), "size_bytes", "h2d_GBps", "d2h_GBps")}</pre>
     */
    public static Chart curves(String title, Table table, String xColumn, String... yColumns) {
        return lines(title, table, xColumn, yColumns, null, true, false);
    }

    /**
     * Sweep curves grouped by a second parameter: one line of {@code yColumn} against {@code xColumn} for
     * each value of {@code seriesColumn}, in the order the values first appear.
     *
     * <pre>{@code Charts.curvesBy("Faults vs threshold", sweep.table(), "threshold", "faults", "size_bytes")}</pre>
     */
    public static Chart curvesBy(String title, Table table, String xColumn, String yColumn, String seriesColumn) {
        Column x = numeric(table, xColumn, "curvesBy");
        Column y = numeric(table, yColumn, "curvesBy");
        Column by = table.column(seriesColumn);
        AxisUnit xu = xUnit(x);
        AxisUnit yu = AxisUnit.forColumn(yColumn, maxAbs(y));
        Map<String, XYSeries> groups = new LinkedHashMap<>();
        String byName = AxisUnit.seriesName(seriesColumn);
        for (int r = 0; r < table.rowCount(); r++) {
            String key = byName + " = " + AxisUnit.formatValue(by, r);
            groups.computeIfAbsent(key, k -> new XYSeries(k, true, true)).add(xu.scale(x.number(r)), yu.scale(y.number(r)));
        }
        XYSeriesCollection data = new XYSeriesCollection();
        groups.values().forEach(data::addSeries);
        return chart(title, xyLines(data, xAxisFor(x, xu), numberAxis(yu.label()), true), groups.size() > 1);
    }

    /**
     * A heat map of {@code valueColumn} over a two-parameter sweep: {@code xColumn} across, {@code yColumn} up,
     * one cell per point, with a colour legend; small grids print each cell's value.
     *
     * <pre>{@code Charts.heatMap("Faults", sweep.table(), "threshold", "vram_bytes", "faults")}</pre>
     */
    public static Chart heatMap(String title, Table table, String xColumn, String yColumn, String valueColumn) {
        Column xc = table.column(xColumn);
        Column yc = table.column(yColumn);
        Column vc = numeric(table, valueColumn, "heatMap");
        if (table.rowCount() == 0) {
            throw new IllegalArgumentException("heatMap: table '" + table.name() + "' has no rows to draw");
        }
        List<String> xs = new ArrayList<>();
        List<String> ys = new ArrayList<>();
        int n = table.rowCount();
        double[][] xyz = new double[3][n];
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int r = 0; r < n; r++) {
            String xv = AxisUnit.formatValue(xc, r);
            String yv = AxisUnit.formatValue(yc, r);
            if (!xs.contains(xv)) {
                xs.add(xv);
            }
            if (!ys.contains(yv)) {
                ys.add(yv);
            }
            xyz[0][r] = xs.indexOf(xv);
            xyz[1][r] = ys.indexOf(yv);
            xyz[2][r] = vc.number(r);
            min = Math.min(min, xyz[2][r]);
            max = Math.max(max, xyz[2][r]);
        }
        // One unit for the cells and the colour scale, chosen from the largest value: 13.0 and 27.6 under "(ms)".
        AxisUnit unit = AxisUnit.forColumn(valueColumn, Math.max(Math.abs(min), Math.abs(max)));
        for (int i = 0; i < n; i++) {
            xyz[2][i] = unit.scale(xyz[2][i]);
        }
        min = unit.scale(min);
        max = unit.scale(max);
        if (max <= min) {
            max = min + 1;
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries(valueColumn, xyz);
        XYBlockRenderer r = new XYBlockRenderer();
        LookupPaintScale scale = viridis(min, max);
        r.setPaintScale(scale);
        SymbolAxis x = new SymbolAxis(AxisUnit.seriesName(xColumn).replace('_', ' '), xs.toArray(String[]::new));
        SymbolAxis y = new SymbolAxis(AxisUnit.seriesName(yColumn).replace('_', ' '), ys.toArray(String[]::new));
        for (SymbolAxis a : List.of(x, y)) {
            a.setGridBandsVisible(false);
            a.setLowerMargin(0);
            a.setUpperMargin(0);
        }
        x.setRange(-0.5, xs.size() - 0.5);
        y.setRange(-0.5, ys.size() - 0.5);
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        if (n <= HEAT_MAP_LABELLED_CELLS) {
            for (int i = 0; i < n; i++) {
                XYTextAnnotation a = new XYTextAnnotation(AxisUnit.formatScaled(xyz[2][i]), xyz[0][i], xyz[1][i]);
                a.setFont(ChartStyle.SMALL);
                a.setTextAnchor(TextAnchor.CENTER);
                Color bg = (Color) scale.getPaint(xyz[2][i]);
                double lum = 0.299 * bg.getRed() + 0.587 * bg.getGreen() + 0.114 * bg.getBlue();
                a.setPaint(lum < 140 ? Color.WHITE : Color.BLACK);
                plot.addAnnotation(a);
            }
        }
        Chart chart = chart(title, plot, false);
        NumberAxis legendAxis = new NumberAxis(unit.label());
        legendAxis.setRange(min, max);
        ChartStyle.styleAxis(legendAxis);
        legendAxis.setNumberFormatOverride(AxisUnit.tickFormat());
        PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setStripWidth(14);
        legend.setMargin(new RectangleInsets(6, 10, 6, 4));
        legend.setFrame(BlockBorder.NONE);
        legend.setBackgroundPaint(Color.WHITE);
        chart.jfreeChart().addSubtitle(legend);
        return chart;
    }

    // --- model against measurement -----------------------------------------------------------------

    /** The band a calibration case must land in to count as a hit, in percent either side of the figure. */
    public static final double CALIBRATION_TOLERANCE_PCT = 15;
    /** Bars of an error chart stop at this many percent either side; their labels still give the whole error. */
    static final double ERROR_AXIS_CLIP_PCT = 100;
    /** Logical height of one bar's row in an error chart, so long tables grow tall instead of cramped. */
    static final int ERROR_ROW_HEIGHT = 30;
    /** Logical width of an error chart: wider than the default, for the cases' names. */
    static final int ERROR_CHART_WIDTH = 960;
    /** Colour of a bar inside the tolerance band. */
    static final Color HIT = ChartStyle.color(0);
    /** Colour of a bar outside the tolerance band. */
    static final Color MISS = ChartStyle.color(1);
    static final String HIT_SERIES = "within ±";
    static final String MISS_SERIES = "outside ±";

    /**
     * How far the model lands from each published figure: the table of {@link org.hmmlab.dsl.Lab#calibration()}
     * as horizontal bars of {@code error_pct} per {@code case}, a shaded band of ±{@value #CALIBRATION_TOLERANCE_PCT} %,
     * hits and misses in two colours, each bar labelled with its error ("in range" where the model falls inside
     * a published range, "(fit)" where the figure set one of the model's constants, so the agreement is by
     * construction).
     *
     * <pre>{@code Charts.calibration("Model against published measurements", calibration())}</pre>
     */
    public static Chart calibration(String title, Table calibration) {
        Column error = numeric(calibration, "error_pct", "calibration");
        String[] labels = errorLabels(error);
        if (calibration.hasColumn("published_low") && calibration.hasColumn("published_high")) {
            Column lo = numeric(calibration, "published_low", "calibration");
            Column hi = numeric(calibration, "published_high", "calibration");
            for (int r = 0; r < calibration.rowCount(); r++) {
                if (lo.number(r) != hi.number(r) && error.number(r) == 0) {
                    labels[r] = "in range";
                }
            }
        }
        if (calibration.hasColumn("fit") && calibration.column("fit").type() == ColumnType.BOOLEAN) {
            Column fit = calibration.column("fit");
            for (int r = 0; r < calibration.rowCount(); r++) {
                if ((Boolean) fit.get(r)) {
                    labels[r] += " (fit)"; // agreement by construction: the figure set a constant
                }
            }
        }
        return errorBars("calibration", title, calibration, "case", error, CALIBRATION_TOLERANCE_PCT, labels);
    }

    /**
     * Relative errors as horizontal bars, one per row labelled by {@code labelColumn}, with the band of
     * ±{@code tolerancePct} shaded and bars outside it in a second colour. Errors beyond
     * ±{@value #ERROR_AXIS_CLIP_PCT} % are drawn to the edge and labelled with their whole value.
     *
     * <pre>{@code Charts.errorBand("Model vs my measurements", mine, "case", "error_pct", 10)}</pre>
     */
    public static Chart errorBand(String title, Table table, String labelColumn, String errorPctColumn,
            double tolerancePct) {
        Column error = numeric(table, errorPctColumn, "errorBand");
        return errorBars("errorBand", title, table, labelColumn, error, tolerancePct, errorLabels(error));
    }

    private static String[] errorLabels(Column error) {
        String[] labels = new String[error.size()];
        for (int r = 0; r < labels.length; r++) {
            double e = error.number(r);
            labels[r] = (Math.abs(e) < 0.05 ? "0.0 %" : String.format(java.util.Locale.ROOT, "%+.1f %%", e))
                    + (e > ERROR_AXIS_CLIP_PCT ? " \u2192" : e < -ERROR_AXIS_CLIP_PCT ? " \u2190" : "");
        }
        return labels;
    }

    private static Chart errorBars(String preset, String title, Table table, String labelColumn, Column error,
            double tolerancePct, String[] labels) {
        if (!(tolerancePct > 0 && tolerancePct < ERROR_AXIS_CLIP_PCT)) {
            throw new IllegalArgumentException(preset + ": tolerancePct must be in (0, " + (int) ERROR_AXIS_CLIP_PCT
                    + "), got " + tolerancePct);
        }
        Column names = table.column(labelColumn);
        int n = table.rowCount();
        if (n == 0) {
            throw new IllegalArgumentException(preset + ": table '" + table.name() + "' has no rows to draw");
        }
        String tol = AxisUnit.tickFormat().format(tolerancePct) + " %";
        String hitKey = HIT_SERIES + tol;
        String missKey = MISS_SERIES + tol;
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        double lo = -tolerancePct;
        double hi = tolerancePct;
        for (int r = 0; r < n; r++) {
            String name = AxisUnit.formatValue(names, r);
            if (data.getColumnIndex(name) >= 0) {
                throw new IllegalArgumentException(preset + ": '" + labelColumn + "' must name each row once; '" + name
                        + "' appears twice in '" + table.name() + "'");
            }
            double e = error.number(r);
            if (Double.isNaN(e)) {
                throw new IllegalArgumentException(preset + ": '" + error.name() + "' of row " + r + " ('" + name
                        + "') is NaN");
            }
            double shown = Math.max(-ERROR_AXIS_CLIP_PCT, Math.min(ERROR_AXIS_CLIP_PCT, e));
            boolean hit = Math.abs(e) <= tolerancePct;
            data.addValue(hit ? (Double) shown : null, hitKey, name);
            data.addValue(hit ? null : (Double) shown, missKey, name);
            lo = Math.min(lo, shown);
            hi = Math.max(hi, shown);
        }
        CategoryAxis y = new CategoryAxis(null);
        y.setCategoryMargin(0.25);
        y.setLowerMargin(0.01);
        y.setUpperMargin(0.01);
        y.setMaximumCategoryLabelLines(2); // long case names wrap at a space instead of ending in "..."
        y.setMaximumCategoryLabelWidthRatio(0.42f);
        NumberAxis x = numberAxis(AxisUnit.forColumn(error.name(), 1).label("model against published"));
        double pad = 0.22 * (hi - lo); // room for the labels at the bars' ends
        x.setRange(lo - pad, hi + pad);
        x.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(hi - lo > 120 ? 25 : hi - lo > 60 ? 10 : 5));
        x.setNumberFormatOverride(new ClippedTickFormat()); // no tick label where no bar can reach
        StackedBarRenderer r = new StackedBarRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setDrawBarOutline(false);
        r.setSeriesPaint(0, HIT);
        r.setSeriesPaint(1, MISS);
        String[] text = labels.clone();
        r.setDefaultItemLabelGenerator(new org.jfree.chart.labels.StandardCategoryItemLabelGenerator() {
            @Override
            public String generateLabel(org.jfree.data.category.CategoryDataset dataset, int row, int column) {
                return text[column];
            }
        });
        r.setDefaultItemLabelsVisible(true);
        r.setDefaultItemLabelFont(ChartStyle.SMALL);
        r.setDefaultItemLabelPaint(ChartStyle.TEXT);
        r.setDefaultPositiveItemLabelPosition(new org.jfree.chart.labels.ItemLabelPosition(
                org.jfree.chart.labels.ItemLabelAnchor.OUTSIDE3, TextAnchor.CENTER_LEFT));
        r.setDefaultNegativeItemLabelPosition(new org.jfree.chart.labels.ItemLabelPosition(
                org.jfree.chart.labels.ItemLabelAnchor.OUTSIDE9, TextAnchor.CENTER_RIGHT));
        r.setItemLabelAnchorOffset(4);
        CategoryPlot plot = new CategoryPlot(data, y, x, r);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        IntervalMarker band = new IntervalMarker(-tolerancePct, tolerancePct, new Color(0x00, 0x9E, 0x73, 40));
        plot.addRangeMarker(band, Layer.BACKGROUND);
        org.jfree.chart.LegendItemCollection legend = new org.jfree.chart.LegendItemCollection();
        legend.add(new org.jfree.chart.LegendItem(hitKey, HIT));
        legend.add(new org.jfree.chart.LegendItem(missKey, MISS));
        legend.add(new org.jfree.chart.LegendItem("band of ±" + tol, new Color(0x00, 0x9E, 0x73, 70)));
        plot.setFixedLegendItems(legend);
        plot.addRangeMarker(new ValueMarker(0, ChartStyle.AXIS, new BasicStroke(1f)), Layer.FOREGROUND);
        Chart chart = chart(title, plot, true);
        int height = Math.max(Chart.DEFAULT_HEIGHT, 150 + ERROR_ROW_HEIGHT * n);
        return chart.size(ERROR_CHART_WIDTH, Math.min(4000, height));
    }

    /** Tick labels of an error axis: blank beyond the clip, where the space only holds the labels of clipped bars. */
    private static final class ClippedTickFormat extends java.text.NumberFormat {
        private final java.text.NumberFormat inner = AxisUnit.tickFormat();

        @Override
        public StringBuffer format(double v, StringBuffer to, java.text.FieldPosition pos) {
            return Math.abs(v) > ERROR_AXIS_CLIP_PCT + 1e-9 ? to : inner.format(v, to, pos);
        }

        @Override
        public StringBuffer format(long v, StringBuffer to, java.text.FieldPosition pos) {
            return format((double) v, to, pos);
        }

        @Override
        public Number parse(String source, java.text.ParsePosition pos) {
            return inner.parse(source, pos);
        }
    }

    // --- helpers -----------------------------------------------------------------------------------

    private static Chart lines(String title, Table table, String xColumn, String[] yColumns, String quantity,
            boolean shapes, boolean timeAxis) {
        String preset = timeAxis ? "bandwidthOverTime" : "curves";
        requireColumns(preset, table, yColumns);
        Column x = numeric(table, xColumn, preset);
        double ymax = 0;
        for (String y : yColumns) {
            if (!AxisUnit.sameSuffix(y, yColumns[0])) {
                throw new IllegalArgumentException(preset + ": y columns must share one unit; '" + y + "' and '"
                        + yColumns[0] + "' differ");
            }
            ymax = Math.max(ymax, maxAbs(numeric(table, y, preset)));
        }
        AxisUnit xu = timeAxis ? AxisUnit.forColumn(xColumn, maxAbs(x)) : xUnit(x);
        AxisUnit yu = AxisUnit.forColumn(yColumns[0], ymax);
        XYSeriesCollection data = new XYSeriesCollection();
        for (String y : yColumns) {
            XYSeries s = new XYSeries(yColumns.length == 1 ? yu.label() : AxisUnit.seriesName(y), true, true);
            Column c = table.column(y);
            for (int r = 0; r < table.rowCount(); r++) {
                s.add(xu.scale(x.number(r)), yu.scale(c.number(r)));
            }
            data.addSeries(s);
        }
        String yLabel = quantity == null ? (yColumns.length == 1 ? yu.label()
                : yu.unit().equals("pages") ? "pages" // a count names itself: not "value (pages)"
                : yu.label(yu.unit().isEmpty() ? "value" : yu.unit().equals("GB/s") ? "bandwidth" : "value"))
                : yu.label(quantity);
        ValueAxis xa = timeAxis ? numberAxis(xu.label()) : xAxisFor(x, xu);
        return chart(title, xyLines(data, xa, numberAxis(yLabel), shapes), yColumns.length > 1);
    }

    private static XYPlot xyLines(XYSeriesCollection data, ValueAxis x, NumberAxis y, boolean shapes) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, shapes);
        lineStyle(r, data.getSeriesCount());
        if (shapes) {
            for (int i = 0; i < data.getSeriesCount(); i++) {
                r.setSeriesShape(i, ChartStyle.marker(i));
            }
        }
        markDuplicates(data, r);
        return new XYPlot(data, x, y, r);
    }

    /**
     * A series with the same points as an earlier one would hide under it: it is drawn dashed, with hollow markers
     * one size larger, and its legend entry says which series it equals.
     */
    static void markDuplicates(XYSeriesCollection data, XYLineAndShapeRenderer r) {
        for (int i = 1; i < data.getSeriesCount(); i++) {
            for (int j = 0; j < i; j++) {
                if (samePoints(data.getSeries(i), data.getSeries(j))) {
                    r.setSeriesStroke(i, ChartStyle.DASHED_LINE);
                    r.setSeriesShapesFilled(i, false);
                    r.setSeriesShape(i, ChartStyle.marker(i, 1.5));
                    data.getSeries(i).setKey(data.getSeries(i).getKey() + " (same as " + data.getSeries(j).getKey() + ")");
                    break;
                }
            }
        }
    }

    private static boolean samePoints(XYSeries a, XYSeries b) {
        if (a.getItemCount() != b.getItemCount() || a.getItemCount() == 0) {
            return false;
        }
        for (int k = 0; k < a.getItemCount(); k++) {
            if (a.getX(k).doubleValue() != b.getX(k).doubleValue() || a.getY(k).doubleValue() != b.getY(k).doubleValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a sweep parameter reads best on a log axis: positive values over two decades or more that are spaced
     * evenly on a log scale (doublings, decades). Values spread evenly on a linear scale (a percentage 1, 51, 100)
     * stay linear, where the ticks fall on the points.
     */
    static boolean wantsLog(Column x) {
        double[] v = distinctSorted(x);
        if (v.length < 2 || v[0] <= 0 || v[v.length - 1] / v[0] < 100) {
            return false;
        }
        if (v.length == 2) {
            return true;
        }
        double minStep = Double.POSITIVE_INFINITY;
        double maxStep = 0;
        for (int i = 1; i < v.length; i++) {
            double step = Math.log(v[i] / v[i - 1]);
            minStep = Math.min(minStep, step);
            maxStep = Math.max(maxStep, step);
        }
        return maxStep <= 3 * minStep || v[v.length - 1] / v[0] >= 1e4;
    }

    /** Base 2 when every step between the values is a whole power of two (sizes doubling), else base 10. */
    static int logBase(Column x) {
        double[] v = distinctSorted(x);
        for (int i = 1; i < v.length; i++) {
            double k = Math.log(v[i] / v[i - 1]) / Math.log(2);
            if (Math.abs(k - Math.rint(k)) > 1e-9) {
                return 10;
            }
        }
        return 2;
    }

    private static double[] distinctSorted(Column x) {
        return java.util.stream.IntStream.range(0, x.size()).mapToDouble(x::number).filter(Double::isFinite)
                .distinct().sorted().toArray();
    }

    /** A sweep parameter's unit; sizes on a log axis stay in bytes and their ticks say KiB, MiB, GiB. */
    private static AxisUnit xUnit(Column x) {
        if (x.name().endsWith("_bytes") && wantsLog(x)) {
            return new AxisUnit(AxisUnit.seriesName(x.name()).replace('_', ' '), "", 1);
        }
        return AxisUnit.forColumn(x.name(), maxAbs(x));
    }

    private static ValueAxis xAxisFor(Column x, AxisUnit xu) {
        if (wantsLog(x)) {
            LogAxis a = logAxis(xu.label());
            a.setBase(logBase(x));
            if (x.name().endsWith("_bytes")) {
                a.setNumberFormatOverride(new BytesFormat());
            }
            return a;
        }
        NumberAxis a = numberAxis(xu.label());
        a.setAutoRangeIncludesZero(false);
        if (x.type() == ColumnType.LONG && xu.divisor() == 1) {
            a.setStandardTickUnits(NumberAxis.createIntegerTickUnits()); // steps, counts: no tick at 0.5
        }
        return a;
    }

    private static void lineStyle(org.jfree.chart.renderer.xy.XYLineAndShapeRenderer r, int series) {
        for (int i = 0; i < series; i++) {
            r.setSeriesPaint(i, ChartStyle.color(i));
            r.setSeriesStroke(i, ChartStyle.LINE);
        }
    }

    private static LogAxis logAxis(String label) {
        LogAxis a = new LogAxis(label);
        a.setBase(10);
        a.setNumberFormatOverride(AxisUnit.tickFormat());
        a.setStandardTickUnits(NumberAxis.createIntegerTickUnits()); // ticks on whole powers only
        a.setMinorTickMarksVisible(true);
        return a;
    }

    private static NumberAxis numberAxis(String label) {
        NumberAxis a = new NumberAxis(label);
        a.setNumberFormatOverride(AxisUnit.tickFormat());
        return a;
    }

    private static ValueMarker marker(double x, String label) {
        ValueMarker m = new ValueMarker(x, new Color(0x66, 0x66, 0x66),
                new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {5, 4}, 0));
        m.setLabel(label);
        m.setLabelFont(ChartStyle.SMALL);
        m.setLabelPaint(ChartStyle.TEXT);
        m.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_LEFT);
        m.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
        m.setLabelOffset(new RectangleInsets(4, 4, 4, 4));
        return m;
    }

    /**
     * A percentile line of a CDF, labelled at the bottom {@code rise} pixels above the axis, on its right (or on its
     * left when the line is near the plot's right edge).
     */
    private static ValueMarker cdfMarker(double x, String label, int rise, boolean labelLeft) {
        ValueMarker m = marker(x, label);
        m.setLabelAnchor(labelLeft ? org.jfree.chart.ui.RectangleAnchor.BOTTOM_LEFT
                : org.jfree.chart.ui.RectangleAnchor.BOTTOM_RIGHT);
        m.setLabelTextAnchor(labelLeft ? TextAnchor.BOTTOM_RIGHT : TextAnchor.BOTTOM_LEFT);
        m.setLabelOffset(new RectangleInsets(4, 4, rise, 4));
        m.setLabelBackgroundColor(new Color(255, 255, 255, 220));
        return m;
    }

    /** A perceptually even blue-green-yellow scale (anchor colours of matplotlib's viridis) from min to max. */
    private static LookupPaintScale viridis(double min, double max) {
        int[] anchors = {0x440154, 0x3B528B, 0x21918C, 0x5EC962, 0xFDE725};
        LookupPaintScale s = new LookupPaintScale(min, max + (max - min) * 1e-9, new Color(anchors[anchors.length - 1]));
        int steps = 64;
        for (int i = 0; i < steps; i++) {
            double f = (double) i / (steps - 1);
            double pos = f * (anchors.length - 1);
            int k = Math.min(anchors.length - 2, (int) pos);
            double t = pos - k;
            Color a = new Color(anchors[k]);
            Color b = new Color(anchors[k + 1]);
            Color c = new Color((int) Math.round(a.getRed() + t * (b.getRed() - a.getRed())),
                    (int) Math.round(a.getGreen() + t * (b.getGreen() - a.getGreen())),
                    (int) Math.round(a.getBlue() + t * (b.getBlue() - a.getBlue())));
            s.add(min + (max - min) * i / steps, c);
        }
        return s;
    }

    private static Chart chart(String title, org.jfree.chart.plot.Plot plot, boolean legend) {
        Objects.requireNonNull(title, "title");
        JFreeChart c = new JFreeChart(title, ChartStyle.TITLE, plot, legend);
        if (legend) {
            c.getLegend().setPosition(RectangleEdge.BOTTOM);
            hideEmptySeries(plot);
        }
        ChartStyle.apply(c);
        c.getTitle().setFont(ChartStyle.titleFont(title, Chart.DEFAULT_WIDTH));
        return new Chart(c, Chart.DEFAULT_WIDTH, Chart.DEFAULT_HEIGHT);
    }

    /** A series without a single point says nothing: it keeps its colour but leaves the legend. */
    private static void hideEmptySeries(org.jfree.chart.plot.Plot plot) {
        if (plot instanceof XYPlot xy && xy.getDataset() != null && xy.getRenderer() != null) {
            for (int i = 0; i < xy.getDataset().getSeriesCount(); i++) {
                if (xy.getDataset().getItemCount(i) == 0) {
                    xy.getRenderer().setSeriesVisibleInLegend(i, false);
                }
            }
        }
    }

    private static Column numeric(Table table, String column, String preset) {
        Column c = table.column(column);
        if (!c.type().isNumeric()) {
            throw new IllegalArgumentException(preset + ": column '" + column + "' of '" + table.name()
                    + "' holds " + c.type().jsonName() + "; it needs numbers");
        }
        return c;
    }

    private static void requireColumns(String preset, Table table, String[] columns) {
        if (columns.length == 0) {
            throw new IllegalArgumentException(preset + ": name at least one numeric column of '" + table.name()
                    + "'; columns: " + table.columnNames());
        }
    }

    private static void requireSeries(String preset, List<Distribution> ds) {
        if (ds.isEmpty()) {
            throw new IllegalArgumentException(preset + ": give at least one distribution");
        }
        for (Distribution d : ds) {
            if (d.isEmpty()) {
                throw new IllegalArgumentException(preset + ": distribution '" + d.name() + "' has no samples");
            }
        }
    }

    private static double maxAbs(Column c) {
        double m = 0;
        for (int r = 0; r < c.size(); r++) {
            m = Math.max(m, Math.abs(c.number(r)));
        }
        return m;
    }
}
