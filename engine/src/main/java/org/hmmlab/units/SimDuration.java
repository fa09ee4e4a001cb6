package org.hmmlab.units;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A span of simulated time in nanoseconds. Never negative.
 *
 * <p>Nanoseconds on a {@code long} reach 292 years, far beyond any run, and keep every sum exact, which
 * the same-seed-same-result rule needs (a {@code double}-seconds clock would not).
 */
public record SimDuration(long nanos) implements Comparable<SimDuration> {

    public static final SimDuration ZERO = new SimDuration(0);

    private static final Pattern TEXT = Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(ns|us|µs|ms|s)\\s*");
    /** A number with a minus sign (and perhaps a unit): refused with its own message, not as a missing unit. */
    private static final Pattern NEGATIVE = Pattern.compile("\\s*-\\s*[0-9.]+.*");

    public SimDuration {
        if (nanos < 0) {
            throw new IllegalArgumentException("duration must be >= 0 ns, got " + nanos);
        }
    }

    public static SimDuration ns(long n) {
        return new SimDuration(n);
    }

    public static SimDuration us(long n) {
        return new SimDuration(Math.multiplyExact(n, 1_000L));
    }

    public static SimDuration ms(long n) {
        return new SimDuration(Math.multiplyExact(n, 1_000_000L));
    }

    public static SimDuration s(long n) {
        return new SimDuration(Math.multiplyExact(n, 1_000_000_000L));
    }

    /** Parses a duration with a required unit: {@code "250ns"}, {@code "1.5us"}, {@code "10ms"}, {@code "2s"}. */
    public static SimDuration parse(String text) {
        Matcher m = TEXT.matcher(text == null ? "" : text);
        if (!m.matches() && text != null && NEGATIVE.matcher(text).matches()) {
            throw new IllegalArgumentException("duration '" + text + "' is negative; a duration is zero or more nanoseconds");
        }
        if (!m.matches()) {
            throw new IllegalArgumentException("duration '" + text + "' needs a number and a unit: ns, us, ms or s");
        }
        double value = Double.parseDouble(m.group(1));
        long unit = switch (m.group(2)) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            default -> throw new AssertionError(m.group(2));
        };
        double total = value * unit;
        if (total > Long.MAX_VALUE || total != Math.rint(total)) {
            throw new IllegalArgumentException("duration '" + text + "' is not a whole number of nanoseconds");
        }
        return new SimDuration((long) total);
    }

    public SimDuration plus(SimDuration other) {
        return new SimDuration(Math.addExact(nanos, other.nanos));
    }

    public SimDuration minus(SimDuration other) {
        return new SimDuration(Math.subtractExact(nanos, other.nanos));
    }

    public SimDuration times(long factor) {
        return new SimDuration(Math.multiplyExact(nanos, factor));
    }

    public double toMicros() {
        return nanos / 1e3;
    }

    @Override
    public int compareTo(SimDuration o) {
        return Long.compare(nanos, o.nanos);
    }

    @Override
    public String toString() {
        if (nanos < 1_000) {
            return nanos + " ns";
        }
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.3g us", nanos / 1e3);
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.3g ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.4g s", nanos / 1e9);
    }
}
