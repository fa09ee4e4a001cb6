package org.hmmlab.platform;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.hmmlab.units.Bandwidth;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * Reads the fields of one JSON object of a profile, each with its path for error messages, and refuses
 * fields it does not know.
 */
final class Fields {

    private final String path;
    private final Map<String, Object> obj;
    private final Set<String> used = new LinkedHashSet<>();

    Fields(String path, Object value) {
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(path + " must be a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) value;
        this.path = path;
        this.obj = m;
    }

    private Object raw(String name) {
        used.add(name);
        if (!obj.containsKey(name) || obj.get(name) == null) {
            throw new IllegalArgumentException(where(name) + " is missing");
        }
        return obj.get(name);
    }

    String where(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    Object object(String name) {
        return raw(name);
    }

    String string(String name) {
        Object v = raw(name);
        if (!(v instanceof String str)) {
            throw new IllegalArgumentException(where(name) + " must be a string; got " + v);
        }
        return str;
    }

    boolean bool(String name) {
        Object v = raw(name);
        if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException(where(name) + " must be true or false; got " + v);
        }
        return b;
    }

    int integer(String name) {
        Object v = raw(name);
        if (!(v instanceof Long l) || l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(where(name) + " must be a whole number; got " + v);
        }
        return (int) (long) l;
    }

    SimDuration duration(String name) {
        String t = string(name).trim();
        if (t.startsWith("-")) {
            throw new IllegalArgumentException(where(name) + " must be >= 0 ns; got " + t);
        }
        try {
            return SimDuration.parse(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where(name) + ": " + e.getMessage(), e);
        }
    }

    Bytes bytes(String name) {
        String t = string(name).trim();
        if (t.startsWith("-")) {
            throw new IllegalArgumentException(where(name) + " must be >= 0 B; got " + t);
        }
        try {
            return Bytes.parse(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where(name) + ": " + e.getMessage(), e);
        }
    }

    Bandwidth bandwidth(String name) {
        String t = string(name).trim();
        if (t.startsWith("-")) {
            throw new IllegalArgumentException(where(name) + " must be > 0 B/s; got " + t);
        }
        try {
            return Bandwidth.parse(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where(name) + ": " + e.getMessage(), e);
        }
    }

    /** Refuses any field that was not read, naming it and the known ones. */
    void finish(List<String> known) {
        for (String k : obj.keySet()) {
            if (!used.contains(k)) {
                throw new IllegalArgumentException("unknown field '" + where(k) + "'; known fields of "
                        + (path.isEmpty() ? "a platform" : path) + ": " + String.join(", ", known));
            }
        }
    }

    static String quote(String s) {
        return org.hmmlab.metrics.TraceWriter.quote(s);
    }
}
