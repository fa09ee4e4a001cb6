package org.hmmlab.dsl.spec;

import java.util.List;
import java.util.Set;
import org.hmmlab.policy.ThrashingDetector;
import org.hmmlab.policy.UvmThrashingDetector;

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

    /** UVM's thrashing detection (throttle, then pin). Mirrors {@code uvm_perf_thrashing.c}. */
    record Uvm() implements ThrashingSpec {
        @Override
        public String kind() {
            return "uvm";
        }

        @Override
        public ThrashingDetector build() {
            return new UvmThrashingDetector();
        }
    }

    /** Reads a thrashing detector in the JSON and JavaScript grammar: {@code {"kind": "uvm"}}. */
    static ThrashingSpec read(SpecReader r) {
        String kind = r.kind(KINDS);
        r.only(Set.of("kind"));
        return kind.equals("none") ? new None() : new Uvm();
    }
}
