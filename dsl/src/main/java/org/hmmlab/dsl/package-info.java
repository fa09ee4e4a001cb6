/**
 * The DSL: one static entry point ({@link org.hmmlab.dsl.Lab}) whose immutable builders describe an
 * experiment the way the field talks about it (a platform, a policy, allocations, CPU and GPU phases, a
 * seed), and {@link org.hmmlab.dsl.Sweep}s that run it over parameters in parallel.
 *
 * <p>Layering: depends on the engine ({@code org.hmmlab.units}, {@code sim}, {@code mm}, ...), on
 * {@code org.hmmlab.dsl.spec} (the policy records, whose factories {@code Lab} re-exports) and on
 * {@code org.hmmlab.dsl.results}; the engine never depends on it, and neither do the spec or the JavaScript
 * runtime ({@code org.hmmlab.dsl.script}). The JSON and JavaScript front ends ({@code org.hmmlab.dsl.json},
 * {@code org.hmmlab.dsl.js}) sit above it. Every builder refuses a bad value at the
 * call that introduced it, with a message naming the parameter and its allowed range.
 */
package org.hmmlab.dsl;
