package org.hmmlab.dsl.script;

import java.util.Locale;
import java.util.SplittableRandom;
import org.hmmlab.policy.Decision;
import org.hmmlab.policy.FaultContext;
import org.hmmlab.policy.Location;
import org.hmmlab.policy.MutableFaultContext;
import org.hmmlab.policy.Placement;
import org.hmmlab.workload.AccessType;

/**
 * Measures what a placement decision costs when the policy is JavaScript rather than Java: the same policy
 * in both languages, asked about the same seeded stream of faults, timed per decision.
 *
 * <p>The policy is a small access-counter rule: reads of a page not yet seen {@value #THRESHOLD} times
 * in its 2 MiB block map remotely, the rest migrate the block. This is a benchmark (it reads the wall
 * clock and prints figures), not a test; the test suite checks that both make the same decisions.
 *
 * <p>Run: {@code ./hmmlab java -cp "kernel/target/hmmlab-kernel.jar:kernel/target/lib/*" org.hmmlab.dsl.script.JsPolicyBench}
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

    /** Nanoseconds per decision of {@code placement} over {@code faults} faults, after a warm-up. */
    static double nanosPerDecision(Placement placement, int warmup, int faults) {
        StreamFault f = new StreamFault(1);
        long sink = 0;
        for (int i = 0; i < warmup; i++) {
            sink += placement.onDeviceFault(f.next()).regionShift();
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < faults; i++) {
            sink += placement.onDeviceFault(f.next()).regionShift();
        }
        long t1 = System.nanoTime();
        if (sink == 42) {
            System.out.print("");
        }
        return (double) (t1 - t0) / faults;
    }

    public static void main(String[] args) {
        int faults = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        double java = nanosPerDecision(new JavaCounterPlacement(), 200_000, faults);
        double js;
        try (JsPlacement p = JsPlacement.load("counter.js", JS_SOURCE)) {
            js = nanosPerDecision(p, 200_000, faults);
        }
        System.out.printf(Locale.ROOT, "placement decision, Java:       %10.1f ns%n", java);
        System.out.printf(Locale.ROOT, "placement decision, JavaScript: %10.1f ns  (GraalJS %s on JDK %d, %s)%n", js,
                JsScript.engine().getVersion(), Runtime.version().feature(),
                JsScript.engine().getImplementationName());
        System.out.printf(Locale.ROOT, "JavaScript overhead per decision: %.1f ns (%.0fx)%n", js - java, js / java);
    }
}
