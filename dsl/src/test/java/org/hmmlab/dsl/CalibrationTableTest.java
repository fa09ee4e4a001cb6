package org.hmmlab.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.hmmlab.calibrate.Calibration;
import org.hmmlab.calibrate.CalibrationCase;
import org.hmmlab.calibrate.SourceTag;
import org.hmmlab.dsl.results.Chart;
import org.hmmlab.dsl.results.Charts;
import org.hmmlab.dsl.results.ColumnType;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link Lab#calibration()}: the model's calibration cases as a typed table, and the chart notebook 09 draws
 * from it. The cases run once for the class (they take a few seconds).
 */
class CalibrationTableTest {

    static Table table;
    static List<CalibrationCase> cases;

    @BeforeAll
    static void runCases() {
        cases = Calibration.cases();
        table = Lab.calibration(cases);
    }

    @Test
    void oneRowPerCaseWithTypedColumns() {
        assertEquals(List.of("case", "source", "tag", "unit", "published", "published_low", "published_high", "model",
                "error_pct", "within_15pct", "fit", "note"), table.columnNames());
        assertEquals(cases.size(), table.rowCount());
        assertTrue(table.rowCount() >= 25, "perf-figures.md gives the model some 30 figures to answer");
        assertEquals(ColumnType.DOUBLE, table.column("error_pct").type());
        assertEquals(ColumnType.BOOLEAN, table.column("within_15pct").type());
        for (int r = 0; r < table.rowCount(); r++) {
            CalibrationCase c = cases.get(r);
            assertEquals(c.name(), table.get(r, "case"));
            assertEquals(c.model(), table.get(r, "model"));
            assertFalse(((String) table.get(r, "unit")).isBlank(), "row " + r + " says its unit");
        }
    }

    @Test
    void errorsAndHitsFollowThePublishedFigureOrRange() {
        double[] published = table.doubles("published");
        double[] low = table.doubles("published_low");
        double[] high = table.doubles("published_high");
        double[] model = table.doubles("model");
        double[] error = table.doubles("error_pct");
        boolean ranges = false;
        for (int r = 0; r < table.rowCount(); r++) {
            double expected;
            if (low[r] == high[r]) {
                assertEquals(low[r], published[r], "a single figure is its own low and high");
                expected = (model[r] - published[r]) / published[r] * 100;
            } else {
                ranges = true;
                assertTrue(low[r] < published[r] && published[r] < high[r], "midpoint of the range");
                double edge = model[r] < low[r] ? low[r] : model[r] > high[r] ? high[r] : model[r];
                expected = (model[r] - edge) / edge * 100;
            }
            assertEquals(expected, error[r], 1e-9, "error of " + table.get(r, "case"));
            assertEquals(Math.abs(error[r]) <= 15, table.get(r, "within_15pct"), "hit of " + table.get(r, "case"));
        }
        assertTrue(ranges, "some figures are published as ranges");
    }

    @Test
    void tagsAndFitsComeFromTheCaseAndItsNote() {
        Set<String> tags = Set.of("M", "D", "2nd", "P", "A");
        for (int r = 0; r < table.rowCount(); r++) {
            String tag = (String) table.get(r, "tag");
            assertTrue(tags.contains(tag), "row " + r + " tag '" + tag + "'");
            assertEquals(cases.get(r).tag().label(), tag);
            assertEquals(cases.get(r).source(), table.get(r, "source"), "the citation, its tag in its own column");
            assertEquals(((String) table.get(r, "note")).startsWith("fit"), table.get(r, "fit"));
        }
        assertTrue(table.where("fit", true).rowCount() >= 1, "some figures set a constant");
        assertTrue(table.where("within_15pct", false).rowCount() >= 1, "the table shows its misses too");
    }

    @Test
    void ownComparisonsMakeTheSameTable() {
        double model = Calibration.copyRate(Lab.A100_PCIE4, true, Bytes.MiB(256));
        Table mine = Lab.calibration(List.of(CalibrationCase.of("my H2D 256 MiB", "[M] my run", "GB/s", 24.1, model, "")));
        assertEquals(table.columnNames(), mine.columnNames());
        assertEquals("M", mine.get(0, "tag"));
        assertEquals("my run", mine.get(0, "source"));
        Table typed = Lab.calibration(List.of(CalibrationCase.of("my H2D 256 MiB", SourceTag.DERIVED, "my arithmetic",
                "GB/s", 24.1, model, "")));
        assertEquals("D", typed.get(0, "tag"));
        assertEquals((model - 24.1) / 24.1 * 100, (double) mine.get(0, "error_pct"), 1e-9);
        Table both = Table.concat("both", table, mine);
        assertEquals(table.rowCount() + 1, both.rowCount());
        assertThrows(IllegalArgumentException.class, () -> Lab.calibration(Arrays.asList((CalibrationCase) null)));
    }

    @Test
    void theWholeTableShowsWhenAsked() {
        assertTrue(table.rowCount() > Table.SHOW_HEAD + Table.SHOW_TAIL + 5, "long enough to be cut by default");
        assertTrue(table.toText().contains("hidden"), "cut by default, and says so");
        String all = table.showAll().toText();
        assertFalse(all.contains("hidden"), all);
        for (CalibrationCase c : cases) {
            assertTrue(all.contains(c.name()), c.name());
        }
    }

    @Test
    void chartHasABarForEveryCase() throws Exception {
        Chart c = Charts.calibration("Model against published measurements", table);
        assertEquals(table.rowCount(), c.jfreeChart().getCategoryPlot().getDataset().getColumnCount());
        assertEquals(2, c.seriesCount(), "hits and misses");
        Path gallery = Path.of("target", "chart-gallery");
        Files.createDirectories(gallery);
        c.save(gallery.resolve("calibration-all.png"));
    }
}
