package org.hmmlab.policy;

/**
 * The thrashing detector's advice for one fault.
 *
 * <p>Mirrors {@code uvm_perf_thrashing_hint_type_t} ({@code uvm_perf_thrashing.h}): none, throttle the faulting
 * processor, or pin the page so that the other processor maps it remotely.
 */
public enum ThrashingHint {
    /** Not thrashing: let the placement decide. */
    NONE,
    /** Keep the faulting processor off the page for the detector's nap. */
    THROTTLE,
    /** The page is pinned in host memory: GPUs map it remotely, it no longer migrates. */
    PIN_HOST
}
