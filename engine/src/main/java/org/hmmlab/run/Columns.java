package org.hmmlab.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hmmlab.metrics.Counter;

/**
 * The one column vocabulary of run outcomes, whichever engine ran: a count the timing engine keeps is named after
 * its {@link Counter}, lowercased ({@code faults}, {@code pages_to_device}); a count only the residency model keeps
 * is named in the same style; a column that carries a unit says so in its name ({@code sim_time_ns}). No aliases:
 * the residency model's earlier names ({@code gpu_faults}, {@code cpu_faults}, {@code pages_to_gpu},
 * {@code pages_to_cpu}, {@code evicted_pages}, {@code gpu_local_accesses}) are gone.
 */
public final class Columns {

    /** Device page faults raised ({@link Counter#FAULTS}). */
    public static final String FAULTS = of(Counter.FAULTS);
    /** Pages whose contents were copied into device memory ({@link Counter#PAGES_TO_DEVICE}). */
    public static final String PAGES_TO_DEVICE = of(Counter.PAGES_TO_DEVICE);
    /** Pages a first device touch populated in device memory, nothing copied ({@link Counter#PAGES_POPULATED_ON_DEVICE}). */
    public static final String PAGES_POPULATED_ON_DEVICE = of(Counter.PAGES_POPULATED_ON_DEVICE);
    /** Pages migrated back to host memory ({@link Counter#PAGES_TO_HOST}). */
    public static final String PAGES_TO_HOST = of(Counter.PAGES_TO_HOST);
    /** Pages evicted from device memory to make room ({@link Counter#EVICTIONS}). */
    public static final String EVICTIONS = of(Counter.EVICTIONS);
    /** Accesses served remotely over the link ({@link Counter#REMOTE_ACCESSES}). */
    public static final String REMOTE_ACCESSES = of(Counter.REMOTE_ACCESSES);

    /** CPU faults on pages resident on the device (residency model only). */
    public static final String HOST_FAULTS = "host_faults";
    /** Of the pages migrated to the device, those the prefetcher added (residency model only). */
    public static final String PREFETCHED_PAGES = "prefetched_pages";
    /** Read-only duplicates created on the device (residency model only). */
    public static final String DUPLICATED_PAGES = "duplicated_pages";
    /** Device accesses served from device memory (residency model only). */
    public static final String LOCAL_ACCESSES = "local_accesses";
    /** Bytes that crossed the link, both directions: migrations plus remote accesses (residency model only). */
    public static final String LINK_BYTES = "link_bytes";
    /** Throttle decisions obeyed (residency model only). */
    public static final String THROTTLES = "throttles";
    /** The residency model's serial sum of fixed costs: indicative, not a clock. */
    public static final String MODEL_ELAPSED_NS = "model_elapsed_ns";

    /** Simulated time at the end of the last phase (timing engine). */
    public static final String SIM_TIME_NS = "sim_time_ns";
    /** Median whole-fault latency (timing engine). */
    public static final String FAULT_P50_NS = "fault_p50_ns";
    /** 99th-percentile whole-fault latency (timing engine). */
    public static final String FAULT_P99_NS = "fault_p99_ns";

    /** The columns of a residency-model run's {@link Outcome#summary()}, in order. */
    public static final List<String> RESIDENCY_SUMMARY = List.of(FAULTS, HOST_FAULTS, PAGES_TO_DEVICE, PAGES_TO_HOST,
            PREFETCHED_PAGES, EVICTIONS, DUPLICATED_PAGES, REMOTE_ACCESSES, LOCAL_ACCESSES, LINK_BYTES, THROTTLES,
            MODEL_ELAPSED_NS);

    /** The columns of a timing run's {@link Outcome#summary()}, in order: every counter, then time and latency. */
    public static final List<String> TIMED_SUMMARY = timed();

    private Columns() {
    }

    private static List<String> timed() {
        List<String> out = new ArrayList<>();
        for (Counter c : Counter.values()) {
            out.add(of(c));
        }
        out.add(SIM_TIME_NS);
        out.add(FAULT_P50_NS);
        out.add(FAULT_P99_NS);
        return List.copyOf(out);
    }

    /** The column of a timing-engine counter: its name, lowercased ({@code PAGES_TO_DEVICE -> pages_to_device}). */
    public static String of(Counter c) {
        return c.name().toLowerCase(Locale.ROOT);
    }
}
