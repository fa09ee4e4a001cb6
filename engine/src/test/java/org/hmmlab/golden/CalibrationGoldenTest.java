package org.hmmlab.golden;

import java.util.List;
import org.hmmlab.calibrate.Calibration;
import org.hmmlab.calibrate.CalibrationCase;
import org.junit.jupiter.api.Test;

/**
 * The calibration table ({@code ./hmmlab calibrate}) at full precision: every case's model figure written with
 * {@link Double#toString}, so a restructuring of the timing engine that moves any figure by one ulp shows here.
 */
class CalibrationGoldenTest {

    @Test
    void calibrationFiguresAreUnchanged() {
        List<CalibrationCase> cases = Calibration.cases();
        StringBuilder out = new StringBuilder("case\tpublished\tlow\thigh\tmodel\terror_pct\tunit\n");
        for (CalibrationCase c : cases) {
            out.append(c.name()).append('\t').append(c.published()).append('\t').append(c.low()).append('\t')
                    .append(c.high()).append('\t').append(c.model()).append('\t').append(c.errorPercent()).append('\t')
                    .append(c.unit()).append('\n');
        }
        GoldenFiles.check("calibration.tsv", out.toString());
    }
}
