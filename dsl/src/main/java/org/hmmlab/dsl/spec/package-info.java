/**
 * The policy spec: each driver policy component (placement, prefetcher, evictor, thrashing detector) and each
 * memory-use hint as a typed, immutable record whose ranges are stated once, in the record, with one error
 * message per bad value. The three front ends map onto these records and check nothing themselves: the Java DSL
 * ({@code org.hmmlab.dsl.Lab}) calls their factories and step methods, and JSON ({@code org.hmmlab.dsl.json}) and
 * JavaScript ({@code org.hmmlab.dsl.js}) read the same field-by-field grammar through a {@link
 * org.hmmlab.dsl.spec.SpecReader}, so a policy written three ways gives equal specs and the same bad value the
 * same message.
 *
 * <p>Layering: depends on the engine ({@code org.hmmlab.policy}, {@code units}, {@code workload}) and on
 * {@code org.hmmlab.dsl.script} (the JavaScript runtime a {@code javascript} placement runs in); {@code
 * org.hmmlab.dsl}, {@code org.hmmlab.dsl.json} and {@code org.hmmlab.dsl.js} depend on it, never the reverse, and
 * neither front end depends on another.
 */
package org.hmmlab.dsl.spec;
