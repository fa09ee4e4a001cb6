package org.hmmlab.dsl;

import static org.hmmlab.dsl.Lab.param;
import static org.hmmlab.dsl.Lab.sweep;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.hmmlab.dsl.results.Row;
import org.junit.jupiter.api.Test;

/** A sweep's charts are titled by what they draw against what, not by the word "sweep". */
class SweepChartTitleTest {

    private static Row measure(Point p, Param<Integer> vram, Param<Integer> density) {
        return Row.of().with("evictions", (long) p.get(vram) * p.get(density)).with("sim_time_ns", 1000L * p.get(vram));
    }

    @Test
    void anUnnamedSweepsChartsNameTheColumnAndTheParameters() {
        Param<Integer> vram = param("vram", 16, 32);
        Param<Integer> density = param("density", 1, 51, 100);
        SweepResult one = sweep(vram).run(p -> Row.of().with("evictions", (long) p.get(vram)));
        assertEquals("evictions by vram", one.curves("evictions").title());
        SweepResult two = sweep(vram, density).run(p -> measure(p, vram, density));
        assertEquals("evictions by vram, one line per density", two.curves("evictions").title());
        assertEquals("sim time by vram and density", two.heatMap("sim_time_ns").title());
    }

    @Test
    void aNamedSweepKeepsItsNameInFront() {
        Param<Integer> vram = param("vram", 16, 32);
        SweepResult r = sweep(vram).named("oversubscription").run(p -> Row.of().with("evictions", (long) p.get(vram)));
        assertEquals("oversubscription: evictions by vram", r.curves("evictions").title());
    }
}
