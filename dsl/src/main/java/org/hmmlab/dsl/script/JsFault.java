package org.hmmlab.dsl.script;

import org.graalvm.polyglot.HostAccess;
import org.hmmlab.policy.FaultContext;
import org.hmmlab.policy.Location;

/**
 * The fault a JavaScript policy is asked about, as the script sees it: {@code fault.page()},
 * {@code fault.access()}, {@code fault.residency(p)}, ...
 *
 * <p>A view over the timing layer's {@link FaultContext} flyweight: one view per policy, refilled before
 * each call, so asking a script allocates no Java object. Only the methods here are exported to scripts.
 */
public final class JsFault {

    private static final String[] GPU_NAMES = new String[64];
    private static final String[] ACCESS_NAMES = {"read", "write", "atomic"};

    static {
        for (int i = 0; i < GPU_NAMES.length; i++) {
            GPU_NAMES[i] = "gpu" + i;
        }
    }

    private FaultContext context;

    void set(FaultContext c) {
        context = c;
    }

    private FaultContext c() {
        if (context == null) {
            throw new IllegalStateException("a fault is only valid during the call it was passed to");
        }
        return context;
    }

    /** The faulting virtual byte address. */
    @HostAccess.Export
    public double address() {
        return c().address();
    }

    /** The faulting virtual page number (4 KiB pages). */
    @HostAccess.Export
    public double page() {
        return c().page();
    }

    /** {@code "read"}, {@code "write"} or {@code "atomic"}. */
    @HostAccess.Export
    public String access() {
        return ACCESS_NAMES[c().access().ordinal()];
    }

    /** The faulting processor: a GPU index {@code >= 0}, or -1 for the CPU. */
    @HostAccess.Export
    public int processor() {
        return c().processor();
    }

    /** Simulated time of the service in nanoseconds. */
    @HostAccess.Export
    public double nowNs() {
        return c().nowNanos();
    }

    /** Where page {@code page} lives: {@code "unpopulated"}, {@code "host"} or {@code "gpu0"}, {@code "gpu1"}, ... */
    @HostAccess.Export
    public String residency(double page) {
        int where = c().residency((long) page);
        return where >= 0 && where < GPU_NAMES.length ? GPU_NAMES[where] : Location.name(where);
    }

    /** Free 4 KiB pages in the faulting GPU's memory. */
    @HostAccess.Export
    public double deviceFreePages() {
        return c().deviceFreePages();
    }

    /** Capacity of the faulting GPU's memory in 4 KiB pages. */
    @HostAccess.Export
    public double deviceCapacityPages() {
        return c().deviceCapacityPages();
    }

    @Override
    public String toString() {
        return context == null ? "fault (expired)" : "fault page " + context.page() + " " + access();
    }
}
