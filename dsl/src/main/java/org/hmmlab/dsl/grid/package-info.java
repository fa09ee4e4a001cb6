/**
 * Sweeps described as data: a base scenario, parameters named by their path in the scenario's JSON, the columns to
 * keep and a seed ({@link org.hmmlab.dsl.grid.ScenarioSweep}), so that a grid can leave the notebook's JVM; sweep
 * files ({@link org.hmmlab.dsl.grid.SweepJson}), shards and their output folders
 * ({@link org.hmmlab.dsl.grid.SweepOutput}), and the executors a sweep runs on, local or found by name
 * ({@link org.hmmlab.dsl.grid.SweepExecutors}; the lab's Spark module provides {@code spark}).
 *
 * <p>It sits above the Java DSL (whose scenarios, points and results it uses) and the JSON front end (the form its
 * paths address); the JavaScript front end builds the same sweeps through it. Neither the Java DSL nor the JSON
 * front end depends on it. Entry point for notebooks: {@code sweep(scenario)} ({@link org.hmmlab.dsl.grid.Grids}).
 */
package org.hmmlab.dsl.grid;
