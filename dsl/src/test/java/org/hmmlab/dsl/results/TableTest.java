package org.hmmlab.dsl.results;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
                    stage          p50_ns   share  on_link
                    -----------  --------  ------  -------
                    fault entry  0.900 us   0.126  false
                    copy, 4 KiB  5.200 us  0.7323  true
                    replay       1.000 us    0.14  false
                    """, text);
            assertTrue(stages().raw().toText().contains("copy, 4 KiB    5200  0.7323  true"), "raw() shows the stored ns");
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
            String hidden = "75 rows hidden (20 to 94): .showAll() shows all 100, .slice(20, 95) just these";
            assertTrue(t.toText().contains("... " + hidden + " ..."), t.toText());
            assertTrue(t.toText().startsWith("long (100 rows, 25 shown)\n"), t.toText());
            assertTrue(t.toHtml().contains(hidden), t.toHtml());
            assertEquals(101, t.toCsv().split("\r\n").length);
            assertTrue(t.mimeBundle().containsKey("text/html") && t.mimeBundle().containsKey("text/plain"));
        }

        @Test
        void aTableUpToThirtyRowsShowsWholeByDefault() {
            assertFalse(numbered(30).toText().contains("hidden"));
            assertTrue(numbered(31).toText().contains("6 rows hidden (20 to 25)"), numbered(31).toText());
        }

        @Test
        void showAllShowsEveryRowAndKeepsTheValue() {
            Table t = numbered(100);
            Table all = t.showAll();
            assertEquals(t, all, "a display setting, not a different table");
            assertEquals(t.toCsv(), all.toCsv());
            assertEquals(103, all.toText().split("\n").length, "title, header, rule and 100 rows");
            assertEquals(101, all.toHtml().split("<tr>", -1).length - 1, "header row and 100 data rows");
            String evens = all.where("even", true).named("evens").toText();
            assertEquals(50, rowLines(evens), "derived tables keep the setting");
            assertFalse(evens.contains("hidden"), evens);
            assertFalse(all.select("i").withColumn(Column.longs("j", new long[100])).toText().contains("hidden"));
        }

        @Test
        void showAllStopsAtItsBoundAndSaysHowToReachTheRest() {
            Table t = numbered(Table.MAX_SHOWN + 500);
            String text = t.showAll().toText();
            assertEquals(Table.MAX_SHOWN, rowLines(text));
            assertTrue(text.contains("500 rows hidden (800 to 1299): .slice(800, 1300) shows 500 of them (at most 1000"
                    + " at a time); .writeCsv(path) holds every row"), text.substring(0, 200));
            assertTrue(t.toText().contains(".slice(20, 1020) shows 1000 of them"), t.toText());
        }

        @Test
        void showLimitsTheRowsToTheCountAsked() {
            Table t = numbered(100);
            String text = t.show(50).toText();
            assertEquals(50, rowLines(text));
            assertTrue(text.contains("50 rows hidden (40 to 89)"), text);
            String one = t.show(1).toText();
            assertEquals(1, rowLines(one));
            assertTrue(one.endsWith("... 99 rows hidden (1 to 99): .showAll() shows all 100, .slice(1, 100) just these"
                    + " ...\n"), one);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.show(0));
            assertTrue(e.getMessage().startsWith("show(maxRows): maxRows must be in [1, 1000], got 0"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> t.show(Table.MAX_SHOWN + 1));
        }

        @Test
        void numbersTooLargeOrSmallForDigitsKeepAShortExponentAndNaNSaysSo() {
            Table t = Table.of("x", Column.doubles("v_ns", 1.234e-7, 2.5e18, 1e15, Double.NaN,
                    Double.POSITIVE_INFINITY, -0.0001));
            assertEquals(List.of("1.234e-07", "2.5e+18", "1.0e+15", "NaN", "Infinity", "-0.0001"),
                    java.util.stream.IntStream.range(0, 6).mapToObj(r -> t.column("v_ns").format(r)).toList());
        }

        @Test
        void digitsRoundsWhatIsShownAndNothingElse() {
            Table t = Table.of("errors", Column.doubles("error_pct", -0.0439029, 10.7704, 357.143, 1_784_040.34));
            Table short4 = t.digits(4);
            assertEquals("""
                    errors (4 rows)
                      error_pct
                    -----------
                        -0.0439
                          10.77
                          357.1
                    1,784,040.3
                    """, short4.toText());
            assertEquals(t, short4);
            assertEquals(t.toCsv(), short4.toCsv(), "CSV keeps every bit");
            assertTrue(short4.where("error_pct", 10.7704).toHtml().contains(">10.77<"), "derived tables keep it");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.digits(0));
            assertEquals("digits(significant): significant must be in [1, 17], got 0", e.getMessage());
        }

        private static int rowLines(String text) {
            return (int) text.lines().skip(3).filter(l -> !l.startsWith("...")).count();
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
    void jsonAndCsvKeepNaNAndInfinities() {
        Table t = Table.of("odd", Column.doubles("ratio", Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, 1.5));
        Table back = Json.tableFromJson(Json.toJson(t));
        assertEquals(t, back, Json.toJson(t));
        assertEquals("ratio\r\nNaN\r\nInfinity\r\n-Infinity\r\n1.5\r\n", t.toCsv());
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
    void headTailAndSliceCountRowsFromZero() {
        Table t = numbered(10);
        assertArrayEquals(new long[] {0, 1, 2}, t.head(3).longs("i"));
        assertArrayEquals(new long[] {7, 8, 9}, t.tail(3).longs("i"));
        assertArrayEquals(new long[] {4, 5}, t.slice(4, 6).longs("i"));
        assertEquals(10, t.head(50).rowCount());
        assertEquals(10, t.tail(50).rowCount());
        assertEquals(0, t.slice(10, 10).rowCount());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.slice(5, 11));
        assertTrue(e.getMessage().contains("to must be in [from, rowCount] = [5, 10] for table 'numbered', got 11"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> t.slice(-1, 3));
        assertTrue(e.getMessage().contains("from must be in [0, 10]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.slice(6, 4));
        assertThrows(IllegalArgumentException.class, () -> t.tail(-1));
    }

    /** {@code n} rows: {@code i} = 0..n-1 and whether it is even. */
    static Table numbered(int n) {
        long[] v = new long[n];
        boolean[] even = new boolean[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
            even[i] = i % 2 == 0;
        }
        return Table.of("numbered", Column.longs("i", v), Column.booleans("even", even));
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

    @Test
    void anEmptyDistributionsSummaryLinesUpWithTheOthers() {
        Distribution d = Distribution.ofSamples("d", new long[] {5, 1, 4});
        Distribution none = Distribution.ofSamples("none", new long[0]);
        Table t = Table.fromRows("stages", List.of(d.summary(), none.summary()));
        assertEquals(d.summary().names(), none.summary().names());
        assertEquals(0L, t.get(1, "count"));
        assertTrue(Double.isNaN((Double) t.get(1, "mean_ns")));
        assertTrue(t.toText().lines().anyMatch(l -> l.matches("\\s+0\\s+NaN\\s+0.*")), t.toText());
    }
}
