package org.hmmlab.dsl.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A JSON value together with its path from the document root, with typed accessors that refuse a wrong
 * value by naming the path and what is allowed there.
 *
 * <pre>{@code JsonNodeReader r = JsonNodeReader.root(tree); long n = r.field("pages").longValue(1, 1 << 20);}</pre>
 */
public final class JsonNodeReader {

    private final JsonNode node;
    private final String path;

    private JsonNodeReader(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /** The document root, at path {@code $}. */
    /** A reader of {@code node} found at {@code path} in a larger document (its errors name that path). */
    public static JsonNodeReader at(JsonNode node, String path) {
        return new JsonNodeReader(node, path);
    }

    public static JsonNodeReader root(JsonNode node) {
        return new JsonNodeReader(node, "$");
    }

    public String path() {
        return path;
    }

    public JsonNode node() {
        return node;
    }

    /** Fails at this path. */
    public JsonFormatException error(String message) {
        return new JsonFormatException(path, message);
    }

    /** This value must be an object whose fields are all among {@code allowed}. */
    public JsonNodeReader object(Set<String> allowed) {
        if (node == null || !node.isObject()) {
            throw error("must be an object with fields " + new java.util.TreeSet<>(allowed) + ", got " + describe(node));
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!allowed.contains(n)) {
                throw new JsonFormatException(path + "." + n, "unknown field; allowed fields here: " + new java.util.TreeSet<>(allowed));
            }
        }
        return this;
    }

    /** A field that must be present. */
    public JsonNodeReader field(String name) {
        JsonNode child = node == null ? null : node.get(name);
        if (child == null || child.isNull()) {
            throw new JsonFormatException(path + "." + name, "is required");
        }
        return new JsonNodeReader(child, path + "." + name);
    }

    /** Whether an optional field is present (and not null). */
    public boolean has(String name) {
        return node != null && node.hasNonNull(name);
    }

    /** The elements of an array. */
    public List<JsonNodeReader> elements() {
        if (node == null || !node.isArray()) {
            throw error("must be an array, got " + describe(node));
        }
        List<JsonNodeReader> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            out.add(new JsonNodeReader(node.get(i), path + "[" + i + "]"));
        }
        return out;
    }

    public String text() {
        if (node == null || !node.isTextual()) {
            throw error("must be a string, got " + describe(node));
        }
        return node.asText();
    }

    /** A string that must be one of {@code allowed}. */
    public String oneOf(List<String> allowed) {
        String s = text();
        if (!allowed.contains(s)) {
            throw error("\"" + s + "\" is not one of " + String.join(", ", allowed));
        }
        return s;
    }

    /** A whole number in [min, max]. */
    public long longValue(long min, long max) {
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
            throw error("must be a whole number in [" + min + ", " + max + "], got " + describe(node));
        }
        long v = node.asLong();
        if (v < min || v > max) {
            throw error("must be in [" + min + ", " + max + "], got " + v);
        }
        return v;
    }

    /** Any number in [min, max]. */
    public double doubleValue(double min, double max) {
        if (node == null || !node.isNumber()) {
            throw error("must be a number in [" + min + ", " + max + "], got " + describe(node));
        }
        double v = node.asDouble();
        if (!(v >= min && v <= max)) {
            throw error("must be in [" + min + ", " + max + "], got " + v);
        }
        return v;
    }

    /**
     * A table cell of a double column: any number, or the text {@code "NaN"}, {@code "Infinity"} or
     * {@code "-Infinity"}, which is how {@link Json} writes the values JSON numbers cannot hold (a mean over no
     * samples, a ratio to zero), so a table reads back equal to the one written.
     */
    public double doubleCell() {
        if (node != null && node.isTextual()) {
            switch (node.asText()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
            throw error("must be a number, \"NaN\", \"Infinity\" or \"-Infinity\", got " + describe(node));
        }
        return doubleValue(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    public boolean booleanValue() {
        if (node == null || !node.isBoolean()) {
            throw error("must be true or false, got " + describe(node));
        }
        return node.asBoolean();
    }

    /**
     * A string parsed by {@code parser} (for example {@code Bytes::parse}); the parser's complaint is
     * reported at this path.
     */
    public <T> T parsed(Function<String, T> parser) {
        String s = text();
        try {
            return parser.apply(s);
        } catch (IllegalArgumentException e) {
            throw new JsonFormatException(path, e.getMessage(), e);
        }
    }

    static String describe(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return "nothing";
        }
        if (n.isTextual()) {
            return "\"" + n.asText() + "\"";
        }
        return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + n;
    }
}
