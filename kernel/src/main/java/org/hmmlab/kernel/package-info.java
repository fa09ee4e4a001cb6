/**
 * The HMM Lab Jupyter kernel: cells run as JShell snippets inside the kernel's JVM, so results are live
 * objects that render by type (charts as PNG, tables as HTML), and an interrupt cancels the engine's
 * {@link org.hmmlab.sim.CancellationToken} instead of killing a thread.
 *
 * <p>The protocol side (ZeroMQ channels, message signing, the display API) comes from
 * {@code org.dflib.jjava:jjava-jupyter}; this package supplies the evaluator ({@link org.hmmlab.kernel.CellEvaluator}),
 * error messages that point at the cell's lines ({@link org.hmmlab.kernel.CellError}), the magics
 * ({@link org.hmmlab.kernel.Magics}) and the statics a cell can call ({@link org.hmmlab.kernel.Notebook}).
 */
package org.hmmlab.kernel;
