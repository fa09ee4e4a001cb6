package org.hmmlab.dsl;

/** A sweep point's run failed; the message names the point so it can be rerun alone. */
public final class SweepException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Point point;

    SweepException(Point point, Throwable cause) {
        super("sweep point " + point.index() + " (" + point + ", seed " + point.seed() + ") failed: " + cause.getMessage(), cause);
        this.point = point;
    }

    /** Point {@code point}'s run failed with {@code cause} (on an executor of a sweep described as data). */
    public static SweepException at(Point point, Throwable cause) {
        return new SweepException(point, cause);
    }

    /** The point whose run failed. */
    public Point point() {
        return point;
    }
}
