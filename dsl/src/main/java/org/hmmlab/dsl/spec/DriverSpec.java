package org.hmmlab.dsl.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.hmmlab.platform.AmdSvm;
import org.hmmlab.platform.DriverPersonality;
import org.hmmlab.platform.SvmAttributes;

/**
 * The driver personality as the JSON and JavaScript front ends write it: {@code {"name": "uvm"}} or {@code {"name":
 * "amdSvm", "xnack": false, "granularity": 9, "ranges": {"x": {"preferredLoc": "gpu", "access": "noAccess"}}}},
 * every field but {@code name} optional (the defaults of {@link AmdSvm#defaults()}). An option of one personality
 * given to another is refused, naming the personality that has it: {@code driver.xnack is an option of the amdSvm
 * driver; the uvm driver takes only 'name'}.
 */
public final class DriverSpec {

    /** The personalities, as the front ends name them. */
    public static final List<String> NAMES = List.of("uvm", "amdSvm");
    /** The amdSvm driver's fields. */
    public static final List<String> AMD_FIELDS = List.of("name", "xnack", "granularity", "retryFaultPending",
            "faultFilterTimeout", "faultFilterRingEntries", "restoreDelay", "restoreOverhead", "retryInterval",
            "queueEviction", "ranges");
    /** The fields of one range's attributes. */
    public static final List<String> RANGE_FIELDS = List.of("preferredLoc", "prefetchLoc", "access", "granularity");
    /** Locations and accesses as written: {@code undefined, sysmem, gpu}; {@code access, accessInPlace, noAccess}. */
    public static final List<String> LOCATIONS = List.of("undefined", "sysmem", "gpu");
    public static final List<String> ACCESSES = List.of("access", "accessInPlace", "noAccess");

    private DriverSpec() {
    }

    /** The personality called {@code name} with its defaults. */
    public static DriverPersonality named(String name) {
        return switch (name == null ? "" : name) {
            case "uvm" -> DriverPersonality.UVM;
            case "amdSvm" -> AmdSvm.defaults();
            default -> throw new SpecException("name", "driver.name must be one of " + String.join(", ", NAMES)
                    + "; got " + (name == null ? "none" : "'" + name + "'"));
        };
    }

    /** {@code d} in the object form: its name, and each option that differs from the personality's default. */
    public static Map<String, Object> written(DriverPersonality d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.name());
        if (d instanceof AmdSvm a) {
            AmdSvm z = AmdSvm.defaults();
            m.put("xnack", a.xnack());
            if (a.granularity() != z.granularity()) {
                m.put("granularity", a.granularity());
            }
            putDuration(m, "retryFaultPending", a.retryFaultPending().nanos(), z.retryFaultPending().nanos());
            putDuration(m, "faultFilterTimeout", a.faultFilterTimeout().nanos(), z.faultFilterTimeout().nanos());
            if (a.faultFilterRingEntries() != z.faultFilterRingEntries()) {
                m.put("faultFilterRingEntries", a.faultFilterRingEntries());
            }
            putDuration(m, "restoreDelay", a.restoreDelay().nanos(), z.restoreDelay().nanos());
            putDuration(m, "restoreOverhead", a.restoreOverhead().nanos(), z.restoreOverhead().nanos());
            putDuration(m, "retryInterval", a.retryInterval().nanos(), z.retryInterval().nanos());
            putDuration(m, "queueEviction", a.queueEviction().nanos(), z.queueEviction().nanos());
            if (!a.ranges().isEmpty()) {
                Map<String, Object> ranges = new LinkedHashMap<>();
                a.ranges().forEach((k, v) -> ranges.put(k, written(v)));
                m.put("ranges", ranges);
            }
        }
        return m;
    }

    private static void putDuration(Map<String, Object> m, String field, long v, long dflt) {
        if (v != dflt) {
            m.put(field, v + "ns");
        }
    }

    /** One range's attributes, each that differs from the driver's default. */
    public static Map<String, Object> written(SvmAttributes a) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (a.preferredLoc() != SvmAttributes.Location.UNDEFINED) {
            m.put("preferredLoc", a.preferredLoc().name().toLowerCase(Locale.ROOT));
        }
        if (a.prefetchLoc() != SvmAttributes.Location.UNDEFINED) {
            m.put("prefetchLoc", a.prefetchLoc().name().toLowerCase(Locale.ROOT));
        }
        if (a.access() != SvmAttributes.Access.ACCESS) {
            m.put("access", ACCESSES.get(a.access().ordinal()));
        }
        if (a.granularity() != SvmAttributes.INHERIT) {
            m.put("granularity", a.granularity());
        }
        return m;
    }

    /** Reads the object form; each refusal names its field and what exists. */
    public static DriverPersonality read(SpecReader r) {
        return SpecReader.located(r, () -> {
            DriverPersonality d = named(r.text("name"));
            if (!(d instanceof AmdSvm a)) {
                for (String f : AMD_FIELDS) {
                    if (!f.equals("name") && r.has(f)) {
                        throw new SpecException(f, "driver." + f + " is an option of the amdSvm driver; the "
                                + d.name() + " driver takes only 'name' (personalities: " + String.join(", ", NAMES)
                                + ")");
                    }
                }
                r.only(Set.of("name"));
                return d;
            }
            r.only(Set.copyOf(AMD_FIELDS));
            AmdSvm x = a;
            if (r.has("xnack")) {
                x = x.xnack(r.bool("xnack"));
            }
            if (r.has("granularity")) {
                long g = r.whole("granularity");
                AmdSvm base = x;
                x = check("granularity", () -> base.granularity((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, g))));
            }
            if (r.has("retryFaultPending")) {
                x = check("retryFaultPending", x, () -> r.duration("retryFaultPending"), AmdSvm::retryFaultPending);
            }
            if (r.has("faultFilterTimeout") || r.has("faultFilterRingEntries")) {
                AmdSvm base = x;
                x = check(r.has("faultFilterTimeout") ? "faultFilterTimeout" : "faultFilterRingEntries",
                        () -> base.faultFilter(r.has("faultFilterTimeout") ? r.duration("faultFilterTimeout")
                                : base.faultFilterTimeout(), r.has("faultFilterRingEntries")
                                ? (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE,
                                r.whole("faultFilterRingEntries"))) : base.faultFilterRingEntries()));
            }
            if (r.has("restoreDelay")) {
                x = check("restoreDelay", x, () -> r.duration("restoreDelay"), AmdSvm::restoreDelay);
            }
            if (r.has("restoreOverhead")) {
                x = check("restoreOverhead", x, () -> r.duration("restoreOverhead"), AmdSvm::restoreOverhead);
            }
            if (r.has("retryInterval")) {
                x = check("retryInterval", x, () -> r.duration("retryInterval"), AmdSvm::retryInterval);
            }
            if (r.has("queueEviction")) {
                x = check("queueEviction", x, () -> r.duration("queueEviction"), AmdSvm::queueEviction);
            }
            if (r.has("ranges")) {
                for (Map.Entry<String, SpecReader> e : r.objects("ranges").entrySet()) {
                    x = x.range(e.getKey(), readRange(e.getValue()));
                }
            }
            return x;
        });
    }

    /** One range's attributes: {@code {"preferredLoc": "gpu", "access": "accessInPlace", "granularity": 9}}. */
    public static SvmAttributes readRange(SpecReader r) {
        return SpecReader.located(r, () -> {
            r.only(Set.copyOf(RANGE_FIELDS));
            SvmAttributes a = SvmAttributes.DEFAULT;
            if (r.has("preferredLoc")) {
                a = a.preferredLoc(location("preferredLoc", r.text("preferredLoc")));
            }
            if (r.has("prefetchLoc")) {
                a = a.prefetchLoc(location("prefetchLoc", r.text("prefetchLoc")));
            }
            if (r.has("access")) {
                String v = r.text("access");
                int i = ACCESSES.indexOf(v);
                if (i < 0) {
                    throw new SpecException("access", "access must be one of " + String.join(", ", ACCESSES)
                            + "; got '" + v + "'");
                }
                a = a.access(SvmAttributes.Access.values()[i]);
            }
            if (r.has("granularity")) {
                long g = r.whole("granularity");
                SvmAttributes base = a;
                a = check("granularity", () -> base.granularity((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, g))));
            }
            return a;
        });
    }

    private static SvmAttributes.Location location(String field, String v) {
        int i = LOCATIONS.indexOf(v);
        if (i < 0) {
            throw new SpecException(field, field + " must be one of " + String.join(", ", LOCATIONS) + "; got '" + v
                    + "'");
        }
        return SvmAttributes.Location.values()[i];
    }

    private static <T> T check(String field, java.util.function.Supplier<T> make) {
        try {
            return make.get();
        } catch (SpecException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new SpecException(field, e.getMessage(), e);
        }
    }

    private static <V> AmdSvm check(String field, AmdSvm a, java.util.function.Supplier<V> value,
                                    java.util.function.BiFunction<AmdSvm, V, AmdSvm> with) {
        return check(field, () -> with.apply(a, value.get()));
    }
}
