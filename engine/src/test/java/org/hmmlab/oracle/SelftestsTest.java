package org.hmmlab.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hmmlab.conformance.ConformanceMain;
import org.junit.jupiter.api.Test;

/** Parsing the kernel's kselftest output and joining it with the engine's port into the side-by-side table. */
class SelftestsTest {
    private static final List<String> TAP = List.of("TAP version 13", "1..3",
            "# Starting 3 tests from 4 test cases.", "#  RUN           hmm.hmm_device_private.open_close ...",
            "ok 1 hmm.hmm_device_private.open_close", "not ok 2 hmm.hmm_device_coherent.open_close",
            "ok 3 hmm2.hmm2_device_private.snapshot # SKIP no coherent memory", "# FAILED: 1 / 3 tests passed.",
            "# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:1 error:0");

    @Test
    void parsesPassFailAndSkipPerFixtureVariant() {
        List<Selftests.KernelResult> r = Selftests.parseTap(TAP);
        assertEquals(3, r.size());
        assertEquals(new Selftests.KernelResult("hmm", "device_private", "open_close", "PASS"), r.get(0));
        assertEquals("FAIL", r.get(1).status());
        assertEquals(new Selftests.KernelResult("hmm2", "device_private", "snapshot", "SKIP"), r.get(2));
    }

    @Test
    void outputWithoutTotalsIsACutShortRunNotAPass() {
        assertThrows(IllegalStateException.class, () -> Selftests.parseTap(TAP.subList(0, 6)));
    }

    @Test
    void tableMarksDisagreementsAndMainlineOnlyTests() {
        List<ConformanceMain.Outcome> engine = List.of(
                new ConformanceMain.Outcome("hmm.open_close", "hmm_device_private", "PASS", ""),
                new ConformanceMain.Outcome("hmm.open_close", "hmm_device_coherent", "PASS", ""),
                new ConformanceMain.Outcome("hmm2.snapshot", "hmm_device_private", "PASS", ""),
                new ConformanceMain.Outcome("hmm.migrate_remap_fault", "hmm_device_private", "PASS", ""));
        List<Selftests.Row> rows = Selftests.join(Selftests.parseTap(TAP), engine);
        assertEquals(4, rows.size());
        assertEquals("-", rows.get(3).kernel());
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        int disagree = Selftests.print(rows, new PrintStream(bos, true, StandardCharsets.UTF_8));
        // The coherent open_close failed on the kernel and the skipped snapshot is no pass: both disagree.
        assertEquals(2, disagree);
        String table = bos.toString(StandardCharsets.UTF_8);
        assertEquals(true, table.contains("1 of 3 agree"), table);
        assertEquals(true, table.contains("(mainline only)"), table);
    }
}
