package org.hmmlab.units;

/**
 * An instant on the simulation clock: nanoseconds since the start of a run. Never negative.
 */
public record SimTime(long nanos) implements Comparable<SimTime> {

    public static final SimTime ZERO = new SimTime(0);

    public SimTime {
        if (nanos < 0) {
            throw new IllegalArgumentException("time must be >= 0 ns, got " + nanos);
        }
    }

    public static SimTime at(long nanos) {
        return new SimTime(nanos);
    }

    public SimTime plus(SimDuration d) {
        return new SimTime(Math.addExact(nanos, d.nanos()));
    }

    /** The span from {@code earlier} to this instant. */
    public SimDuration since(SimTime earlier) {
        return new SimDuration(Math.subtractExact(nanos, earlier.nanos));
    }

    @Override
    public int compareTo(SimTime o) {
        return Long.compare(nanos, o.nanos);
    }

    @Override
    public String toString() {
        return "t=" + new SimDuration(nanos);
    }
}
