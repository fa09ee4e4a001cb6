package org.hmmlab.sim;

/**
 * What an event does when the simulator reaches it.
 *
 * <p>The {@code long} argument lets one handler object serve many events (a warp index, a packed page number,
 * a generation count) without allocating a closure per event on hot paths.
 */
@FunctionalInterface
public interface EventHandler {

    /** Runs the event; {@link Simulator#nowNanos()} is the event's time. */
    void handle(long arg);
}
