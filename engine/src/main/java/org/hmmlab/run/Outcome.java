package org.hmmlab.run;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.LatencyHistogram;
import org.hmmlab.metrics.RunResult;
import org.hmmlab.multigpu.MultiGpuResult;

/**
 * What one run of an {@link Engine} produced: the timing engine's full {@link RunResult} or the residency model's
 * counts, never a half-filled pair. Both name their counts in one vocabulary ({@link Columns}).
 */
public sealed interface Outcome permits Outcome.Timed, Outcome.Residency, Outcome.MultiGpu {

    /** The seed the run used. */
    long seed();

    /**
     * The run's numbers as named columns in a fixed order, in the vocabulary of {@link Columns}: on the timing
     * engine every listed {@link Counter} (the IOMMU's only where it translates), the simulated time and the fault latency p50/p99; on the residency model its
     * counts and its serial time.
     */
    Map<String, Long> summary();

    /** The timing engine's outcome. */
    record Timed(RunResult result) implements Outcome {
        public Timed {
            if (result == null) {
                throw new IllegalArgumentException("timed outcome: result must be set, got null");
            }
        }

        @Override
        public long seed() {
            return result.seed();
        }

        @Override
        public Map<String, Long> summary() {
            Map<String, Long> m = new LinkedHashMap<>();
            for (Counter c : result.counters().listed()) {
                m.put(Columns.of(c), result.count(c));
            }
            LatencyHistogram f = result.faults().total();
            m.put(Columns.SIM_TIME_NS, result.simTime().nanos());
            m.put(Columns.FAULT_P50_NS, f.count() == 0 ? 0 : f.percentile(50).nanos());
            m.put(Columns.FAULT_P99_NS, f.count() == 0 ? 0 : f.percentile(99).nanos());
            return Collections.unmodifiableMap(m);
        }
    }

    /** The residency model's outcome, with the seed it ran with. */
    record Residency(ResidencyModel.Result result, long seed) implements Outcome {
        public Residency {
            if (result == null) {
                throw new IllegalArgumentException("residency outcome: result must be set, got null");
            }
        }

        @Override
        public Map<String, Long> summary() {
            ResidencyModel.Result r = result;
            Map<String, Long> m = new LinkedHashMap<>();
            m.put(Columns.FAULTS, r.faults());
            m.put(Columns.HOST_FAULTS, r.hostFaults());
            m.put(Columns.PAGES_TO_DEVICE, r.pagesToDevice());
            m.put(Columns.PAGES_POPULATED_ON_DEVICE, r.pagesPopulatedOnDevice());
            m.put(Columns.PAGES_TO_HOST, r.pagesToHost());
            m.put(Columns.PREFETCHED_PAGES, r.prefetchedPages());
            m.put(Columns.EVICTIONS, r.evictions());
            m.put(Columns.DUPLICATED_PAGES, r.duplicatedPages());
            m.put(Columns.REMOTE_ACCESSES, r.remoteAccesses());
            m.put(Columns.LOCAL_ACCESSES, r.localAccesses());
            m.put(Columns.LINK_BYTES, r.linkBytes().bytes());
            m.put(Columns.THROTTLES, r.throttles());
            m.put(Columns.MODEL_ELAPSED_NS, r.elapsed().nanos());
            return Collections.unmodifiableMap(m);
        }
    }

    /** The multi-GPU model's outcome, with the seed it ran with. */
    record MultiGpu(MultiGpuResult result, long seed) implements Outcome {
        public MultiGpu {
            if (result == null) {
                throw new IllegalArgumentException("multi-GPU outcome: result must be set, got null");
            }
        }

        /** The totals ({@link MultiGpuResult#summary()}); per GPU in {@link MultiGpuResult#perGpuSummary()}. */
        @Override
        public Map<String, Long> summary() {
            return result.summary();
        }
    }
}
