/**
 * The Java side of the launcher's verbs that are not the notebook kernel: {@code ./hmmlab run FILE}
 * ({@link org.hmmlab.cli.RunCommand}) for scenario files, JShell scripts and JavaScript scenarios.
 *
 * <p>Depends on the DSL and the JDK's {@code jdk.jshell}; the engine only through the DSL.
 */
package org.hmmlab.cli;
