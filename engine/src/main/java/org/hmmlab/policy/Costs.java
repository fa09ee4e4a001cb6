package org.hmmlab.policy;

import org.hmmlab.units.SimDuration;

/** Validation helpers shared by the policy implementations: every message names the parameter and the range. */
final class Costs {

    private Costs() {
    }

    static SimDuration nonNull(String what, SimDuration d) {
        if (d == null) {
            throw new IllegalArgumentException(what + " must be a duration >= 0 ns, got null");
        }
        return d;
    }

    static long inRange(String what, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }
}
