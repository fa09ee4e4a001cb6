package org.hmmlab.bench;

/**
 * One measured figure: its name, value, unit, and the target it is held to ({@code >=} or {@code <=}).
 *
 * @param name    a stable machine name, e.g. {@code hmm_range_fault_pages_per_s}
 * @param value   the measured value
 * @param unit    the unit of {@code value}, e.g. {@code pages/s}, {@code bytes/page}
 * @param atLeast true if the target is a minimum, false if a maximum
 * @param target  the target value, or NaN when there is none
 */
public record Figure(String name, double value, String unit, boolean atLeast, double target) {

    public boolean meetsTarget() {
        return Double.isNaN(target) || (atLeast ? value >= target : value <= target);
    }
}
