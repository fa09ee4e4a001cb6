package org.hmmlab.dsl.js;

import java.util.List;
import java.util.Set;
import org.graalvm.polyglot.Value;
import org.hmmlab.dsl.spec.SpecReader;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * A policy component or hint as a JavaScript object literal, for the spec to read: {@code {kind: "density",
 * threshold_pct: 30}}. Errors start with where the value was ({@code placement.threshold: ...}); the script
 * runtime adds the line.
 */
final class JsSpecReader implements SpecReader {

    private final String where;
    private final Value v;

    JsSpecReader(String where, Value v) {
        this.where = where;
        this.v = v;
    }

    private IllegalArgumentException error(String field, String message) {
        return new IllegalArgumentException(where + (field == null ? "" : "." + field) + ": " + message);
    }

    @Override
    public java.util.Map<String, SpecReader> objects(String name) {
        Value f = field(name);
        if (!f.hasMembers()) {
            throw error(name, "must be an object whose fields are objects");
        }
        java.util.Map<String, SpecReader> out = new java.util.LinkedHashMap<>();
        for (String k : f.getMemberKeys()) {
            out.put(k, new JsSpecReader(where + "." + name + "." + k, f.getMember(k)));
        }
        return out;
    }

    private Value field(String name) {
        Value f = v.getMember(name);
        if (f == null || f.isNull()) {
            throw error(name, "is missing");
        }
        return f;
    }

    @Override
    public String kind(List<String> kinds) {
        if (v == null || !v.hasMembers() || v.isString() || v.isNumber()) {
            throw error(null, "must be an object with a kind, one of " + String.join(", ", kinds) + ", got " + v);
        }
        String k = text("kind");
        if (!kinds.contains(k)) {
            throw error("kind", "\"" + k + "\" is not one of " + String.join(", ", kinds));
        }
        return k;
    }

    @Override
    public void only(Set<String> names) {
        for (String k : v.getMemberKeys()) {
            if (!names.contains(k)) {
                throw error(k, "is not a field here; fields: " + names.stream().sorted().toList());
            }
        }
    }

    @Override
    public boolean has(String name) {
        return name != null && v.hasMember(name) && !v.getMember(name).isNull();
    }

    @Override
    public String text(String name) {
        Value f = field(name);
        if (!f.isString()) {
            throw error(name, "must be a string, got " + f);
        }
        return f.asString();
    }

    @Override
    public java.util.List<String> texts(String name) {
        Value f = field(name);
        if (!f.hasArrayElements()) {
            throw error(name, "must be an array of strings, got " + f);
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        for (long i = 0; i < f.getArraySize(); i++) {
            Value e = f.getArrayElement(i);
            if (!e.isString()) {
                throw error(name, "must be an array of strings, got " + f);
            }
            out.add(e.asString());
        }
        return out;
    }

    @Override
    public long whole(String name) {
        Value f = field(name);
        if (!f.fitsInLong()) {
            throw error(name, "must be a whole number, got " + f);
        }
        return f.asLong();
    }

    @Override
    public boolean bool(String name) {
        Value f = field(name);
        if (!f.isBoolean()) {
            throw error(name, "must be true or false, got " + f);
        }
        return f.asBoolean();
    }

    @Override
    public Bytes bytes(String name) {
        String t = text(name);
        try {
            return Bytes.parse(t);
        } catch (IllegalArgumentException e) {
            throw error(name, e.getMessage());
        }
    }

    @Override
    public SimDuration duration(String name) {
        String t = text(name);
        try {
            return SimDuration.parse(t);
        } catch (IllegalArgumentException e) {
            throw error(name, e.getMessage());
        }
    }

    @Override
    public RuntimeException refused(String parameter, IllegalArgumentException e) {
        return error(parameter, e.getMessage());
    }
}
