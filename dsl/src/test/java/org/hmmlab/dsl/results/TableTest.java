package org.hmmlab.dsl.results;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.hmmlab.dsl.json.Json;
import org.hmmlab.dsl.json.JsonFormatException;
import org.hmmlab.units.Bandwidth;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TableTest {

    static Table stages() {
        return Table.of("fault stages", Column.strings("stage", "fault entry", "copy, 4 KiB", "replay"),
                Column.longs("p50_ns", 900, 5_200, 1_000), Column.doubles("share", 0.126, 0.7323, 0.14),
                Column.booleans("on_link", false, true, false));
    }

    @Nested
    class Rendering {
        @Test
        void textAlignsNumbersRight() {
            String text = stages().toText();
            assertEquals("""
                    fault stages (3 rows)
                    stage        p50_ns   share  on_link
                    -----------  ------  ------  -------
                    fault entry     900   0.126  false
                    copy, 4 KiB    5200  0.7323  true
                    replay         1000    0.14  false
                    """, text);
        }

        @Test
        void largeDoublesPrintEveryDigitInsteadOfAnExponent() {
            Table t = Table.of("means", Column.doubles("mean_ns", 1_784_040.34, 95_815.0, 5_470.25, 0.1234567));
            assertEquals(List.of("1784040.3", "95815.0", "5470.25", "0.123457"),
                    java.util.stream.IntStream.range(0, 4).mapToObj(r -> t.column("mean_ns").format(r)).toList());
        }

        @Test
        void htmlEscapesAndHasOneRowPerRow() {
            Table t = Table.of("t<1>", Column.strings("name", "<b>&"));
            String html = t.toHtml();
            assertTrue(html.contains("&lt;b&gt;&amp;"), html);
            assertTrue(html.contains("t&lt;1&gt;"), html);
            assertEquals(2, html.split("<tr>", -1).length - 1, "header row and one data row");
        }

        @Test
        void longTablesElideTheMiddleButCsvKeepsEverything() {
            long[] v = new long[100];
            for (int i = 0; i < v.length; i++) {
                v[i] = i;
            }
            Table t = Table.of("long", Column.longs("i", v));
            assertTrue(t.toText().contains("... 75 more rows ..."), t.toText());
            assertTrue(t.toHtml().contains("75 more rows"));
            assertEquals(101, t.toCsv().split("\r\n").length);
            assertTrue(t.mimeBundle().containsKey("text/html") && t.mimeBundle().containsKey("text/plain"));
        }
    }

    @Test
    void csvQuotesCommasAndKeepsDoublesExact() {
        String csv = stages().toCsv();
        assertEquals("stage,p50_ns,share,on_link\r\nfault entry,900,0.126,false\r\n\"copy, 4 KiB\",5200,0.7323,true\r\n"
                + "replay,1000,0.14,false\r\n", csv);
    }

    @Test
    void jsonRoundTripGivesAnEqualTable() {
        Table t = stages();
        Table back = Json.tableFromJson(Json.toJson(t));
        assertEquals(t, back);
        assertArrayEquals(t.doubles("share"), back.doubles("share"));
    }

    @Test
    void malformedJsonNamesThePathAndTheAllowedValues() {
        String bad = """
                {"name": "x", "columns": [{"name": "a", "type": "long"}, {"name": "b", "type": "float"}], "rows": []}
                """;
        JsonFormatException e = assertThrows(JsonFormatException.class, () -> Json.tableFromJson(bad));
        assertEquals("$.columns[1].type", e.path());
        assertTrue(e.getMessage().contains("\"float\" is not one of long, double, string, boolean"), e.getMessage());
        JsonFormatException cell = assertThrows(JsonFormatException.class, () -> Json.tableFromJson(
                "{\"name\": \"x\", \"columns\": [{\"name\": \"a\", \"type\": \"long\"}], \"rows\": [[1], [\"two\"]]}"));
        assertEquals("$.rows[1][0]", cell.path());
        JsonFormatException unknown = assertThrows(JsonFormatException.class,
                () -> Json.tableFromJson("{\"name\": \"x\", \"colums\": []}"));
        assertEquals("$.colums", unknown.path());
    }

    @Test
    void rowsMakeTypedColumnsWithUnitsInTheirNames() {
        Row r = Row.of().with("size", Bytes.MiB(2)).with("fault", SimDuration.us(3)).with("h2d", Bandwidth.GBps(12))
                .with("policy", "first-touch").with("faults", 17);
        Table t = Table.fromRows("r", List.of(r, r));
        assertEquals(List.of("size_bytes", "fault_ns", "h2d_GBps", "policy", "faults"), t.columnNames());
        assertEquals(2L << 20, t.get(1, "size_bytes"));
        assertEquals(3000L, t.get(0, "fault_ns"));
        assertEquals(12.0, t.get(0, "h2d_GBps"));
    }

    @Test
    void selectWhereAndHead() {
        Table t = stages();
        assertEquals(List.of("p50_ns", "stage"), t.select("p50_ns", "stage").columnNames());
        assertEquals(1, t.where("stage", "replay").rowCount());
        assertEquals(1, t.where("p50_ns", 900).rowCount());
        assertEquals(2, t.head(2).rowCount());
    }

    @Test
    void badInputIsRefusedWithTheParameterNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Column.longs("latency ns", 1));
        assertTrue(e.getMessage().contains("column name 'latency ns'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Table.of("t", Column.longs("a", 1, 2), Column.longs("b", 1)));
        assertTrue(e.getMessage().contains("'b' has 1 rows but 'a' has 2"), e.getMessage());
        Table.Builder b = Table.builder("t").column("n", ColumnType.LONG);
        e = assertThrows(IllegalArgumentException.class, () -> b.row("three"));
        assertTrue(e.getMessage().contains("column 'n' holds long values, row 0 gave String three"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> stages().column("p99_ns"));
        assertTrue(e.getMessage().contains("no column 'p99_ns'; columns: [stage, p50_ns, share, on_link]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Row.of().with("a", 1).with("a", 2));
        assertTrue(e.getMessage().contains("already has a cell named 'a'"));
    }

    @Test
    void distributionPercentilesAreNearestRank() {
        Distribution d = Distribution.ofSamples("d", new long[] {5, 1, 4, 2, 3, 3, 3, 10, 9, 8});
        assertEquals(10, d.count());
        assertEquals(3, d.percentile(50));
        assertEquals(9, d.percentile(90));
        assertEquals(10, d.percentile(99));
        assertEquals(1, d.percentile(0));
        assertEquals(4.8, d.meanNs(), 1e-12);
        assertEquals(0.6, d.fractionAtOrBelow(4), 1e-12);
        Distribution same = Distribution.ofCounts("d", new long[] {3, 1, 10, 2, 4, 5, 8, 9}, new long[] {3, 1, 1, 1, 1, 1, 1, 1});
        assertArrayEquals(d.values(), same.values());
        assertArrayEquals(d.counts(), same.counts());
        assertEquals(List.of("latency_ns", "count", "cumulative_fraction"), d.toTable().columnNames());
        assertThrows(IllegalArgumentException.class, () -> d.percentile(101));
    }
}
