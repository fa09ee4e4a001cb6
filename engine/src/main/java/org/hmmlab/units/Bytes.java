package org.hmmlab.units;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size in bytes. Never negative.
 *
 * <p>Binary units ({@code KiB}, {@code MiB}, {@code GiB}, {@code TiB}) are powers of 1024, decimal units
 * ({@code kB}, {@code MB}, {@code GB}, {@code TB}) powers of 1000, as in IEC 80000-13. Page sizes are binary;
 * link rates are decimal.
 */
public record Bytes(long bytes) implements Comparable<Bytes> {

    public static final Bytes ZERO = new Bytes(0);
    /** The base page size of x86-64, {@code PAGE_SIZE}. */
    public static final Bytes PAGE = new Bytes(4096);
    /** The PMD (transparent huge page) size of x86-64, {@code HPAGE_PMD_SIZE}. */
    public static final Bytes HUGE_PAGE = new Bytes(2L << 20);

    private static final Pattern TEXT =
            Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(B|KiB|MiB|GiB|TiB|kB|KB|MB|GB|TB)\\s*");
    /** A number with a minus sign (and perhaps a unit): refused with its own message, not as a missing unit. */
    private static final Pattern NEGATIVE = Pattern.compile("\\s*-\\s*[0-9.]+.*");

    public Bytes {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0, got " + bytes);
        }
    }

    public static Bytes of(long bytes) {
        return new Bytes(bytes);
    }

    public static Bytes KiB(long n) {
        return new Bytes(Math.multiplyExact(n, 1L << 10));
    }

    public static Bytes MiB(long n) {
        return new Bytes(Math.multiplyExact(n, 1L << 20));
    }

    public static Bytes GiB(long n) {
        return new Bytes(Math.multiplyExact(n, 1L << 30));
    }

    public static Bytes kB(long n) {
        return new Bytes(Math.multiplyExact(n, 1_000L));
    }

    public static Bytes MB(long n) {
        return new Bytes(Math.multiplyExact(n, 1_000_000L));
    }

    public static Bytes GB(long n) {
        return new Bytes(Math.multiplyExact(n, 1_000_000_000L));
    }

    /** A number of 4 KiB pages. */
    public static Bytes pages(long n) {
        return new Bytes(Math.multiplyExact(n, PAGE.bytes));
    }

    /**
     * Parses a size with a required unit, for example {@code "4KiB"}, {@code "2 MiB"}, {@code "1.5GB"}.
     *
     * @throws IllegalArgumentException naming the accepted units when the text has none or an unknown one
     */
    public static Bytes parse(String text) {
        Matcher m = TEXT.matcher(text == null ? "" : text);
        if (!m.matches() && text != null && NEGATIVE.matcher(text).matches()) {
            throw new IllegalArgumentException("size '" + text + "' is negative; a size is zero or more bytes");
        }
        if (!m.matches()) {
            throw new IllegalArgumentException("size '" + text
                    + "' needs a number and a unit: B, KiB, MiB, GiB, TiB (binary) or kB, MB, GB, TB (decimal)");
        }
        double value = Double.parseDouble(m.group(1));
        long unit = switch (m.group(2)) {
            case "B" -> 1L;
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            case "TiB" -> 1L << 40;
            case "kB", "KB" -> 1_000L;
            case "MB" -> 1_000_000L;
            case "GB" -> 1_000_000_000L;
            case "TB" -> 1_000_000_000_000L;
            default -> throw new AssertionError(m.group(2));
        };
        double total = value * unit;
        if (total > Long.MAX_VALUE || total != Math.rint(total)) {
            throw new IllegalArgumentException("size '" + text + "' is not a whole number of bytes within 2^63");
        }
        return new Bytes((long) total);
    }

    public Bytes plus(Bytes other) {
        return new Bytes(Math.addExact(bytes, other.bytes));
    }

    public Bytes minus(Bytes other) {
        return new Bytes(Math.subtractExact(bytes, other.bytes));
    }

    public Bytes times(long factor) {
        return new Bytes(Math.multiplyExact(bytes, factor));
    }

    /** Number of whole 4 KiB pages, rounding up. */
    public long pagesCeil() {
        return (bytes + PAGE.bytes - 1) / PAGE.bytes;
    }

    public boolean isPageAligned() {
        return (bytes & (PAGE.bytes - 1)) == 0;
    }

    @Override
    public int compareTo(Bytes o) {
        return Long.compare(bytes, o.bytes);
    }

    /** Human form in binary units: {@code 4 KiB}, {@code 1.5 GiB}. */
    @Override
    public String toString() {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (v == Math.rint(v) ? String.format(Locale.ROOT, "%d", (long) v)
                : String.format(Locale.ROOT, "%.3g", v)) + " " + units[u];
    }
}
