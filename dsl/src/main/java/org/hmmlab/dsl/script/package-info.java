/**
 * The JavaScript runtime of the lab, through GraalVM Polyglot: sandboxed scripts ({@link
 * org.hmmlab.dsl.script.JsScript}) and migration placements written as JS functions ({@link
 * org.hmmlab.dsl.script.JsPlacement}). Whole scenarios scripted in JS go through the {@code lab} global of
 * {@code org.hmmlab.dsl.js}.
 *
 * <p>Layering: depends on the engine only, so the policy spec ({@code org.hmmlab.dsl.spec}) can build a JS
 * placement without a cycle.
 *
 * <p>Scripts run sandboxed ({@link org.hmmlab.dsl.script.JsScript}): they see only the objects the DSL
 * exports to them and only the members marked {@code @HostAccess.Export}; no files, network, processes,
 * threads, environment or Java class lookup; each call runs under a statement budget and a wall-clock
 * budget; an error names the script and the line.
 */
package org.hmmlab.dsl.script;
