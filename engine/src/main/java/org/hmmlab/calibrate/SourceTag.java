package org.hmmlab.calibrate;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How far a published figure can be trusted, as shared/reference/perf-figures.md tags every number it collects
 * (and {@link org.hmmlab.platform.Platforms} tags every constant of a ready profile).
 *
 * <p>The tag is part of a calibration case because agreement with a measurement is evidence, agreement with a
 * figure derived from the same specification checks only the arithmetic, and agreement with a simulator's
 * parameter checks nothing about hardware: a reader weighs each row by its tag.
 */
public enum SourceTag {

    /** {@code [M]}: measured on real hardware by the cited source (a benchmark's data file, an issue with numbers). */
    MEASURED("M", "measured on real hardware by the cited source"),
    /** {@code [S]}: a specification or vendor datasheet value. */
    SPECIFICATION("S", "a specification or vendor datasheet value"),
    /** {@code [P]}: a driver default or a simulator's configuration value: a model input, not an observation. */
    PARAMETER("P", "a driver default or a simulator's setting: an input, not an observation"),
    /** {@code [D]}: derived from cited numbers (arithmetic given, or computed with the cited open model). */
    DERIVED("D", "derived from cited numbers or with a published open model: arithmetic, not a measurement"),
    /** {@code [2nd]}: read through a secondary summary or reading note of the paper; treat with care. */
    SECOND_HAND("2nd", "second-hand: the paper's figure read through someone else's summary; treat with care"),
    /** {@code [U]}: recalled or commonly quoted but not checked in any source read; not for calibration. */
    UNVERIFIED("U", "commonly quoted but not checked in any source; not for calibration"),
    /** {@code [A]}: an assumption of this model where no source gives the number. */
    ASSUMPTION("A", "an assumption of this model where no source gives the number");

    private final String label;
    private final String meaning;

    SourceTag(String label, String meaning) {
        this.label = label;
        this.meaning = meaning;
    }

    /** The tag as perf-figures.md writes it between brackets: {@code M}, {@code 2nd}. */
    public String label() {
        return label;
    }

    /** What the tag says about the figure, in one line. */
    public String meaning() {
        return meaning;
    }

    /** The tag in brackets, as it opens a source text: {@code [M]}. */
    public String bracketed() {
        return "[" + label + "]";
    }

    /** The tag whose label is {@code label} ({@code "M"}, {@code "2nd"}); the error lists the labels there are. */
    public static SourceTag ofLabel(String label) {
        for (SourceTag t : values()) {
            if (t.label.equals(label)) {
                return t;
            }
        }
        throw new IllegalArgumentException("source tag '" + label + "' is not one of " + labels());
    }

    /** Whether {@code source} opens with a tag in brackets, as in {@code "[M] nvbandwidth issue #42"}. */
    static boolean opensWithTag(String source) {
        String s = source.strip();
        int end = s.indexOf(']');
        return s.startsWith("[") && end > 1 && Arrays.stream(values()).anyMatch(t -> t.label.equals(s.substring(1, end)));
    }

    static String labels() {
        return Arrays.stream(values()).map(SourceTag::bracketed).collect(Collectors.joining(", "));
    }
}
