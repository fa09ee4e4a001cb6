package org.hmmlab.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class CalibrationTest {

    @Test
    void everyCaseIsWithin15PercentOrSaysWhyNot() {
        List<CalibrationCase> cases = Calibration.cases();
        assertFalse(cases.isEmpty());
        for (CalibrationCase c : cases) {
            assertTrue(c.within15Percent() || !c.note().isBlank(),
                    c.name() + ": model " + c.model() + " vs " + c.published() + " with no explanation");
        }
    }

    @Test
    void theTableIsTheSameOnEveryRun() {
        assertEquals(Calibration.cases(), Calibration.cases());
    }

    @Test
    void aRangeCountsAsHitInsideAndMeasuresToItsEdgeOutside() {
        assertEquals(0.0, CalibrationCase.range("x", SourceTag.MEASURED, "s", "us", 20, 50, 35, "").errorPercent());
        assertEquals(20.0, CalibrationCase.range("x", SourceTag.MEASURED, "s", "us", 20, 50, 60, "").errorPercent(), 1e-9);
    }

    @Test
    void everyCaseHasATagAndACitationWithoutIt() {
        for (CalibrationCase c : Calibration.cases()) {
            assertNotNull(c.tag(), c.name());
            assertFalse(c.source().isBlank(), c.name() + " cites a source");
            assertFalse(c.source().startsWith("["), c.name() + ": the tag lives in tag(), not in the source text");
            assertEquals(c.tag().bracketed() + " " + c.source(), c.taggedSource());
            // perf-figures.md: [U] figures were never checked in a source, "do not calibrate on these"
            assertNotEquals(SourceTag.UNVERIFIED, c.tag(), c.name());
        }
    }

    @Test
    void theCasesWeighMeasurementsAgainstOtherKindsOfFigure() {
        var tags = Calibration.cases().stream().map(CalibrationCase::tag).collect(java.util.stream.Collectors.toSet());
        assertTrue(tags.containsAll(List.of(SourceTag.MEASURED, SourceTag.DERIVED, SourceTag.SECOND_HAND,
                SourceTag.PARAMETER)), "tags seen: " + tags);
    }

    @Test
    void aSourceTextOpeningWithItsTagGivesTheTypedTag() {
        CalibrationCase c = CalibrationCase.of("x", " [2nd] Kim ASPLOS'20", "us", 313, 300, "");
        assertEquals(SourceTag.SECOND_HAND, c.tag());
        assertEquals("Kim ASPLOS'20", c.source());
        assertEquals(SourceTag.MEASURED, CalibrationCase.range("x", "[M] mine", "GB/s", 1, 2, 1.5, "").tag());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CalibrationCase.of("x", "my run", "GB/s", 24, 25, ""));
        assertTrue(e.getMessage().contains("source 'my run' must open with its tag, one of [M], [S], [P], [D], [2nd],"
                + " [U], [A]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CalibrationCase.of("x", "[X] typo", "GB/s", 24, 25, ""));
        assertThrows(NullPointerException.class, () -> CalibrationCase.of("x", (SourceTag) null, "s", "GB/s", 24, 25, ""));
        assertEquals(SourceTag.ASSUMPTION, SourceTag.ofLabel("A"));
    }
}
