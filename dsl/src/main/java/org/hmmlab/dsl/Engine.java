package org.hmmlab.dsl;

/**
 * Which engine model runs a scenario.
 */
public enum Engine {
    /**
     * The timing layer's GPU model on a discrete-event clock: fault buffer batches (or ATS/PRI), PCIe link
     * per direction, copy engines, device TLB. Gives latencies by stage, bandwidth over time and counters.
     */
    TIMING,
    /**
     * The policy layer's page-granular residency model: the same policy decisions in the same order, no
     * clock; counts (faults, pages moved, evictions, remote accesses) are exact, times a serial sum of fixed
     * costs. Fast, for policy what-ifs.
     */
    RESIDENCY_MODEL;

    /** The names JSON and JavaScript give the engines, in declaration order. */
    public static final java.util.List<String> NAMES = java.util.List.of("timing", "residency-model");

    /** {@code "timing"} or {@code "residency-model"}. */
    public String label() {
        return NAMES.get(ordinal());
    }

    /** The engine called {@code name} in {@link #NAMES}, or an error naming the names allowed. */
    public static Engine named(String name) {
        int i = NAMES.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("engine must be one of " + String.join(", ", NAMES) + ", got '" + name
                    + "'");
        }
        return values()[i];
    }
}
