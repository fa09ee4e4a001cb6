package org.hmmlab.dsl.results;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GraphicsEnvironment;
import java.awt.Paint;
import java.util.Arrays;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.Title;
import org.jfree.chart.ui.RectangleInsets;

/**
 * The one look every HMM Lab chart shares: DejaVu Sans set explicitly, a white plot with light grey grid
 * lines, the Okabe-Ito colour-blind-safe palette and 2 px lines.
 *
 * <p>Fonts are named explicitly because JFreeChart's default (Tahoma) is absent on Linux and falls back
 * to whatever fontconfig finds, which changes from machine to machine.
 */
final class ChartStyle {

    /** DejaVu Sans when installed (it is in the lab's image), otherwise the logical sans-serif font. */
    static final String FONT_FAMILY = resolveFamily();

    static final Font TITLE = new Font(FONT_FAMILY, Font.BOLD, 18);
    static final Font AXIS_LABEL = new Font(FONT_FAMILY, Font.PLAIN, 14);
    static final Font TICK = new Font(FONT_FAMILY, Font.PLAIN, 12);
    static final Font LEGEND = new Font(FONT_FAMILY, Font.PLAIN, 12);
    static final Font SMALL = new Font(FONT_FAMILY, Font.PLAIN, 11);

    static final Color GRID = new Color(0xDD, 0xDD, 0xDD);
    static final Color AXIS = new Color(0x55, 0x55, 0x55);
    static final Color TEXT = new Color(0x22, 0x22, 0x22);

    /** Okabe and Ito's palette, yellow last because it is faint on white. */
    static final Color[] PALETTE = {
        new Color(0x00, 0x72, 0xB2), // blue
        new Color(0xD5, 0x5E, 0x00), // vermillion
        new Color(0x00, 0x9E, 0x73), // bluish green
        new Color(0xE6, 0x9F, 0x00), // orange
        new Color(0x56, 0xB4, 0xE9), // sky blue
        new Color(0xCC, 0x79, 0xA7), // reddish purple
        new Color(0x00, 0x00, 0x00), // black
        new Color(0xF0, 0xE4, 0x42), // yellow
    };

    static final BasicStroke LINE = new BasicStroke(2.0f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    static final BasicStroke GRID_STROKE = new BasicStroke(0.8f);
    /** A line drawn over another with the same points: dashes let the one underneath show through. */
    static final BasicStroke DASHED_LINE = new BasicStroke(2.0f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10,
            new float[] {7, 5}, 0);
    /** The smallest title size before a long title is allowed to wrap. */
    private static final int MIN_TITLE_POINTS = 12;

    private ChartStyle() {
    }

    private static String resolveFamily() {
        try {
            String[] families = GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames();
            if (Arrays.asList(families).contains("DejaVu Sans")) {
                return "DejaVu Sans";
            }
        } catch (RuntimeException | Error e) {
            // no font configuration at all: fall through to the logical font
        }
        return Font.SANS_SERIF;
    }

    static Color color(int series) {
        return PALETTE[series % PALETTE.length];
    }

    static DefaultDrawingSupplier drawingSupplier() {
        Paint[] paints = PALETTE.clone();
        return new DefaultDrawingSupplier(paints, DefaultDrawingSupplier.DEFAULT_FILL_PAINT_SEQUENCE,
                DefaultDrawingSupplier.DEFAULT_OUTLINE_PAINT_SEQUENCE, new java.awt.Stroke[] {LINE},
                DefaultDrawingSupplier.DEFAULT_OUTLINE_STROKE_SEQUENCE, DefaultDrawingSupplier.DEFAULT_SHAPE_SEQUENCE);
    }

    /**
     * The marker of series {@code i}: circle, square, triangle, diamond, then again, so lines that cross or
     * coincide stay told apart in print and for readers who do not see the colours.
     */
    static java.awt.Shape marker(int i) {
        return marker(i, 1);
    }

    /** {@link #marker(int)} drawn {@code scale} times larger. */
    static java.awt.Shape marker(int i, double scale) {
        double h = 3.5 * scale;
        return switch (i % 4) {
            case 0 -> new java.awt.geom.Ellipse2D.Double(-h, -h, 2 * h, 2 * h);
            case 1 -> new java.awt.geom.Rectangle2D.Double(-h * 0.9, -h * 0.9, 1.8 * h, 1.8 * h);
            case 2 -> new java.awt.Polygon(new int[] {0, (int) Math.round(h * 1.1), (int) -Math.round(h * 1.1)},
                    new int[] {(int) -Math.round(h * 1.2), (int) Math.round(h * 0.9), (int) Math.round(h * 0.9)}, 3);
            default -> new java.awt.Polygon(new int[] {0, (int) Math.round(h * 1.2), 0, (int) -Math.round(h * 1.2)},
                    new int[] {(int) -Math.round(h * 1.2), 0, (int) Math.round(h * 1.2), 0}, 4);
        };
    }

    /**
     * The title font for {@code title} on a chart {@code widthPx} wide: the theme's size, or smaller (down to
     * {@value #MIN_TITLE_POINTS} points) so that a long title stays on one line instead of wrapping.
     */
    static Font titleFont(String title, int widthPx) {
        java.awt.image.BufferedImage scratch = new java.awt.image.BufferedImage(1, 1, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = scratch.createGraphics();
        try {
            int room = widthPx - 40;
            for (int size = TITLE.getSize(); size > MIN_TITLE_POINTS; size--) {
                Font f = TITLE.deriveFont((float) size);
                if (g.getFontMetrics(f).stringWidth(title) <= room) {
                    return f;
                }
            }
            return TITLE.deriveFont((float) MIN_TITLE_POINTS);
        } finally {
            g.dispose();
        }
    }

    /** Applies the theme to a chart built by {@link Charts}. */
    static JFreeChart apply(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        chart.setPadding(new RectangleInsets(8, 8, 8, 12));
        if (chart.getTitle() != null) {
            chart.getTitle().setFont(TITLE);
            chart.getTitle().setPaint(TEXT);
        }
        for (int i = 0; i < chart.getSubtitleCount(); i++) {
            Title t = chart.getSubtitle(i);
            if (t instanceof LegendTitle legend) {
                legend.setItemFont(LEGEND);
                legend.setItemPaint(TEXT);
                legend.setFrame(org.jfree.chart.block.BlockBorder.NONE);
                legend.setBackgroundPaint(Color.WHITE);
            }
        }
        Plot plot = chart.getPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        plot.setDrawingSupplier(drawingSupplier());
        if (plot instanceof XYPlot xy) {
            xy.setDomainGridlinePaint(GRID);
            xy.setRangeGridlinePaint(GRID);
            xy.setDomainGridlineStroke(GRID_STROKE);
            xy.setRangeGridlineStroke(GRID_STROKE);
            xy.setAxisOffset(RectangleInsets.ZERO_INSETS);
            for (int i = 0; i < xy.getDomainAxisCount(); i++) {
                styleAxis(xy.getDomainAxis(i));
            }
            for (int i = 0; i < xy.getRangeAxisCount(); i++) {
                styleAxis(xy.getRangeAxis(i));
            }
        } else if (plot instanceof CategoryPlot cat) {
            cat.setRangeGridlinePaint(GRID);
            cat.setRangeGridlineStroke(GRID_STROKE);
            cat.setDomainGridlinesVisible(false);
            cat.setAxisOffset(RectangleInsets.ZERO_INSETS);
            styleAxis(cat.getDomainAxis());
            styleAxis(cat.getRangeAxis());
        }
        return chart;
    }

    static void styleAxis(Axis axis) {
        if (axis == null) {
            return;
        }
        axis.setLabelFont(AXIS_LABEL);
        axis.setLabelPaint(TEXT);
        axis.setTickLabelFont(TICK);
        axis.setTickLabelPaint(TEXT);
        axis.setAxisLinePaint(AXIS);
        axis.setTickMarkPaint(AXIS);
    }
}
