package org.hmmlab.metrics;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Per-fault latency with its breakdown by {@link Stage}: one histogram for the whole fault and one per stage.
 */
public final class StageBreakdown {

    private final LatencyHistogram total = new LatencyHistogram();
    private final LatencyHistogram[] stages = new LatencyHistogram[Stage.values().length];
    private boolean iommuListed;

    /** Lists the IOMMU's stages ({@link Stage#iommu()}) too: the run's platform has a translating IOMMU. */
    public void listIommu(boolean listed) {
        this.iommuListed = listed;
    }

    /** The stages a run reports, in declaration order: the IOMMU's only when its IOMMU translates. */
    public List<Stage> listed() {
        List<Stage> l = new ArrayList<>();
        for (Stage s : Stage.values()) {
            if (iommuListed || !s.iommu()) {
                l.add(s);
            }
        }
        return l;
    }

    public StageBreakdown() {
        for (int i = 0; i < stages.length; i++) {
            stages[i] = new LatencyHistogram();
        }
    }

    /**
     * Records one fault whose stage times (indexed by {@link Stage#ordinal()}) are {@code stageNanos};
     * the fault's latency is {@code totalNanos}, which may exceed their sum when stages overlap or wait.
     */
    public void record(long totalNanos, long[] stageNanos) {
        total.record(totalNanos);
        for (int i = 0; i < stages.length; i++) {
            if (stageNanos[i] > 0) {
                stages[i].record(stageNanos[i]);
            }
        }
    }

    /**
     * Records {@code n} faults served together: fault {@code k} took {@code totalNanos[k]}; every one spent
     * {@code sharedStageNanos} in the stages (indexed by {@link Stage#ordinal()}) and, in stage {@code residual}, in
     * addition whatever of its latency the shared stages do not explain. The same as {@code n} calls of
     * {@link #record(long, long[])}, with each shared stage recorded once with a count.
     */
    public void record(long[] totalNanos, int n, long[] sharedStageNanos, Stage residual) {
        long known = 0;
        for (long v : sharedStageNanos) {
            known += v;
        }
        int r = residual.ordinal();
        long shared = sharedStageNanos[r];
        LatencyHistogram rest = stages[r];
        for (int k = 0; k < n; k++) {
            long t = totalNanos[k];
            total.record(t);
            long own = shared + Math.max(0, t - known);
            if (own > 0) {
                rest.record(own);
            }
        }
        for (int i = 0; i < stages.length; i++) {
            if (i != r && sharedStageNanos[i] > 0) {
                stages[i].record(sharedStageNanos[i], n);
            }
        }
    }

    /** Latency of whole faults, from the faulting access to its successful retry. */
    public LatencyHistogram total() {
        return total;
    }

    public LatencyHistogram stage(Stage s) {
        return stages[s.ordinal()];
    }

    /**
     * Mean time per fault spent in each {@linkplain #listed() listed} stage (total over all faults divided by the
     * number of faults).
     */
    public Map<Stage, Double> meanNanosPerFault() {
        Map<Stage, Double> m = new EnumMap<>(Stage.class);
        long n = Math.max(1, total.count());
        for (Stage s : listed()) {
            m.put(s, (double) stages[s.ordinal()].total().nanos() / n);
        }
        return m;
    }
}
