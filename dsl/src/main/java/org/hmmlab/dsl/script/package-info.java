/**
 * JavaScript in the lab, through GraalVM Polyglot: migration policies written as JS functions and whole
 * scenarios scripted in JS.
 *
 * <p>Scripts run sandboxed ({@link org.hmmlab.dsl.script.JsScript}): they see only the objects the DSL
 * exports to them and only the members marked {@code @HostAccess.Export}; no files, network, processes,
 * threads, environment or Java class lookup; each call runs under a statement budget and a wall-clock
 * budget; an error names the script and the line.
 */
package org.hmmlab.dsl.script;
