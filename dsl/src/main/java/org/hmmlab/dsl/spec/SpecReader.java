package org.hmmlab.dsl.spec;

import java.util.List;
import java.util.Set;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * One component or hint as a front end holds it, field by field: a JSON object, a JavaScript object literal.
 * The spec reads it ({@link PlacementSpec#read}, {@link HintSpec#read}, ...) so JSON and JavaScript share one
 * grammar; the reader only converts text and numbers and says where a bad value was.
 *
 * <pre>{@code {"kind": "access-counters", "threshold": 256, "granularity": "64KiB", "decay": "100us"}}</pre>
 */
public interface SpecReader {

    /** The {@code kind} field, which must be one of {@code kinds}. */
    String kind(List<String> kinds);

    /** Refuses any field not in {@code names}. */
    void only(Set<String> names);

    /** True when field {@code name} is present. */
    boolean has(String name);

    /** A text field. */
    String text(String name);

    /** A whole-number field. */
    long whole(String name);

    /** A boolean field. */
    boolean bool(String name);

    /** The array of strings {@code name}: {@code "gpus": ["gpu0", "gpu1"]}. */
    java.util.List<String> texts(String name);

    /** A size with its unit: {@code "64KiB"}. */
    Bytes bytes(String name);

    /** A duration with its unit: {@code "100us"}. */
    SimDuration duration(String name);

    /**
     * The front end's error for a value the spec refused ({@code e}), located at field {@code parameter} when
     * that is not null, else at the whole object.
     */
    RuntimeException refused(String parameter, IllegalArgumentException e);

    /**
     * A field that is an object of objects, each read by a reader of its own, in order: {@code "ranges": {"x":
     * {...}, "y": {...}}}. Front ends that cannot nest refuse it.
     */
    default java.util.Map<String, SpecReader> objects(String name) {
        throw refused(name, new SpecException(name, name + " cannot be given here"));
    }

    /** Runs {@code read} and relocates a refusal to the field or object this reader holds. */
    static <T> T located(SpecReader r, java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (SpecException e) {
            throw r.refused(r.has(e.parameter()) ? e.parameter() : null, e);
        }
    }
}
