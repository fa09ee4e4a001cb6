package org.hmmlab.dsl;

/**
 * How far a sweep has got: points finished out of all points, and the point that just finished. Reported
 * on the thread that called {@link Sweep#run}, once per finished point, so a notebook can update a
 * progress bar and a terminal a progress line without locking.
 *
 * @param done points finished so far
 * @param total points in the sweep
 * @param last the point that just finished
 */
public record SweepProgress(int done, int total, Point last) {

    /** Fraction done, in [0, 1]. */
    public double fraction() {
        return total == 0 ? 1 : (double) done / total;
    }

    /** A one-line progress text: {@code [#####.....] 5/10 size=4 MiB}. */
    public String line() {
        int width = 30;
        int filled = (int) Math.round(fraction() * width);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + done + "/" + total + "  " + last;
    }
}
