package org.hmmlab.spark;

import org.hmmlab.dsl.grid.SweepExecutor;
import org.hmmlab.dsl.grid.SweepExecutors;

/** Registers {@code spark} and {@code spark:MASTER} as sweep executors ({@code META-INF/services}). */
public final class SparkExecutorProvider implements SweepExecutors.Provider {

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public SweepExecutor executor(String target) {
        return new SparkSweepExecutor(target == null ? Spark.DEFAULT_MASTER : target);
    }
}
