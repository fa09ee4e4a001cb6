package org.hmmlab.dsl.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.hmmlab.policy.ThrashingDetector;
import org.hmmlab.policy.UvmThrashingDetector;
import org.hmmlab.policy.UvmThrashingDetector.Mitigation;
import org.hmmlab.units.SimDuration;

/** How pages bouncing between CPU and GPU are damped: not at all, or UVM's throttle-then-pin. */
public sealed interface ThrashingSpec extends ComponentSpec<ThrashingDetector> {

    /** The kinds, as JSON and JavaScript name them. */
    List<String> KINDS = List.of("none", "uvm");

    /** No thrashing detection. */
    record None() implements ThrashingSpec {
        @Override
        public String kind() {
            return "none";
        }

        @Override
        public ThrashingDetector build() {
            return ThrashingDetector.NONE;
        }
    }

    /**
     * UVM's thrashing detection. Mirrors {@code uvm_perf_thrashing.c}: a page that moves again less than
     * {@code lapse} after its last move (1 ns to 1 s; {@code uvm_perf_thrashing_lapse_usec}, 500 us) counts a
     * thrashing event; after {@code threshold} consecutive events (1 to 7; {@code uvm_perf_thrashing_threshold}, 3)
     * the page is thrashing and the {@code mitigation} applies: each fault on it throttles the faulting processor
     * for {@code nap} (1 ns to 1 s; {@code uvm_perf_thrashing_nap}, 500 us) and, after {@code pinThreshold} throttles
     * (1 to 1000; {@code uvm_perf_thrashing_pin_threshold}, 10), pins it in host memory for {@code pinDuration}
     * (0, forever, to 1 h; {@code uvm_perf_thrashing_pin}, 150 ms). A page quiet for {@code epoch} ({@code lapse}
     * to 1 h; {@code uvm_perf_thrashing_epoch}, 1 s) forgets its history.
     *
     * <pre>{@code uvmThrashing().threshold(5).lapse(us(250)).pinDuration(ms(10)).throttleOnly()}</pre>
     */
    record Uvm(int threshold, SimDuration lapse, SimDuration nap, int pinThreshold, SimDuration pinDuration,
            SimDuration epoch, Mitigation mitigation) implements ThrashingSpec {

        /** The mitigations, as JSON and JavaScript name them, in {@link Mitigation}'s order. */
        public static final List<String> MITIGATIONS = List.of("none", "throttle", "pin", "throttle-then-pin");
        /** The longest lapse and nap, one second ({@code uvm_perf_thrashing_lapse_usec}'s and nap's bound). */
        public static final SimDuration MAX_LAPSE = SimDuration.ms(1_000);
        /** The longest pin and epoch, one hour of simulated time. */
        public static final SimDuration MAX_PIN = SimDuration.ms(3_600_000);
        /** The most throttles before pinning. */
        public static final int MAX_PIN_THRESHOLD = 1000;

        private static final Uvm DEFAULTS = new Uvm(UvmThrashingDetector.DEFAULT_THRESHOLD,
                UvmThrashingDetector.DEFAULT_LAPSE, UvmThrashingDetector.DEFAULT_LAPSE,
                UvmThrashingDetector.DEFAULT_PIN_THRESHOLD, UvmThrashingDetector.DEFAULT_LAPSE.times(300),
                UvmThrashingDetector.DEFAULT_LAPSE.times(2000), Mitigation.THROTTLE_THEN_PIN);

        public Uvm {
            checkThreshold(threshold);
            lapse = positive("lapse", lapse, MAX_LAPSE);
            nap = positive("nap", nap, MAX_LAPSE);
            checkPinThreshold(pinThreshold);
            Check.duration("uvm", "pin_duration", pinDuration, MAX_PIN);
            if (epoch == null || epoch.nanos() < lapse.nanos() || epoch.nanos() > MAX_PIN.nanos()) {
                throw new SpecException("epoch", "uvm epoch must be a duration in [lapse (" + lapse + "), " + MAX_PIN
                        + "], got " + epoch);
            }
            if (mitigation == null) {
                throw new SpecException("mitigation", "uvm mitigation must be one of " + String.join(", ", MITIGATIONS)
                        + ", got null");
            }
        }

        /** UVM's defaults: 3 events within 500 us, nap 500 us, pin after 10 throttles for 150 ms, epoch 1 s. */
        public Uvm() {
            this(DEFAULTS.threshold, DEFAULTS.lapse, DEFAULTS.nap, DEFAULTS.pinThreshold, DEFAULTS.pinDuration,
                    DEFAULTS.epoch, DEFAULTS.mitigation);
        }

        static int checkThreshold(long events) {
            return Check.whole("uvm", "threshold", events, 1, UvmThrashingDetector.MAX_THRESHOLD);
        }

        static int checkPinThreshold(long throttles) {
            return Check.whole("uvm", "pin_threshold", throttles, 1, MAX_PIN_THRESHOLD);
        }

        private static SimDuration positive(String param, SimDuration d, SimDuration max) {
            if (d == null || d.nanos() < 1 || d.nanos() > max.nanos()) {
                throw new SpecException(param, "uvm " + param + " must be a duration in [1 ns, " + max + "], got " + d);
            }
            return d;
        }

        /** The mitigation called {@code name} in {@link #MITIGATIONS}: {@code "throttle-then-pin"}. */
        public static Mitigation mitigationNamed(String name) {
            int i = MITIGATIONS.indexOf(name);
            if (i < 0) {
                throw new SpecException("mitigation", "uvm mitigation must be one of " + String.join(", ", MITIGATIONS)
                        + ", got '" + name + "'");
            }
            return Mitigation.values()[i];
        }

        /** {@code "throttle-then-pin"}. */
        public static String nameOf(Mitigation m) {
            return m.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Consecutive thrashing events before a page is thrashing, 1 to 7: {@code .threshold(5)}. */
        public Uvm threshold(int events) {
            return new Uvm(events, lapse, nap, pinThreshold, pinDuration, epoch, mitigation);
        }

        /** Two moves closer than this are a thrashing event, 1 ns to 1 s: {@code .lapse(us(250))}. */
        public Uvm lapse(SimDuration d) {
            return new Uvm(threshold, d, nap, pinThreshold, pinDuration, epoch, mitigation);
        }

        /** How long a throttled processor keeps off the page, 1 ns to 1 s: {@code .nap(us(100))}. */
        public Uvm nap(SimDuration d) {
            return new Uvm(threshold, lapse, d, pinThreshold, pinDuration, epoch, mitigation);
        }

        /** Throttles before the page is pinned, 1 to 1000: {@code .pinThreshold(3)}. */
        public Uvm pinThreshold(int throttles) {
            return new Uvm(threshold, lapse, nap, throttles, pinDuration, epoch, mitigation);
        }

        /** How long a pinned page stays pinned, up to 1 h; {@code ns(0)} pins for good: {@code .pinDuration(ms(10))}. */
        public Uvm pinDuration(SimDuration d) {
            return new Uvm(threshold, lapse, nap, pinThreshold, d, epoch, mitigation);
        }

        /** Quiet time after which a page's history resets, from the lapse to 1 h: {@code .epoch(ms(100))}. */
        public Uvm epoch(SimDuration d) {
            return new Uvm(threshold, lapse, nap, pinThreshold, pinDuration, d, mitigation);
        }

        /** What to do about a thrashing page: {@code .mitigation(Mitigation.THROTTLE)}. */
        public Uvm mitigation(Mitigation m) {
            return new Uvm(threshold, lapse, nap, pinThreshold, pinDuration, epoch, m);
        }

        /** Detect and count thrashing pages, do nothing about them. */
        public Uvm detectOnly() {
            return mitigation(Mitigation.NONE);
        }

        /** Throttle every fault on a thrashing page, never pin. */
        public Uvm throttleOnly() {
            return mitigation(Mitigation.THROTTLE);
        }

        /** Pin a thrashing page in host memory at once, without throttling first. */
        public Uvm pinAtOnce() {
            return mitigation(Mitigation.PIN);
        }

        /** Throttle, then pin after {@code pinThreshold} throttles (UVM's, the default). */
        public Uvm throttleThenPin() {
            return mitigation(Mitigation.THROTTLE_THEN_PIN);
        }

        @Override
        public String kind() {
            return "uvm";
        }

        /** The parameters that differ from UVM's defaults, in declaration order; none for {@code uvmThrashing()}. */
        @Override
        public List<Setting> settings() {
            List<Setting> s = new ArrayList<>();
            if (threshold != DEFAULTS.threshold) {
                s.add(new Setting("threshold", threshold));
            }
            if (!lapse.equals(DEFAULTS.lapse)) {
                s.add(new Setting("lapse", lapse));
            }
            if (!nap.equals(DEFAULTS.nap)) {
                s.add(new Setting("nap", nap));
            }
            if (pinThreshold != DEFAULTS.pinThreshold) {
                s.add(new Setting("pin_threshold", pinThreshold));
            }
            if (!pinDuration.equals(DEFAULTS.pinDuration)) {
                s.add(new Setting("pin_duration", pinDuration));
            }
            if (!epoch.equals(DEFAULTS.epoch)) {
                s.add(new Setting("epoch", epoch));
            }
            if (mitigation != DEFAULTS.mitigation) {
                s.add(new Setting("mitigation", nameOf(mitigation)));
            }
            return List.copyOf(s);
        }

        @Override
        public ThrashingDetector build() {
            return equals(DEFAULTS) ? new UvmThrashingDetector()
                    : new UvmThrashingDetector(threshold, lapse, nap, pinThreshold, pinDuration, epoch, mitigation,
                            SimDuration.ZERO);
        }
    }

    /**
     * Reads a thrashing detector in the JSON and JavaScript grammar: {@code {"kind": "uvm"}}, or with any of UVM's
     * parameters: {@code {"kind": "uvm", "threshold": 5, "lapse": "250us", "mitigation": "throttle"}}.
     */
    static ThrashingSpec read(SpecReader r) {
        String kind = r.kind(KINDS);
        return SpecReader.located(r, () -> {
            if (kind.equals("none")) {
                r.only(Set.of("kind"));
                return new None();
            }
            r.only(Set.of("kind", "threshold", "lapse", "nap", "pin_threshold", "pin_duration", "epoch", "mitigation"));
            Uvm u = new Uvm();
            // the epoch is checked against the lapse, so a longer lapse and epoch given together both apply
            SimDuration lapse = r.has("lapse") ? r.duration("lapse") : u.lapse();
            SimDuration epoch = r.has("epoch") ? r.duration("epoch") : u.epoch();
            return new Uvm(r.has("threshold") ? Uvm.checkThreshold(r.whole("threshold")) : u.threshold(), lapse,
                    r.has("nap") ? r.duration("nap") : u.nap(),
                    r.has("pin_threshold") ? Uvm.checkPinThreshold(r.whole("pin_threshold")) : u.pinThreshold(),
                    r.has("pin_duration") ? r.duration("pin_duration") : u.pinDuration(), epoch,
                    r.has("mitigation") ? Uvm.mitigationNamed(r.text("mitigation")) : u.mitigation());
        });
    }
}
