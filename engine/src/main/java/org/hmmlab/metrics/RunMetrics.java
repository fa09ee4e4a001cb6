package org.hmmlab.metrics;

import org.hmmlab.units.SimDuration;

/**
 * The metrics one run collects while it runs: counters, per-fault latency with stage breakdown, bandwidth over
 * time in each link direction, device-memory residency over time and, when asked for, an event trace.
 */
public final class RunMetrics {

    private final Counters counters = new Counters();
    private final StageBreakdown faults = new StageBreakdown();
    private final StageBreakdown batches = new StageBreakdown();
    private final StageBreakdown accessCounterBatches = new StageBreakdown();
    private final BandwidthSeries hostToDevice;
    private final BandwidthSeries deviceToHost;
    private final ResidencySeries deviceResidency;
    private final TraceWriter trace;

    /** Metrics with bandwidth buckets of {@code bucket}; {@code trace} may be null for no trace. */
    public RunMetrics(SimDuration bucket, TraceWriter trace) {
        this.hostToDevice = new BandwidthSeries("host-to-device", bucket);
        this.deviceToHost = new BandwidthSeries("device-to-host", bucket);
        this.deviceResidency = new ResidencySeries(bucket);
        this.trace = trace;
    }

    public Counters counters() {
        return counters;
    }

    /** The run's platform has a translating IOMMU: its counters and stages are listed with the others. */
    public void listIommu(boolean listed) {
        counters.listIommu(listed);
        faults.listIommu(listed);
        batches.listIommu(listed);
        accessCounterBatches.listIommu(listed);
    }

    public StageBreakdown faults() {
        return faults;
    }

    /**
     * Host service time per fault batch (replayable path) or per page request (ATS/PRI path), from the handler
     * taking it to the replay or response leaving, with the same stage breakdown.
     */
    public StageBreakdown batches() {
        return batches;
    }

    /**
     * Host service time per access-counter notification batch, from the handler fetching it to the last migration
     * it started having landed, with the same stage breakdown. Kept apart from {@link #batches()}: notifications
     * have a buffer and a bottom half of their own.
     */
    public StageBreakdown accessCounterBatches() {
        return accessCounterBatches;
    }

    public BandwidthSeries hostToDevice() {
        return hostToDevice;
    }

    public BandwidthSeries deviceToHost() {
        return deviceToHost;
    }

    /** Pages resident in device memory over time, in the same buckets as the bandwidth series. */
    public ResidencySeries deviceResidency() {
        return deviceResidency;
    }

    /** Whether a trace is being written; check before building an event on a hot path. */
    public boolean tracing() {
        return trace != null;
    }

    public void trace(TraceEvent e) {
        if (trace != null) {
            trace.write(e);
        }
    }
}
