package org.hmmlab.dsl.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hmmlab.dsl.json.Json;
import org.jfree.chart.title.PaintScaleLegend;
import org.junit.jupiter.api.Test;

/** Displayed tables, rows and heat maps show times and sizes in readable units; CSV and JSON keep raw values. */
class ReadableNumbersTest {

    static Table sweep() {
        return Table.of("sweep", Column.longs("vram_bytes", 16L << 20, 64L << 20), Column.longs("faults", 2304, 1152),
                Column.longs("bytes_to_device", 100_663_296L, 50_331_648L),
                Column.longs("sim_time_ns", 26_742_718L, 13_019_309L), Column.doubles("mean_ns", 83_126.3, 999.5),
                Column.longs("seed", 2_949_826_092L, 7L));
    }

    @Test
    void textShowsOneReadableUnitPerColumnAndSeparators() {
        assertEquals("""
                sweep (2 rows)
                vram_bytes  faults  bytes_to_device  sim_time_ns   mean_ns        seed
                ----------  ------  ---------------  -----------  --------  ----------
                    16 MiB   2,304           96 MiB     26.74 ms  83.13 us  2949826092
                    64 MiB   1,152           48 MiB     13.02 ms   1.00 us           7
                """, sweep().toText());
    }

    @Test
    void htmlShowsTheSameCellsAndKeepsTheColumnNames() {
        String html = sweep().toHtml();
        assertTrue(html.contains(">26.74 ms<") && html.contains(">96 MiB<") && html.contains(">2,304<"), html);
        assertTrue(html.contains(">sim_time_ns<") && html.contains(">vram_bytes<"), "names stay what select() takes");
    }

    @Test
    void csvJsonAndRawKeepTheStoredValues() {
        Table t = sweep();
        assertTrue(t.toCsv().contains("16777216,2304,100663296,26742718,83126.3,2949826092"), t.toCsv());
        assertTrue(Json.toJson(t).contains("26742718"), Json.toJson(t));
        assertFalse(Json.toJson(t).contains("ms"), "JSON has no display units");
        String raw = t.raw().toText();
        assertTrue(raw.contains("26742718") && raw.contains("16777216") && !raw.contains("MiB"), raw);
        assertTrue(t.raw().select("sim_time_ns").toText().contains("26742718"), "derived tables keep raw()");
    }

    @Test
    void aCountersTableTakesEachValuesUnitFromItsName() {
        Table counters = Table.of("counters", Column.strings("counter", "faults", "bytes_to_device", "sim_time_ns"),
                Column.longs("value", 36_864, 100_663_296L, 26_742_718L));
        String text = counters.toText();
        assertTrue(text.contains("36,864") && text.contains("96 MiB") && text.contains("26.74 ms"), text);
    }

    @Test
    void aRowShowsAsATableOfNamesAndReadableValues() {
        Row row = Row.of().with("faults", 2304).with("sim_time_ns", 26_742_718L).with("bytes_to_host", 0L)
                .with("policy", "on-demand");
        String html = row.mimeBundle().get("text/html");
        assertTrue(html.startsWith("<table"), html);
        assertTrue(html.contains("<th style=\"text-align:left\">sim_time_ns</th><td style=\"text-align:right\">26.74 ms</td>"),
                html);
        assertTrue(html.contains(">2,304<") && html.contains(">0 B<") && html.contains(">on-demand<"), html);
        assertEquals("""
                row (4 values)
                faults             2,304
                sim_time_ns     26.74 ms
                bytes_to_host        0 B
                policy         on-demand
                """, row.mimeBundle().get("text/plain"));
        assertEquals("{faults=2304, sim_time_ns=26742718, bytes_to_host=0, policy=on-demand}", row.toString());
    }

    @Test
    void aHeatMapsColourScaleIsInTheUnitOfItsCells() {
        Table t = Table.of("grid", Column.longs("vram_bytes", 1, 1, 2, 2), Column.longs("density", 1, 51, 1, 51),
                Column.longs("sim_time_ns", 26_742_718L, 13_019_309L, 27_610_942L, 13_019_309L));
        Chart chart = Charts.heatMap("time", t, "density", "vram_bytes", "sim_time_ns");
        PaintScaleLegend legend = (PaintScaleLegend) chart.jfreeChart().getSubtitles().stream()
                .filter(s -> s instanceof PaintScaleLegend).findFirst().orElseThrow();
        assertEquals("sim time (ms)", legend.getAxis().getLabel());
        assertEquals(27.610942, legend.getAxis().getUpperBound(), 1e-6, "the scale runs in ms, as the cells");
        var labels = chart.jfreeChart().getXYPlot().getAnnotations().stream()
                .map(a -> ((org.jfree.chart.annotations.XYTextAnnotation) a).getText()).toList();
        assertTrue(labels.contains("26.7") && labels.contains("13"), labels.toString());
    }
}
