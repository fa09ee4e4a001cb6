package org.hmmlab.mm.hmm;

import org.hmmlab.mm.Errno;

/**
 * A driver's loop around hmm_range_fault(): take the notifier's sequence, walk, and retry while an invalidation
 * raced, until the range's pfns are ones the driver may program into its device page table.
 *
 * <p>Mirrors the usage pattern of Documentation/mm/hmm.rst ("driver_populate_range") and dmirror_range_fault() in
 * lib/test_hmm.c:
 * <pre>
 * again:
 *     range.notifier_seq = mmu_interval_read_begin(&amp;interval_sub);
 *     mmap_read_lock(mm);
 *     ret = hmm_range_fault(&amp;range);
 *     mmap_read_unlock(mm);
 *     if (ret) { if (ret == -EBUSY) goto again; return ret; }
 *     take_lock(driver->update);
 *     if (mmu_interval_read_retry(&amp;interval_sub, range.notifier_seq)) { release_lock(...); goto again; }
 *     ... program the device page table from range.hmm_pfns, under the update lock ...
 * </pre>
 * Why both checks: hmm_range_fault() returns -EBUSY when an invalidation ran during its walk, and
 * mmu_interval_read_retry() catches one that ran after it returned and before the driver took its lock (another CPU
 * thread's munmap). A driver gives up after a while (test_hmm's HMM_RANGE_DEFAULT_TIMEOUT); here after
 * {@code maxAttempts} walks, with -EBUSY, so a live-lock becomes an error rather than a hang.
 *
 * <p>This is the one copy of the protocol: dmirror, the timing engine's host memory, the DSL's tutorial mirror and
 * the benchmarks call it, and a {@link Listener} sees each attempt (the tutorial API shows every -EBUSY with it).
 * The simulation is single-threaded, so "under the update lock" is the caller's code that runs after {@link #run}
 * returns 0 and before anything else touches the address space.
 */
public final class RangeFaultLoop {

    /** How one attempt ended. */
    public enum Step {
        /** hmm_range_fault() returned -EBUSY: an invalidation ran during the walk; read_begin again. */
        EBUSY,
        /** hmm_range_fault() failed with another error (-EFAULT, -EPERM): the loop returns it. */
        FAILED,
        /** The walk succeeded but mmu_interval_read_retry() says the range was invalidated since read_begin. */
        READ_RETRY,
        /** The pfns are valid and current: the driver programs its device page table. */
        DONE
    }

    /** Told of each attempt of the loop; both methods default to nothing. */
    public interface Listener {

        /**
         * After hmm_range_fault() returned {@code rc} and the mmap lock was dropped, before the driver takes its
         * update lock: where another thread of the process may run (dmirror's mmap-unlock hook, the tutorial's
         * {@code raceOnce}).
         */
        default void walked(int attempt, long seq, int rc) {
        }

        /** Attempt {@code attempt} (from 1), begun at notifier sequence {@code seq}, ended as {@code step}. */
        default void attempt(int attempt, long seq, int rc, Step step) {
        }
    }

    /** A listener that does nothing. */
    public static final Listener SILENT = new Listener() {
    };

    private RangeFaultLoop() {
    }

    /**
     * Runs the driver loop on {@code range} (its notifier, span, pfns and flags set by the caller): returns 0 when
     * {@code range.hmmPfns} hold the current entries, the error of hmm_range_fault() other than -EBUSY, or -EBUSY
     * after {@code maxAttempts} attempts that each raced an invalidation. Mirrors the driver loop of
     * Documentation/mm/hmm.rst.
     *
     * @param maxAttempts walks before giving up, at least 1
     * @param listener    told of each attempt; {@link #SILENT} for none
     */
    public static int run(HmmRange range, int maxAttempts, Listener listener) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        if (range.notifier == null) {
            throw new IllegalArgumentException("range.notifier must be set (mmu_interval_notifier_insert)");
        }
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            long seq = range.notifier.readBegin();
            range.notifierSeq = seq;
            int rc = Hmm.rangeFault(range);
            listener.walked(attempt, seq, rc);
            if (rc == -Errno.EBUSY) {
                listener.attempt(attempt, seq, rc, Step.EBUSY);
                continue;
            }
            if (rc != 0) {
                listener.attempt(attempt, seq, rc, Step.FAILED);
                return rc;
            }
            if (range.notifier.readRetry(seq)) {
                listener.attempt(attempt, seq, rc, Step.READ_RETRY);
                continue;
            }
            listener.attempt(attempt, seq, rc, Step.DONE);
            return 0;
        }
        return -Errno.EBUSY;
    }
}
