package org.hmmlab.sim;

/**
 * The order in which events that fall on the same nanosecond run.
 *
 * <p>Ties on the clock are common (a transfer ends exactly when a warp wakes), so the queue orders by
 * (time, phase, sequence number). Phases put hardware first (the link delivers, then the device reacts),
 * then host software, then observers, so that an observer at time t sees everything that happened at t.
 */
public enum EventPhase {
    /** PCIe link deliveries and DMA completions. */
    LINK,
    /** Device-side work: warps issuing accesses, the device MMU, the fault buffer. */
    DEVICE,
    /** Host-side software: the fault handler, {@code hmm_range_fault}, migration, invalidations. */
    HOST,
    /** Metrics sampling and other observers; never changes the model's state. */
    OBSERVE
}
