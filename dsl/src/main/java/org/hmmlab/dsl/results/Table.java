package org.hmmlab.dsl.results;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/**
 * A result as a table of named, typed columns: counters, latency percentiles by stage, a sweep's points.
 *
 * <p>Tables come first among results because they print, export (CSV here, JSON through
 * {@code org.hmmlab.dsl.json.Json}) and compare across runs; charts are drawn from them. A table is
 * immutable. In a notebook it renders as HTML, on a terminal as aligned text; both show the first
 * {@value #SHOW_HEAD} and last {@value #SHOW_TAIL} rows of a long table and say how many are hidden and how to
 * see them: {@link #showAll()} (every row, up to {@value #MAX_SHOWN}), {@link #show(int)}, or a slice of rows
 * with {@link #head(int)}, {@link #tail(int)} and {@link #slice(int, int)}. CSV and JSON always hold every row.
 *
 * <pre>{@code
 * Table t = Table.of("faults", Column.strings("stage", "entry", "copy"), Column.longs("p50_ns", 900, 5200));
 * cal.showAll()          // a 31-row table in one piece
 * cal.slice(10, 20)      // rows 10 to 19
 * }</pre>
 */
public final class Table implements Displayable {

    /** Rows a long table shows from its start and its end by default; the rows between are hidden. */
    public static final int SHOW_HEAD = 20;
    public static final int SHOW_TAIL = 5;
    /**
     * The most rows one rendering shows, for {@link #showAll()} and {@link #show(int)}: a notebook page holding
     * more gets slow to scroll and to save; {@link #slice(int, int)} reaches any other rows and CSV holds them all.
     */
    public static final int MAX_SHOWN = 1000;
    /** A table at most this many rows longer than its display limit shows every row rather than hide a few. */
    private static final int SLACK = 5;

    private final String name;
    private final List<Column> columns;
    private final int rowCount;
    /** The most rows text and HTML show; a display setting only, not part of the value (see equals). */
    private final int shownLimit;
    /** Significant digits text and HTML give a double cell; a display setting like {@link #shownLimit}. */
    private final int digits;
    /** Whether text and HTML show the stored numbers as they are ({@link #raw()}); a display setting too. */
    private final boolean raw;

    private Table(String name, List<Column> columns) {
        this(name, columns, SHOW_HEAD + SHOW_TAIL, Column.DEFAULT_DIGITS, false);
    }

    private Table(String name, List<Column> columns, int shownLimit, int digits, boolean raw) {
        this.shownLimit = shownLimit;
        this.digits = digits;
        this.raw = raw;
        this.name = checkTitle(name);
        this.columns = List.copyOf(columns);
        Set<String> seen = new HashSet<>();
        int rows = columns.isEmpty() ? 0 : columns.get(0).size();
        for (Column c : columns) {
            if (!seen.add(c.name())) {
                throw new IllegalArgumentException("table '" + name + "' has two columns named '" + c.name() + "'");
            }
            if (c.size() != rows) {
                throw new IllegalArgumentException("table '" + name + "': column '" + c.name() + "' has " + c.size()
                        + " rows but '" + columns.get(0).name() + "' has " + rows);
            }
        }
        this.rowCount = rows;
    }

    private static String checkTitle(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("table name must be non-empty text");
        }
        return name;
    }

    /** A table from whole columns of equal length. */
    public static Table of(String name, Column... columns) {
        return new Table(name, List.of(columns));
    }

    /** A table from whole columns of equal length. */
    public static Table of(String name, List<Column> columns) {
        return new Table(name, columns);
    }

    /**
     * A table from rows that all have the same cell names and types, in the order given, for example the
     * rows a sweep's points reported.
     */
    public static Table fromRows(String name, List<Row> rows) {
        if (rows.isEmpty()) {
            return new Table(name, List.of());
        }
        List<Row.Cell> shape = rows.get(0).cells();
        Builder b = builder(name);
        for (Row.Cell c : shape) {
            b = b.column(c.name(), c.type());
        }
        for (int r = 0; r < rows.size(); r++) {
            List<Row.Cell> cells = rows.get(r).cells();
            if (!rows.get(r).names().equals(rows.get(0).names())) {
                throw new IllegalArgumentException("table '" + name + "': row " + r + " has cells " + rows.get(r).names()
                        + " but row 0 has " + rows.get(0).names());
            }
            Object[] values = new Object[cells.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = cells.get(i).value();
            }
            b.row(values);
        }
        return b.build();
    }

    /**
     * The rows of several tables with the same columns, one after another, under a new name:
     * {@code Table.concat("stages", a.stageMeans(), b.stageMeans())}.
     */
    public static Table concat(String name, Table... tables) {
        if (tables.length == 0) {
            throw new IllegalArgumentException("concat(name, tables...): give at least one table");
        }
        Builder b = builder(name);
        for (Column c : tables[0].columns) {
            b.column(c.name(), c.type());
        }
        for (Table t : tables) {
            if (!t.columnNames().equals(tables[0].columnNames())) {
                throw new IllegalArgumentException("concat: table '" + t.name + "' has columns " + t.columnNames()
                        + " but '" + tables[0].name + "' has " + tables[0].columnNames());
            }
            for (int r = 0; r < t.rowCount; r++) {
                b.row(t.row(r).values().toArray());
            }
        }
        return b.build();
    }

    /** Starts a table filled row by row: {@code Table.builder("t").column("size_bytes", LONG).row(4096L).build()}. */
    public static Builder builder(String name) {
        return new Builder(checkTitle(name));
    }

    /**
     * Collects a table row by row. Unlike the DSL's values this is a mutable collector; {@link #build()} makes
     * the immutable table. Every row is checked against the declared columns when it is added.
     */
    public static final class Builder {
        private final String name;
        private final List<String> names = new ArrayList<>();
        private final List<ColumnType> types = new ArrayList<>();
        private final List<Object[]> rows = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        /** Declares the next column; all columns come before the first row. */
        public Builder column(String columnName, ColumnType type) {
            Column.checkName(columnName);
            Objects.requireNonNull(type, "type");
            if (!rows.isEmpty()) {
                throw new IllegalStateException("table '" + name + "': declare column '" + columnName + "' before adding rows");
            }
            if (names.contains(columnName)) {
                throw new IllegalArgumentException("table '" + name + "' already has a column named '" + columnName + "'");
            }
            names.add(columnName);
            types.add(type);
            return this;
        }

        /** Adds one row; each value must fit its column's type (an int or long for LONG, any number for DOUBLE). */
        public Builder row(Object... values) {
            if (values.length != names.size()) {
                throw new IllegalArgumentException("table '" + name + "': row " + rows.size() + " has " + values.length
                        + " values but the table has " + names.size() + " columns " + names);
            }
            Object[] row = new Object[values.length];
            for (int i = 0; i < values.length; i++) {
                row[i] = coerce(names.get(i), types.get(i), values[i]);
            }
            rows.add(row);
            return this;
        }

        private Object coerce(String col, ColumnType type, Object v) {
            Object out = switch (type) {
                case LONG -> v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
                        ? (Object) ((Number) v).longValue() : null;
                case DOUBLE -> v instanceof Number n ? (Object) n.doubleValue() : null;
                case STRING -> v instanceof String ? v : null;
                case BOOLEAN -> v instanceof Boolean ? v : null;
            };
            if (out == null) {
                throw new IllegalArgumentException("table '" + name + "': column '" + col + "' holds " + type.jsonName()
                        + " values, row " + rows.size() + " gave " + (v == null ? "null" : v.getClass().getSimpleName() + " " + v));
            }
            return out;
        }

        /** The immutable table. */
        public Table build() {
            List<Column> cols = new ArrayList<>(names.size());
            int n = rows.size();
            for (int c = 0; c < names.size(); c++) {
                String cn = names.get(c);
                cols.add(switch (types.get(c)) {
                    case LONG -> {
                        long[] a = new long[n];
                        for (int r = 0; r < n; r++) {
                            a[r] = (Long) rows.get(r)[c];
                        }
                        yield Column.longs(cn, a);
                    }
                    case DOUBLE -> {
                        double[] a = new double[n];
                        for (int r = 0; r < n; r++) {
                            a[r] = (Double) rows.get(r)[c];
                        }
                        yield Column.doubles(cn, a);
                    }
                    case STRING -> {
                        String[] a = new String[n];
                        for (int r = 0; r < n; r++) {
                            a[r] = (String) rows.get(r)[c];
                        }
                        yield Column.strings(cn, a);
                    }
                    case BOOLEAN -> {
                        boolean[] a = new boolean[n];
                        for (int r = 0; r < n; r++) {
                            a[r] = (Boolean) rows.get(r)[c];
                        }
                        yield Column.booleans(cn, a);
                    }
                });
            }
            return new Table(name, cols);
        }
    }

    /** The table's title, also its CSV file stem. */
    public String name() {
        return name;
    }

    /** The same columns under another title. */
    public Table named(String newName) {
        return new Table(newName, columns, shownLimit, digits, raw);
    }

    public List<Column> columns() {
        return columns;
    }

    public List<String> columnNames() {
        return columns.stream().map(Column::name).toList();
    }

    public int rowCount() {
        return rowCount;
    }

    /** The column named {@code columnName}; the error lists the columns there are. */
    public Column column(String columnName) {
        for (Column c : columns) {
            if (c.name().equals(columnName)) {
                return c;
            }
        }
        throw new IllegalArgumentException("table '" + name + "' has no column '" + columnName + "'; columns: " + columnNames());
    }

    public boolean hasColumn(String columnName) {
        return columns.stream().anyMatch(c -> c.name().equals(columnName));
    }

    /** A copy of a whole-number column. */
    public long[] longs(String columnName) {
        return column(columnName).longValues();
    }

    /** A copy of a numeric column as doubles. */
    public double[] doubles(String columnName) {
        return column(columnName).doubleValues();
    }

    /** A copy of a text column. */
    public String[] strings(String columnName) {
        return column(columnName).stringValues();
    }

    /** The cell in {@code row} of {@code columnName}, boxed. */
    public Object get(int row, String columnName) {
        return column(columnName).get(row);
    }

    /** Row {@code row} as column name to boxed value, in column order. */
    public Map<String, Object> row(int row) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Column c : columns) {
            m.put(c.name(), c.get(row));
        }
        return Collections.unmodifiableMap(m);
    }

    /** Every row as column name to value, for JSON and scripts. */
    public List<Map<String, Object>> rows() {
        List<Map<String, Object>> out = new ArrayList<>(rowCount);
        for (int r = 0; r < rowCount; r++) {
            out.add(row(r));
        }
        return Collections.unmodifiableList(out);
    }

    /** Only the named columns, in the order named. */
    public Table select(String... columnNames) {
        List<Column> cols = new ArrayList<>();
        for (String n : columnNames) {
            cols.add(column(n));
        }
        return new Table(name, cols, shownLimit, digits, raw);
    }

    /** The rows whose index passes {@code keep}, in order. */
    public Table filter(IntPredicate keep) {
        int[] idx = java.util.stream.IntStream.range(0, rowCount).filter(keep).toArray();
        return new Table(name, columns.stream().map(c -> c.pick(idx)).toList(), shownLimit, digits, raw);
    }

    /** The rows whose {@code columnName} cell equals {@code value}: {@code where("policy", "first-touch")}. */
    public Table where(String columnName, Object value) {
        Column c = column(columnName);
        Object wanted = value instanceof Integer i ? (Object) i.longValue() : value;
        return filter(r -> c.get(r).equals(wanted));
    }

    /** The first {@code n} rows, or all of them if there are fewer: {@code sweep.head(10)}. */
    public Table head(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("head(n): n must be >= 0, got " + n);
        }
        return slice(0, Math.min(n, rowCount));
    }

    /** The last {@code n} rows, or all of them if there are fewer: {@code sweep.tail(10)}. */
    public Table tail(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("tail(n): n must be >= 0, got " + n);
        }
        return slice(Math.max(0, rowCount - n), rowCount);
    }

    /**
     * Rows {@code from} (inclusive) to {@code to} (exclusive), counted from 0 as {@link #get(int, String)} counts
     * them: {@code cal.slice(20, 31)}. A long table's hidden-rows line names the slice that shows them.
     */
    public Table slice(int from, int to) {
        if (from < 0 || from > rowCount) {
            throw new IllegalArgumentException("slice(from, to): from must be in [0, " + rowCount + "] for table '"
                    + name + "' of " + rowCount + " rows, got " + from);
        }
        if (to < from || to > rowCount) {
            throw new IllegalArgumentException("slice(from, to): to must be in [from, rowCount] = [" + from + ", "
                    + rowCount + "] for table '" + name + "', got " + to);
        }
        return filter(r -> r >= from && r < to);
    }

    /**
     * This table shown whole in a notebook or on a terminal, up to {@value #MAX_SHOWN} rows (longer tables still
     * hide their middle, and say which {@link #slice(int, int)} shows it): {@code calibration().showAll()}.
     * Only the display changes; the rows, CSV and JSON are the same, and tables derived from this one
     * ({@code select}, {@code where}, ...) keep the setting.
     */
    public Table showAll() {
        return new Table(name, columns, MAX_SHOWN, digits, raw);
    }

    /**
     * This table shown with at most {@code maxRows} rows: all of them if there are that few, else the first
     * four fifths of {@code maxRows} and the last fifth: {@code sweep.show(100)}. The default is
     * {@value #SHOW_HEAD} + {@value #SHOW_TAIL}.
     */
    public Table show(int maxRows) {
        if (maxRows < 1 || maxRows > MAX_SHOWN) {
            throw new IllegalArgumentException("show(maxRows): maxRows must be in [1, " + MAX_SHOWN + "], got " + maxRows
                    + (maxRows > MAX_SHOWN ? "; slice(from, to) shows any rows, toCsv() and writeCsv(path) hold them all" : ""));
        }
        return new Table(name, columns, maxRows, digits, raw);
    }

    /**
     * This table shown with doubles rounded to {@code significant} digits (default
     * {@value Column#DEFAULT_DIGITS}; whole numbers of a million or more keep every integer digit):
     * {@code cal.digits(3)} shows an error of -0.0439029 % as -0.0439. Only the display changes; CSV and JSON keep
     * every bit, and tables derived from this one keep the setting.
     */
    public Table digits(int significant) {
        if (significant < 1 || significant > Column.MAX_DIGITS) {
            throw new IllegalArgumentException("digits(significant): significant must be in [1, " + Column.MAX_DIGITS
                    + "], got " + significant);
        }
        return new Table(name, columns, shownLimit, significant, raw);
    }

    /**
     * This table shown with its numbers as stored, the way CSV holds them ({@code 26742718} rather than
     * {@code 26.74 ms}, {@code 100663296} rather than {@code 96 MiB}, no thousands separators). By default a
     * notebook or terminal shows times and sizes in one readable unit per column. Only the display changes, and
     * tables derived from this one keep the setting.
     */
    public Table raw() {
        return new Table(name, columns, shownLimit, digits, true);
    }

    /** The most rows this table's text and HTML show (see {@link #show(int)}). */
    public int shownLimit() {
        return shownLimit;
    }

    /** This table with {@code column} added on the right; it must have as many rows. */
    public Table withColumn(Column column) {
        List<Column> cols = new ArrayList<>(columns);
        cols.add(column);
        return new Table(name, cols, shownLimit, digits, raw);
    }

    // --- rendering ---------------------------------------------------------------------------------

    @Override
    public Map<String, String> mimeBundle() {
        return Map.of("text/plain", toText(), "text/html", toHtml());
    }

    /**
     * Aligned text: numbers right, text left; a long table shows its first and last rows and a line saying how
     * many are hidden and how to see them ({@link #showAll()}, {@link #slice(int, int)}).
     */
    public String toText() {
        int[] shown = shownRows();
        int nc = columns.size();
        List<IntFunction<String>> cells = cellFormats(shown);
        int[] width = new int[nc];
        for (int c = 0; c < nc; c++) {
            width[c] = columns.get(c).name().length();
            for (int r : shown) {
                width[c] = Math.max(width[c], cells.get(c).apply(r).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(name).append(" (").append(rowCountText(shown.length)).append(")\n");
        appendLine(sb, width, c -> columns.get(c).name(), c -> columns.get(c).type().isNumeric());
        for (int c = 0; c < nc; c++) {
            sb.append(c == 0 ? "" : "  ").append("-".repeat(width[c]));
        }
        sb.append('\n');
        int prev = -1;
        for (int r : shown) {
            if (prev >= 0 && r != prev + 1) {
                sb.append("... ").append(hiddenText(prev + 1, r)).append(" ...\n");
            }
            appendLine(sb, width, c -> cells.get(c).apply(r), c -> columns.get(c).type().isNumeric());
            prev = r;
        }
        if (prev + 1 < rowCount) {
            sb.append("... ").append(hiddenText(prev + 1, rowCount)).append(" ...\n");
        }
        return sb.toString();
    }

    private void appendLine(StringBuilder sb, int[] width, java.util.function.IntFunction<String> cell,
            IntPredicate rightAligned) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < width.length; c++) {
            String s = cell.apply(c);
            if (c > 0) {
                line.append("  ");
            }
            String pad = " ".repeat(width[c] - s.length());
            line.append(rightAligned.test(c) ? pad + s : s + pad);
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }

    /**
     * An HTML table with a caption, numbers right-aligned; long tables show their first and last rows. In a notebook
     * the column headers sort the rows shown (a click sorts ascending, a second descending, by the stored values),
     * and a table of more than {@value #COLLAPSIBLE_ROWS} rows folds under its caption ({@code <details>}), folded
     * from the start past {@value #FOLDED_ROWS}. Without scripts (a saved notebook not yet trusted, nbconvert) it is
     * a plain table.
     */
    public String toHtml() {
        int[] shown = shownRows();
        List<IntFunction<String>> cells = cellFormats(shown);
        String id = "hmmlab-t" + HTML_IDS.incrementAndGet() + "-" + HTML_ID_SALT;
        String caption = "<b>" + escape(name) + "</b> (" + escape(rowCountText(shown.length)) + ")";
        boolean collapsible = shown.length > COLLAPSIBLE_ROWS;
        StringBuilder sb = new StringBuilder();
        if (collapsible) {
            sb.append("<details").append(shown.length > FOLDED_ROWS ? "" : " open")
                    .append(" class=\"hmmlab-table-fold\"><summary style=\"cursor:pointer\">").append(caption)
                    .append("</summary>\n");
        }
        sb.append("<table class=\"hmmlab-table\" id=\"").append(id).append("\">\n");
        if (!collapsible) {
            sb.append("<caption style=\"text-align:left\">").append(caption).append("</caption>\n");
        }
        sb.append("<thead><tr>");
        for (Column c : columns) {
            sb.append("<th style=\"text-align:").append(c.type().isNumeric() ? "right" : "left").append("\">")
                    .append(escape(c.name())).append("</th>");
        }
        sb.append("</tr></thead>\n<tbody>\n");
        int prev = -1;
        for (int r : shown) {
            if (prev >= 0 && r != prev + 1) {
                appendHiddenRow(sb, prev + 1, r);
            }
            sb.append("<tr>");
            for (int c = 0; c < columns.size(); c++) {
                Column col = columns.get(c);
                sb.append("<td style=\"text-align:").append(col.type().isNumeric() ? "right" : "left").append("\"");
                if (col.type().isNumeric()) {
                    sb.append(" data-v=\"").append(escape(col.format(r, Column.MAX_DIGITS))).append('"');
                }
                sb.append('>').append(escape(cells.get(c).apply(r))).append("</td>");
            }
            sb.append("</tr>\n");
            prev = r;
        }
        if (prev + 1 < rowCount) {
            appendHiddenRow(sb, prev + 1, rowCount);
        }
        sb.append("</tbody>\n</table>\n");
        if (collapsible) {
            sb.append("</details>\n");
        }
        return sb.append("<script>").append(SORT_SCRIPT.replace("@ID@", id)).append("</script>\n").toString();
    }

    /** More rows than this shown: the HTML table folds under its caption. */
    static final int COLLAPSIBLE_ROWS = 10;
    /** More rows than this shown: the HTML table starts folded. */
    static final int FOLDED_ROWS = 100;
    private static final java.util.concurrent.atomic.AtomicLong HTML_IDS = new java.util.concurrent.atomic.AtomicLong();
    /** Tells tables of different kernel runs apart on one page (a reopened notebook, then new outputs). */
    private static final String HTML_ID_SALT = Long.toString(ProcessHandle.current().pid(), 36)
            + Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    /**
     * Sorts the table's data rows (not the "rows hidden" line) by a clicked header: by each cell's stored value
     * ({@code data-v}) where it has one, numerically when both are numbers, else as text.
     */
    private static final String SORT_SCRIPT = "(function(){var t=document.getElementById('@ID@');if(!t||!t.tHead)return;"
            + "var hs=t.tHead.rows[0].cells;for(var i=0;i<hs.length;i++)(function(i){var h=hs[i];"
            + "h.style.cursor='pointer';h.title='click to sort the rows shown';h.onclick=function(){"
            + "var b=t.tBodies[0],up=h.getAttribute('data-sort')!=='asc';"
            + "for(var k=0;k<hs.length;k++){hs[k].removeAttribute('data-sort');hs[k].textContent=hs[k].textContent.replace(/ [\u25b2\u25bc]$/,'');}"
            + "h.setAttribute('data-sort',up?'asc':'desc');h.textContent+=up?' \u25b2':' \u25bc';"
            + "var rows=Array.prototype.filter.call(b.rows,function(r){return r.cells.length===hs.length;});"
            + "function v(r){var c=r.cells[i];return c.hasAttribute('data-v')?c.getAttribute('data-v'):c.textContent;}"
            + "rows.sort(function(x,y){var a=v(x),c=v(y),na=parseFloat(a),nc=parseFloat(c);"
            + "var d=(!isNaN(na)&&!isNaN(nc))?na-nc:a.localeCompare(c);return up?d:-d;});"
            + "rows.forEach(function(r){b.appendChild(r);});};})(i);})();";

    /**
     * How each column's cells show in {@code shown} rows: as stored when {@link #raw()}, else readable (see
     * {@link DisplayFormat}); a numeric {@code value} column beside a first column of names takes each row's unit
     * from its name, as a result's counters do.
     */
    private List<IntFunction<String>> cellFormats(int[] shown) {
        List<IntFunction<String>> cells = new ArrayList<>(columns.size());
        boolean namedValues = columns.size() >= 2 && columns.get(0).type() == ColumnType.STRING;
        for (Column c : columns) {
            if (raw) {
                cells.add(r -> c.format(r, digits));
            } else if (namedValues && c.name().equals("value") && c.type().isNumeric()) {
                cells.add(DisplayFormat.cellsNamedBy(c, columns.get(0), digits));
            } else {
                cells.add(DisplayFormat.cells(c, shown, digits));
            }
        }
        return cells;
    }

    private void appendHiddenRow(StringBuilder sb, int from, int to) {
        sb.append("<tr><td colspan=\"").append(Math.max(1, columns.size()))
                .append("\" style=\"text-align:center\">&#8942; ").append(escape(hiddenText(from, to)))
                .append("</td></tr>\n");
    }

    /** "31 rows", or "31 rows, 25 shown" when some are hidden. */
    private String rowCountText(int shown) {
        String rows = rowCount + (rowCount == 1 ? " row" : " rows");
        return shown < rowCount ? rows + ", " + shown + " shown" : rows;
    }

    /** The line that stands for hidden rows {@code [from, to)}, saying how to see them. */
    private String hiddenText(int from, int to) {
        int n = to - from;
        String hidden = n == 1 ? "row " + from + " hidden: " : n + " rows hidden (" + from + " to " + (to - 1) + "): ";
        if (rowCount <= MAX_SHOWN && shownLimit < MAX_SHOWN) {
            return hidden + ".showAll() shows all " + rowCount + ", .slice(" + from + ", " + to + ") just "
                    + (n == 1 ? "this one" : "these");
        }
        return hidden + ".slice(" + from + ", " + Math.min(to, from + MAX_SHOWN) + ") shows " + Math.min(n, MAX_SHOWN)
                + " of them (at most " + MAX_SHOWN + " at a time); .writeCsv(path) holds every row";
    }

    /** The rows text and HTML show: all if they fit the display limit, else its first four fifths and last fifth. */
    private int[] shownRows() {
        if (rowCount <= shownLimit || (shownLimit == SHOW_HEAD + SHOW_TAIL && rowCount <= shownLimit + SLACK)) {
            return java.util.stream.IntStream.range(0, rowCount).toArray();
        }
        int tail = shownLimit / 5;
        int head = shownLimit - tail;
        return java.util.stream.IntStream.concat(java.util.stream.IntStream.range(0, head),
                java.util.stream.IntStream.range(rowCount - tail, rowCount)).toArray();
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }

    /**
     * The table as CSV (RFC 4180): a header of column names, then every row. Doubles are written so that
     * they read back to the same value.
     */
    public String toCsv() {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < columns.size(); c++) {
            sb.append(c == 0 ? "" : ",").append(csvField(columns.get(c).name()));
        }
        sb.append("\r\n");
        for (int r = 0; r < rowCount; r++) {
            for (int c = 0; c < columns.size(); c++) {
                Column col = columns.get(c);
                String cell = col.type() == ColumnType.DOUBLE ? Double.toString(col.number(r)) : col.format(r);
                sb.append(c == 0 ? "" : ",").append(csvField(cell));
            }
            sb.append("\r\n");
        }
        return sb.toString();
    }

    private static String csvField(String s) {
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    /** Writes {@link #toCsv()} to {@code file} (UTF-8). */
    public Path writeCsv(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return Files.writeString(file, toCsv(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write table '" + name + "' to " + file, e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Table t && t.name.equals(name) && t.columns.equals(columns);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, columns);
    }

    @Override
    public String toString() {
        return toText();
    }
}
