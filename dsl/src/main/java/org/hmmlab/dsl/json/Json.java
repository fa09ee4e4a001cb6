package org.hmmlab.dsl.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.hmmlab.dsl.results.Column;
import org.hmmlab.dsl.results.ColumnType;
import org.hmmlab.dsl.results.Table;

/**
 * JSON for the lab's values, with Jackson: written in a stable field order, read back strictly (unknown
 * fields and wrong types are refused with their JSON path).
 *
 * <p>A table is {@code {"name": ..., "columns": [{"name": "latency_ns", "type": "long"}, ...], "rows": [[...], ...]}}:
 * the types survive the round trip, so a table read back equals the one written.
 */
public final class Json {

    /**
     * Pretty-printing, and strict about duplicated fields: {@code {"seed": 1, "seed": 2}} is refused rather than the
     * second value silently winning, since a scenario file edited by hand is where that mistake happens.
     */
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private static final List<String> TYPES = Arrays.stream(ColumnType.values()).map(ColumnType::jsonName).toList();

    private Json() {
    }

    /** The shared, configured mapper (thread-safe once configured). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Parses text into a tree, turning a syntax error into a {@link JsonFormatException} with line and column. */
    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String at = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            String path = "$";
            if (e instanceof StreamReadException read && read.getProcessor() instanceof JsonParser parser) {
                path = dollarPath(parser.getParsingContext());
            }
            String original = e.getOriginalMessage();
            if (original != null && original.startsWith("Duplicate field '")) {
                String field = original.substring("Duplicate field '".length(), original.indexOf('\'', 17));
                throw new JsonFormatException(path.equals("$") ? "$." + field : path + "." + field,
                        "duplicated field" + at + ": a field may appear once in an object", e);
            }
            throw new JsonFormatException(path, "not valid JSON" + at + ": " + original, e);
        }
    }

    /**
     * The JSON path ({@code $.phases[2].pattern}) of the object or array a parser is inside: for the field being read
     * in an object, the path of that object.
     */
    static String dollarPath(JsonStreamContext context) {
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            JsonStreamContext parent = c.getParent();
            if (parent == null || parent.inRoot()) {
                continue;
            }
            if (parent.inArray()) {
                parts.push("[" + parent.getCurrentIndex() + "]");
            } else if (parent.inObject() && parent.getCurrentName() != null) {
                parts.push("." + parent.getCurrentName());
            }
        }
        return "$" + String.join("", parts);
    }

    /** Pretty-prints a tree. */
    public static String write(JsonNode tree) {
        try {
            return MAPPER.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write JSON", e);
        }
    }

    /** A table as a JSON tree. */
    public static ObjectNode tree(Table table) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("name", table.name());
        ArrayNode cols = root.putArray("columns");
        for (Column c : table.columns()) {
            cols.addObject().put("name", c.name()).put("type", c.type().jsonName());
        }
        ArrayNode rows = root.putArray("rows");
        for (int r = 0; r < table.rowCount(); r++) {
            ArrayNode row = rows.addArray();
            for (Column c : table.columns()) {
                switch (c.type()) {
                    case LONG -> row.add((Long) c.get(r));
                    case DOUBLE -> row.add((Double) c.get(r));
                    case STRING -> row.add((String) c.get(r));
                    case BOOLEAN -> row.add((Boolean) c.get(r));
                }
            }
        }
        return root;
    }

    /** A table as JSON text. */
    public static String toJson(Table table) {
        return write(tree(table));
    }

    /** Reads a table written by {@link #toJson(Table)}. */
    public static Table tableFromJson(String json) {
        return table(JsonNodeReader.root(parse(json)));
    }

    /** Reads a table at {@code r}'s position in a larger document. */
    public static Table table(JsonNodeReader r) {
        r.object(Set.of("name", "columns", "rows"));
        String name = r.field("name").text();
        List<JsonNodeReader> cols = r.field("columns").elements();
        Table.Builder b = Table.builder(name);
        ColumnType[] types = new ColumnType[cols.size()];
        for (int i = 0; i < cols.size(); i++) {
            JsonNodeReader c = cols.get(i).object(Set.of("name", "type"));
            types[i] = ColumnType.valueOf(c.field("type").oneOf(TYPES).toUpperCase(java.util.Locale.ROOT));
            String cn = c.field("name").text();
            try {
                b.column(cn, types[i]);
            } catch (IllegalArgumentException e) {
                throw new JsonFormatException(c.path() + ".name", e.getMessage(), e);
            }
        }
        for (JsonNodeReader row : r.field("rows").elements()) {
            List<JsonNodeReader> cells = row.elements();
            if (cells.size() != types.length) {
                throw row.error("has " + cells.size() + " cells but the table has " + types.length + " columns");
            }
            Object[] values = new Object[types.length];
            for (int i = 0; i < types.length; i++) {
                JsonNodeReader cell = cells.get(i);
                values[i] = switch (types[i]) {
                    case LONG -> cell.longValue(Long.MIN_VALUE, Long.MAX_VALUE);
                    case DOUBLE -> cell.doubleCell();
                    case STRING -> cell.text();
                    case BOOLEAN -> cell.booleanValue();
                };
            }
            b.row(values);
        }
        return b.build();
    }
}
