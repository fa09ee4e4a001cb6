package org.hmmlab.dsl.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hmmlab.dsl.script.JsPlacement;
import org.hmmlab.dsl.script.ScriptException;
import org.hmmlab.dsl.script.ScriptLimits;
import org.hmmlab.policy.AccessCounterPlacement;
import org.hmmlab.policy.AdaptiveAccessCounterPlacement;
import org.hmmlab.policy.FirstTouchPlacement;
import org.hmmlab.policy.Placement;
import org.hmmlab.policy.RemoteMapPlacement;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * Where a faulting page goes: migrate on first touch, map remotely, migrate after access counters fire, or a
 * placement written in JavaScript.
 */
public sealed interface PlacementSpec extends ComponentSpec<Placement> {

    /** The kinds, as JSON and JavaScript name them. */
    List<String> KINDS = List.of("first-touch", "remote-map", "access-counters", "javascript",
            "adaptive-access-counters");

    /**
     * Delayed migration with the IPDPS'20 adaptive threshold (GPGPU-Sim UVMSmart, {@code -enable_dma 1}): reads are
     * served remotely until a 64 KiB block has seen {@code threshold} x occupancy accesses (before memory is
     * oversubscribed) or {@code threshold} x {@code penalty} x (round trips + 1) (after); writes migrate at once.
     * Threshold 1 to 65535 (the peer's default 8), penalty 1 to 1000 (default 2). Mirrors
     * {@code should_cause_page_migration()}.
     *
     * <pre>{@code adaptiveAccessCounters().threshold(16).penalty(4)}</pre>
     */
    record AdaptiveAccessCounters(int threshold, int penalty) implements PlacementSpec {

        public AdaptiveAccessCounters {
            Check.whole("adaptive-access-counters", "threshold", threshold, 1, 65535);
            Check.whole("adaptive-access-counters", "penalty", penalty, 1, 1000);
        }

        /** The peer's defaults: threshold 8, penalty 2. */
        public AdaptiveAccessCounters() {
            this(AdaptiveAccessCounterPlacement.DEFAULT_THRESHOLD, AdaptiveAccessCounterPlacement.DEFAULT_PENALTY);
        }

        /** This placement with another base threshold, 1 to 65535: {@code .threshold(16)}. */
        public AdaptiveAccessCounters threshold(int t) {
            return new AdaptiveAccessCounters(t, penalty);
        }

        /** This placement with another oversubscription penalty, 1 to 1000: {@code .penalty(4)}. */
        public AdaptiveAccessCounters penalty(int p) {
            return new AdaptiveAccessCounters(threshold, p);
        }

        @Override
        public String kind() {
            return "adaptive-access-counters";
        }

        @Override
        public List<Setting> settings() {
            return List.of(new Setting("threshold", threshold), new Setting("penalty", penalty));
        }

        @Override
        public Placement build() {
            return new AdaptiveAccessCounterPlacement(threshold, penalty);
        }
    }

    /** Migrate a page to the GPU on its first GPU fault. Mirrors UVM's default residency choice. */
    record FirstTouch() implements PlacementSpec {
        @Override
        public String kind() {
            return "first-touch";
        }

        @Override
        public Placement build() {
            return new FirstTouchPlacement();
        }
    }

    /** Map host pages into the GPU remotely (zero-copy) instead of migrating. */
    record RemoteMap() implements PlacementSpec {
        @Override
        public String kind() {
            return "remote-map";
        }

        @Override
        public Placement build() {
            return new RemoteMapPlacement();
        }
    }

    /**
     * Access-counter migration: a region migrates once the GPU's counter for it reaches {@code threshold} remote
     * accesses (1 to 65535); regions are {@code granularity} large (a power of two, 4 KiB to 16 GiB); counts halve
     * every {@code decay} ({@code 0 ns}: never, as on the hardware). Mirrors {@code uvm_gpu_access_counters.c}
     * ({@code uvm_perf_access_counter_threshold}, default 256 per 2 MiB); the decay is the model's addition.
     *
     * <pre>{@code accessCounters().threshold(256).granularity(KiB(64)).decay(us(100))}</pre>
     */
    record AccessCounters(int threshold, Bytes granularity, SimDuration decay) implements PlacementSpec {

        /** The largest decay half-life, one hour of simulated time. */
        public static final SimDuration MAX_DECAY = SimDuration.ms(3_600_000);

        public AccessCounters {
            checkThreshold(threshold);
            Check.powerOfTwo("access-counters", "granularity", granularity, Bytes.PAGE,
                    org.hmmlab.policy.AccessCounters.MAX_GRANULARITY);
            Check.duration("access-counters", "decay", decay, MAX_DECAY);
        }

        /** The threshold's range, 1 to 65535 ({@code uvm_perf_access_counter_threshold}'s). */
        static int checkThreshold(long accesses) {
            return Check.whole("access-counters", "threshold", accesses, 1,
                    org.hmmlab.policy.AccessCounters.MAX_THRESHOLD);
        }

        /** UVM's defaults: 256 accesses per 2 MiB region, no decay. */
        public AccessCounters() {
            this(org.hmmlab.policy.AccessCounters.DEFAULT_THRESHOLD,
                    org.hmmlab.policy.AccessCounters.DEFAULT_GRANULARITY, SimDuration.ZERO);
        }

        /** These counters with another threshold: {@code .threshold(64)}. */
        public AccessCounters threshold(int accesses) {
            return new AccessCounters(accesses, granularity, decay);
        }

        /** These counters over regions of another size: {@code .granularity(KiB(64))}. */
        public AccessCounters granularity(Bytes region) {
            return new AccessCounters(threshold, region, decay);
        }

        /** These counters halving every {@code halfLife}: {@code .decay(us(100))}; {@code ns(0)} for never. */
        public AccessCounters decay(SimDuration halfLife) {
            return new AccessCounters(threshold, granularity, halfLife);
        }

        @Override
        public String kind() {
            return "access-counters";
        }

        @Override
        public List<Setting> settings() {
            List<Setting> s = new ArrayList<>(List.of(new Setting("threshold", threshold),
                    new Setting("granularity", granularity)));
            if (decay.nanos() > 0) {
                s.add(new Setting("decay", decay));
            }
            return List.copyOf(s);
        }

        @Override
        public Placement build() {
            return new AccessCounterPlacement(new org.hmmlab.policy.AccessCounters(threshold, granularity, decay),
                    SimDuration.ZERO);
        }
    }

    /**
     * A placement written in JavaScript ({@link JsPlacement}): the script's {@code onDeviceFault(fault)} returns a
     * decision name. The script is parsed and checked when the record is made; one that does not load (a syntax
     * error, no {@code onDeviceFault}) is refused as a bad {@code source}, the script's error and line in the
     * message and as the cause.
     */
    record JavaScript(String name, String source) implements PlacementSpec {

        public JavaScript {
            Check.text("javascript", "name", name);
            if (source == null) {
                throw new SpecException("source", "javascript source must be the script's text, got null");
            }
            try (JsPlacement probe = load(name, source)) {
                probe.name(); // loading checked the script: syntax, onDeviceFault defined
            } catch (ScriptException e) {
                // a value the spec refuses, so JSON names $.policy.placement.source and JavaScript the field
                throw new SpecException("source", "javascript source does not load: " + e.getMessage(), e);
            }
        }

        private static JsPlacement load(String name, String source) {
            return JsPlacement.load(name, source, ScriptLimits.DEFAULT, SimDuration.ZERO);
        }

        @Override
        public String kind() {
            return "javascript";
        }

        @Override
        public List<Setting> settings() {
            return List.of(new Setting("name", name));
        }

        @Override
        public Placement build() {
            return load(name, source);
        }
    }

    /** Reads a placement in the JSON and JavaScript grammar: {@code {"kind": "access-counters", "threshold": 64}}. */
    static PlacementSpec read(SpecReader r) {
        String kind = r.kind(KINDS);
        return SpecReader.located(r, () -> switch (kind) {
            case "first-touch" -> {
                r.only(Set.of("kind"));
                yield new FirstTouch();
            }
            case "remote-map" -> {
                r.only(Set.of("kind"));
                yield new RemoteMap();
            }
            case "access-counters" -> {
                r.only(Set.of("kind", "threshold", "granularity", "decay"));
                AccessCounters a = new AccessCounters();
                if (r.has("threshold")) {
                    a = a.threshold(AccessCounters.checkThreshold(r.whole("threshold")));
                }
                if (r.has("granularity")) {
                    a = a.granularity(r.bytes("granularity"));
                }
                if (r.has("decay")) {
                    a = a.decay(r.duration("decay"));
                }
                yield a;
            }
            case "adaptive-access-counters" -> {
                r.only(Set.of("kind", "threshold", "penalty"));
                AdaptiveAccessCounters a = new AdaptiveAccessCounters();
                if (r.has("threshold")) {
                    a = a.threshold(Check.whole("adaptive-access-counters", "threshold", r.whole("threshold"), 1,
                            65535));
                }
                if (r.has("penalty")) {
                    a = a.penalty(Check.whole("adaptive-access-counters", "penalty", r.whole("penalty"), 1, 1000));
                }
                yield a;
            }
            default -> {
                r.only(Set.of("kind", "name", "source"));
                yield new JavaScript(r.text("name"), r.text("source"));
            }
        });
    }
}
