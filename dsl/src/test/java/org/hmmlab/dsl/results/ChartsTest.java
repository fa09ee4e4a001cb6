package org.hmmlab.dsl.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Every chart preset drawn from small seeded data: checked for its pixel size, its series count and that
 * it holds data. Each PNG is also written under target/chart-gallery for a person to look at.
 */
class ChartsTest {

    static final Path GALLERY = Path.of("target", "chart-gallery");

    static Distribution lognormal(String name, long seed, double medianNs, double sigma, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] s = new long[n];
        for (int i = 0; i < n; i++) {
            double g = Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
            s[i] = Math.round(medianNs * Math.exp(sigma * g));
        }
        return Distribution.ofSamples(name, s);
    }

    static void check(Chart chart, String file, int series) throws Exception {
        assertEquals(series, chart.seriesCount(), "series of " + chart.title());
        assertTrue(chart.itemCount() > 0, "chart has data");
        byte[] png = chart.png();
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(2 * chart.width(), img.getWidth());
        assertEquals(2 * chart.height(), img.getHeight());
        assertEquals(chart.width(), chart.mimeMetadata().get("image/png").get("width"));
        assertTrue(Base64.getDecoder().decode(chart.mimeBundle().get("image/png")).length == png.length);
        Files.createDirectories(GALLERY);
        Files.write(GALLERY.resolve(file), png);
    }

    @Test
    void latencyCdfHasOneCurvePerDistribution() throws Exception {
        Chart c = Charts.latencyCdf("Latency CDF (synthetic lognormal samples)", lognormal("median 12 us", 1, 12_000, 0.6, 20_000),
                lognormal("median 4 us", 2, 4_000, 0.9, 20_000));
        check(c, "latency-cdf.png", 2);
        assertTrue(c.itemCount() <= 2 * (Charts.CDF_POINTS + 1), "thinned to at most CDF_POINTS per curve");
    }

    @Test
    void latencyHistogramUsesLogBins() throws Exception {
        Chart c = Charts.latencyHistogram("Latency histogram (synthetic lognormal samples)", lognormal("median 12 us", 1, 12_000, 0.6, 20_000));
        check(c, "latency-histogram.png", 1);
    }

    @Test
    void stageBreakdownStacksEveryNumericColumn() throws Exception {
        Table t = Table.of("stages", Column.strings("policy", "first-touch", "counters", "prefetch"),
                Column.longs("fault_entry_ns", 900, 900, 900), Column.longs("range_fault_ns", 2_100, 2_000, 2_300),
                Column.longs("copy_ns", 9_800, 1_200, 14_500), Column.longs("pte_update_ns", 600, 500, 700),
                Column.longs("replay_ns", 1_000, 1_000, 1_000));
        check(Charts.stageBreakdown("Stage breakdown (made-up stage times)", t, "policy"), "stage-breakdown.png", 5);
    }

    @Test
    void stackedBarsStackTheNamedColumnsAndLabelTheirUnit() throws Exception {
        Table t = Table.of("pages", Column.strings("approach", "16 pinned", "16 mirrored", "48 pinned", "48 mirrored"),
                Column.longs("movable_pages", 0, 16, 0, 48), Column.longs("locked_pages", 16, 0, 0, 0),
                Column.longs("unreachable_pages", 0, 0, 48, 0), Column.longs("ignored_ns", 1, 2, 3, 4));
        Chart c = Charts.stackedBars("Where a buffer's pages stand (made-up counts)", t, "approach", "movable_pages",
                "locked_pages", "unreachable_pages");
        check(c, "stacked-bars.png", 3);
        org.jfree.chart.plot.CategoryPlot plot = c.jfreeChart().getCategoryPlot();
        assertEquals("pages", plot.getRangeAxis().getLabel());
        assertEquals(4, plot.getDataset().getColumnCount());
        assertEquals(48.0, plot.getDataset().getValue("unreachable", "48 pinned").doubleValue());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Charts.stackedBars("x", t, "approach", "movable_pages", "ignored_ns"));
        assertTrue(e.getMessage().startsWith("stackedBars: columns must share one unit"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Charts.stackedBars("x", t, "approach"));
        assertTrue(e.getMessage().startsWith("stackedBars: columns must name at least one numeric column"), e.getMessage());
    }

    @Test
    void bandwidthOverTimeHasOneLinePerDirection() throws Exception {
        int n = 200;
        long[] t = new long[n];
        double[] h2d = new double[n];
        double[] d2h = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = i * 10_000L;
            h2d[i] = i < 120 ? 22 + 2 * Math.sin(i / 5.0) : 3;
            d2h[i] = i > 100 ? 11 + Math.cos(i / 7.0) : 0.5;
        }
        Table bw = Table.of("bandwidth", Column.longs("time_ns", t), Column.doubles("h2d_GBps", h2d),
                Column.doubles("d2h_GBps", d2h));
        check(Charts.bandwidthOverTime("Bandwidth over time (synthetic series)", bw, "time_ns", "h2d_GBps", "d2h_GBps"), "bandwidth.png", 2);
    }

    @Test
    void residencyStacksPlaces() throws Exception {
        int n = 100;
        long[] t = new long[n];
        long[] gpu = new long[n];
        long[] cpu = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = i * 50_000L;
            gpu[i] = Math.min(i, 60) * (8L << 20);
            cpu[i] = (800L << 20) - gpu[i];
        }
        Table res = Table.of("residency", Column.longs("time_ns", t), Column.longs("gpu_bytes", gpu),
                Column.longs("cpu_bytes", cpu));
        check(Charts.residencyOverTime("Residency over time (synthetic series)", res, "time_ns", "gpu_bytes", "cpu_bytes"),
                "residency.png", 2);
    }

    @Test
    void curvesDrawOneLinePerColumnAndPerGroup() throws Exception {
        Table.Builder b = Table.builder("sweep").column("size_bytes", ColumnType.LONG).column("threshold", ColumnType.LONG)
                .column("h2d_GBps", ColumnType.DOUBLE).column("d2h_GBps", ColumnType.DOUBLE);
        for (long size = 64 << 10; size <= 256L << 20; size *= 4) {
            for (long thr : new long[] {1, 64, 256}) {
                double g = 24.0 * size / (size + 2_000_000.0 * Math.log(thr + 1));
                b.row(size, thr, g, 0.8 * g);
            }
        }
        Table t = b.build();
        check(Charts.curves("Sweep curves (synthetic formula)", t.where("threshold", 64), "size_bytes", "h2d_GBps", "d2h_GBps"),
                "sweep-curves.png", 2);
        check(Charts.curvesBy("Sweep curves by parameter (synthetic formula)", t, "size_bytes", "h2d_GBps", "threshold"),
                "sweep-curves-by.png", 3);
        check(Charts.heatMap("Heat map (synthetic formula)", t, "threshold", "size_bytes", "h2d_GBps"), "heat-map.png", 1);
    }

    @Test
    void aNaNPointLeavesAGapAndTheAxisFitsTheRest() throws Exception {
        // a sweep point whose stage saw no faults has a NaN mean (Distribution.summary of an empty distribution)
        Table t = Table.of("means", Column.longs("size_bytes", 4096, 8192, 16384, 32768),
                Column.doubles("mean_ns", 900, Double.NaN, 1100, 1300));
        Chart c = Charts.curves("A point without samples", t, "size_bytes", "mean_ns");
        check(c, "nan-gap.png", 1);
        c.svg();
        org.jfree.data.Range y = c.jfreeChart().getXYPlot().getRangeAxis().getRange();
        assertTrue(Double.isFinite(y.getLowerBound()) && Double.isFinite(y.getUpperBound()) && y.getUpperBound() >= 1300
                && y.getUpperBound() < 1e4, "range " + y);
    }

    @Test
    void aWholeNumberXColumnGetsWholeNumberTicks() throws Exception {
        Table t = Table.of("steps", Column.longs("step", 0, 1, 2, 3), Column.longs("ram_pages", 64, 0, 16, 8),
                Column.doubles("load", 0.1, 0.5, 0.9, 1.3));
        Chart steps = Charts.curves("Steps (made-up counts)", t, "step", "ram_pages");
        check(steps, "integer-steps.png", 1);
        assertEquals("pages", Charts.curves("two counts", t.withColumn(Column.longs("device_pages", 0, 64, 48, 56)), "step",
                "ram_pages", "device_pages").jfreeChart().getXYPlot().getRangeAxis().getLabel());
        org.jfree.chart.axis.NumberAxis x = (org.jfree.chart.axis.NumberAxis) steps.jfreeChart().getXYPlot().getDomainAxis();
        assertEquals(1.0, x.getStandardTickUnits().getCeilingTickUnit(0.3).getSize(), "no tick between two steps");
        Chart loads = Charts.curves("Loads (made-up)", t, "load", "ram_pages");
        x = (org.jfree.chart.axis.NumberAxis) loads.jfreeChart().getXYPlot().getDomainAxis();
        assertTrue(x.getStandardTickUnits().getCeilingTickUnit(0.3).getSize() < 1, "fractional ticks for doubles");
    }

    @Test
    void narrowLatencyRangesUseALinearAxisAndSingleLatenciesStillDraw() throws Exception {
        Distribution one = Distribution.ofCounts("one latency", new long[] {37_631}, new long[] {2048});
        Distribution few = Distribution.ofCounts("a few", new long[] {40_000, 60_000, 145_000}, new long[] {10, 5, 3});
        Chart cdf = Charts.latencyCdf("narrow", one, few);
        assertTrue(cdf.jfreeChart().getXYPlot().getDomainAxis() instanceof org.jfree.chart.axis.NumberAxis,
                "37..145 us spans less than LOG_AXIS_RATIO, so the axis is linear (in us)");
        assertEquals("latency (us)", cdf.jfreeChart().getXYPlot().getDomainAxis().getLabel());
        assertEquals(2, cdf.jfreeChart().getXYPlot().getDataset().getItemCount(0), "a single latency rises from zero");
        check(Charts.latencyHistogram("one", one), "histogram-one.png", 1);
        Chart wide = Charts.latencyCdf("wide", lognormal("w", 1, 12_000, 1.2, 5_000));
        assertTrue(wide.jfreeChart().getXYPlot().getDomainAxis() instanceof org.jfree.chart.axis.LogAxis);
    }

    /** Five cases shaped like {@code Lab.calibration()}'s rows: two hits, a miss, a miss past the axis, a range hit. */
    static Table calibrationRows() {
        return Table.of("calibration",
                Column.strings("case", "DMA read 4 KB, Gen3 x16, MRRS 512, steady state", "pinned H2D 32 MiB, Gen3 x16",
                        "DMA read round trip 2 KB, Gen3 x8", "fault batch service time, irregular, V100 Gen3",
                        "far-fault latency, one fault, V100 Gen3"),
                Column.doubles("published_low", 13.2, 12.15, 1133, 223, 20),
                Column.doubles("published_high", 13.2, 12.15, 1133, 553, 50),
                Column.doubles("error_pct", -0.004, 8.4, -25.9, 575.8, 0.0),
                Column.booleans("fit", true, false, false, false, false));
    }

    /** The pixel at the middle of the bar drawn for {@code caseName}, rendered at logical size. */
    static java.awt.Color barPixel(Chart chart, String caseName) {
        BufferedImage img = new BufferedImage(chart.width(), chart.height(), BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        org.jfree.chart.ChartRenderingInfo info = new org.jfree.chart.ChartRenderingInfo();
        chart.jfreeChart().draw(g, new java.awt.geom.Rectangle2D.Double(0, 0, chart.width(), chart.height()), info);
        g.dispose();
        for (Object o : info.getEntityCollection().getEntities()) {
            if (o instanceof org.jfree.chart.entity.CategoryItemEntity e && e.getColumnKey().equals(caseName)) {
                java.awt.Rectangle b = e.getArea().getBounds();
                return new java.awt.Color(img.getRGB((int) b.getCenterX(), (int) b.getCenterY()));
            }
        }
        throw new AssertionError("no bar drawn for '" + caseName + "'");
    }

    @Test
    void calibrationDrawsOneBarPerCaseInTheBandOrOutsideIt() throws Exception {
        Table t = calibrationRows();
        Chart c = Charts.calibration("Model against published measurements (five sample rows)", t);
        check(c, "calibration.png", 2);
        org.jfree.chart.plot.CategoryPlot plot = c.jfreeChart().getCategoryPlot();
        assertEquals(t.rowCount(), plot.getDataset().getColumnCount(), "one category per case");
        assertEquals(java.util.Arrays.asList(t.strings("case")), plot.getDataset().getColumnKeys());
        assertEquals(org.jfree.chart.plot.PlotOrientation.HORIZONTAL, plot.getOrientation());
        org.jfree.chart.plot.IntervalMarker band = (org.jfree.chart.plot.IntervalMarker) plot
                .getRangeMarkers(org.jfree.chart.ui.Layer.BACKGROUND).iterator().next();
        assertEquals(-Charts.CALIBRATION_TOLERANCE_PCT, band.getStartValue());
        assertEquals(Charts.CALIBRATION_TOLERANCE_PCT, band.getEndValue());
        assertEquals(Charts.MISS, barPixel(c, "DMA read round trip 2 KB, Gen3 x8"), "a miss in the miss colour");
        assertEquals(Charts.MISS, barPixel(c, "fault batch service time, irregular, V100 Gen3"));
        assertEquals(Charts.HIT, barPixel(c, "pinned H2D 32 MiB, Gen3 x16"), "a hit in the hit colour");
        // +575.8 % stops at the axis clip but its label keeps the whole error
        org.jfree.data.category.CategoryDataset d = plot.getDataset();
        assertEquals(Charts.ERROR_AXIS_CLIP_PCT, d.getValue(1, 3).doubleValue());
        assertTrue(plot.getRangeAxis().getUpperBound() > Charts.ERROR_AXIS_CLIP_PCT, "room for the clipped bar's label");
        org.jfree.chart.labels.CategoryItemLabelGenerator labels = plot.getRenderer().getItemLabelGenerator(1, 3);
        assertEquals("+575.8 % \u2192", labels.generateLabel(d, 1, 3));
        assertEquals("-25.9 %", labels.generateLabel(d, 1, 2));
        assertEquals("0.0 % (fit)", labels.generateLabel(d, 0, 0), "a fit says so; no minus sign on a rounded zero");
        assertEquals("in range", labels.generateLabel(d, 0, 4), "0 % because the model is inside the published range");
        assertTrue(c.height() >= Charts.ERROR_ROW_HEIGHT * t.rowCount(), "tall enough for every case");
    }

    @Test
    void errorBandRefusesWhatItCannotDraw() {
        Table twice = Table.of("t", Column.strings("case", "a", "a"), Column.doubles("error_pct", 1, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Charts.errorBand("x", twice, "case", "error_pct", 15));
        assertTrue(e.getMessage().contains("'a' appears twice"), e.getMessage());
        Table one = Table.of("t", Column.strings("case", "a"), Column.doubles("error_pct", 1));
        e = assertThrows(IllegalArgumentException.class, () -> Charts.errorBand("x", one, "case", "error_pct", 0));
        assertTrue(e.getMessage().contains("tolerancePct must be in (0, 100)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Charts.calibration("x", Table.of("t", Column.strings("case", "a"))));
        assertTrue(e.getMessage().contains("error_pct"), e.getMessage());
        Chart tight = Charts.errorBand("x", one, "case", "error_pct", 5);
        assertEquals(Charts.HIT, barPixel(tight, "a"));
    }

    @Test
    void svgIsAnSvgDocument() {
        Chart c = Charts.latencyHistogram("h", lognormal("x", 3, 1000, 0.5, 1000));
        String svg = c.svg();
        assertTrue(svg.contains("<svg"), svg.substring(0, Math.min(200, svg.length())));
        assertTrue(svg.contains("hmmlab"), "ids carry the per-chart prefix");
    }

    @Test
    void presetsRefuseColumnsThatAreNotThere() {
        Table t = Table.of("t", Column.longs("time_ns", 1, 2), Column.strings("policy", "a", "b"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Charts.bandwidthOverTime("x", t, "time_ns", "h2d_GBps"));
        assertTrue(e.getMessage().contains("h2d_GBps") && e.getMessage().contains("time_ns"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Charts.curves("x", t, "time_ns", "policy"));
        assertTrue(e.getMessage().contains("needs numbers"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Charts.latencyCdf("x"));
    }
}
