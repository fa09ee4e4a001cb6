package org.hmmlab.metrics;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.hmmlab.units.SimDuration;

/**
 * What one run produced: simulated and host time, counters, per-fault latency with its stage breakdown,
 * bandwidth over time in each link direction, device-memory residency over time, and when each phase ran.
 *
 * @param platform    the platform profile's name
 * @param policy      the driver policy's description
 * @param faultPath   the fault path the GPU used
 * @param seed        the run's seed; the same seed reproduces every number here except {@code hostNanos}
 * @param simTime     simulated time from start to the end of the last phase
 * @param hostNanos   host (wall-clock) time the run took; the only field that varies between identical runs
 * @param counters    event counts
 * @param faults      per-fault latency, total and by stage
 * @param batches     host service time per fault batch (or per PRI page request), total and by stage
 * @param accessCounterBatches host service time per access-counter notification batch, total and by stage
 * @param hostToDevice payload bandwidth over time, host to device
 * @param deviceToHost payload bandwidth over time, device to host
 * @param phases      start and end of each phase, in order
 * @param deviceResidency pages resident in device memory over time, in the bandwidth series' buckets
 */
public record RunResult(String platform, String policy, String faultPath, long seed, SimDuration simTime,
                        long hostNanos, Counters counters, StageBreakdown faults, StageBreakdown batches,
                        StageBreakdown accessCounterBatches,
                        BandwidthSeries hostToDevice,
                        BandwidthSeries deviceToHost, List<PhaseTiming> phases,
                        ResidencySeries deviceResidency) {

    /** When one phase of the workload ran; column units in the names. */
    public record PhaseTiming(String name, String agent, long start_ns, long end_ns) {
        public long duration_ns() {
            return end_ns - start_ns;
        }
    }

    public long count(Counter c) {
        return counters.get(c);
    }

    /** Simulated seconds per host second: above 1 the model runs faster than the hardware it models. */
    public double speedRatio() {
        return hostNanos == 0 ? Double.POSITIVE_INFINITY : (double) simTime.nanos() / hostNanos;
    }

    /**
     * Every simulated number of the run as text, for comparing runs bit for bit: two runs with the same inputs
     * and seed have equal fingerprints.
     */
    public String fingerprint() {
        StringBuilder sb = new StringBuilder();
        sb.append(platform).append('|').append(policy).append('|').append(faultPath).append('|').append(seed)
                .append("|sim=").append(simTime.nanos()).append('|').append(counters);
        LatencyHistogram t = faults.total();
        sb.append("|faults n=").append(t.count()).append(" sum=").append(t.total().nanos())
                .append(" p50=").append(t.percentile(50).nanos()).append(" p99=").append(t.percentile(99).nanos())
                .append(" max=").append(t.max().nanos());
        LatencyHistogram b = batches.total();
        sb.append("|batches n=").append(b.count()).append(" sum=").append(b.total().nanos());
        LatencyHistogram a = accessCounterBatches.total();
        sb.append("|access-counter batches n=").append(a.count()).append(" sum=").append(a.total().nanos());
        for (Map.Entry<Stage, Double> e : faults.meanNanosPerFault().entrySet()) {
            sb.append(' ').append(e.getKey()).append('=').append(Double.doubleToLongBits(e.getValue()));
        }
        for (BandwidthSeries s : List.of(hostToDevice, deviceToHost)) {
            sb.append('|').append(s.name()).append(':');
            for (int i = 0; i < s.size(); i++) {
                sb.append(Long.toHexString(Double.doubleToLongBits(s.gbps(i)))).append(',');
            }
        }
        sb.append("|resident:");
        for (int i = 0; i < deviceResidency.size(); i++) {
            sb.append(deviceResidency.pages(i)).append(',');
        }
        for (PhaseTiming p : phases) {
            sb.append('|').append(p);
        }
        return sb.toString();
    }

    /** A short human summary. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s, %s, %s, seed %d: sim %s (host %.1f ms), %s, faults: %s",
                platform, policy, faultPath, seed, simTime, hostNanos / 1e6, counters, faults.total());
    }
}
