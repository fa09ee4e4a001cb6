/**
 * The simulation core: a discrete-event loop on a nanosecond {@code long} clock
 * ({@link org.hmmlab.sim.Simulator}), events ordered by (time, {@link org.hmmlab.sim.EventPhase}, sequence),
 * seeded {@link org.hmmlab.sim.RandomStreams} split by stable name, and cooperative cancellation through a
 * {@link org.hmmlab.sim.CancellationToken} handed to each run (no static: the front end that cancels owns it).
 *
 * <p>One simulator is never parallel; sweeps run many simulators at once. Same seed, same result.
 */
package org.hmmlab.sim;
