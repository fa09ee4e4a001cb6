package org.hmmlab.cli;

import java.nio.file.Path;
import org.hmmlab.dsl.SweepResult;
import org.hmmlab.spark.Spark;

/** The sweep verb's uses of Spark, kept in one class so that a local sweep never loads a Spark class. */
final class SparkOutput {

    private SparkOutput() {
    }

    /** Writes the table as Parquet into {@code dir}. */
    static void parquet(SweepResult r, Path dir) {
        Spark.writeParquet(r, dir);
    }

    /** Stops the session so the JVM ends promptly. */
    static void stop() {
        Spark.stop();
    }
}
