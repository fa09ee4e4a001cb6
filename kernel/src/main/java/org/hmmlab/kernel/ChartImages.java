package org.hmmlab.kernel;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Stroke;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Map;

import javax.imageio.ImageIO;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;

/**
 * Renders a JFreeChart that a cell built itself as a PNG, drawn at twice its size and shown at its natural size,
 * so it is sharp on high-density screens. (The DSL's charts are {@code Displayable} and render themselves.)
 */
final class ChartImages {

    static final int WIDTH = 720;
    static final int HEIGHT = 400;
    private static final int SCALE = 2;

    /** Okabe-Ito: eight colours told apart with every common colour-vision deficiency. */
    private static final Color[] PALETTE = {
        new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73), new Color(0xD55E00),
        new Color(0xCC79A7), new Color(0x56B4E9), new Color(0xF0E442), new Color(0x000000),
    };

    private ChartImages() {
    }

    /**
     * Makes the charts cells create with {@link ChartFactory} readable inline: fonts that exist on Linux, a white
     * plot with light grid lines, flat bars, a colour-blind-safe palette.
     */
    static void installTheme() {
        StandardChartTheme theme = new StandardChartTheme("HMM Lab");
        theme.setExtraLargeFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        theme.setLargeFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        theme.setRegularFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        theme.setSmallFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        theme.setPlotBackgroundPaint(Color.WHITE);
        theme.setChartBackgroundPaint(Color.WHITE);
        theme.setDomainGridlinePaint(new Color(0xDDDDDD));
        theme.setRangeGridlinePaint(new Color(0xDDDDDD));
        theme.setBarPainter(new StandardBarPainter());
        theme.setXYBarPainter(new StandardXYBarPainter());
        theme.setShadowVisible(false);
        theme.setDrawingSupplier(new DefaultDrawingSupplier(PALETTE, PALETTE,
                new Stroke[] {new BasicStroke(2f)},
                DefaultDrawingSupplier.DEFAULT_OUTLINE_STROKE_SEQUENCE,
                DefaultDrawingSupplier.DEFAULT_SHAPE_SEQUENCE));
        ChartFactory.setChartTheme(theme);
    }

    /** Draws a small chart once, so the first chart of a cell does not pay for fonts and the PNG encoder. */
    static void warmUp() {
        var data = new org.jfree.data.xy.XYSeriesCollection(new org.jfree.data.xy.XYSeries("warm-up"));
        png(ChartFactory.createXYLineChart("warm-up", "x", "y", data));
    }

    static DisplayData png(JFreeChart chart) {
        BufferedImage image = new BufferedImage(WIDTH * SCALE, HEIGHT * SCALE, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.scale(SCALE, SCALE);
            chart.draw(g, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DisplayData data = new DisplayData("chart: " + (chart.getTitle() == null ? "(untitled)" : chart.getTitle().getText()));
        data.putData("image/png", Base64.getEncoder().encodeToString(bytes.toByteArray()));
        data.putMetaData("image/png", Map.of("width", WIDTH, "height", HEIGHT));
        return data;
    }
}
