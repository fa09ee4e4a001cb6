package org.hmmlab.dsl.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.hmmlab.dsl.spec.DriverSpec;
import org.hmmlab.pcie.IommuConfig;
import org.hmmlab.platform.DriverPersonality;
import org.hmmlab.pcie.PcieGen;
import org.hmmlab.platform.Platform;
import org.hmmlab.platform.Topology;
import org.hmmlab.units.Bandwidth;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * Platform profiles as JSON, with Jackson: {@link #write} gives the profile with every number carrying its unit
 * ({@code "roundTripLatency": "546ns"}, {@code "vram": "40GiB"}), {@link #read} takes it back strictly: every field
 * is required, and an unknown field, a missing one, a value of the wrong type or out of range is refused with the
 * field's path and the allowed range ({@code "link.lanes must be one of 1, 2, 4, 8, 16; got 0"}).
 *
 * <pre>{@code Platform mine = PlatformJson.read(Files.readString(Path.of("my-host.json")));}</pre>
 *
 * <p>The fields are the components of the profile records ({@link Platform}, {@code HostProfile},
 * {@code PcieLinkConfig}, {@code GpuProfile}), in their declaration order, so a field added to a profile is
 * written and read without a second list to keep in step; the records' constructors check the ranges. The engine
 * carries no JSON code: this is the lab's one JSON stack, beside {@link ScenarioJson}.
 *
 * <p>The platform's {@code "driver"} is optional too: a profile driven by nvidia-uvm (every preset's default but the
 * AMD ones) is written without it, and one read without it has nvidia-uvm; otherwise it is the object of
 * {@link DriverSpec} ({@code {"name": "amdSvm", "xnack": false}}).
 *
 * <p>One field is optional: the platform's {@code "iommu"}. A profile without an IOMMU (the default,
 * {@link IommuConfig#OFF}) is written without it, as profiles were before the IOMMU existed, and a profile read
 * without it has none. When present it is read strictly like the rest ({@code "iommu.ioPageSize must be one of
 * 4KiB, 2MiB; got 64KiB"}).
 */
public final class PlatformJson {

    /** Pretty-printed as profiles have always been written: two-space indent, {@code "field": value}. */
    private static final ObjectWriter WRITER = Json.MAPPER.writer(new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n")));

    private PlatformJson() {
    }

    /** The profile as a JSON object, ending in a newline. */
    public static String write(Platform p) {
        try {
            return WRITER.writeValueAsString(tree(p)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write platform " + p.name(), e);
        }
    }

    /** The profile as a JSON tree, as {@link ScenarioJson} embeds it. */
    public static ObjectNode tree(Platform p) {
        return (ObjectNode) node(p);
    }

    /**
     * Reads a profile written by {@link #write} or by hand.
     *
     * @throws IllegalArgumentException naming the field ({@code gpu.tlbEntries is missing}) or the JSON syntax error
     */
    public static Platform read(String json) {
        if (json == null) {
            throw new IllegalArgumentException("platform JSON must not be null");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new IllegalArgumentException("platform JSON is not valid JSON" + (loc == null ? ""
                    : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr()) + ": " + e.getOriginalMessage(), e);
        }
        return read(root);
    }

    /** Reads a profile from a JSON tree (a scenario's {@code "platform"} object). */
    public static Platform read(JsonNode root) {
        return (Platform) record(Platform.class, "", root);
    }

    // ---- writing ---------------------------------------------------------------------------------------------

    private static JsonNode node(Object value) {
        return switch (value) {
            case String s -> Json.MAPPER.getNodeFactory().textNode(s);
            case Integer i -> Json.MAPPER.getNodeFactory().numberNode(i);
            case Boolean b -> Json.MAPPER.getNodeFactory().booleanNode(b);
            case PcieGen g -> Json.MAPPER.getNodeFactory().numberNode(g.number());
            case Enum<?> e -> Json.MAPPER.getNodeFactory().textNode(e.name().toLowerCase(Locale.ROOT));
            case SimDuration d -> Json.MAPPER.getNodeFactory().textNode(d.nanos() + "ns");
            case Bytes b -> Json.MAPPER.getNodeFactory().textNode(bytes(b));
            case Bandwidth b -> Json.MAPPER.getNodeFactory().textNode(b.bytesPerSecond() + "B/s");
            case Record r -> {
                ObjectNode o = Json.MAPPER.createObjectNode();
                for (RecordComponent c : r.getClass().getRecordComponents()) {
                    Object v = get(c, r);
                    if (optional(r.getClass(), c.getName()) && (IommuConfig.OFF.equals(v) || Topology.SINGLE.equals(v))) {
                        continue; // no IOMMU, one GPU: written as before the options existed
                    }
                    if (v instanceof Topology t) {
                        o.set(c.getName(), TopologyJson.tree(t));
                        continue;
                    }
                    if (v instanceof DriverPersonality d) {
                        if (d.equals(DriverPersonality.UVM)) {
                            continue; // nvidia-uvm: written as before personalities existed
                        }
                        o.set(c.getName(), Json.MAPPER.valueToTree(DriverSpec.written(d)));
                        continue;
                    }
                    o.set(c.getName(), node(v));
                }
                yield o;
            }
            default -> throw new IllegalStateException("a profile field of type " + value.getClass().getName()
                    + " has no JSON form");
        };
    }

    /** A size in the largest binary unit that divides it: 40GiB, 2MiB, 4KiB, 100B. */
    private static String bytes(Bytes b) {
        long v = b.bytes();
        if (v != 0 && v % (1L << 30) == 0) {
            return (v >> 30) + "GiB";
        }
        if (v != 0 && v % (1L << 20) == 0) {
            return (v >> 20) + "MiB";
        }
        if (v != 0 && v % (1L << 10) == 0) {
            return (v >> 10) + "KiB";
        }
        return v + "B";
    }

    private static Object get(RecordComponent c, Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("could not read " + c.getName(), e);
        }
    }

    // ---- reading ---------------------------------------------------------------------------------------------

    /** Reads record type {@code type} at {@code path} (empty for the root), every component a required field. */
    private static Object record(Class<?> type, String path, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException((path.isEmpty() ? "platform" : path) + " must be a JSON object");
        }
        RecordComponent[] cs = type.getRecordComponents();
        Object[] args = new Object[cs.length];
        Class<?>[] types = new Class<?>[cs.length];
        List<String> known = new ArrayList<>();
        for (int i = 0; i < cs.length; i++) {
            String name = cs[i].getName();
            known.add(name);
            types[i] = cs[i].getType();
            String where = path.isEmpty() ? name : path + "." + name;
            JsonNode v = node.get(name);
            if (types[i] == DriverPersonality.class) {
                args[i] = v == null || v.isNull() ? DriverPersonality.UVM
                        : DriverSpec.read(new JsonSpecReader(JsonNodeReader.at(v, where)));
                continue;
            }
            if ((v == null || v.isNull()) && optional(type, name)) {
                args[i] = name.equals("topology") ? Topology.SINGLE : IommuConfig.OFF;
                continue;
            }
            if (types[i] == Topology.class) {
                try {
                    args[i] = TopologyJson.read(JsonNodeReader.root(v));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
                }
                continue;
            }
            if (v == null || v.isNull()) {
                throw new IllegalArgumentException(where + " is missing");
            }
            args[i] = value(types[i], where, v);
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw new IllegalArgumentException("unknown field '" + (path.isEmpty() ? k : path + "." + k)
                        + "'; known fields of " + (path.isEmpty() ? "a platform" : path) + ": "
                        + String.join(", ", known));
            }
        }
        try {
            Constructor<?> canonical = type.getDeclaredConstructor(types);
            return canonical.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re; // the record's own range check, naming the field
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("could not build " + type.getSimpleName(), e);
        }
    }

    /** The optional fields: a platform's IOMMU, off when absent, and its topology, one GPU when absent. */
    private static boolean optional(Class<?> type, String component) {
        return type == Platform.class && (component.equals("iommu") || component.equals("topology"));
    }

    private static Object value(Class<?> type, String where, JsonNode v) {
        if (type.isEnum() && type != PcieGen.class) {
            List<String> allowed = new ArrayList<>();
            for (Object c : type.getEnumConstants()) {
                allowed.add(((Enum<?>) c).name().toLowerCase(Locale.ROOT));
            }
            if (!v.isTextual() || !allowed.contains(v.textValue())) {
                throw new IllegalArgumentException(where + " must be one of " + String.join(", ", allowed) + "; got "
                        + v);
            }
            return type.getEnumConstants()[allowed.indexOf(v.textValue())];
        }
        if (type == String.class) {
            if (!v.isTextual()) {
                throw new IllegalArgumentException(where + " must be a string; got " + v);
            }
            return v.textValue();
        }
        if (type == int.class) {
            return integer(where, v);
        }
        if (type == boolean.class) {
            if (!v.isBoolean()) {
                throw new IllegalArgumentException(where + " must be true or false; got " + v);
            }
            return v.booleanValue();
        }
        if (type == PcieGen.class) {
            return PcieGen.of(integer(where, v));
        }
        if (type == SimDuration.class) {
            return parsed(where, v, ">= 0 ns", SimDuration::parse);
        }
        if (type == Bytes.class) {
            return parsed(where, v, ">= 0 B", Bytes::parse);
        }
        if (type == Bandwidth.class) {
            return parsed(where, v, "> 0 B/s", Bandwidth::parse);
        }
        if (type.isRecord()) {
            return record(type, where, v);
        }
        throw new IllegalStateException(where + ": a profile field of type " + type.getName() + " has no JSON form");
    }

    private static int integer(String where, JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException(where + " must be a whole number; got " + v);
        }
        return v.intValue();
    }

    private static Object parsed(String where, JsonNode v, String floor, java.util.function.Function<String, ?> parse) {
        if (!v.isTextual()) {
            throw new IllegalArgumentException(where + " must be a string; got " + v);
        }
        String t = v.textValue().trim();
        if (t.startsWith("-")) {
            throw new IllegalArgumentException(where + " must be " + floor + "; got " + t);
        }
        try {
            return parse.apply(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }
}
