package org.hmmlab.dsl.grid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.hmmlab.dsl.Engine;
import org.hmmlab.dsl.json.PlatformJson;
import org.hmmlab.dsl.json.ScenarioJson;
import org.hmmlab.dsl.spec.PlatformPresets;
import org.hmmlab.pcie.PcieGen;
import org.hmmlab.platform.Platform;
import org.hmmlab.units.Bandwidth;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;
import org.hmmlab.workload.Pattern;

/**
 * Parameter paths into a scenario's JSON tree, as a sweep described as data names what it varies:
 * {@code policy.placement.threshold}, {@code platform.link.gen}, {@code allocations.x.size},
 * {@code phases.scan.warps}, {@code vram}.
 *
 * <p>A path is the scenario file's field names joined by dots; an element of {@code allocations}, {@code phases} or
 * {@code hints} is named by its {@code name} (or its position, from 0); a platform given as a preset's name is
 * opened into the preset's profile when a path goes inside it. A phase also answers to the DSL's names for its
 * fields: {@code warps} and {@code threads} are its {@code concurrency}, {@code accesses} its {@code work}.
 *
 * <pre>{@code SweepPaths.set(tree, "policy.placement.threshold", SweepPaths.value(16));}</pre>
 */
public final class SweepPaths {

    /** The DSL's names for phase fields, as {@code PhaseSpec} spells them. */
    private static final Map<String, String> PHASE_ALIASES = Map.of("warps", "concurrency", "threads", "concurrency",
            "accesses", "work");

    private SweepPaths() {
    }

    /** Where a path lands: the object that holds the field, the field, and the field's JSON path ({@code $.phases[1].concurrency}). */
    public record Target(ObjectNode holder, String field, String jsonPath) {

        /** Whether the base scenario gives this field a value (an optional field may be absent). */
        public boolean present() {
            return holder.has(field);
        }
    }

    /** A path that names nothing in the scenario; the message lists the paths that exist near it. */
    public static final class UnknownPathException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        UnknownPathException(String path, String why, List<String> near) {
            super("unknown parameter path \"" + path + "\" (" + why + "); paths near it: " + String.join(", ", near));
        }
    }

    /**
     * Finds the field {@code path} names in {@code root}, a scenario tree, opening a preset platform into its profile
     * when the path goes inside it (so {@code root} may change).
     *
     * @throws UnknownPathException when no such field can exist here
     */
    public static Target resolve(ObjectNode root, String path) {
        Objects.requireNonNull(path, "path");
        if (!path.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*")) {
            throw new IllegalArgumentException("parameter path \"" + path
                    + "\" must be field names joined by dots, such as policy.placement.threshold");
        }
        String[] segs = path.split("\\.");
        ObjectNode cur = root;
        String jsonPath = "$";
        boolean inPhase = false;
        for (int i = 0; i < segs.length - 1; i++) {
            String seg = segs[i];
            JsonNode child = cur.get(field(cur, seg, inPhase));
            if (child != null && child.isTextual() && seg.equals("platform") && cur == root) {
                String preset = child.asText();
                if (!PlatformPresets.NAMES.contains(preset)) {
                    throw unknown(root, path, "platform \"" + preset + "\" is not a preset");
                }
                child = PlatformJson.tree(PlatformPresets.named("platform", preset));
                cur.set("platform", child);
            }
            if (child == null || child.isNull()) {
                throw unknown(root, path, "no field \"" + seg + "\" at " + jsonPath);
            }
            String f = field(cur, seg, inPhase);
            jsonPath += "." + f;
            inPhase = false;
            if (child.isArray()) {
                if (i + 1 >= segs.length - 1) {
                    throw unknown(root, path, jsonPath + " is a list: name an element, then its field");
                }
                String name = segs[++i];
                int at = element((ArrayNode) child, name);
                if (at < 0) {
                    throw unknown(root, path, "no element named \"" + name + "\" in " + jsonPath);
                }
                inPhase = f.equals("phases");
                jsonPath += "[" + at + "]";
                child = child.get(at);
            }
            if (!child.isObject()) {
                throw unknown(root, path, jsonPath + " holds a value, not fields");
            }
            cur = (ObjectNode) child;
        }
        String last = segs[segs.length - 1];
        String f = field(cur, last, inPhase);
        return new Target(cur, f, jsonPath + "." + f);
    }

    private static String field(ObjectNode holder, String seg, boolean inPhase) {
        if (inPhase && !holder.has(seg) && PHASE_ALIASES.containsKey(seg)) {
            return PHASE_ALIASES.get(seg);
        }
        return seg;
    }

    /** The position of the element named {@code name} (its {@code name} field, else a position from 0), or -1. */
    private static int element(ArrayNode array, String name) {
        for (int j = 0; j < array.size(); j++) {
            JsonNode e = array.get(j);
            if (e.isObject() && e.has("name") && e.get("name").asText().equals(name)) {
                return j;
            }
        }
        if (name.matches("[0-9]{1,6}") && Integer.parseInt(name) < array.size()) {
            return Integer.parseInt(name);
        }
        return -1;
    }

    /**
     * Sets the value at {@code path}; see {@link #resolve}. An allocation's new size carries its phases along as the DSL
     * would: a phase over the whole allocation (its footprint the old size) covers the new size, its accesses scaled in
     * proportion, so {@code allocations.x.size} grows the work with the data.
     */
    public static void set(ObjectNode root, String path, JsonNode value) {
        Target t = resolve(root, path);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("allocations\\.([^.]+)\\.size").matcher(path);
        if (m.matches() && t.holder().has("size") && value.isTextual()) {
            Bytes old = Bytes.parse(t.holder().get("size").asText());
            Bytes now;
            try {
                now = Bytes.parse(value.asText());
            } catch (IllegalArgumentException e) {
                t.holder().set(t.field(), value);
                return; // the scenario refuses it, named by its path
            }
            String alloc = t.holder().path("name").asText();
            for (JsonNode ph : root.path("phases")) {
                if (ph.isObject() && alloc.equals(ph.path("allocation").asText()) && ph.has("footprint")
                        && ph.get("footprint").isTextual() && Bytes.parse(ph.get("footprint").asText()).equals(old)
                        && ph.path("work").canConvertToLong() && old.bytes() > 0) {
                    java.math.BigInteger w = java.math.BigInteger.valueOf(ph.get("work").asLong())
                            .multiply(java.math.BigInteger.valueOf(now.bytes())).divide(java.math.BigInteger.valueOf(old.bytes()));
                    ((ObjectNode) ph).put("footprint", ScenarioJson.bytes(now));
                    ((ObjectNode) ph).put("work", Math.max(1, w.min(java.math.BigInteger.valueOf(Long.MAX_VALUE)).longValue()));
                }
            }
        }
        t.holder().set(t.field(), value);
    }

    /** An unknown-path error listing the paths of {@code root} nearest to {@code path}. */
    public static UnknownPathException unknown(ObjectNode root, String path, String why) {
        return new UnknownPathException(path, why, near(root, path, 8));
    }

    /** The {@code n} paths of {@code root} nearest to {@code path}: most leading segments in common, then fewest edits. */
    public static List<String> near(ObjectNode root, String path, int n) {
        List<String> all = paths(root);
        String[] want = path.split("\\.");
        all.sort(Comparator.comparingInt((String p) -> segmentDistance(p.split("\\."), want))
                .thenComparingInt(p -> -commonSegments(p.split("\\."), want))
                .thenComparingInt(p -> distance(p, path)).thenComparing(Comparator.naturalOrder()));
        return List.copyOf(all.subList(0, Math.min(n, all.size())));
    }

    /** Every path a sweep can vary in {@code root}, leaves only, a preset platform opened. */
    public static List<String> paths(ObjectNode root) {
        ObjectNode copy = root.deepCopy();
        if (copy.has("platform") && copy.get("platform").isTextual()
                && PlatformPresets.NAMES.contains(copy.get("platform").asText())) {
            List<String> out = new ArrayList<>();
            out.add("platform");
            collect(PlatformJson.tree(PlatformPresets.named("platform", copy.get("platform").asText())), "platform", out);
            copy.remove("platform");
            collect(copy, "", out);
            return out;
        }
        List<String> out = new ArrayList<>();
        collect(copy, "", out);
        return out;
    }

    private static void collect(JsonNode node, String prefix, List<String> out) {
        if (node.isObject()) {
            for (var it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                collect(e.getValue(), prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode e = node.get(i);
                String name = e.isObject() && e.has("name") ? e.get("name").asText() : Integer.toString(i);
                if (e.isObject() && !e.has("name")) {
                    continue; // a free step: nothing to vary
                }
                collect(e, prefix + "." + name, out);
                if (prefix.equals("phases")) {
                    String agent = e.path("agent").asText();
                    out.add(prefix + "." + name + "." + (agent.equals("cpu") ? "threads" : "warps"));
                    out.add(prefix + "." + name + ".accesses");
                }
            }
        } else {
            out.add(prefix);
        }
    }

    /** Edits segment by segment where the segment counts agree (a typo in one name), else the whole text's plus a penalty. */
    private static int segmentDistance(String[] a, String[] b) {
        if (a.length != b.length) {
            return distance(String.join(".", a), String.join(".", b)) + 10;
        }
        int d = 0;
        for (int i = 0; i < a.length; i++) {
            d += distance(a[i], b[i]);
        }
        return d;
    }

    private static int commonSegments(String[] a, String[] b) {
        int i = 0;
        while (i < a.length && i < b.length && a[i].equals(b[i])) {
            i++;
        }
        return i;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    // --- values ------------------------------------------------------------------------------------

    /**
     * A DSL value as the scenario file writes it: numbers and text as they are, sizes and durations with their unit
     * ({@code "64KiB"}, {@code "100us"}), a link generation as its number, a platform as its preset's name or its
     * profile, a pattern as its object. A size or duration given as text is written in its canonical unit, so
     * {@code "1024KiB"} and {@code MiB(1)} are the same value.
     *
     * @throws IllegalArgumentException for a value with no JSON form
     */
    public static JsonNode value(Object v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (v) {
            case null -> throw new IllegalArgumentException("a value is null");
            case JsonNode n -> n.isTextual() ? canonicalText(n.asText()) : n.deepCopy();
            case Integer i -> f.numberNode(i.longValue());
            case Long l -> f.numberNode(l);
            case Short s -> f.numberNode(s.longValue());
            case Double d -> f.numberNode(d);
            case Float x -> f.numberNode(x.doubleValue());
            case Boolean b -> f.booleanNode(b);
            case String s -> canonicalText(s);
            case Bytes b -> f.textNode(ScenarioJson.bytes(b));
            case SimDuration d -> f.textNode(ScenarioJson.duration(d));
            case Bandwidth b -> f.textNode(b.bytesPerSecond() + "B/s");
            case PcieGen g -> f.numberNode(g.number());
            case Engine e -> f.textNode(e.label());
            case Platform p -> PlatformPresets.nameOf(p) != null ? f.textNode(PlatformPresets.nameOf(p)) : PlatformJson.tree(p);
            case Pattern p -> ScenarioJson.pattern(p);
            default -> throw new IllegalArgumentException("a value of type " + v.getClass().getSimpleName()
                    + " has no JSON form; give a number, text, true/false, a size, a duration, a platform or a pattern");
        };
    }

    private static JsonNode canonicalText(String s) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Object typed = typedText(s);
        return switch (typed) {
            case Bytes b -> f.textNode(ScenarioJson.bytes(b));
            case SimDuration d -> f.textNode(ScenarioJson.duration(d));
            default -> f.textNode(s);
        };
    }

    /** Text read as a size, else as a duration, else left as text. */
    private static Object typedText(String s) {
        if (s.matches("[0-9][0-9.]*\\s*(B|KiB|MiB|GiB|TiB|kB|MB|GB|TB)")) {
            try {
                return Bytes.parse(s);
            } catch (IllegalArgumentException e) {
                // not a size after all
            }
        }
        if (s.matches("[0-9][0-9.]*\\s*(ns|us|ms|s)")) {
            try {
                return SimDuration.parse(s);
            } catch (IllegalArgumentException e) {
                // not a duration after all
            }
        }
        return s;
    }

    /**
     * A JSON value as a table cell: whole numbers as {@code Long}, other numbers as {@code Double}, sizes as
     * {@code Bytes} (a {@code _bytes} column), durations as {@code SimDuration} ({@code _ns}), other text as text, and
     * an object (a platform profile, a pattern) as its compact JSON text.
     */
    public static Object cell(JsonNode v) {
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isTextual()) {
            return typedText(v.asText());
        }
        return v.toString();
    }
}
