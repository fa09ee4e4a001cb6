package org.hmmlab.policy;

/**
 * Told by the timing layer about every completed change of residency, so that policies keep their own state
 * (LRU lists, thrashing history, access counters) in step with memory.
 *
 * <p>Mirrors the UVM driver's perf events ({@code UVM_PERF_EVENT_MIGRATION}, {@code UVM_PERF_EVENT_REVOCATION}),
 * to which its prefetcher and thrashing detector subscribe.
 */
public interface ResidencyListener {

    /**
     * Pages {@code [firstPage, firstPage + pages)} now live at {@code to} (they lived at {@code from}).
     *
     * @param from      {@link Location#UNPOPULATED}, {@link Location#HOST} or a GPU index
     * @param to        {@link Location#HOST} or a GPU index
     * @param nowNanos  simulated time the migration completed
     */
    default void onMigrated(long firstPage, long pages, int from, int to, MigrationCause cause, long nowNanos) {
    }
}
