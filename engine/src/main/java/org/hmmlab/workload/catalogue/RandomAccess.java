package org.hmmlab.workload.catalogue;

import java.util.SplittableRandom;
import org.hmmlab.units.Bytes;

/**
 * HPC Challenge's RandomAccess as the peer runs it ({@code ra}): one kernel in which every 100th of 2^20 threads
 * reads its input and updates a random element of the output through the table.
 */
final class RandomAccess {

    static final int N = 1 << 20;
    static final int BLOCK = 256;
    static final int EVERY = 100;
    /** The seed of the inputs the host draws (the peer's rand()); fixed, so the accesses are too. */
    static final long SEED = 0x5241L;

    private RandomAccess() {
    }

    static Benchmark build() {
        Builder b = new Builder("ra", "HPC Challenge (RandomAccess)",
                "benchmarks/Managed/ra/main.cu (main, kernel); N = 1 << 20",
                "input, output and table (2^20 floats, 4 MiB each) are managed. The host writes input[i] (uniform in"
                        + " [0, 1), from a fixed seed here, rand() there) and table[i] together, element by element. The"
                        + " kernel has 4,096 blocks of 256 threads; the threads whose x_id is a multiple of 100 read"
                        + " input[x_id], then table[t] and write output[t] with t = frac(input) x N, a uniformly random"
                        + " element: 10,486 random 4 B updates spread over two 4 MiB arrays.");
        long bytes = 4L * N;
        long input = b.array("input", bytes);
        long output = b.array("output", bytes);
        long table = b.array("table", bytes);
        float[] in = new float[N];
        SplittableRandom r = new SplittableRandom(SEED);
        for (int i = 0; i < N; i++) {
            in[i] = (float) r.nextDouble();
        }
        long chunk = 4096;
        b.host("init", bytes / chunk, (c, out) -> {
            out.write(input + c * chunk, chunk);
            out.write(table + c * chunk, chunk);
        });
        b.kernel("kernel", (N + BLOCK - 1) / BLOCK, BLOCK, (blk, out) -> {
            int first = (int) blk * BLOCK;
            int start = (first + EVERY - 1) / EVERY * EVERY;
            for (int x = start; x < first + BLOCK; x += EVERY) {
                float f = in[x];
                int t = Math.min(N - 1, (int) ((f - (float) Math.floor(f)) * (float) N));
                out.read(input + 4L * x, 4);
                out.read(table + 4L * t, 4);
                out.write(output + 4L * t, 4);
            }
        });
        return b.build(Bytes.MiB(12));
    }
}
