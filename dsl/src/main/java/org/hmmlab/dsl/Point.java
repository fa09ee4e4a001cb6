package org.hmmlab.dsl;

import java.util.List;
import org.hmmlab.dsl.results.Row;

/**
 * One point of a sweep: a value for each parameter, its position in declaration order, and the seed its
 * run must use.
 *
 * <pre>{@code sweep.run(p -> scenario.with(p.get(size)).run(p.seed()).summary())}</pre>
 */
public final class Point {

    private final List<Param<?>> params;
    private final List<Object> values;
    private final int index;
    private final long seed;

    Point(List<Param<?>> params, List<Object> values, int index, long seed) {
        this.params = params;
        this.values = values;
        this.index = index;
        this.seed = seed;
    }

    /** This point's value of {@code param}, typed. */
    public <T> T get(Param<T> param) {
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i) == param) {
                @SuppressWarnings("unchecked")
                T v = (T) values.get(i);
                return v;
            }
        }
        throw new IllegalArgumentException("parameter '" + param.name() + "' is not swept here; swept: "
                + params.stream().map(Param::name).toList());
    }

    /**
     * A point of a grid described elsewhere (a sweep described as data): its parameters, its values in their order, its
     * position in the grid and its run seed.
     */
    public static Point of(List<Param<?>> params, List<Object> values, int index, long seed) {
        if (params.size() != values.size()) {
            throw new IllegalArgumentException("Point.of: " + params.size() + " parameters but " + values.size() + " values");
        }
        return new Point(List.copyOf(params), List.copyOf(values), index, seed);
    }

    /** The values in parameter order. */
    List<Object> values() {
        return values;
    }

    /** Position of this point in declaration order (the first parameter varies slowest), from 0. */
    public int index() {
        return index;
    }

    /**
     * The seed of this point's run, derived from the sweep's seed and {@link #index()} alone (a sweep described as
     * data derives it from the point's values instead), so a point gives the same result whichever thread runs it and
     * whatever else is in the sweep.
     */
    public long seed() {
        return seed;
    }

    /** The parameter values as the first cells of a result row ({@code size_bytes}, {@code threshold}). */
    public Row row() {
        Row r = Row.of();
        for (int i = 0; i < params.size(); i++) {
            r = r.withValue(params.get(i).name(), values.get(i));
        }
        return r;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < params.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(params.get(i).name()).append('=').append(values.get(i));
        }
        return sb.toString();
    }
}
