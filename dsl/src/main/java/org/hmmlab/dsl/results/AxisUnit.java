package org.hmmlab.dsl.results;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.util.Locale;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * How a column's numbers show on an axis: the unit read from the column name's suffix ({@code _ns},
 * {@code _bytes}, {@code _GBps}), scaled to a readable magnitude (nanoseconds become microseconds or
 * milliseconds, bytes become KiB, MiB or GiB) and named in the axis label.
 */
record AxisUnit(String quantity, String unit, double divisor) {

    static AxisUnit forColumn(String column, double maxAbs) {
        String base = column;
        String suffix = "";
        int us = column.lastIndexOf('_');
        if (us > 0) {
            base = column.substring(0, us);
            suffix = column.substring(us + 1);
        }
        String quantity = base.replace('_', ' ');
        if (column.startsWith("bytes_")) {
            // The timing engine's byte counters name the unit first: bytes_to_device, bytes_to_host.
            quantity = column.replace('_', ' ');
            suffix = "bytes";
        }
        return switch (suffix) {
            case "ns" -> maxAbs >= 1e9 ? new AxisUnit(quantity, "s", 1e9)
                    : maxAbs >= 1e6 ? new AxisUnit(quantity, "ms", 1e6)
                    : maxAbs >= 1e4 ? new AxisUnit(quantity, "us", 1e3)
                    : new AxisUnit(quantity, "ns", 1);
            case "us" -> new AxisUnit(quantity, "us", 1);
            case "ms" -> new AxisUnit(quantity, "ms", 1);
            case "bytes" -> maxAbs >= 1L << 30 ? new AxisUnit(quantity, "GiB", 1L << 30)
                    : maxAbs >= 1L << 20 ? new AxisUnit(quantity, "MiB", 1L << 20)
                    : maxAbs >= 1L << 10 ? new AxisUnit(quantity, "KiB", 1L << 10)
                    : new AxisUnit(quantity, "bytes", 1);
            case "GBps" -> new AxisUnit(quantity, "GB/s", 1);
            case "MBps" -> new AxisUnit(quantity, "MB/s", 1);
            case "pages" -> new AxisUnit(quantity, "pages", 1);
            case "pct" -> new AxisUnit(quantity, "%", 1);
            default -> new AxisUnit(column.replace('_', ' '), "", 1);
        };
    }

    /** The unit-free series name for a column: {@code h2d_GBps} is {@code h2d}. */
    static String seriesName(String column) {
        AxisUnit u = forColumn(column, 1);
        return u.unit().isEmpty() ? column : u.quantity();
    }

    /** Whether two columns measure in the same unit (same known unit suffix, or both without one). */
    static boolean sameSuffix(String a, String b) {
        return forColumn(a, 1).unit().equals(forColumn(b, 1).unit()) && forColumn(a, 1e12).unit().equals(forColumn(b, 1e12).unit());
    }

    String label() {
        return unit.isEmpty() ? quantity : quantity + " (" + unit + ")";
    }

    String label(String otherQuantity) {
        return unit.isEmpty() ? otherQuantity : otherQuantity + " (" + unit + ")";
    }

    double scale(double v) {
        return v / divisor;
    }

    /** Tick labels with thousands separators and no needless decimals. */
    static NumberFormat tickFormat() {
        DecimalFormat f = new DecimalFormat("#,##0.###", DecimalFormatSymbols.getInstance(Locale.ROOT));
        return f;
    }

    /** A number already in its chart's unit, to three significant digits with separators: {@code 27.6}, {@code 1,536}. */
    static String formatScaled(double v) {
        if (!Double.isFinite(v)) {
            return Column.formatDouble(v);
        }
        return Math.abs(v) >= 1000 ? String.format(Locale.ROOT, "%,.0f", v)
                : new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /** A single value in the column's own unit, as a person would write it: {@code 2 MiB}, {@code 1.5 us}. */
    static String formatValue(Column column, int row) {
        String n = column.name();
        if (column.type() == ColumnType.LONG && n.endsWith("_bytes")) {
            return new Bytes((Long) column.get(row)).toString();
        }
        if (column.type() == ColumnType.LONG && n.endsWith("_ns")) {
            return new SimDuration((Long) column.get(row)).toString();
        }
        if (n.endsWith("_GBps")) {
            return Column.formatDouble(column.number(row)) + " GB/s";
        }
        return column.format(row);
    }
}
