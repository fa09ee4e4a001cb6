package org.hmmlab.dsl.json;

import java.util.List;
import java.util.Set;
import org.hmmlab.dsl.spec.SpecReader;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/** A policy component or hint as a JSON object, for the spec to read; every error carries its JSON path. */
final class JsonSpecReader implements SpecReader {

    private final JsonNodeReader r;

    JsonSpecReader(JsonNodeReader r) {
        this.r = r;
    }

    @Override
    public String kind(List<String> kinds) {
        if (!r.node().isObject()) {
            throw r.error("must be an object with a \"kind\", one of " + String.join(", ", kinds));
        }
        return r.field("kind").oneOf(kinds);
    }

    @Override
    public java.util.Map<String, SpecReader> objects(String name) {
        JsonNodeReader f = r.field(name);
        if (!f.node().isObject()) {
            throw f.error("must be an object whose fields are objects");
        }
        java.util.Map<String, SpecReader> out = new java.util.LinkedHashMap<>();
        for (java.util.Iterator<String> it = f.node().fieldNames(); it.hasNext(); ) {
            String k = it.next();
            out.put(k, new JsonSpecReader(f.field(k)));
        }
        return out;
    }

    @Override
    public void only(Set<String> names) {
        r.object(names);
    }

    @Override
    public boolean has(String name) {
        return name != null && r.has(name);
    }

    @Override
    public String text(String name) {
        return r.field(name).text();
    }

    @Override
    public List<String> texts(String name) {
        List<String> out = new java.util.ArrayList<>();
        for (JsonNodeReader e : r.field(name).elements()) {
            out.add(e.text());
        }
        return out;
    }

    @Override
    public long whole(String name) {
        return r.field(name).longValue(Long.MIN_VALUE, Long.MAX_VALUE);
    }

    @Override
    public boolean bool(String name) {
        return r.field(name).booleanValue();
    }

    @Override
    public Bytes bytes(String name) {
        return r.field(name).parsed(Bytes::parse);
    }

    @Override
    public SimDuration duration(String name) {
        return r.field(name).parsed(SimDuration::parse);
    }

    @Override
    public RuntimeException refused(String parameter, IllegalArgumentException e) {
        return new JsonFormatException(parameter == null ? r.path() : r.field(parameter).path(), e.getMessage(), e);
    }
}
