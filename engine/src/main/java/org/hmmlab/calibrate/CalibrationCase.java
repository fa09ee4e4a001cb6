package org.hmmlab.calibrate;

import java.util.Locale;
import java.util.Objects;

/**
 * One comparison of the model with a published figure.
 *
 * @param name      what was measured, in the source's terms
 * @param tag       how far the figure itself can be trusted, as perf-figures.md tags it (measured, derived,
 *                  second-hand...)
 * @param source    where the figure comes from (the citation, without its tag)
 * @param unit      the unit of {@code published} and {@code model}, for example {@code "GB/s"} or {@code "us"}
 * @param published the published value (for a published range, its midpoint; see {@code low}/{@code high})
 * @param low       lower end of a published range, or {@code published}
 * @param high      upper end of a published range, or {@code published}
 * @param model     what this model gives for the same scenario
 * @param note      "fit" when the figure set one of the model's constants, or why the model misses by
 *                  more than 15 %; empty otherwise
 */
public record CalibrationCase(String name, SourceTag tag, String source, String unit, double published, double low,
                              double high, double model, String note) {

    public CalibrationCase {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tag, () -> "case '" + name + "': tag must be one of " + SourceTag.labels());
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(note, "note");
    }

    /**
     * A case against a single published value:
     * {@code CalibrationCase.of("my H2D 256 MiB", SourceTag.MEASURED, "my nvbandwidth run", "GB/s", 24.1, model, "")}.
     */
    public static CalibrationCase of(String name, SourceTag tag, String source, String unit, double published,
                                     double model, String note) {
        return new CalibrationCase(name, tag, source, unit, published, published, published, model, note);
    }

    /**
     * A case against a published range: inside the range is 0 % error, outside it the distance to its edge.
     */
    public static CalibrationCase range(String name, SourceTag tag, String source, String unit, double low,
                                        double high, double model, String note) {
        return new CalibrationCase(name, tag, source, unit, (low + high) / 2, low, high, model, note);
    }

    /**
     * A case against a single published value whose source opens with its tag, as perf-figures.md writes it:
     * {@code CalibrationCase.of("my H2D", "[M] my nvbandwidth run", "GB/s", 24.1, model, "")}.
     */
    public static CalibrationCase of(String name, String taggedSource, String unit, double published, double model,
                                     String note) {
        return of(name, tagOf(name, taggedSource), citationOf(taggedSource), unit, published, model, note);
    }

    /** A case against a published range whose source opens with its tag ({@code "[M] ..."}). */
    public static CalibrationCase range(String name, String taggedSource, String unit, double low, double high,
                                        double model, String note) {
        return range(name, tagOf(name, taggedSource), citationOf(taggedSource), unit, low, high, model, note);
    }

    private static SourceTag tagOf(String name, String taggedSource) {
        Objects.requireNonNull(taggedSource, "source");
        if (!SourceTag.opensWithTag(taggedSource)) {
            throw new IllegalArgumentException("case '" + name + "': source '" + taggedSource + "' must open with its"
                    + " tag, one of " + SourceTag.labels() + " (\"[M] my nvbandwidth run\"), or give the tag as a"
                    + " SourceTag: CalibrationCase.of(name, SourceTag.MEASURED, source, ...)");
        }
        String s = taggedSource.strip();
        return SourceTag.ofLabel(s.substring(1, s.indexOf(']')));
    }

    private static String citationOf(String taggedSource) {
        String s = taggedSource.strip();
        return s.substring(s.indexOf(']') + 1).strip();
    }

    /** The source with its tag in front, as perf-figures.md writes it: {@code [M] nvbandwidth issue #42}. */
    public String taggedSource() {
        return source.isEmpty() ? tag.bracketed() : tag.bracketed() + " " + source;
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
