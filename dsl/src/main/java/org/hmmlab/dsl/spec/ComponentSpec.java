package org.hmmlab.dsl.spec;

import java.util.List;

/**
 * One driver policy component as a value: its kind as JSON and JavaScript write it ({@code access-counters}), its
 * parameters in a fixed order, and how to build a fresh engine component for one run.
 *
 * @param <T> the engine's component type ({@code Placement}, {@code Prefetcher}, {@code Evictor},
 *            {@code ThrashingDetector})
 */
public sealed interface ComponentSpec<T> permits PlacementSpec, PrefetchSpec, EvictionSpec, ThrashingSpec {

    /** The component's name in tables, JSON and JavaScript: {@code access-counters}. */
    String kind();

    /** The parameters as written in labels and JSON, in a fixed order; a default left out is not listed. */
    default List<Setting> settings() {
        return List.of();
    }

    /** A fresh engine component for one run (components keep per-run state). */
    T build();

    /** One parameter with a typed value (Integer, Long, Boolean, Bytes, SimDuration or String). */
    record Setting(String name, Object value) {
    }

    /** A parameter's value: {@code spec.param("threshold")}. */
    default Object param(String name) {
        for (Setting s : settings()) {
            if (s.name().equals(name)) {
                return s.value();
            }
        }
        throw new IllegalArgumentException(kind() + " has no parameter '" + name + "'; it has "
                + settings().stream().map(Setting::name).toList());
    }

    /** {@code access-counters(threshold=64, granularity=64 KiB)}. */
    default String label() {
        return label(kind(), settings());
    }

    /** {@code kind(a=1, b=2)}, or the kind alone without settings. */
    static String label(String kind, List<Setting> settings) {
        if (settings.isEmpty()) {
            return kind;
        }
        StringBuilder sb = new StringBuilder(kind).append('(');
        for (int i = 0; i < settings.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(settings.get(i).name()).append('=').append(settings.get(i).value());
        }
        return sb.append(')').toString();
    }
}
