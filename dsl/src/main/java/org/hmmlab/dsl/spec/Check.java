package org.hmmlab.dsl.spec;

import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * The spec's range checks: each names the component and the parameter and states the range, in one wording for
 * every front end ({@code access-counters threshold must be in [1, 65535], got 0}).
 */
final class Check {

    private Check() {
    }

    /** A whole number in {@code [min, max]}. */
    static int whole(String kind, String param, long value, int min, int max) {
        if (value < min || value > max) {
            throw new SpecException(param, kind + " " + param + " must be in [" + min + ", " + max + "], got " + value);
        }
        return (int) value;
    }

    /** A power-of-two size from {@code min} to {@code max}. */
    static Bytes powerOfTwo(String kind, String param, Bytes size, Bytes min, Bytes max) {
        if (size == null || size.bytes() < min.bytes() || size.bytes() > max.bytes()
                || Long.bitCount(size.bytes()) != 1) {
            throw new SpecException(param, kind + " " + param + " must be a power of two from " + min + " to " + max
                    + ", got " + size);
        }
        return size;
    }

    /** A duration from zero to {@code max}. */
    static SimDuration duration(String kind, String param, SimDuration d, SimDuration max) {
        if (d == null || d.nanos() > max.nanos()) {
            throw new SpecException(param, kind + " " + param + " must be a duration in [0 ns, " + max + "], got " + d);
        }
        return d;
    }

    /** Non-empty text. */
    static String text(String kind, String param, String s) {
        if (s == null || s.isBlank()) {
            throw new SpecException(param, kind + " " + param + " must be non-empty text, got "
                    + (s == null ? "null" : "'" + s + "'"));
        }
        return s;
    }
}
