package org.hmmlab.calibrate;

import java.util.Locale;

/**
 * One comparison of the model with a published figure.
 *
 * @param name      what was measured, in the source's terms
 * @param source    where the figure comes from, with its perf-figures.md tag ([M], [D], [2nd]...)
 * @param unit      the unit of {@code published} and {@code model}, for example {@code "GB/s"} or {@code "us"}
 * @param published the published value (for a published range, its midpoint; see {@code low}/{@code high})
 * @param low       lower end of a published range, or {@code published}
 * @param high      upper end of a published range, or {@code published}
 * @param model     what this model gives for the same scenario
 * @param note      "fit" when the figure set one of the model's constants, or why the model misses by
 *                  more than 15 %; empty otherwise
 */
public record CalibrationCase(String name, String source, String unit, double published, double low, double high,
                              double model, String note) {

    /** A case against a single published value. */
    public static CalibrationCase of(String name, String source, String unit, double published, double model,
                                     String note) {
        return new CalibrationCase(name, source, unit, published, published, published, model, note);
    }

    /** A case against a published range: inside the range is 0 % error, outside it the distance to its edge. */
    public static CalibrationCase range(String name, String source, String unit, double low, double high,
                                        double model, String note) {
        return new CalibrationCase(name, source, unit, (low + high) / 2, low, high, model, note);
    }

    /** Relative error in percent against the published value, or against the nearer edge of a range. */
    public double errorPercent() {
        if (low != high) {
            if (model >= low && model <= high) {
                return 0.0;
            }
            double edge = model < low ? low : high;
            return (model - edge) / edge * 100.0;
        }
        return (model - published) / published * 100.0;
    }

    /** Whether the model is within 15 % of the published figure. */
    public boolean within15Percent() {
        return Math.abs(errorPercent()) <= 15.0;
    }

    String publishedText() {
        return low != high ? String.format(Locale.ROOT, "%.4g-%.4g", low, high)
                : String.format(Locale.ROOT, "%.4g", published);
    }
}
