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
    RESIDENCY_MODEL
}
