package org.hmmlab.dsl.results;

import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One named, typed column of a {@link Table}, stored as a primitive array.
 *
 * <p>A value that leaves the type system carries its unit in the column name ({@code latency_ns},
 * {@code size_bytes}, {@code h2d_GBps}), so a CSV read elsewhere still says what its numbers mean. The
 * arrays are copied on the way in and out: a column never changes after it is made.
 */
public final class Column {

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    private final String name;
    private final ColumnType type;
    private final Object values; // long[], double[], String[] or boolean[]

    private Column(String name, ColumnType type, Object values) {
        this.name = checkName(name);
        this.type = type;
        this.values = values;
    }

    /** A column of whole numbers, for example {@code Column.longs("latency_ns", 310, 1200)}. */
    public static Column longs(String name, long... values) {
        return new Column(name, ColumnType.LONG, Objects.requireNonNull(values, "values").clone());
    }

    /** A column of real numbers, for example {@code Column.doubles("h2d_GBps", 11.8, 24.1)}. */
    public static Column doubles(String name, double... values) {
        return new Column(name, ColumnType.DOUBLE, Objects.requireNonNull(values, "values").clone());
    }

    /** A column of text, for example {@code Column.strings("policy", "first-touch", "counters")}. */
    public static Column strings(String name, String... values) {
        String[] copy = Objects.requireNonNull(values, "values").clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] == null) {
                throw new IllegalArgumentException("column '" + name + "': row " + i + " is null; text cells must be non-null");
            }
        }
        return new Column(name, ColumnType.STRING, copy);
    }

    /** A column of flags, for example {@code Column.booleans("thp", true, false)}. */
    public static Column booleans(String name, boolean... values) {
        return new Column(name, ColumnType.BOOLEAN, Objects.requireNonNull(values, "values").clone());
    }

    static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("column name '" + name
                    + "' must start with a letter and hold only letters, digits and '_' (put the unit last: latency_ns)");
        }
        return name;
    }

    public String name() {
        return name;
    }

    public ColumnType type() {
        return type;
    }

    /** Number of rows. */
    public int size() {
        return switch (type) {
            case LONG -> ((long[]) values).length;
            case DOUBLE -> ((double[]) values).length;
            case STRING -> ((String[]) values).length;
            case BOOLEAN -> ((boolean[]) values).length;
        };
    }

    /** The cell at {@code row} as a boxed value ({@code Long}, {@code Double}, {@code String}, {@code Boolean}). */
    public Object get(int row) {
        checkRow(row);
        return switch (type) {
            case LONG -> ((long[]) values)[row];
            case DOUBLE -> ((double[]) values)[row];
            case STRING -> ((String[]) values)[row];
            case BOOLEAN -> ((boolean[]) values)[row];
        };
    }

    /** Every cell, boxed, in row order: for assertions and small tables ({@code t.column("pfn").values()}). */
    public java.util.List<Object> values() {
        Object[] out = new Object[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = get(i);
        }
        return java.util.List.of(out);
    }

    /** The cell at {@code row} as a number; only for numeric columns. */
    public double number(int row) {
        checkRow(row);
        return switch (type) {
            case LONG -> ((long[]) values)[row];
            case DOUBLE -> ((double[]) values)[row];
            default -> throw new IllegalStateException("column '" + name + "' holds " + type.jsonName() + ", not numbers");
        };
    }

    /** A copy of a {@link ColumnType#LONG} column's values. */
    public long[] longValues() {
        requireType(ColumnType.LONG);
        return ((long[]) values).clone();
    }

    /** A copy of a numeric column's values as doubles (longs widen). */
    public double[] doubleValues() {
        if (type == ColumnType.LONG) {
            return Arrays.stream((long[]) values).asDoubleStream().toArray();
        }
        requireType(ColumnType.DOUBLE);
        return ((double[]) values).clone();
    }

    /** A copy of a {@link ColumnType#STRING} column's values. */
    public String[] stringValues() {
        requireType(ColumnType.STRING);
        return ((String[]) values).clone();
    }

    /** A copy of a {@link ColumnType#BOOLEAN} column's values. */
    public boolean[] booleanValues() {
        requireType(ColumnType.BOOLEAN);
        return ((boolean[]) values).clone();
    }

    /** The same values under another name. */
    public Column renamed(String newName) {
        return new Column(newName, type, values);
    }

    /** The rows whose indexes are given, in that order. */
    Column pick(int[] rows) {
        return switch (type) {
            case LONG -> {
                long[] src = (long[]) values, out = new long[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    out[i] = src[rows[i]];
                }
                yield new Column(name, type, out);
            }
            case DOUBLE -> {
                double[] src = (double[]) values, out = new double[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    out[i] = src[rows[i]];
                }
                yield new Column(name, type, out);
            }
            case STRING -> {
                String[] src = (String[]) values, out = new String[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    out[i] = src[rows[i]];
                }
                yield new Column(name, type, out);
            }
            case BOOLEAN -> {
                boolean[] src = (boolean[]) values, out = new boolean[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    out[i] = src[rows[i]];
                }
                yield new Column(name, type, out);
            }
        };
    }

    /** Significant digits a double cell shows by default. */
    public static final int DEFAULT_DIGITS = 6;
    /** Enough significant digits to tell any two doubles apart. */
    public static final int MAX_DIGITS = 17;

    /** The cell as it prints in text, HTML and CSV: longs in full, doubles with six significant digits. */
    String format(int row) {
        return format(row, DEFAULT_DIGITS);
    }

    /** The cell as text and HTML show it, doubles with {@code digits} significant digits. */
    String format(int row, int digits) {
        return switch (type) {
            case LONG -> Long.toString(((long[]) values)[row]);
            case DOUBLE -> formatDouble(((double[]) values)[row], digits);
            case STRING -> ((String[]) values)[row];
            case BOOLEAN -> Boolean.toString(((boolean[]) values)[row]);
        };
    }

    static String formatDouble(double v) {
        return formatDouble(v, DEFAULT_DIGITS);
    }

    static String formatDouble(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v) + ".0";
        }
        if (Math.abs(v) >= 1e6 && Math.abs(v) < 1e15) {
            // a mean of nanoseconds in the millions: every digit reads better than 1.78404e+06
            return String.format(java.util.Locale.ROOT, "%.1f", v);
        }
        String s = String.format(java.util.Locale.ROOT, "%." + digits + "g", v);
        int e = s.indexOf('e');
        if (e >= 0) {
            // 1.23400e-07 reads as 1.234e-07: the trailing zeros of the mantissa are padding, not precision
            String mantissa = s.substring(0, e).replaceAll("0+$", "");
            return (mantissa.endsWith(".") ? mantissa + "0" : mantissa) + s.substring(e);
        }
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "");
            if (s.endsWith(".")) {
                s += "0";
            }
        }
        return s;
    }

    private void checkRow(int row) {
        if (row < 0 || row >= size()) {
            throw new IndexOutOfBoundsException("column '" + name + "': row " + row + " is outside [0, " + size() + ")");
        }
    }

    private void requireType(ColumnType wanted) {
        if (type != wanted) {
            throw new IllegalStateException("column '" + name + "' holds " + type.jsonName() + ", not " + wanted.jsonName());
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Column c) || !c.name.equals(name) || c.type != type) {
            return false;
        }
        return switch (type) {
            case LONG -> Arrays.equals((long[]) values, (long[]) c.values);
            case DOUBLE -> Arrays.equals((double[]) values, (double[]) c.values);
            case STRING -> Arrays.equals((String[]) values, (String[]) c.values);
            case BOOLEAN -> Arrays.equals((boolean[]) values, (boolean[]) c.values);
        };
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + size();
    }

    @Override
    public String toString() {
        return name + " (" + type.jsonName() + ", " + size() + " rows)";
    }
}
