package org.hmmlab.dsl.results;

import java.util.Locale;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * How a displayed table writes its numbers so a person can read them: times ({@code _ns} columns) and sizes
 * ({@code _bytes}) scaled to one readable unit per column and written with it ({@code 26.74 ms}, {@code 96 MiB}),
 * whole numbers with thousands separators ({@code 36,864}).
 *
 * <p>Display only: column names keep their unit suffix (they are what {@code select} and {@code curves} take), and
 * CSV and JSON keep the raw values. One unit per column, chosen from the largest value shown, so the rows of a
 * column compare at a glance; a table of names and values (a result's counters) takes each value's unit from its
 * row's name instead.
 */
final class DisplayFormat {

    private static final Pattern PLAIN_NUMBER = Pattern.compile("-?\\d{4,}(\\.\\d+)?");

    private DisplayFormat() {
    }

    /** A unit a column is shown in: its name and how many raw units make one. */
    record Unit(String name, double divisor) {
    }

    /**
     * The cells of {@code column} as shown in rows {@code shown}; {@code digits} is the table's setting for
     * doubles without a unit.
     */
    static IntFunction<String> cells(Column column, int[] shown, int digits) {
        Unit unit = unitOf(column.name(), column.type(), maxAbs(column, shown));
        if (unit != null) {
            int decimals = decimals(column, shown, unit);
            return r -> withUnit(column.number(r), unit, decimals);
        }
        if (column.type() == ColumnType.LONG && separated(column.name())) {
            return r -> String.format(Locale.ROOT, "%,d", (Long) column.get(r));
        }
        if (column.type() == ColumnType.DOUBLE) {
            return r -> separate(column.format(r, digits));
        }
        return r -> column.format(r, digits);
    }

    /**
     * The cells of a value column whose unit each row's name gives ({@code sim_time_ns}, {@code bytes_to_device}):
     * a result's counters table.
     */
    static IntFunction<String> cellsNamedBy(Column values, Column names, int digits) {
        return r -> single(names.format(r), values.type(), values.get(r), digits);
    }

    /** One value shown in its own readable unit, the unit taken from {@code name}: a row's cell. */
    static String single(String name, ColumnType type, Object value, int digits) {
        if (type == ColumnType.LONG || type == ColumnType.DOUBLE) {
            double v = ((Number) value).doubleValue();
            Unit unit = unitOf(name, type, Math.abs(v));
            if (unit != null) {
                double scaled = Math.abs(v) / unit.divisor();
                boolean whole = type == ColumnType.LONG && (v % unit.divisor()) == 0;
                return withUnit(v, unit, whole ? 0 : decimalsFor(scaled));
            }
            if (type == ColumnType.LONG) {
                return separated(name) ? String.format(Locale.ROOT, "%,d", (Long) value) : value.toString();
            }
            return separate(Column.formatDouble(v, digits));
        }
        return String.valueOf(value);
    }

    /** The unit to show a time or size column in, or null when the column is neither (or not a number). */
    static Unit unitOf(String name, ColumnType type, double maxAbs) {
        if (!type.isNumeric()) {
            return null;
        }
        if (isTime(name)) {
            return maxAbs >= 1e9 ? new Unit("s", 1e9) : maxAbs >= 1e6 ? new Unit("ms", 1e6)
                    : maxAbs >= 1e3 ? new Unit("us", 1e3) : new Unit("ns", 1);
        }
        if (isSize(name)) {
            return maxAbs >= 1L << 40 ? new Unit("TiB", 1L << 40) : maxAbs >= 1L << 30 ? new Unit("GiB", 1L << 30)
                    : maxAbs >= 1L << 20 ? new Unit("MiB", 1L << 20) : maxAbs >= 1L << 10 ? new Unit("KiB", 1L << 10)
                    : new Unit("B", 1);
        }
        return null;
    }

    /** A time in nanoseconds: {@code fault_p99_ns}, {@code sim_time_ns}. */
    static boolean isTime(String name) {
        return name.endsWith("_ns");
    }

    /** A size in bytes: {@code vram_bytes}, and the timing engine's counters {@code bytes_to_device}, ... */
    static boolean isSize(String name) {
        return name.endsWith("_bytes") || name.startsWith("bytes_");
    }

    /** Whole numbers that are quantities get separators; identifiers (seeds, frame numbers, addresses) do not. */
    private static boolean separated(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return !(n.equals("seed") || n.endsWith("_seed") || n.contains("pfn") || n.contains("addr")
                || n.endsWith("_id") || n.equals("id") || n.contains("seq") || n.equals("index"));
    }

    private static String withUnit(double v, Unit unit, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Column.formatDouble(v);
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", v / unit.divisor()) + " " + unit.name();
    }

    /** Decimals that give the largest shown value four significant digits; none when every value is whole. */
    private static int decimals(Column column, int[] shown, Unit unit) {
        boolean whole = true;
        for (int r : shown) {
            double v = column.number(r);
            if (Double.isFinite(v) && (v % unit.divisor()) != 0) {
                whole = false;
                break;
            }
        }
        return whole ? 0 : decimalsFor(maxAbs(column, shown) / unit.divisor());
    }

    private static int decimalsFor(double scaledMax) {
        if (!(scaledMax > 0) || Double.isInfinite(scaledMax)) {
            return 0;
        }
        return Math.max(0, Math.min(3, 3 - (int) Math.floor(Math.log10(scaledMax))));
    }

    private static double maxAbs(Column column, int[] shown) {
        double max = 0;
        if (!column.type().isNumeric()) {
            return max;
        }
        for (int r : shown) {
            double v = Math.abs(column.number(r));
            if (Double.isFinite(v)) {
                max = Math.max(max, v);
            }
        }
        return max;
    }

    /** Thousands separators in a plain decimal number ({@code 83126.3} is {@code 83,126.3}); other text as is. */
    static String separate(String formatted) {
        if (!PLAIN_NUMBER.matcher(formatted).matches()) {
            return formatted;
        }
        int dot = formatted.indexOf('.');
        String whole = dot < 0 ? formatted : formatted.substring(0, dot);
        String rest = dot < 0 ? "" : formatted.substring(dot);
        StringBuilder grouped = new StringBuilder();
        int digitsStart = whole.startsWith("-") ? 1 : 0;
        for (int i = digitsStart; i < whole.length(); i++) {
            if (i > digitsStart && (whole.length() - i) % 3 == 0) {
                grouped.append(',');
            }
            grouped.append(whole.charAt(i));
        }
        return whole.substring(0, digitsStart) + grouped + rest;
    }
}
