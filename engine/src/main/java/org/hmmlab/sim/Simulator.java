package org.hmmlab.sim;

import org.hmmlab.units.SimDuration;
import org.hmmlab.units.SimTime;

/**
 * A single-threaded discrete-event loop on a nanosecond clock.
 *
 * <p>Components schedule {@link EventHandler}s at absolute times; the loop runs them in (time, phase,
 * sequence) order, so simultaneous events always run in the same order and the same seed gives the same
 * result bit for bit. The clock is a {@code long} of nanoseconds: exact sums, 292 years of range.
 *
 * <p>Two guards keep a notebook responsive. The loop polls its {@link CancellationToken} every
 * {@value #POLL_EVERY} events (a few microseconds of host time), so an interrupt stops it well within 100 ms.
 * And it counts events that run without the clock advancing; past {@link #maxEventsPerInstant()} it throws
 * {@link SimulationStalledException}, which turns a retry loop that never yields time into a clear error
 * instead of a hang.
 */
public final class Simulator {

    static final int POLL_EVERY = 256;
    /** Default for the no-progress guard: far above any real burst of simultaneous events. */
    public static final long DEFAULT_MAX_EVENTS_PER_INSTANT = 10_000_000L;

    private final EventQueue queue = new EventQueue();
    private final RandomStreams random;
    private final CancellationToken token;
    private final long maxEventsPerInstant;
    private long now;
    private long eventsRun;
    private long eventsAtNow;

    /** A simulator with {@code seed}, watching a token nobody cancels (tests, benchmarks, calibration). */
    public Simulator(long seed) {
        this(seed, new CancellationToken(), DEFAULT_MAX_EVENTS_PER_INSTANT);
    }

    public Simulator(long seed, CancellationToken token, long maxEventsPerInstant) {
        if (token == null) {
            throw new IllegalArgumentException("cancellation token must not be null");
        }
        if (maxEventsPerInstant < 1) {
            throw new IllegalArgumentException("maxEventsPerInstant must be >= 1, got " + maxEventsPerInstant);
        }
        this.random = new RandomStreams(seed);
        this.token = token;
        this.maxEventsPerInstant = maxEventsPerInstant;
    }

    /** The current simulated time. */
    public SimTime now() {
        return new SimTime(now);
    }

    /** The current simulated time in nanoseconds, for hot paths that must not allocate. */
    public long nowNanos() {
        return now;
    }

    public RandomStreams random() {
        return random;
    }

    public long seed() {
        return random.seed();
    }

    public long eventsRun() {
        return eventsRun;
    }

    public int pendingEvents() {
        return queue.size();
    }

    /**
     * The time of the earliest pending event in nanoseconds, or {@link Long#MAX_VALUE} when none is pending.
     *
     * <p>For components that run ahead of the clock inside one event (warps issuing a quantum of accesses on
     * their own clocks): nothing scheduled can change the model's state before this time, so a run-ahead that stops
     * short of it cannot act on state that an earlier event would already have changed.
     */
    public long nextEventNanos() {
        return queue.isEmpty() ? Long.MAX_VALUE : queue.peekTime();
    }

    public long maxEventsPerInstant() {
        return maxEventsPerInstant;
    }

    /** Schedules {@code handler} at {@code at}, which must not be in the past. */
    public void schedule(SimTime at, EventPhase phase, EventHandler handler, long arg) {
        scheduleAtNanos(at.nanos(), phase, handler, arg);
    }

    /** Schedules {@code handler} {@code delay} after now. */
    public void scheduleAfter(SimDuration delay, EventPhase phase, EventHandler handler, long arg) {
        scheduleAtNanos(Math.addExact(now, delay.nanos()), phase, handler, arg);
    }

    /**
     * Schedules {@code handler} at {@code atNanos} on the simulator clock. The allocation-free form of
     * {@link #schedule(SimTime, EventPhase, EventHandler, long)} for hot paths.
     */
    public void scheduleAtNanos(long atNanos, EventPhase phase, EventHandler handler, long arg) {
        if (atNanos < now) {
            throw new IllegalArgumentException("cannot schedule in the past: at " + atNanos + " ns, now " + now + " ns");
        }
        if (handler == null || phase == null) {
            throw new IllegalArgumentException("handler and phase must not be null");
        }
        queue.add(atNanos, phase, handler, arg);
    }

    /** Runs until no event is left. */
    public void run() {
        runUntilNanos(Long.MAX_VALUE);
    }

    /** Runs every event up to and including {@code until}, then sets the clock to {@code until}. */
    public void runUntil(SimTime until) {
        runUntilNanos(until.nanos());
        if (now < until.nanos()) {
            now = until.nanos();
        }
    }

    /** Runs for {@code span} of simulated time from now; the stepwise form a notebook uses. */
    public void runFor(SimDuration span) {
        runUntil(new SimTime(Math.addExact(now, span.nanos())));
    }

    /** Runs one event if there is one; returns whether it did. */
    public boolean step() {
        if (queue.isEmpty()) {
            return false;
        }
        runOne();
        return true;
    }

    private void runUntilNanos(long until) {
        token.throwIfCancelled();
        while (!queue.isEmpty() && queue.peekTime() <= until) {
            runOne();
            if ((eventsRun & (POLL_EVERY - 1)) == 0) {
                token.throwIfCancelled();
            }
        }
    }

    private void runOne() {
        long t = queue.peekTime();
        EventHandler h = queue.peekHandler();
        long a = queue.peekArg();
        queue.removeHead();
        if (t != now) {
            now = t;
            eventsAtNow = 0;
        } else if (++eventsAtNow > maxEventsPerInstant) {
            throw new SimulationStalledException("no progress: more than " + maxEventsPerInstant
                    + " events at t=" + now + " ns without the clock advancing (last handler: "
                    + h.getClass().getName() + ")");
        }
        eventsRun++;
        h.handle(a);
    }
}
