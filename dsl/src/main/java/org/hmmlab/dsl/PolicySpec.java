package org.hmmlab.dsl;

import java.util.Objects;
import org.hmmlab.dsl.script.JsPlacement;
import org.hmmlab.dsl.script.ScriptLimits;
import org.hmmlab.policy.Evictor;
import org.hmmlab.policy.Hints;
import org.hmmlab.policy.MigrationPolicy;
import org.hmmlab.policy.Placement;
import org.hmmlab.policy.Policies;
import org.hmmlab.policy.Prefetcher;
import org.hmmlab.policy.ThrashingDetector;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * A driver migration policy as a value: which placement, prefetcher, evictor and thrashing detector, with
 * their parameters. {@link #build()} makes a fresh engine {@link MigrationPolicy} for each run (policies keep
 * per-run state), so one spec serves every point of a sweep.
 *
 * <p>Immutable; each component's parameters are checked when the component is named (the engine's own
 * constructor runs once then), not when the scenario runs.
 *
 * <pre>{@code uvmDefaults().placement(accessCounters(64, KiB(64))).prefetch(noPrefetch())}</pre>
 *
 * @param placement where faulting pages go
 * @param prefetch  what migrates along with them
 * @param eviction  what leaves a full GPU
 * @param thrashing how bouncing pages are damped
 */
public record PolicySpec(Component<Placement> placement, Component<Prefetcher> prefetch, Component<Evictor> eviction,
        Component<ThrashingDetector> thrashing) {

    public PolicySpec {
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(prefetch, "prefetch");
        Objects.requireNonNull(eviction, "eviction");
        Objects.requireNonNull(thrashing, "thrashing");
    }

    /**
     * One policy component: its kind as written in JSON ({@code access-counters}), its parameters in a
     * fixed order, and how to build it.
     *
     * @param kind   the component's name in tables and JSON
     * @param params the parameters, each as {@code name=value} text with its unit, in a fixed order
     * @param source the JavaScript source for {@code javascript} placements, otherwise null
     */
    public record Component<T>(String kind, java.util.List<Setting> params, String source,
            java.util.function.Supplier<T> factory) {

        /** One parameter of a component, with a typed value (Integer, Bytes, Boolean, Long). */
        public record Setting(String name, Object value) {
        }

        static <T> Component<T> of(String kind, java.util.function.Supplier<T> factory, Object... nameValues) {
            java.util.List<Setting> ps = new java.util.ArrayList<>();
            for (int i = 0; i < nameValues.length; i += 2) {
                ps.add(new Setting((String) nameValues[i], nameValues[i + 1]));
            }
            T probe = factory.get(); // runs the engine's checks now, at the call that named the component
            if (probe instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return new Component<>(kind, java.util.List.copyOf(ps), null, factory);
        }

        /** A parameter's value. */
        public Object param(String name) {
            for (Setting p : params) {
                if (p.name().equals(name)) {
                    return p.value();
                }
            }
            throw new IllegalArgumentException(kind + " has no parameter '" + name + "'");
        }

        /** {@code access-counters(threshold=64, granularity=64 KiB)}. */
        public String label() {
            if (params.isEmpty()) {
                return kind;
            }
            StringBuilder sb = new StringBuilder(kind).append('(');
            for (int i = 0; i < params.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(params.get(i).name()).append('=').append(params.get(i).value());
            }
            return sb.append(')').toString();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Component<?> c && c.kind.equals(kind) && c.params.equals(params)
                    && Objects.equals(c.source, source);
        }

        @Override
        public int hashCode() {
            return Objects.hash(kind, params, source);
        }

        @Override
        public String toString() {
            return label();
        }
    }

    // --- ready policies ----------------------------------------------------------------------------

    /** What the UVM driver does out of the box: first touch, density prefetch (51 %), LRU 2 MiB, thrashing detection. */
    public static PolicySpec uvmDefaults() {
        return new PolicySpec(firstTouch(), density(), lru(), uvmThrashing());
    }

    /** First touch, no prefetch, LRU, no thrashing detection: the on-demand baseline. */
    public static PolicySpec onDemand() {
        return new PolicySpec(firstTouch(), noPrefetch(), lru(), noThrashing());
    }

    /** Everything mapped remotely over the link; nothing migrates. */
    public static PolicySpec zeroCopy() {
        return new PolicySpec(remoteMap(), noPrefetch(), lru(), noThrashing());
    }

    // --- placements --------------------------------------------------------------------------------

    /** Migrate a page to the GPU on its first GPU fault. Mirrors UVM's default residency choice. */
    public static Component<Placement> firstTouch() {
        return Component.of("first-touch", Policies::firstTouch);
    }

    /** Map host pages into the GPU remotely (zero-copy) instead of migrating. */
    public static Component<Placement> remoteMap() {
        return Component.of("remote-map", Policies::remoteMap);
    }

    /**
     * Access-counter migration: a region migrates after {@code threshold} (1 to 65535) remote accesses per
     * {@code granularity} region (64 KiB to 2 MiB). Mirrors {@code uvm_gpu_access_counters.c}.
     */
    public static Component<Placement> accessCounters(int threshold, Bytes granularity) {
        return Component.of("access-counters", () -> Policies.accessCounters(threshold, granularity),
                "threshold", threshold, "granularity", granularity);
    }

    /**
     * A placement written in JavaScript ({@link JsPlacement}): the script's {@code onDeviceFault(fault)}
     * returns a decision name. The script is parsed and checked now.
     */
    public static Component<Placement> javascript(String name, String source) {
        Objects.requireNonNull(source, "javascript(name, source): source");
        java.util.function.Supplier<Placement> f = () -> JsPlacement.load(name, source, ScriptLimits.DEFAULT, SimDuration.ZERO);
        Component<Placement> probe = Component.of("javascript", f, "name", name);
        return new Component<>(probe.kind(), probe.params(), source, f);
    }

    // --- prefetchers -------------------------------------------------------------------------------

    /** No prefetch. */
    public static Component<Prefetcher> noPrefetch() {
        return Component.of("none", () -> Prefetcher.NONE);
    }

    /** UVM's density prefetcher at its default 51 %. Mirrors {@code uvm_perf_prefetch.c}. */
    public static Component<Prefetcher> density() {
        return Component.of("density", Policies::density, "threshold_pct", 51);
    }

    /** The density prefetcher with another threshold, 1 to 100 percent. */
    public static Component<Prefetcher> density(int thresholdPercent) {
        return Component.of("density", () -> Policies.density(thresholdPercent), "threshold_pct", thresholdPercent);
    }

    /** Prefetch the aligned neighbourhood of each fault (4 KiB to 2 MiB). */
    public static Component<Prefetcher> neighbourhood(Bytes size) {
        return Component.of("neighbourhood", () -> Policies.neighbourhood(size), "size", size);
    }

    // --- evictors ----------------------------------------------------------------------------------

    /** UVM's eviction: 2 MiB root chunks, least recently allocated first. Mirrors {@code uvm_pmm_gpu.c}. */
    public static Component<Evictor> lru() {
        return Component.of("lru", Policies::lru);
    }

    /** LRU at a granularity from 4 KiB to 2 MiB, refreshed on every access or only on allocation. */
    public static Component<Evictor> lru(Bytes granularity, boolean refreshOnAccess) {
        return Component.of("lru", () -> Policies.lru(granularity, refreshOnAccess), "granularity", granularity,
                "refresh_on_access", refreshOnAccess);
    }

    /** Random victims at a granularity from 4 KiB to 2 MiB, drawn from the run's seed. */
    public static Component<Evictor> randomEviction(Bytes granularity) {
        return Component.of("random", () -> Policies.random(granularity), "granularity", granularity);
    }

    /** SRRIP eviction at a granularity from 4 KiB to 2 MiB. */
    public static Component<Evictor> rrip(Bytes granularity) {
        return Component.of("rrip", () -> Policies.rrip(granularity), "granularity", granularity);
    }

    // --- thrashing ---------------------------------------------------------------------------------

    /** No thrashing detection. */
    public static Component<ThrashingDetector> noThrashing() {
        return Component.of("none", () -> ThrashingDetector.NONE);
    }

    /** UVM's thrashing detection (throttle, then pin). Mirrors {@code uvm_perf_thrashing.c}. */
    public static Component<ThrashingDetector> uvmThrashing() {
        return Component.of("uvm", Policies::thrashing);
    }

    // --- composition -------------------------------------------------------------------------------

    /** This policy with another placement: {@code .placement(accessCounters(64, KiB(64)))}. */
    public PolicySpec placement(Component<Placement> p) {
        return new PolicySpec(p, prefetch, eviction, thrashing);
    }

    /** This policy with another prefetcher: {@code .prefetch(density(30))}. */
    public PolicySpec prefetch(Component<Prefetcher> p) {
        return new PolicySpec(placement, p, eviction, thrashing);
    }

    /** This policy with another evictor: {@code .eviction(rrip(KiB(64)))}. */
    public PolicySpec eviction(Component<Evictor> e) {
        return new PolicySpec(placement, prefetch, e, thrashing);
    }

    /** This policy with another thrashing detector: {@code .thrashing(noThrashing())}. */
    public PolicySpec thrashing(Component<ThrashingDetector> t) {
        return new PolicySpec(placement, prefetch, eviction, t);
    }

    /** A fresh engine policy for one run. */
    public MigrationPolicy build() {
        return new MigrationPolicy(placement.factory().get(), prefetch.factory().get(), eviction.factory().get(),
                thrashing.factory().get(), Hints.none());
    }

    /** {@code first-touch + density(threshold_pct=51) + lru + uvm}. */
    public String label() {
        return placement.label() + " + " + prefetch.label() + " + " + eviction.label() + " + " + thrashing.label();
    }

    @Override
    public String toString() {
        return label();
    }
}
