/**
 * JSON import and export with Jackson: tables, and (as the engine lands) scenarios, platforms and results.
 *
 * <p>Reading goes through {@link org.hmmlab.dsl.json.JsonNodeReader}, which keeps the JSON path of every
 * value, so a malformed file is refused with the path of the bad field and the values it allows
 * ({@code $.columns[1].type: "float" is not one of long, double, string, boolean}).
 *
 * <p>Layering: a front end; depends on {@code org.hmmlab.dsl} and on {@code org.hmmlab.dsl.spec}, whose records
 * read a policy's components and hints themselves (through {@code JsonSpecReader}); not on the JavaScript front
 * end.
 */
package org.hmmlab.dsl.json;
