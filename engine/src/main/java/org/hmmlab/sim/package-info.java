/**
 * The simulation core: a discrete-event loop on a nanosecond {@code long} clock, seeded random streams and
 * cooperative cancellation ({@link org.hmmlab.sim.Cancellation}).
 */
package org.hmmlab.sim;
