package org.hmmlab.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        assertEquals(0.0, CalibrationCase.range("x", "s", "us", 20, 50, 35, "").errorPercent());
        assertEquals(20.0, CalibrationCase.range("x", "s", "us", 20, 50, 60, "").errorPercent(), 1e-9);
    }
}
