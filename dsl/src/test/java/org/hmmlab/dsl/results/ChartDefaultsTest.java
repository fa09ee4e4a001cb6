package org.hmmlab.dsl.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.junit.jupiter.api.Test;

/** The charts' defaults: axes that put ticks on the points, series that never hide each other, readable labels. */
class ChartDefaultsTest {

    @Test
    void aPercentageFrom1To100StaysOnALinearAxis() {
        Table t = Table.of("sweep", Column.longs("density", 1, 51, 100), Column.longs("faults", 300, 90, 40));
        assertFalse(Charts.wantsLog(t.column("density")));
        XYPlot plot = Charts.curves("faults by density", t, "density", "faults").jfreeChart().getXYPlot();
        assertTrue(plot.getDomainAxis() instanceof NumberAxis, "linear: " + plot.getDomainAxis());
    }

    @Test
    void doublingsGetALogAxisInBase2AndDecadesInBase10() {
        Column doublings = Column.longs("size_bytes", 4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288);
        assertTrue(Charts.wantsLog(doublings));
        assertEquals(2, Charts.logBase(doublings));
        Column decades = Column.longs("threshold", 1, 10, 100, 1000);
        assertTrue(Charts.wantsLog(decades));
        assertEquals(10, Charts.logBase(decades));
        Table t = Table.of("t", doublings, Column.longs("faults", 1, 2, 3, 4, 5, 6, 7, 8));
        LogAxis x = (LogAxis) Charts.curves("c", t, "size_bytes", "faults").jfreeChart().getXYPlot().getDomainAxis();
        assertEquals(2, x.getBase());
    }

    @Test
    void aSeriesEqualToAnotherIsDrawnDashedAndSaysSo() {
        Table t = Table.of("t", Column.longs("vram_bytes", 1, 2, 3), Column.longs("faults", 5, 4, 3),
                Column.longs("faults_serviced", 5, 4, 3), Column.longs("replays", 1, 1, 1));
        XYPlot plot = Charts.curves("c", t, "vram_bytes", "faults", "faults_serviced", "replays").jfreeChart()
                .getXYPlot();
        XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) plot.getRenderer();
        assertEquals("faults_serviced (same as faults)", plot.getDataset().getSeriesKey(1));
        assertEquals(ChartStyle.DASHED_LINE, r.getSeriesStroke(1));
        assertEquals(Boolean.FALSE, r.getSeriesShapesFilled(1), "hollow markers show the line underneath");
        assertEquals(ChartStyle.LINE, r.getSeriesStroke(2), "a different series keeps the solid line");
        assertNotEquals(r.getSeriesShape(0).getBounds(), r.getSeriesShape(2).getBounds());
    }

    @Test
    void aLongTitleShrinksToOneLineInsteadOfWrapping() {
        String title = "Effective bandwidth of posted writes by transfer size across four PCIe generations, x16";
        Chart c = Charts.curves(title, Table.of("t", Column.longs("x", 1, 2), Column.longs("y", 1, 2)), "x", "y");
        int size = c.jfreeChart().getTitle().getFont().getSize();
        assertTrue(size < ChartStyle.TITLE.getSize() && size >= 12, "title at " + size + " pt");
        Chart shortTitle = Charts.curves("faults", Table.of("t", Column.longs("x", 1, 2), Column.longs("y", 1, 2)), "x", "y");
        assertEquals(ChartStyle.TITLE.getSize(), shortTitle.jfreeChart().getTitle().getFont().getSize());
    }

    @Test
    void aCdfLabelsP50AndP99WithTheirValues() {
        long[] samples = new long[1000];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = 10_000 + 100L * i;
        }
        XYPlot plot = Charts.latencyCdf("cdf", Distribution.ofSamples("faults", samples)).jfreeChart().getXYPlot();
        List<String> labels = new ArrayList<>();
        for (Object m : plot.getDomainMarkers(org.jfree.chart.ui.Layer.FOREGROUND)) {
            labels.add(((ValueMarker) m).getLabel());
        }
        assertEquals(2, labels.size(), labels.toString());
        assertTrue(labels.get(0).startsWith("p50 ") && labels.get(0).contains("us"), labels.toString());
        assertTrue(labels.get(1).startsWith("p99 "), labels.toString());
    }

    @Test
    void aSeriesWithoutPointsLeavesTheLegend() {
        Table t = Table.of("t", Column.longs("time_ns", 1, 2), Column.doubles("h2d_GBps", 1, 2),
                Column.doubles("d2h_GBps", Double.NaN, Double.NaN));
        Table empty = t.where("time_ns", 3L);
        LegendItemCollection legend = Charts.curves("c", empty, "time_ns", "h2d_GBps", "d2h_GBps").jfreeChart()
                .getXYPlot().getLegendItems();
        assertEquals(0, legend.getItemCount(), "no series has points, so none is listed");
    }
}
