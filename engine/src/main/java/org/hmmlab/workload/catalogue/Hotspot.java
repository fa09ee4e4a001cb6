package org.hmmlab.workload.catalogue;

import org.hmmlab.units.Bytes;

/**
 * Rodinia's hotspot: a thermal simulation on a 1024 x 1024 grid, 8 steps in launches of 2 (a pyramid of height 2),
 * so 4 launches of {@code calculate_temp} that swap source and destination.
 */
final class Hotspot {

    static final int ROWS = 1024;
    static final int COLS = 1024;
    static final int PYRAMID = 2;
    static final int TOTAL = 8;
    static final int BLOCK = 16;
    static final int EXPAND = 2;

    private Hotspot() {
    }

    static Benchmark build() {
        Builder b = new Builder("hotspot", "Rodinia 3.1",
                "benchmarks/Managed/hotspot/hotspot.cu (main, compute_tran_temp, calculate_temp); run: ./hotspot 1024 2 8",
                "MatrixTemp[0], MatrixTemp[1] and MatrixPower (4 MiB each) are managed. The host reads the temperature"
                        + " and power files into MatrixTemp[0] and MatrixPower (readinput). Each of the 4 launches of"
                        + " calculate_temp has 86 x 86 blocks of 16 x 16 threads (blockIdx.x fastest); block (bx, by)"
                        + " covers rows 12 by - 2 .. +15 and columns 12 bx - 2 .. +15 of the grid (the pyramid's"
                        + " border): for each of its rows it reads temp_src[index] then power[index] (64 B each, one"
                        + " 4 KiB grid row apart), and after the two steps it writes temp_dst for the inner 12 x 12"
                        + " threads that computed. Source and destination swap between launches.");
        long size = 4L * ROWS * COLS;
        long[] temp = {b.array("MatrixTemp[0]", size), b.array("MatrixTemp[1]", size)};
        long power = b.array("MatrixPower", size);
        b.host("readinput", 2, (k, out) -> out.write(k == 0 ? temp[0] : power, size));
        int smallBlock = BLOCK - PYRAMID * EXPAND;
        int blockCols = COLS / smallBlock + (COLS % smallBlock == 0 ? 0 : 1);
        int blockRows = ROWS / smallBlock + (ROWS % smallBlock == 0 ? 0 : 1);
        int src = 1;
        int dst = 0;
        for (int t = 0; t < TOTAL; t += PYRAMID) {
            int swap = src;
            src = dst;
            dst = swap;
            int iteration = Math.min(PYRAMID, TOTAL - t);
            long from = temp[src];
            long to = temp[dst];
            b.kernel("calculate_temp", (long) blockCols * blockRows, BLOCK * BLOCK, (k, out) -> {
                int bx = (int) (k % blockCols);
                int by = (int) (k / blockCols);
                int small = BLOCK - iteration * 2;
                int blkY = small * by - PYRAMID;
                int blkX = small * bx - PYRAMID;
                int x0 = Math.max(blkX, 0);
                int x1 = Math.min(blkX + BLOCK - 1, COLS - 1);
                for (int ty = 0; ty < BLOCK; ty++) {
                    int y = blkY + ty;
                    if (y < 0 || y >= ROWS) {
                        continue;
                    }
                    out.read(from + 4L * ((long) y * COLS + x0), 4L * (x1 - x0 + 1));
                    out.read(power + 4L * ((long) y * COLS + x0), 4L * (x1 - x0 + 1));
                }
                // the threads that computed at the last step: tx, ty in [iteration, BLOCK - iteration - 1], valid
                int wx0 = Math.max(blkX + iteration, 0);
                int wx1 = Math.min(blkX + BLOCK - iteration - 1, COLS - 1);
                for (int ty = iteration; ty <= BLOCK - iteration - 1; ty++) {
                    int y = blkY + ty;
                    if (y < 0 || y >= ROWS || wx1 < wx0) {
                        continue;
                    }
                    out.write(to + 4L * ((long) y * COLS + wx0), 4L * (wx1 - wx0 + 1));
                }
            });
        }
        return b.build(Bytes.MiB(12));
    }
}
