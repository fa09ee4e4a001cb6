/**
 * Scenario sweeps on Apache Spark: {@code sweep(base).vary(...).on("spark")} runs the grid as a Spark job, embedded
 * ({@code local[*]}), on a standalone cluster ({@code spark://host:7077}) or on Kubernetes ({@code k8s://...}), with
 * the lab's jars shipped to the executors; {@link org.hmmlab.spark.Spark} gives the table back as a Spark
 * {@code Dataset} for Spark SQL. Its own module, so the engine and the DSL stay light: the DSL finds this executor by
 * name ({@link org.hmmlab.dsl.grid.SweepExecutors}) and never loads a Spark class unless asked.
 */
package org.hmmlab.spark;
