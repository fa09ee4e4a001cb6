package org.hmmlab.dsl.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.awt.image.BufferedImage;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** What a notebook gets beyond plain text: sortable, folding tables and charts whose values show on hover. */
class RichOutputTest {

    private static Table numbered(int rows) {
        long[] v = new long[rows];
        for (int i = 0; i < rows; i++) {
            v[i] = (long) (rows - i) * 1_000_000;
        }
        return Table.of("long", Column.longs("i", java.util.stream.LongStream.range(0, rows).toArray()),
                Column.longs("time_ns", v));
    }

    @Test
    void aShortTableKeepsItsCaptionAndSortsByStoredValues() {
        String html = numbered(3).toHtml();
        assertTrue(html.contains("<caption"), html);
        assertFalse(html.contains("<details"), "three rows need no folding");
        assertTrue(html.contains("data-v=\"3000000\">3 ms</td>"), "readable text, stored value to sort by: " + html);
        Matcher id = Pattern.compile("<table class=\"hmmlab-table\" id=\"([^\"]+)\"").matcher(html);
        assertTrue(id.find(), html);
        assertTrue(html.contains("<script>") && html.contains("getElementById('" + id.group(1) + "')"),
                "the sort script finds this table");
        assertTrue(!numbered(3).toHtml().contains("id=\"" + id.group(1) + "\""), "every rendering has its own id");
    }

    @Test
    void aLongTableFoldsUnderItsCaptionAndAVeryLongOneStartsFolded() {
        String html = numbered(40).toHtml();
        assertTrue(html.startsWith("<details open class=\"hmmlab-table-fold\"><summary"), html.substring(0, 120));
        assertTrue(html.contains("<b>long</b> (40 rows, 25 shown)</summary>"), html.substring(0, 200));
        String all = numbered(300).showAll().toHtml();
        assertTrue(all.startsWith("<details class=\"hmmlab-table-fold\">"), all.substring(0, 120));
    }

    @Test
    void aChartCarriesItsValuesOnHoverBesideThePng() throws Exception {
        Table t = Table.of("sweep", Column.longs("vram_bytes", 16L << 20, 32L << 20, 48L << 20),
                Column.longs("evictions", 20_480, 16_384, 0));
        Chart c = Charts.curves("evictions by vram", t, "vram_bytes", "evictions");
        Map<String, String> bundle = c.mimeBundle();
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(bundle.get("image/png"))));
        assertEquals(2 * c.width(), png.getWidth(), "the PNG stays, at 2x");
        String html = bundle.get("text/html");
        assertNotNull(html);
        assertTrue(html.startsWith("<img src=\"data:image/png;base64," + bundle.get("image/png") + "\" width=\""
                + c.width() + "\" height=\"" + c.height() + "\" usemap=\"#"), html.substring(0, 80));
        assertTrue(html.contains("title=\"vram 16 MiB, evictions 20,480\""), "one area per point: " + tail(html));
        assertEquals(3, html.split("<area ", -1).length - 1, tail(html));
    }

    @Test
    void aHeatMapCellSaysItsPlaceAndValue() {
        Table t = Table.of("grid", Column.longs("vram_bytes", 1L << 20, 1L << 20, 2L << 20, 2L << 20),
                Column.longs("density", 1, 51, 1, 51), Column.longs("sim_time_ns", 26_742_718L, 13_019_309L,
                        27_610_942L, 13_019_309L));
        String html = Charts.heatMap("time", t, "density", "vram_bytes", "sim_time_ns").mimeBundle().get("text/html");
        assertNotNull(html);
        assertTrue(html.contains("title=\"density 51, vram 1 MiB: 13\""), tail(html));
    }

    private static String tail(String html) {
        int map = html.indexOf("<map");
        return map < 0 ? html.substring(Math.max(0, html.length() - 300)) : html.substring(map);
    }
}
