package org.hmmlab.dsl.script;

import java.util.Locale;
import java.util.SplittableRandom;
import org.hmmlab.policy.Decision;
import org.hmmlab.policy.FaultBatch;
import org.hmmlab.policy.FaultContext;
import org.hmmlab.policy.Location;
import org.hmmlab.policy.MutableFaultContext;
import org.hmmlab.policy.Placement;
import org.hmmlab.workload.AccessType;

/**
 * Measures what a placement decision costs when the policy is JavaScript rather than Java: the same policy
 * in both languages (and in JavaScript's batch form, one call per fault batch), asked about the same seeded stream
 * of faults, timed per decision.
 *
 * <p>The policy is a small access-counter rule: reads of a page not yet seen {@value #THRESHOLD} times
 * in its 2 MiB block map remotely, the rest migrate the block. This is a benchmark (it reads the wall
 * clock and prints figures), not a test; the test suite checks that both make the same decisions.
 *
 * <p>Run: {@code ./hmmlab bench --suite js} (figures, JSON with {@code --json}), or this class's {@code main}.
 */
public final class JsPolicyBench {

    /** Faults on a 2 MiB block before the block migrates. */
    public static final int THRESHOLD = 4;
    /** 2 MiB blocks the bench's address range spans. */
    public static final int BLOCKS = 4096;

    /** The policy in JavaScript. */
    public static final String JS_SOURCE = """
            const THRESHOLD = %d;
            const counts = new Int32Array(%d);
            function onDeviceFault(fault) {
              const block = Math.floor(fault.page() / 512) %% counts.length;
              const n = ++counts[block];
              if (fault.access() === "read" && n < THRESHOLD) {
                return "map-remote";
              }
              return "migrate-2MiB";
            }
            """.formatted(THRESHOLD, BLOCKS);

    private JsPolicyBench() {
    }

    /** The same policy in Java. */
    public static final class JavaCounterPlacement implements Placement {
        private final int[] counts = new int[BLOCKS];

        @Override
        public String name() {
            return "java-counter";
        }

        @Override
        public Decision onDeviceFault(FaultContext fault) {
            int block = (int) Math.floorMod(fault.page() / 512, (long) counts.length);
            int n = ++counts[block];
            if (fault.access() == AccessType.READ && n < THRESHOLD) {
                return Decision.MAP_REMOTE;
            }
            return Decision.MIGRATE_BLOCK;
        }
    }

    /** A seeded stream of faults for driving placements outside a simulation, all on host-resident pages. */
    public static final class StreamFault {
        private final SplittableRandom random;
        private final MutableFaultContext fault = new MutableFaultContext(page -> Location.HOST, () -> 1L << 20,
                1L << 21);
        private long now;

        public StreamFault(long seed) {
            random = new SplittableRandom(seed);
        }

        /** Moves to the next fault: a random page in the range, one access in four a write. */
        public FaultContext next() {
            long address = random.nextLong((long) BLOCKS * 512) << 12;
            AccessType access = random.nextInt(4) == 0 ? AccessType.WRITE : AccessType.READ;
            now += 1_000;
            return fault.fill(address, access, 0, now);
        }
    }

    /** The policy in JavaScript, in the batch form: one call decides a whole fault batch. */
    public static final String JS_BATCH_SOURCE = """
            const THRESHOLD = %d;
            const counts = new Int32Array(%d);
            function onDeviceFaults(faults) {
              const pages = faults.pages();
              const writes = faults.writes();
              for (let i = 0; i < pages.length; i++) {
                const block = Math.floor(pages[i] / 512) %% counts.length;
                const c = ++counts[block];
                faults.decide(i, !writes[i] && c < THRESHOLD ? "map-remote" : "migrate-2MiB");
              }
            }
            """.formatted(THRESHOLD, BLOCKS);

    /** Faults per batch in the bench: the driver's default fault batch (uvm_perf_fault_batch_count). */
    public static final int BATCH = 256;

    /**
     * Nanoseconds per decision of {@code placement}, best of rounds of {@code faults} decisions: a fault batch of
     * {@link #BATCH} seeded faults, sorted and coalesced as the driver does, is announced with
     * {@link Placement#onFaultBatch} and then decided fault by fault. Rounds go on until {@code maxRounds}, or until
     * {@code patience} rounds in a row did not beat the best (but at least a quarter of the budget), or
     * {@code budgetNanos} of host time are spent: GraalJS compiles a script in the background only after it has run
     * hot, so an early round measures the interpreter.
     */
    static double nanosPerDecision(Placement placement, int faults, int maxRounds, int patience, long budgetNanos) {
        // the batches are drawn before the clock starts: a round times the placement, not the fault stream
        StreamFault f = new StreamFault(1);
        int batches = 64;
        long[][] pages = new long[batches][BATCH];
        boolean[][] writes = new boolean[batches][BATCH];
        int[] sizes = new int[batches];
        for (int b = 0; b < batches; b++) {
            sizes[b] = sortedBatch(f, pages[b], writes[b]);
        }
        MutableFaultContext ctx = new MutableFaultContext(page -> Location.HOST, () -> 1L << 20, 1L << 21);
        FaultBatch batch = new FaultBatch();
        long sink = 0;
        long now = 0;
        double best = Double.MAX_VALUE;
        int sinceBest = 0;
        long start = System.nanoTime();
        // GraalJS compiles in the background after some seconds of a hot script: the first rounds must not end it
        long minNanos = budgetNanos / 4;
        for (int round = 0; round < maxRounds && System.nanoTime() - start < budgetNanos
                && (sinceBest < patience || System.nanoTime() - start < minNanos); round++) {
            long decisions = 0;
            long t0 = System.nanoTime();
            for (int b = 0; decisions < faults; b = (b + 1) % batches) {
                long[] p = pages[b];
                boolean[] w = writes[b];
                int n = sizes[b];
                now += 1_000;
                placement.onFaultBatch(batch.fill(p, w, n,
                        ctx.fill(p[0] << 12, w[0] ? AccessType.WRITE : AccessType.READ, 0, now)));
                for (int i = 0; i < n; i++) {
                    sink += placement.onDeviceFault(
                            ctx.fill(p[i] << 12, w[i] ? AccessType.WRITE : AccessType.READ, 0, now)).regionShift();
                }
                decisions += n;
            }
            double ns = (double) (System.nanoTime() - t0) / decisions;
            if (ns < best * 0.97) {
                sinceBest = 0;
            } else {
                sinceBest++;
            }
            best = Math.min(best, ns);
        }
        if (sink == 42) {
            System.out.print("");
        }
        return best;
    }

    /** The next {@link #BATCH} faults of {@code f}, sorted by page and coalesced; returns the unique pages. */
    static int sortedBatch(StreamFault f, long[] pages, boolean[] writes) {
        long[] keys = new long[BATCH];
        for (int k = 0; k < BATCH; k++) {
            FaultContext c = f.next();
            keys[k] = (c.page() << 1) | (c.access() == AccessType.READ ? 0 : 1);
        }
        java.util.Arrays.sort(keys);
        int u = 0;
        for (long key : keys) {
            long page = key >>> 1;
            if (u > 0 && pages[u - 1] == page) {
                writes[u - 1] |= (key & 1) != 0;
            } else {
                pages[u] = page;
                writes[u] = (key & 1) != 0;
                u++;
            }
        }
        return u;
    }

    /** Whether GraalJS runs with its optimizing compiler (else it interprets). */
    public static boolean optimizing() {
        return !"Interpreted".equals(JsScript.engine().getImplementationName());
    }

    public static void main(String[] args) {
        int faults = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        long budget = 60_000_000_000L;
        double java = nanosPerDecision(new JavaCounterPlacement(), faults, 10, 5, budget);
        double js;
        double jsBatch;
        try (JsPlacement p = JsPlacement.load("counter.js", JS_SOURCE)) {
            js = nanosPerDecision(p, faults, 200, 8, budget);
        }
        try (JsPlacement p = JsPlacement.load("counter-batch.js", JS_BATCH_SOURCE)) {
            jsBatch = nanosPerDecision(p, faults, 200, 8, budget);
        }
        System.out.printf(Locale.ROOT, "placement decision, Java:                    %10.1f ns%n", java);
        System.out.printf(Locale.ROOT, "placement decision, JavaScript per fault:    %10.1f ns  (GraalJS %s on JDK %d, %s)%n",
                js, JsScript.engine().getVersion(), Runtime.version().feature(),
                JsScript.engine().getImplementationName());
        System.out.printf(Locale.ROOT, "placement decision, JavaScript, batch form:  %10.1f ns  (batches of %d faults)%n",
                jsBatch, BATCH);
    }
}
