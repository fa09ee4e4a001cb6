package org.hmmlab.dsl.grid;

import org.hmmlab.dsl.Scenario;

/**
 * The static entry point of sweeps described as data, imported in notebooks beside {@code Lab}'s:
 * {@code sweep(scan).vary("policy.placement.threshold", 1, 4, 16).on("spark").run()}.
 */
public final class Grids {

    private Grids() {
    }

    /**
     * A sweep described as data over scenario {@code base}, which can run on Apache Spark as well as here:
     * {@code sweep(scan).vary("policy.placement.threshold", 1, 4, 16).vary("vram", MiB(16), MiB(32)).run()}.
     */
    public static ScenarioSweep sweep(Scenario base) {
        return ScenarioSweep.of(base);
    }
}
