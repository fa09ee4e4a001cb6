package org.hmmlab.workload.catalogue;

import org.hmmlab.units.Bytes;

/**
 * Rodinia's pathfinder: dynamic programming down a 200-row, 50,000-column wall, 10 rows per launch (a pyramid of
 * height 10), so 20 launches of {@code dynproc_kernel}.
 */
final class Pathfinder {

    static final int COLS = 50_000;
    static final int ROWS = 200;
    static final int PYRAMID = 10;
    static final int BLOCK = 256;
    static final int HALO = 1;

    private Pathfinder() {
    }

    static Benchmark build() {
        Builder b = new Builder("pathfinder", "Rodinia 3.1",
                "benchmarks/Managed/pathfinder/pathfinder.cu (init, calc_path, dynproc_kernel); run: ./pathfinder 50000 200 10",
                "gpuResult[0], gpuResult[1] (cols ints, 195 KiB each) and gpuWall ((rows - 1) x cols ints, 38 MiB) are"
                        + " managed. The host writes row 0 into gpuResult[0] and the other rows into gpuWall, row by row"
                        + " (init). Launch t (t = 0, 10, ..., 190) runs 212 blocks of 256 threads over columns"
                        + " 236 bx - 10 .. +255: each block reads its gpuSrc segment (1 KiB), then for each of its"
                        + " 10 rows (9 in the last launch) the wall row's segment cols x (t + i) + xidx for the threads"
                        + " still inside the shrinking pyramid (a row is 195 KiB further on), then writes gpuDst for the"
                        + " threads that computed. Source and destination swap between launches.");
        long row = 4L * COLS;
        long[] result = {b.array("gpuResult[0]", row), b.array("gpuResult[1]", row)};
        long wall = b.array("gpuWall", row * (ROWS - 1));
        b.host("init", ROWS, (i, out) -> out.write(i == 0 ? result[0] : wall + (i - 1) * row, row));
        int smallBlockCol = BLOCK - PYRAMID * HALO * 2;
        int blockCols = COLS / smallBlockCol + (COLS % smallBlockCol == 0 ? 0 : 1);
        int src = 1;
        int dst = 0;
        for (int t = 0; t < ROWS - 1; t += PYRAMID) {
            int swap = src;
            src = dst;
            dst = swap;
            int iteration = Math.min(PYRAMID, ROWS - t - 1);
            int startStep = t;
            long from = result[src];
            long to = result[dst];
            b.kernel("dynproc_kernel", blockCols, BLOCK, (bx, out) -> {
                int small = BLOCK - iteration * HALO * 2;
                int blkX = small * (int) bx - iteration * HALO;
                int validMin = blkX < 0 ? -blkX : 0;
                int validMax = blkX + BLOCK - 1 > COLS - 1 ? BLOCK - 1 - (blkX + BLOCK - 1 - COLS + 1) : BLOCK - 1;
                if (validMax < validMin) {
                    return; // a block past the last column in the last launch (its pyramid is wider): no thread is valid
                }
                out.read(from + 4L * (blkX + validMin), 4L * (validMax - validMin + 1));
                int lo = 0;
                int hi = -1;
                for (int i = 0; i < iteration; i++) {
                    lo = Math.max(i + 1, validMin);
                    hi = Math.min(BLOCK - i - 2, validMax);
                    if (hi >= lo) {
                        out.read(wall + 4L * ((long) COLS * (startStep + i) + blkX + lo), 4L * (hi - lo + 1));
                    }
                }
                if (hi >= lo) {
                    out.write(to + 4L * (blkX + lo), 4L * (hi - lo + 1));
                }
            });
        }
        return b.build(Bytes.of(38L * 1024 * 1024 + 512 * 1024));
    }
}
