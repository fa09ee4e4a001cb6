package org.hmmlab.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.hmmlab.units.Bytes;

/**
 * The soak run: a million random operations of the functional core ({@link CoreOps}: every public operation of an
 * address space, of GUP and of the dmirror driver, fork and exit with the device files opened and closed) over
 * several processes and two devices, with the live heap sampled ten times. Once the working set is reached the heap
 * must stay flat: whatever grows with the number of operations (a list that is only appended to, a closed file
 * something still holds, device segments a release never gives back) shows here as growth between the second and the
 * last sample.
 *
 * <p>The working set is bounded on purpose (at most 32 mappings a process, at most 4 processes), so the engine,
 * not the workload, is what is measured. The seed is fixed; {@code --quick} runs 50,000 operations.
 */
final class SoakBench implements BenchSuite {

    @Override
    public String name() {
        return "soak";
    }

    @Override
    public List<Figure> run(boolean quick) {
        int ops = quick ? 50_000 : 1_000_000;
        int samples = 10;
        long[] heap = new long[samples + 1];
        long started = System.nanoTime();
        Soak soak = new Soak(42);
        heap[0] = liveHeap();
        for (int s = 1; s <= samples; s++) {
            soak.run(ops / samples);
            heap[s] = liveHeap();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        List<Figure> out = new ArrayList<>();
        out.add(new Figure("soak_ops_per_s", ops / seconds, "ops/s", true, Double.NaN));
        for (int s = 1; s <= samples; s++) {
            out.add(new Figure("soak_heap_after_" + (long) s * ops / samples + "_ops", heap[s] / 1048576.0, "MiB",
                    false, Double.NaN));
        }
        // Flat once warm: the growth from the second sample to the last stays within 4 MiB (GC noise, pooled tables).
        out.add(new Figure("soak_heap_growth_after_warmup", (heap[samples] - heap[2]) / 1048576.0, "MiB", false, 4.0));
        return out;
    }

    /** The heap in use after a full collection (live data), in bytes. */
    static long liveHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    /** The machine and the operation stream (shared with the property test: {@link CoreOps}). */
    static final class Soak {
        final SplittableRandom rnd;
        final CoreOps.World world = new CoreOps.World(Bytes.MiB(256), false);

        Soak(long seed) {
            rnd = new SplittableRandom(seed);
        }

        void run(int ops) {
            for (int i = 0; i < ops; i++) {
                world.apply(CoreOps.next(rnd));
            }
        }
    }
}
