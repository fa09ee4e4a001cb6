/**
 * The run layer: the engines that run a workload under a driver policy on a platform. {@link
 * org.hmmlab.run.Experiment} is the timing engine's composition root (simulator, PCIe link, GPU, CPU agent, host
 * memory, metrics) and returns a {@link org.hmmlab.metrics.RunResult}; {@link org.hmmlab.run.ResidencyModel} is the
 * residency-only engine, page-granular and without the timing layer, that drives the same policy interfaces in the
 * same order.
 *
 * <p>Why a package of its own: the composition root of the timing engine is not hardware (it used to live in
 * {@code device}), and the residency model is an engine, not a policy (it used to live in {@code policy}).
 *
 * <p>May depend on: {@code device}, {@code policy}, {@code workload}, {@code metrics}, {@code platform},
 * {@code pcie}, {@code sim}, {@code units}. Nothing in the engine depends on it except the front ends
 * ({@code calibrate}, {@code bench}) and the DSL.
 */
package org.hmmlab.run;
