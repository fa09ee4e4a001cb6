package org.hmmlab.mm;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import org.hmmlab.bench.CoreOps;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.Test;

/**
 * Random sequences of every public operation of the functional core ({@link CoreOps}: mmap of every kind, munmap,
 * mprotect, madvise, mremap, fork, exit, CPU loads, stores and copies, GUP, and every dmirror ioctl) over several
 * processes and two devices (one private, one coherent), with the invariant checker after every operation and a data
 * oracle: every CPU load and device read of a private mapping must return the last value stored at that address in
 * that process (copy-on-write gives a child its own history).
 *
 * <p>The checker is the incremental one ({@link IncrementalInvariants}: what each operation touched), with the full
 * checker every {@code -Dhmmlab.property.fullEvery=K} checkpoints (default 1,000) and after the last step. Fixed seed
 * and 600 steps in CI; more with {@code -Dhmmlab.property.steps=N} and {@code -Dhmmlab.seed=S}. The run prints its
 * time, steps per second, peak heap and the load average. A failure prints the seed, the step whose operation made
 * it (a replay with a full check after each of the last operations names it) and, for a run of up to 50,000 steps,
 * the sequence shrunk by delta debugging to operations that still fail the same way on a fresh machine, as Java that
 * replays it; a longer run prints the call that replays its stream.
 */
class RandomOperationsPropertyTest {

    /** Prints the state's size and the heap ten times over the run ({@code -Dhmmlab.property.probe=true}). */
    static final boolean PROBE = Boolean.getBoolean("hmmlab.property.probe");

    @Test
    void randomOperationsKeepTheInvariantsAndTheData() {
        long seed = Long.getLong("hmmlab.seed", 42L);
        int steps = Integer.getInteger("hmmlab.property.steps", 600);
        int fullEvery = Integer.getInteger("hmmlab.property.fullEvery", 1000);
        long started = System.nanoTime();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        CoreOps.World world = newWorld(fullEvery);
        for (int step = 0; step < steps; step++) {
            CoreOps.Op op = CoreOps.next(rnd);
            try {
                world.apply(op);
                if (step == steps - 1) {
                    world.frames().checkFully();
                }
            } catch (RuntimeException | AssertionError e) {
                reportAndFail(seed, step, fullEvery, e);
            }
            if (PROBE && step % Math.max(1, steps / 10) == 0) {
                System.out.printf("step %,d: %s, heap %,d MiB after GC, %.1f s%n", step, world.describe(),
                        heapAfterGc() >> 20, (System.nanoTime() - started) / 1e9);
            }
        }
        int[] counts = world.counts();
        for (CoreOps.Kind k : CoreOps.Kind.values()) {
            assertTrue(counts[k.ordinal()] > 0, "operation " + k + " never ran");
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("RandomOperationsPropertyTest: seed %d, %,d steps, full check every %d, %.1f s, %.0f steps/s,"
                + " peak heap %,d MiB, load %s%n", seed, steps, fullEvery, seconds, steps / seconds, peakHeap() >> 20,
                loadAverage());
    }

    /** A machine with the incremental checker on, as the run and every replay of the shrinker use it. */
    static CoreOps.World newWorld(int fullEvery) {
        CoreOps.World w = new CoreOps.World(Bytes.MiB(512), true);
        w.frames().setIncrementalInvariantChecking(fullEvery);
        return w;
    }

    /** Whether {@code ops} fails on a fresh machine with an exception of the same class as {@code how}. */
    static boolean fails(List<CoreOps.Op> ops, int fullEvery, Throwable how) {
        try {
            CoreOps.World w = newWorld(fullEvery);
            w.run(ops);
            w.frames().checkFully();
            return false;
        } catch (RuntimeException | AssertionError e) {
            return e.getClass() == how.getClass();
        }
    }

    private static void reportAndFail(long seed, int step, int fullEvery, Throwable e) {
        // A periodic full check (and the devices' hooks, which run with it) finds a corruption up to fullEvery
        // operations after the one that made it: replay with a full check after each of those to name it.
        int culprit = step;
        if (fullEvery > 1) {
            culprit = firstFailingStep(seed, step, fullEvery);
        }
        List<CoreOps.Op> prefix = CoreOps.sequence(seed, culprit + 1);
        StringBuilder sb = new StringBuilder();
        sb.append("seed ").append(seed).append(", found at step ").append(step).append(", made by step ")
                .append(culprit).append(" ").append(prefix.get(culprit)).append(": ").append(e).append('\n');
        if (prefix.size() <= 50_000) {
            int replayFullEvery = prefix.size() <= 2_000 ? 1 : fullEvery;
            List<CoreOps.Op> small = CoreOps.shrink(prefix, ops -> fails(ops, replayFullEvery, e), 400);
            sb.append("shrunk to ").append(small.size()).append(" operations (of ").append(prefix.size())
                    .append("); replay with new CoreOps.World(Bytes.MiB(512), true).run(List.of(\n");
            for (CoreOps.Op op : small.subList(0, Math.min(small.size(), 200))) {
                sb.append("    new CoreOps.Op(CoreOps.Kind.").append(op.kind()).append(", ").append(op.proc())
                        .append(", ").append(op.map()).append(", ").append(op.first()).append(", ")
                        .append(op.count()).append(", ").append(op.choice()).append("),\n");
            }
            sb.append("))");
        } else {
            sb.append("too long to shrink here (each replay runs ").append(prefix.size())
                    .append(" operations); replay with CoreOps.sequence(").append(seed).append(", ")
                    .append(culprit + 1).append(")");
        }
        System.out.println(sb);
        fail(sb.toString(), e);
    }

    /** The first step at or before {@code step} after which a full check fails, replaying the seed's stream. */
    static int firstFailingStep(long seed, int step, int fullEvery) {
        List<CoreOps.Op> ops = CoreOps.sequence(seed, step + 1);
        CoreOps.World w = newWorld(fullEvery);
        int from = Math.max(0, step - fullEvery - 1);
        for (int i = 0; i <= step; i++) {
            try {
                w.apply(ops.get(i));
                if (i >= from) {
                    w.frames().checkFully();
                }
            } catch (RuntimeException | AssertionError x) {
                return i;
            }
        }
        return step;
    }

    static long peakHeap() {
        long peak = 0;
        for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return String.format("%.2f", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    .getSystemLoadAverage());
        }
    }

    static long heapAfterGc() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
