package org.hmmlab.dsl.results;

import java.text.NumberFormat;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.labels.StandardCategoryToolTipGenerator;
import org.jfree.chart.labels.XYToolTipGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.CategoryItemRenderer;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYZDataset;

/**
 * The hover text of a chart's data items, in the words of its axes: {@code density = 51: vram 32 MiB, sim time
 * 26.7 ms} reads as {@code series: x-label x, y-label y} with each number in its axis' unit and format. Installed
 * only where a chart has no tooltip generator of its own.
 */
final class ChartTooltips {

    private ChartTooltips() {
    }

    /** Gives every renderer of the chart's plot a tooltip generator, unless it already has one. */
    static void install(JFreeChart chart) {
        Plot plot = chart.getPlot();
        if (plot instanceof XYPlot xy) {
            for (int i = 0; i < xy.getRendererCount(); i++) {
                XYItemRenderer r = xy.getRenderer(i);
                if (r != null && r.getDefaultToolTipGenerator() == null) {
                    r.setDefaultToolTipGenerator(xyTooltips(xy));
                }
            }
        } else if (plot instanceof CategoryPlot cat) {
            for (int i = 0; i < cat.getRendererCount(); i++) {
                CategoryItemRenderer r = cat.getRenderer(i);
                if (r != null && r.getDefaultToolTipGenerator() == null) {
                    String unit = label(cat.getRangeAxis());
                    r.setDefaultToolTipGenerator(new StandardCategoryToolTipGenerator(
                            "{0}, {1}: {2}" + (unit.isEmpty() ? "" : " (" + unit + ")"), AxisUnit.tickFormat()));
                }
            }
        }
    }

    private static XYToolTipGenerator xyTooltips(XYPlot plot) {
        ValueAxis x = plot.getDomainAxis();
        ValueAxis y = plot.getRangeAxis();
        return (XYDataset data, int series, int item) -> {
            String key = String.valueOf(data.getSeriesKey(series));
            String xs = labelled(x, value(x, data.getXValue(series, item)));
            String ys = labelled(y, value(y, data.getYValue(series, item)));
            if (data instanceof XYZDataset z) {
                // a heat map: the cell's place on both axes, then its value in the colour scale's unit
                return xs + ", " + ys + ": " + AxisUnit.formatScaled(z.getZValue(series, item));
            }
            return (data.getSeriesCount() > 1 ? key + ": " : "") + xs + ", " + ys;
        };
    }

    /** An axis value as its ticks write it: a symbol on a category-like axis, else the axis' number format. */
    private static String value(ValueAxis axis, double v) {
        if (axis instanceof SymbolAxis s) {
            int i = (int) Math.round(v);
            String[] symbols = s.getSymbols();
            return i >= 0 && i < symbols.length ? symbols[i] : AxisUnit.formatScaled(v);
        }
        NumberFormat f = axis instanceof NumberAxis n ? n.getNumberFormatOverride()
                : axis instanceof LogAxis l ? l.getNumberFormatOverride() : null;
        if (f == null || f instanceof java.text.DecimalFormat) {
            return AxisUnit.formatScaled(v);
        }
        return f.format(v);
    }

    private static final java.util.regex.Pattern WITH_UNIT = java.util.regex.Pattern.compile("(.*) \\(([^)]+)\\)");

    /** A value with its axis' words: "vram (MiB)" and 32 read "vram 32 MiB"; "faults" and 2,304 "faults 2,304". */
    static String labelled(Axis axis, String value) {
        String label = label(axis);
        java.util.regex.Matcher m = WITH_UNIT.matcher(label);
        if (m.matches()) {
            return m.group(1) + " " + value + " " + m.group(2);
        }
        return label.isEmpty() ? value : label + " " + value;
    }

    private static String label(Axis axis) {
        return axis == null || axis.getLabel() == null ? "" : axis.getLabel();
    }
}
