package org.hmmlab.dsl.grid;

import org.hmmlab.dsl.SweepResult;
/**
 * Where a {@link ScenarioSweep} runs: the local cores ({@link SweepExecutors#local()}), or Apache Spark through the
 * lab's Spark module ({@code .on("spark")}). An executor runs {@link ScenarioSweep#measure} at each of the sweep's
 * {@link ScenarioSweep#points()} and hands back {@link ScenarioSweep#result} of the rows in point order; on an
 * interrupt it throws {@link ScenarioSweep#interrupted} with the rows that had finished.
 */
public interface SweepExecutor {

    /** What it is, for messages and progress lines: {@code local}, {@code spark local[*]}. */
    String label();

    /** Runs every point of {@code sweep} and gathers the table in point order. */
    SweepResult run(ScenarioSweep sweep);
}
