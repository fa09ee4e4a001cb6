package org.hmmlab.driver.amd;

import org.hmmlab.metrics.Stage;
import org.hmmlab.sim.EventHandler;
import org.hmmlab.sim.EventPhase;
import org.hmmlab.sim.Simulator;

/**
 * One piece of the driver's host work on the clock: a restore of a faulting range, a migration back to system memory
 * for a CPU fault, the restore work after an invalidation, or the mapping before a kernel. The host thread's time
 * advances stage by stage ({@link #charge}); copies it started run on the SDMA ring meanwhile; the work ends when both
 * the thread has got to its end and every copy has landed, and then its continuation runs at that moment.
 *
 * <p>The kernel's functions wait for their copies where the driver waits: svm_migrate_copy_done() waits for the
 * SDMA fence before migrate_vma_pages() (kfd_migrate.c), so a range is mapped only after its data has landed.
 */
final class SvmWork {

    /** What runs when the work is done: its end time and its time per stage. */
    @FunctionalInterface
    interface Done {
        void done(long now, long[] stage);
    }

    private final Simulator sim;
    final long start;
    final long[] stage = new long[Stage.values().length];
    private long t;
    private int outstanding;
    private boolean cpuReached;
    private Done then;
    private final EventHandler copyDone = a -> {
        outstanding--;
        finishIfDone();
    };

    SvmWork(Simulator sim, long start) {
        this.sim = sim;
        this.start = start;
        this.t = start;
    }

    /** Where the host thread's work has got to. */
    long now() {
        return t;
    }

    /** The host thread spends {@code nanos} on stage {@code s}. */
    void charge(Stage s, long nanos) {
        stage[s.ordinal()] += nanos;
        t += nanos;
    }

    /** A copy the work waits for; returns the handler its landing runs. */
    EventHandler expectCopy() {
        outstanding++;
        return copyDone;
    }

    /**
     * The host thread goes on at {@code now} after an {@link #end} (its copies have landed): the next charges start
     * there, and a later {@link #end} waits again.
     */
    void resumeAt(long now) {
        t = Math.max(t, now);
        cpuReached = false;
    }

    /**
     * The charges so far are made: {@code done} runs once the thread has got to {@link #now()} and every copy started
     * so far has landed (the time waited for copies beyond the thread's work counts as migration copy).
     */
    void end(Done done) {
        this.then = done;
        sim.scheduleAtNanos(t, EventPhase.HOST, a -> {
            cpuReached = true;
            finishIfDone();
        }, 0);
    }

    private void finishIfDone() {
        if (!cpuReached || outstanding > 0 || then == null) {
            return;
        }
        Done d = then;
        then = null;
        long now = sim.nowNanos();
        if (now > t) {
            stage[Stage.MIGRATION_COPY.ordinal()] += now - t; // waiting for copies beyond the CPU work
            t = now;
        }
        d.done(now, stage);
    }
}
