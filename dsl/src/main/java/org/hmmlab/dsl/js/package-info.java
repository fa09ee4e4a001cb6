/**
 * The scenario API as a JavaScript scenario sees it: the global {@code lab} ({@link org.hmmlab.dsl.js.JsLab}),
 * with sizes as strings with units and policy components and hints as object literals in the JSON grammar.
 *
 * <p>Layering: a front end beside {@code org.hmmlab.dsl.json}; depends on {@code org.hmmlab.dsl} (scenarios,
 * sweeps), {@code org.hmmlab.dsl.spec} (the policy records, which read the object literals) and
 * {@code org.hmmlab.dsl.script} (the sandboxed runtime). It does not depend on the JSON front end, and nothing
 * below it depends on it.
 */
package org.hmmlab.dsl.js;
