package org.hmmlab.dsl.script;

import java.time.Duration;

/**
 * How much one call into a script may do: a statement budget, which stops a runaway loop at the same
 * point on every run, and a wall-clock budget, which also catches work that counts few statements (a
 * pathological regular expression).
 *
 * @param statementsPerCall JS statements one call (or the script's top level) may execute, in [1000, 10^12]
 * @param timePerCall wall-clock time one call may take, in [1 ms, 10 min]
 */
public record ScriptLimits(long statementsPerCall, Duration timePerCall) {

    /** One million statements and two seconds per call: far above any sane policy decision. */
    public static final ScriptLimits DEFAULT = new ScriptLimits(1_000_000, Duration.ofSeconds(2));

    public ScriptLimits {
        if (statementsPerCall < 1_000 || statementsPerCall > 1_000_000_000_000L) {
            throw new IllegalArgumentException("statementsPerCall must be in [1000, 1000000000000], got " + statementsPerCall);
        }
        if (timePerCall == null || timePerCall.compareTo(Duration.ofMillis(1)) < 0
                || timePerCall.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("timePerCall must be in [1 ms, 10 min], got " + timePerCall);
        }
    }

    /** These limits with another statement budget: {@code DEFAULT.statements(10_000)}. */
    public ScriptLimits statements(long perCall) {
        return new ScriptLimits(perCall, timePerCall);
    }

    /** These limits with another wall-clock budget: {@code DEFAULT.time(Duration.ofMillis(50))}. */
    public ScriptLimits time(Duration perCall) {
        return new ScriptLimits(statementsPerCall, perCall);
    }
}
