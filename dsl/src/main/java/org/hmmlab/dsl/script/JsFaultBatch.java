package org.hmmlab.dsl.script;

import java.util.Arrays;
import org.graalvm.polyglot.HostAccess;
import org.hmmlab.policy.Decision;
import org.hmmlab.policy.FaultBatch;
import org.hmmlab.workload.AccessType;

/**
 * A fault batch as a JavaScript placement's {@code onDeviceFaults(faults)} sees it: {@code faults.length()},
 * {@code faults.page(i)}, {@code faults.access(i)}, {@code faults.residency(p)}, {@code faults.nowNs()}, the whole
 * batch as arrays ({@code faults.pages()}, {@code faults.writes()}), and {@code faults.decide(i, "migrate-2MiB")} to
 * give fault {@code i} its decision.
 *
 * <p>One call per batch instead of one per fault: the script crosses the Java/JavaScript boundary once for the
 * batch and calls back only into these small methods, which the optimizing runtime compiles into the script's own
 * code. A view over the timing layer's {@link FaultBatch} flyweight, refilled before each call; only the methods here
 * are exported to scripts.
 */
public final class JsFaultBatch {

    private static final String[] ACCESS_NAMES = {"read", "write", "atomic"};

    private final JsFault context = new JsFault();
    private FaultBatch batch;
    private Decision[] decisions = new Decision[0];
    /** The batch's pages and write flags as arrays the script indexes, refilled per batch. */
    private double[] pages = new double[0];
    private boolean[] writes = new boolean[0];

    /** Shows {@code b} to the script, every fault undecided; null ends the view. */
    void set(FaultBatch b) {
        batch = b;
        context.set(b == null ? null : b.context());
        if (b != null) {
            if (decisions.length < b.size()) {
                decisions = new Decision[Math.max(b.size(), 2 * decisions.length)];
            }
            Arrays.fill(decisions, 0, b.size(), null);
            if (pages.length != b.size()) {
                pages = new double[b.size()];
                writes = new boolean[b.size()];
            }
            for (int i = 0; i < b.size(); i++) {
                pages[i] = b.page(i);
                writes[i] = b.access(i) != AccessType.READ;
            }
        }
    }

    /** The decision the script gave fault {@code i}, or null when it gave none. */
    Decision decision(int i) {
        return decisions[i];
    }

    private FaultBatch b() {
        if (batch == null) {
            throw new IllegalStateException("a fault batch is only valid during the call it was passed to");
        }
        return batch;
    }

    /** Unique faulting pages in the batch. */
    @HostAccess.Export
    public int length() {
        return b().size();
    }

    /** The {@code i}-th faulting virtual page number (4 KiB pages), ascending in {@code i}. */
    @HostAccess.Export
    public double page(int i) {
        return b().page(i);
    }

    /**
     * The batch's pages as an array ({@code const pages = faults.pages(); pages[i]}): indexing it costs the script
     * less than a call of {@link #page(int)} per fault. Valid during the call only.
     */
    @HostAccess.Export
    public double[] pages() {
        b();
        return pages;
    }

    /** Per fault, whether it writes ({@code faults.writes()[i]}), as {@link #pages()} gives the pages. */
    @HostAccess.Export
    public boolean[] writes() {
        b();
        return writes;
    }

    /** {@code "read"} or {@code "write"}: a page faulted for both counts as written. */
    @HostAccess.Export
    public String access(int i) {
        return ACCESS_NAMES[b().access(i).ordinal()];
    }

    /** Where page {@code page} lives as the service begins: {@code "unpopulated"}, {@code "host"}, {@code "gpu0"}, ... */
    @HostAccess.Export
    public String residency(double page) {
        b();
        return context.residency(page);
    }

    /** Simulated time of the service in nanoseconds. */
    @HostAccess.Export
    public double nowNs() {
        return b().context().nowNanos();
    }

    /** Free 4 KiB pages in the faulting GPU's memory as the service begins. */
    @HostAccess.Export
    public double deviceFreePages() {
        return b().context().deviceFreePages();
    }

    /**
     * Gives fault {@code i} the decision {@code decision}, one of {@value JsPlacement#DECISIONS_TEXT}; a later call
     * for the same fault replaces it.
     */
    @HostAccess.Export
    public void decide(int i, String decision) {
        int n = b().size();
        if (i < 0 || i >= n) {
            throw new IllegalArgumentException("decide(i, decision): i must be in [0, " + n + "), got " + i);
        }
        decisions[i] = JsPlacement.decisionNamed(decision);
    }

    @Override
    public String toString() {
        return batch == null ? "fault batch (expired)" : "fault batch of " + batch.size();
    }
}
