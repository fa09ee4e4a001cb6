package org.hmmlab.multigpu;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hmmlab.metrics.RunResult;
import org.hmmlab.run.Columns;
import org.hmmlab.units.SimDuration;

/**
 * What one run of {@link MultiGpuModel} did, per GPU and in total.
 *
 * @param platform   the platform's name
 * @param gpus       GPUs on the platform
 * @param perGpu     {@code perGpu[counter.ordinal()][gpu]}
 * @param hostFaults CPU faults on pages in GPU memory (migrate_to_ram), and CPU-side faults of
 *                   {@link org.hmmlab.platform.GpuToGpu#THROUGH_SYSTEM_MEMORY} moves
 * @param cpuRemoteAccesses CPU loads and stores served in GPU memory over a coherent link
 * @param elapsed    the model's serial time
 * @param phases     each phase's start and end on the model's clock
 */
public record MultiGpuResult(String platform, int gpus, long[][] perGpu, long hostFaults, long cpuRemoteAccesses,
                             SimDuration elapsed, List<RunResult.PhaseTiming> phases) {

    /** Columns beyond the shared vocabulary of {@link Columns}. */
    public static final String PEER_ACCESSES = "peer_accesses";
    public static final String PEER_COPIED_PAGES = "peer_copied_pages";
    public static final String STAGED_PAGES = "staged_pages";
    public static final String INVALIDATED_COPIES = "invalidated_copies";
    public static final String ACCESS_COUNTER_MIGRATIONS = "access_counter_migrations";
    public static final String CPU_REMOTE_ACCESSES = "cpu_remote_accesses";
    public static final String GPUS = "gpus";

    public MultiGpuResult {
        phases = List.copyOf(phases);
    }

    /** {@code counter} on GPU {@code gpu}. */
    public long count(MultiGpuCounter counter, int gpu) {
        return perGpu[counter.ordinal()][gpu];
    }

    /** {@code counter} summed over the GPUs. */
    public long total(MultiGpuCounter counter) {
        long s = 0;
        for (long v : perGpu[counter.ordinal()]) {
            s += v;
        }
        return s;
    }

    /**
     * The totals in the shared column vocabulary ({@code faults}, {@code pages_to_device}, ...,
     * {@code model_elapsed_ns}), then this model's own totals; the same columns whatever the number of GPUs.
     */
    public Map<String, Long> summary() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put(GPUS, (long) gpus);
        m.put(Columns.FAULTS, total(MultiGpuCounter.FAULTS));
        m.put(Columns.HOST_FAULTS, hostFaults);
        m.put(Columns.PAGES_TO_DEVICE, total(MultiGpuCounter.PAGES_TO_DEVICE));
        m.put(Columns.PAGES_POPULATED_ON_DEVICE, total(MultiGpuCounter.PAGES_POPULATED_ON_DEVICE));
        m.put(Columns.PAGES_TO_HOST, total(MultiGpuCounter.PAGES_TO_HOST));
        m.put(Columns.EVICTIONS, total(MultiGpuCounter.EVICTIONS));
        m.put(Columns.DUPLICATED_PAGES, total(MultiGpuCounter.DUPLICATED_PAGES));
        m.put(Columns.REMOTE_ACCESSES, total(MultiGpuCounter.REMOTE_ACCESSES));
        m.put(Columns.LOCAL_ACCESSES, total(MultiGpuCounter.LOCAL_ACCESSES));
        m.put(Columns.LINK_BYTES, total(MultiGpuCounter.LINK_BYTES));
        m.put(PEER_ACCESSES, total(MultiGpuCounter.PEER_ACCESSES));
        m.put(PEER_COPIED_PAGES, total(MultiGpuCounter.PEER_COPIED_PAGES));
        m.put(STAGED_PAGES, total(MultiGpuCounter.STAGED_PAGES));
        m.put(INVALIDATED_COPIES, total(MultiGpuCounter.INVALIDATED_COPIES));
        m.put(ACCESS_COUNTER_MIGRATIONS, total(MultiGpuCounter.ACCESS_COUNTER_MIGRATIONS));
        m.put(CPU_REMOTE_ACCESSES, cpuRemoteAccesses);
        m.put(Columns.MODEL_ELAPSED_NS, elapsed.nanos());
        return Collections.unmodifiableMap(m);
    }

    /**
     * Every counter per GPU, named {@code gpu0_faults}, {@code gpu1_faults}, ...: apart from {@link #summary()} so
     * that runs on different numbers of GPUs share the summary's columns (a sweep over {@code gpus}).
     */
    public Map<String, Long> perGpuSummary() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int g = 0; g < gpus; g++) {
            for (MultiGpuCounter c : MultiGpuCounter.values()) {
                m.put("gpu" + g + "_" + c.column(), perGpu[c.ordinal()][g]);
            }
        }
        return Collections.unmodifiableMap(m);
    }
}
