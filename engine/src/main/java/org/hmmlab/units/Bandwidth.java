package org.hmmlab.units;

import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A data rate in bytes per second. Strictly positive.
 *
 * <p>{@code GBps} is decimal (10^9 bytes/s), as vendors quote link and memory rates.
 * {@link #timeToTransfer(Bytes)} is the only place where a size becomes a time.
 */
public record Bandwidth(long bytesPerSecond) implements Comparable<Bandwidth> {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long MAX_EXACT_BYTES = Long.MAX_VALUE / NANOS_PER_SECOND;

    private static final Pattern TEXT =
            Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(B/s|kB/s|MB/s|GB/s|TB/s|GiB/s|MiB/s)\\s*");
    /** A number with a minus sign (and perhaps a unit): refused with its own message, not as a missing unit. */
    private static final Pattern NEGATIVE = Pattern.compile("\\s*-\\s*[0-9.]+.*");

    public Bandwidth {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bandwidth must be > 0 B/s, got " + bytesPerSecond);
        }
    }

    public static Bandwidth bytesPerSecond(long n) {
        return new Bandwidth(n);
    }

    public static Bandwidth MBps(double n) {
        return new Bandwidth(Math.round(n * 1e6));
    }

    public static Bandwidth GBps(double n) {
        return new Bandwidth(Math.round(n * 1e9));
    }

    /** Parses a rate with a required unit: {@code "31.5GB/s"}, {@code "900 MB/s"}. */
    public static Bandwidth parse(String text) {
        Matcher m = TEXT.matcher(text == null ? "" : text);
        if (!m.matches() && text != null && NEGATIVE.matcher(text).matches()) {
            throw new IllegalArgumentException("bandwidth '" + text + "' is negative; a bandwidth is zero or more bytes per second");
        }
        if (!m.matches()) {
            throw new IllegalArgumentException("bandwidth '" + text
                    + "' needs a number and a unit: B/s, kB/s, MB/s, GB/s, TB/s, MiB/s or GiB/s");
        }
        double value = Double.parseDouble(m.group(1));
        double unit = switch (m.group(2)) {
            case "B/s" -> 1;
            case "kB/s" -> 1e3;
            case "MB/s" -> 1e6;
            case "GB/s" -> 1e9;
            case "TB/s" -> 1e12;
            case "MiB/s" -> 1 << 20;
            case "GiB/s" -> 1 << 30;
            default -> throw new AssertionError(m.group(2));
        };
        return new Bandwidth(Math.round(value * unit));
    }

    /**
     * Time to move {@code size} at this rate, rounded up to a whole nanosecond so that a non-empty transfer
     * never takes zero time.
     */
    public SimDuration timeToTransfer(Bytes size) {
        long b = size.bytes();
        if (b <= MAX_EXACT_BYTES) {
            // b * 1e9 fits in a long up to about 9.2 GB: the common case, no allocation
            return new SimDuration(Math.ceilDiv(b * NANOS_PER_SECOND, bytesPerSecond));
        }
        BigInteger nanos = BigInteger.valueOf(b).multiply(BigInteger.valueOf(NANOS_PER_SECOND))
                .add(BigInteger.valueOf(bytesPerSecond - 1))
                .divide(BigInteger.valueOf(bytesPerSecond));
        return new SimDuration(nanos.longValueExact());
    }

    /** Bytes moved at this rate in {@code d}, rounded down. */
    public Bytes bytesIn(SimDuration d) {
        return new Bytes(BigInteger.valueOf(bytesPerSecond).multiply(BigInteger.valueOf(d.nanos()))
                .divide(BigInteger.valueOf(NANOS_PER_SECOND)).longValueExact());
    }

    public double toGBps() {
        return bytesPerSecond / 1e9;
    }

    @Override
    public int compareTo(Bandwidth o) {
        return Long.compare(bytesPerSecond, o.bytesPerSecond);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.4g GB/s", toGBps());
    }
}
