package org.hmmlab.dsl.results;

import java.awt.Color;
import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.batik.svggen.SVGGeneratorContext;
import org.apache.batik.svggen.SVGGraphics2D;
import org.apache.batik.svggen.SVGGraphics2DIOException;
import org.apache.batik.svggen.SVGIDGenerator;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.xy.XYDataset;
import org.w3c.dom.Document;

/**
 * A chart that renders itself: PNG drawn at twice its size for sharp display on high-density screens, and
 * SVG through Apache Batik.
 *
 * <p>In a notebook the PNG is sent with its logical width and height as metadata, so the 2x image shows at
 * its natural size. {@link #jfreeChart()} gives the underlying JFreeChart for adjustments the presets in
 * {@link Charts} do not offer.
 */
public final class Chart implements Displayable {

    /** Logical width that fits a classic notebook column. */
    public static final int DEFAULT_WIDTH = 760;
    /** Logical height of a chart. */
    public static final int DEFAULT_HEIGHT = 420;
    /** Pixels per logical pixel in {@link #png()}. */
    public static final int PNG_SCALE = 2;

    private static final AtomicLong SVG_IDS = new AtomicLong();

    private final JFreeChart chart;
    private final int width;
    private final int height;

    Chart(JFreeChart chart, int width, int height) {
        this.chart = chart;
        this.width = checkSize("width", width);
        this.height = checkSize("height", height);
    }

    private static int checkSize(String what, int px) {
        if (px < 100 || px > 4000) {
            throw new IllegalArgumentException("chart " + what + " must be in [100, 4000] px, got " + px);
        }
        return px;
    }

    /** The title shown on top of the chart. */
    public String title() {
        return chart.getTitle() == null ? "" : chart.getTitle().getText();
    }

    /** Logical width in pixels. */
    public int width() {
        return width;
    }

    /** Logical height in pixels. */
    public int height() {
        return height;
    }

    /** The same chart at another logical size: {@code chart.size(960, 480)}. */
    public Chart size(int widthPx, int heightPx) {
        return new Chart(chart, widthPx, heightPx);
    }

    /** The underlying JFreeChart, for styling beyond the presets. */
    public JFreeChart jfreeChart() {
        return chart;
    }

    /** Number of data series drawn (lines, bar stacks, distributions; a heat map is one). */
    public int seriesCount() {
        int n = 0;
        Plot plot = chart.getPlot();
        if (plot instanceof XYPlot xy) {
            for (int i = 0; i < xy.getDatasetCount(); i++) {
                XYDataset d = xy.getDataset(i);
                n += d == null ? 0 : d.getSeriesCount();
            }
        } else if (plot instanceof CategoryPlot cat) {
            for (int i = 0; i < cat.getDatasetCount(); i++) {
                CategoryDataset d = cat.getDataset(i);
                n += d == null ? 0 : d.getRowCount();
            }
        }
        return n;
    }

    /** Number of data points over all series. */
    public int itemCount() {
        int n = 0;
        Plot plot = chart.getPlot();
        if (plot instanceof XYPlot xy) {
            for (int i = 0; i < xy.getDatasetCount(); i++) {
                XYDataset d = xy.getDataset(i);
                for (int s = 0; d != null && s < d.getSeriesCount(); s++) {
                    n += d.getItemCount(s);
                }
            }
        } else if (plot instanceof CategoryPlot cat) {
            for (int i = 0; i < cat.getDatasetCount(); i++) {
                CategoryDataset d = cat.getDataset(i);
                if (d != null) {
                    n += d.getRowCount() * d.getColumnCount();
                }
            }
        }
        return n;
    }

    /** The chart drawn at {@code scale} times its logical size on a white background. */
    public BufferedImage image(int scale) {
        return image(scale, null);
    }

    /** {@link #image(int)}, recording where each data item landed (in logical pixels) into {@code info}. */
    private BufferedImage image(int scale, org.jfree.chart.ChartRenderingInfo info) {
        if (scale < 1 || scale > 4) {
            throw new IllegalArgumentException("image scale must be in [1, 4], got " + scale);
        }
        BufferedImage img = new BufferedImage(width * scale, height * scale, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.scale(scale, scale);
            synchronized (chart) {
                chart.draw(g, new Rectangle2D.Double(0, 0, width, height), info);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** PNG bytes drawn at {@link #PNG_SCALE}x the logical size. */
    public byte[] png() {
        return encode(image(PNG_SCALE));
    }

    private byte[] encode(BufferedImage img) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode chart '" + title() + "' as PNG", e);
        }
    }

    /** Charts with more data items than this get no hover map (the page would carry more map than picture). */
    static final int MAX_HOVER_ITEMS = 2000;

    /**
     * The chart as HTML: the same 2x PNG at its logical size, with an image map whose areas give each data item's
     * values on hover (series, x and y in the axes' units); {@code null} when no item has a position or there are
     * more than {@value #MAX_HOVER_ITEMS}.
     */
    static String hoverHtml(String pngBase64, org.jfree.chart.ChartRenderingInfo info, String title, int width,
            int height) {
        org.jfree.chart.entity.EntityCollection entities = info.getEntityCollection();
        if (entities == null) {
            return null;
        }
        StringBuilder areas = new StringBuilder();
        int n = 0;
        for (Object o : entities.getEntities()) {
            if (o instanceof org.jfree.chart.entity.XYItemEntity || o instanceof org.jfree.chart.entity.CategoryItemEntity) {
                org.jfree.chart.entity.ChartEntity e = (org.jfree.chart.entity.ChartEntity) o;
                if (e.getToolTipText() == null || e.getToolTipText().isEmpty()) {
                    continue;
                }
                if (++n > MAX_HOVER_ITEMS) {
                    return null;
                }
                String tip = Displayable.escapeHtml(e.getToolTipText()).replace("\"", "&quot;");
                areas.append("<area shape=\"").append(e.getShapeType()).append("\" coords=\"").append(e.getShapeCoords())
                        .append("\" title=\"").append(tip).append("\" alt=\"").append(tip).append("\">");
            }
        }
        if (n == 0) {
            return null;
        }
        String id = "hmmlab-chart-" + SVG_IDS.incrementAndGet();
        return "<img src=\"data:image/png;base64," + pngBase64 + "\" width=\"" + width + "\" height=\"" + height
                + "\" usemap=\"#" + id + "\" alt=\"" + Displayable.escapeHtml(title).replace("\"", "&quot;") + "\">"
                + "<map name=\"" + id + "\">" + areas + "</map>";
    }

    /**
     * The chart as an SVG document (Apache Batik's SVG generator, text kept as text). Element ids carry a
     * per-chart prefix so several SVGs can share one HTML page.
     */
    public String svg() {
        try {
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().getDOMImplementation()
                    .createDocument("http://www.w3.org/2000/svg", "svg", null);
            SVGGeneratorContext ctx = SVGGeneratorContext.createDefault(doc);
            String prefix = "hmmlab" + SVG_IDS.incrementAndGet() + "_";
            ctx.setIDGenerator(new SVGIDGenerator() {
                @Override
                public String generateID(String p) {
                    return super.generateID(prefix + p);
                }
            });
            ctx.setComment("HMM Lab chart: " + title());
            ctx.setEmbeddedFontsOn(false);
            SVGGraphics2D g = new SVGGraphics2D(ctx, false);
            g.setSVGCanvasSize(new Dimension(width, height));
            synchronized (chart) {
                chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
            }
            StringWriter w = new StringWriter();
            g.stream(w, true);
            return w.toString();
        } catch (ParserConfigurationException | SVGGraphics2DIOException e) {
            throw new IllegalStateException("could not draw chart '" + title() + "' as SVG", e);
        }
    }

    /** Writes the chart to {@code file} as PNG or SVG, chosen by the file's extension. */
    public Path save(Path file) {
        String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (n.endsWith(".png")) {
                return Files.write(file, png());
            }
            if (n.endsWith(".svg")) {
                return Files.writeString(file, svg(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write chart '" + title() + "' to " + file, e);
        }
        throw new IllegalArgumentException("chart file '" + file + "' must end in .png or .svg");
    }

    /**
     * Plain text, the 2x PNG (what nbconvert, GitHub and a shared file show) and, where the chart has data items,
     * HTML: the same PNG with each item's values on hover (see {@link ChartTooltips}).
     */
    @Override
    public Map<String, String> mimeBundle() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("text/plain", toString());
        org.jfree.chart.ChartRenderingInfo info =
                new org.jfree.chart.ChartRenderingInfo(new org.jfree.chart.entity.StandardEntityCollection());
        BufferedImage img;
        synchronized (chart) {
            ChartTooltips.install(chart);
            img = image(PNG_SCALE, info);
        }
        String png = Base64.getEncoder().encodeToString(encode(img));
        m.put("image/png", png);
        String html = hoverHtml(png, info, title(), width, height);
        if (html != null) {
            m.put("text/html", html);
        }
        return m;
    }

    @Override
    public Map<String, Map<String, Object>> mimeMetadata() {
        return Map.of("image/png", Map.of("width", width, "height", height));
    }

    /** This chart shown as SVG as well as PNG; SVG of a chart with many points can be large. */
    public Displayable withSvg() {
        Chart self = this;
        return new Displayable() {
            @Override
            public Map<String, String> mimeBundle() {
                Map<String, String> m = new LinkedHashMap<>(self.mimeBundle());
                m.put("image/svg+xml", self.svg());
                return m;
            }

            @Override
            public Map<String, Map<String, Object>> mimeMetadata() {
                return self.mimeMetadata();
            }
        };
    }

    @Override
    public String toString() {
        return "chart '" + title() + "': " + seriesCount() + " series, " + itemCount() + " points (" + width + "x" + height + ")";
    }
}
