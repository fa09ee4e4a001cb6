package org.hmmlab.multigpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.hmmlab.calibrate.CalibrationCase;
import org.junit.jupiter.api.Test;

/** The multi-GPU calibration rows: the C2C fits land on their figures, the rest are computed and explained. */
class MultiGpuCalibrationTest {

    @Test
    void the_c2c_fits_hit_their_figures_the_copy_engine_figure_validates_and_each_miss_says_why() {
        List<CalibrationCase> cases = MultiGpuCalibration.cases();
        assertEquals(5, cases.size());
        assertEquals(375, cases.get(0).model(), 0.5);
        assertEquals(297, cases.get(1).model(), 0.5);
        assertTrue(cases.get(0).note().startsWith("fit"));
        assertEquals(8.4, cases.get(2).errorPercent(), 0.2, "375 modelled against 346 measured by nvbandwidth");
        assertTrue(cases.get(2).within15Percent());
        for (CalibrationCase c : cases.subList(3, 5)) {
            assertFalse(c.within15Percent(), c.name());
            assertTrue(c.model() < c.low(), c.name() + ": the model charges the DMA only, below the cudaMemcpy call");
            assertFalse(c.note().isEmpty(), c.name());
        }
    }
}
