package org.hmmlab.dsl;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A swept parameter: a name and the values to try, in the order they are declared.
 *
 * <p>Values are typed ({@code Param<Bytes>}, {@code Param<Integer>}), so a sweep point hands them back as
 * what they are: {@code p.get(size)} is a {@code Bytes}. In a sweep's table a parameter becomes a column
 * whose name carries its unit: a {@code Bytes} parameter {@code size} is the column {@code size_bytes}.
 *
 * <pre>{@code var size = param("size", MiB(1), MiB(4), MiB(16));}</pre>
 *
 * @param <T> the type of the values
 */
public final class Param<T> {

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    private final String name;
    private final List<T> values;

    private Param(String name, List<T> values) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("param(name, ...): name '" + name
                    + "' must start with a letter and hold only letters, digits and '_'");
        }
        if (values.isEmpty()) {
            throw new IllegalArgumentException("param(\"" + name + "\", values): give at least one value");
        }
        HashSet<T> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            T v = values.get(i);
            if (v == null) {
                throw new IllegalArgumentException("param(\"" + name + "\", values): value " + i + " is null");
            }
            if (!seen.add(v)) {
                throw new IllegalArgumentException("param(\"" + name + "\", values): " + v + " is listed twice");
            }
        }
        this.name = name;
        this.values = List.copyOf(values);
    }

    /** A parameter with the given values, in order: {@code Param.of("threshold", List.of(64, 256))}. */
    public static <T> Param<T> of(String name, List<T> values) {
        Objects.requireNonNull(values, "values");
        return new Param<>(name, values);
    }

    public String name() {
        return name;
    }

    /** The values in declaration order. */
    public List<T> values() {
        return values;
    }

    /** Number of values. */
    public int size() {
        return values.size();
    }

    @Override
    public String toString() {
        return name + " " + values;
    }
}
