package org.hmmlab.dsl.results;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.hmmlab.units.Bandwidth;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * One row of named, typed measurements, in the order they were added: what a sweep point reports.
 *
 * <p>Immutable: {@link #with(String, long)} returns a new row. Typed quantities become columns whose names
 * carry the unit: {@code with("size", MiB(2))} adds {@code size_bytes}, {@code with("fault", us(3))} adds
 * {@code fault_ns}, {@code with("h2d", GBps(12))} adds {@code h2d_GBps}.
 *
 * <pre>{@code Row.of().with("faults", 512).with("h2d", GBps(11.9))}</pre>
 *
 * <p>A notebook shows a row as a two-column table of names and values, each value in a readable unit
 * ({@code sim_time_ns} as {@code 26.74 ms}, {@code bytes_to_device} as {@code 96 MiB}); {@link #toString()} and
 * the row's values stay raw.
 */
public final class Row implements Displayable {

    /** One named cell. */
    public record Cell(String name, ColumnType type, Object value) {
        public Cell {
            Column.checkName(name);
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(value, "value");
        }
    }

    private static final Row EMPTY = new Row(List.of());

    private final List<Cell> cells;

    private Row(List<Cell> cells) {
        this.cells = cells;
    }

    /** An empty row to add cells to: {@code Row.of().with("faults", 12)}. */
    public static Row of() {
        return EMPTY;
    }

    /** Adds a whole-number cell: {@code with("faults", 512)}. */
    public Row with(String name, long value) {
        return add(new Cell(name, ColumnType.LONG, value));
    }

    /** Adds a real-number cell: {@code with("hit_rate", 0.93)}. */
    public Row with(String name, double value) {
        return add(new Cell(name, ColumnType.DOUBLE, value));
    }

    /** Adds a text cell: {@code with("policy", "first-touch")}. */
    public Row with(String name, String value) {
        return add(new Cell(name, ColumnType.STRING, Objects.requireNonNull(value, name)));
    }

    /** Adds a flag cell: {@code with("thp", true)}. */
    public Row with(String name, boolean value) {
        return add(new Cell(name, ColumnType.BOOLEAN, value));
    }

    /** Adds a size as {@code <name>_bytes}: {@code with("size", MiB(2))} is {@code size_bytes = 2097152}. */
    public Row with(String name, Bytes value) {
        return with(name + "_bytes", value.bytes());
    }

    /** Adds a duration as {@code <name>_ns}: {@code with("p99", us(4))} is {@code p99_ns = 4000}. */
    public Row with(String name, SimDuration value) {
        return with(name + "_ns", value.nanos());
    }

    /** Adds a rate as {@code <name>_GBps}: {@code with("h2d", GBps(12))} is {@code h2d_GBps = 12.0}. */
    public Row with(String name, Bandwidth value) {
        return with(name + "_GBps", value.toGBps());
    }

    /**
     * Adds any supported value, choosing the column as the typed {@code with} overloads do; used for sweep
     * parameters whose type is only known at run time. Other types are written as their {@code toString()}.
     */
    public Row withValue(String name, Object value) {
        Objects.requireNonNull(value, name);
        return switch (value) {
            case Bytes b -> with(name, b);
            case SimDuration d -> with(name, d);
            case Bandwidth bw -> with(name, bw);
            case Long l -> with(name, l.longValue());
            case Integer i -> with(name, i.longValue());
            case Short s -> with(name, s.longValue());
            case Double d -> with(name, d.doubleValue());
            case Float f -> with(name, f.doubleValue());
            case Boolean b -> with(name, b.booleanValue());
            case String s -> with(name, s);
            case Enum<?> e -> with(name, e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            default -> with(name, value.toString());
        };
    }

    /** Appends all cells of {@code other} after this row's. */
    public Row with(Row other) {
        Row r = this;
        for (Cell c : other.cells) {
            r = r.add(c);
        }
        return r;
    }

    private Row add(Cell cell) {
        for (Cell c : cells) {
            if (c.name().equals(cell.name())) {
                throw new IllegalArgumentException("row already has a cell named '" + cell.name() + "'");
            }
        }
        List<Cell> next = new ArrayList<>(cells.size() + 1);
        next.addAll(cells);
        next.add(cell);
        return new Row(Collections.unmodifiableList(next));
    }

    /** The cells in the order they were added. */
    public List<Cell> cells() {
        return cells;
    }

    /** The value of the cell named {@code name}. */
    public Object get(String name) {
        for (Cell c : cells) {
            if (c.name().equals(name)) {
                return c.value();
            }
        }
        throw new IllegalArgumentException("row has no cell '" + name + "'; it has " + names());
    }

    /** The cell names in order. */
    public List<String> names() {
        return cells.stream().map(Cell::name).toList();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Row r && r.cells.equals(cells);
    }

    @Override
    public int hashCode() {
        return cells.hashCode();
    }

    /** The row as a table of names and values, the values in readable units (see {@link Table#raw()}). */
    @Override
    public Map<String, String> mimeBundle() {
        return Map.of("text/plain", toText(), "text/html", toHtml());
    }

    private List<String> shownValues() {
        return cells.stream().map(c -> DisplayFormat.single(c.name(), c.type(), c.value(), Column.DEFAULT_DIGITS))
                .toList();
    }

    private String toText() {
        List<String> values = shownValues();
        int nameWidth = cells.stream().mapToInt(c -> c.name().length()).max().orElse(0);
        int valueWidth = values.stream().mapToInt(String::length).max().orElse(0);
        StringBuilder sb = new StringBuilder("row (").append(cells.size()).append(cells.size() == 1 ? " value" : " values")
                .append(")\n");
        for (int i = 0; i < cells.size(); i++) {
            String v = values.get(i);
            boolean number = cells.get(i).type().isNumeric();
            sb.append(cells.get(i).name()).append(" ".repeat(nameWidth - cells.get(i).name().length() + 2))
                    .append(number ? " ".repeat(valueWidth - v.length()) + v : v).append('\n');
        }
        return sb.toString();
    }

    private String toHtml() {
        List<String> values = shownValues();
        StringBuilder sb = new StringBuilder("<table class=\"hmmlab-table hmmlab-row\">\n<tbody>\n");
        for (int i = 0; i < cells.size(); i++) {
            sb.append("<tr><th style=\"text-align:left\">").append(Table.escape(cells.get(i).name()))
                    .append("</th><td style=\"text-align:").append(cells.get(i).type().isNumeric() ? "right" : "left")
                    .append("\">").append(Table.escape(values.get(i))).append("</td></tr>\n");
        }
        return sb.append("</tbody>\n</table>\n").toString();
    }

    /** The raw cells as {@code {name=value, ...}}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (Cell c : cells) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(c.name()).append('=').append(c.value());
        }
        return sb.append('}').toString();
    }
}
