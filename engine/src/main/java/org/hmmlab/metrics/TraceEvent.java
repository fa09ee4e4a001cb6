package org.hmmlab.metrics;

/**
 * One line of a run's event trace: a typed record, never an integer tag with an untyped payload.
 * Each serialises itself to one JSON object by hand (the engine carries no JSON library).
 */
public sealed interface TraceEvent {

    /** Simulated time of the event. */
    long time_ns();

    /** The event as one JSON object on one line. */
    String toJson();

    /** A warp's access faulted on {@code page} (a 4 KiB virtual page number). */
    record FaultRaised(long time_ns, int warp, long page, boolean write) implements TraceEvent {
        public String toJson() {
            return "{\"type\":\"fault\",\"time_ns\":" + time_ns + ",\"warp\":" + warp + ",\"page\":" + page
                    + ",\"write\":" + write + "}";
        }
    }

    /** The host started servicing a batch of {@code faults} unique faults ({@code duplicates} dropped). */
    record BatchStarted(long time_ns, int faults, int duplicates) implements TraceEvent {
        public String toJson() {
            return "{\"type\":\"batch\",\"time_ns\":" + time_ns + ",\"faults\":" + faults + ",\"duplicates\":"
                    + duplicates + "}";
        }
    }

    /**
     * The host started servicing a batch of {@code notifications} access-counter notifications from the GPU's
     * notification buffer (not faults: nothing waits on them and nothing is replayed).
     */
    record NotificationBatchStarted(long time_ns, int notifications) implements TraceEvent {
        public String toJson() {
            return "{\"type\":\"access_counter_batch\",\"time_ns\":" + time_ns + ",\"notifications\":"
                    + notifications + "}";
        }
    }

    /**
     * An access-counter notification for the region starting at {@code page} landed in the GPU's notification
     * buffer at {@code time_ns}, where it waits for the host's notification batch.
     */
    record NotificationRaised(long time_ns, long page) implements TraceEvent {
        public String toJson() {
            return "{\"type\":\"access_counter_notification\",\"time_ns\":" + time_ns + ",\"page\":" + page + "}";
        }
    }

    /** {@code pages} pages starting at {@code page} migrated, to the device or to the host. */
    record Migrated(long time_ns, long page, int pages, boolean toDevice) implements TraceEvent {
        public String toJson() {
            return "{\"type\":\"migrate\",\"time_ns\":" + time_ns + ",\"page\":" + page + ",\"pages\":" + pages
                    + ",\"to\":\"" + (toDevice ? "device" : "host") + "\"}";
        }
    }

    /**
     * The device mapping of {@code pages} pages starting at {@code page}, migrated or duplicated into device memory,
     * became usable: their copy has landed and the PTE write pushed after it has run. Between the {@link Migrated}
     * event and this one a device access to those pages faults.
     */
    record Mapped(long time_ns, long page, int pages) implements TraceEvent {
        public String toJson() {
            return "{\"type\":\"map\",\"time_ns\":" + time_ns + ",\"page\":" + page + ",\"pages\":" + pages + "}";
        }
    }

    /** Device translations for [{@code page}, {@code page + pages}) were invalidated. */
    record Invalidated(long time_ns, long page, long pages, String reason) implements TraceEvent {
        public String toJson() {
            return "{\"type\":\"invalidate\",\"time_ns\":" + time_ns + ",\"page\":" + page + ",\"pages\":" + pages
                    + ",\"reason\":" + TraceWriter.quote(reason) + "}";
        }
    }

    /**
     * One run of the fault handler's bottom half ended after {@code batches} fault batches, {@code throttled} of them
     * with throttled faults, for {@code reason}: {@code "throttled"} (the run reached
     * uvm_perf_fault_max_throttle_per_service), {@code "batches"} (uvm_perf_fault_max_batches_per_service) or
     * {@code "empty"} (no fault ready). Mirrors the exits of uvm_parent_gpu_service_replayable_faults()'s loop.
     */
    record FaultServiceRunEnded(long time_ns, int batches, int throttled, String reason) implements TraceEvent {
        public String toJson() {
            return "{\"type\":\"fault_service_run\",\"time_ns\":" + time_ns + ",\"batches\":" + batches
                    + ",\"throttled\":" + throttled + ",\"reason\":" + TraceWriter.quote(reason) + "}";
        }
    }

    /** A stalled warp resumed after its fault was serviced, {@code latency_ns} after it faulted. */
    record Replayed(long time_ns, int warp, long page, long latency_ns) implements TraceEvent {
        public String toJson() {
            return "{\"type\":\"replay\",\"time_ns\":" + time_ns + ",\"warp\":" + warp + ",\"page\":" + page
                    + ",\"latency_ns\":" + latency_ns + "}";
        }
    }
}
