package org.hmmlab.workload.catalogue;

import org.hmmlab.units.Bytes;

/**
 * Rodinia's srad_v2 (speckle-reducing anisotropic diffusion) on a 1024 x 1024 image, 4 iterations of
 * {@code srad_cuda_1} and {@code srad_cuda_2}, the host reading the region of interest before each.
 */
final class Srad {

    static final int ROWS = 1024;
    static final int COLS = 1024;
    static final int BLOCK = 16;
    static final int ITERATIONS = 4;
    static final int ROI = 128; // r1 = 0, r2 = 127, c1 = 0, c2 = 127

    private Srad() {
    }

    static Benchmark build() {
        Builder b = new Builder("srad", "Rodinia 3.1 (srad_v2)",
                "benchmarks/Managed/srad_v2/srad.cu (runTest), srad_kernel.cu; run: ./srad 1024 1024 0 127 0 127 0.5 4",
                "Only J_shared (1024 x 1024 floats, 4 MiB) is managed; C_cuda, E_C, W_C, N_C and S_C are cudaMalloc'd"
                        + " device memory, outside unified memory, so their accesses are left out. The host writes"
                        + " J_shared = exp(I); each of the 4 iterations, it reads the region of interest (rows 0..127,"
                        + " columns 0..127: 128 rows of 512 B, one 4 KiB image row apart), then launches srad_cuda_1 and"
                        + " srad_cuda_2 with 64 x 64 blocks of 16 x 16 threads. srad_cuda_1's block reads the row above"
                        + " and below its tile (index_n, index_s, or the edge rows at the borders), the columns left"
                        + " and right of it (index_w, index_e: one float per row, and the edge column at the borders)"
                        + " and its 16 tile rows; srad_cuda_2's block reads its tile rows of J and writes them back.");
        long size = 4L * ROWS * COLS;
        long j = b.array("J_shared", size);
        b.host("init", 1, (k, out) -> out.write(j, size));
        int gx = COLS / BLOCK;
        int gy = ROWS / BLOCK;
        for (int it = 0; it < ITERATIONS; it++) {
            b.host("roi statistics", ROI, (r, out) -> out.read(j + 4L * r * COLS, 4L * ROI));
            b.kernel("srad_cuda_1", (long) gx * gy, BLOCK * BLOCK, (k, out) -> {
                int bx = (int) (k % gx);
                int by = (int) (k / gx);
                long tile = (long) COLS * BLOCK * by + (long) BLOCK * bx; // index at tx = ty = 0
                // north[ty][tx] = J_cuda[index_n]; south[ty][tx] = J_cuda[index_s] (when in range), then the border rows
                if (by > 0) {
                    out.read(j + 4 * (tile - COLS), 4L * BLOCK);
                }
                if (by < gy - 1) {
                    out.read(j + 4 * (tile + (long) COLS * BLOCK), 4L * BLOCK);
                }
                if (by == 0) {
                    out.read(j + 4L * BLOCK * bx, 4L * BLOCK);
                } else if (by == gy - 1) {
                    out.read(j + 4 * ((long) COLS * BLOCK * (gy - 1) + (long) BLOCK * bx + (long) COLS * (BLOCK - 1)),
                            4L * BLOCK);
                }
                // west[ty][tx] = J_cuda[index_w]; east[ty][tx] = J_cuda[index_e] (when in range), then the border columns
                for (int ty = 0; ty < BLOCK; ty++) {
                    long w = tile + (long) COLS * ty - 1;
                    long e = tile + (long) COLS * ty + BLOCK;
                    if (w >= 0) {
                        out.read(j + 4 * w, 4);
                    }
                    if (e < (long) ROWS * COLS) {
                        out.read(j + 4 * e, 4);
                    }
                    if (bx == 0) {
                        out.read(j + 4 * ((long) COLS * BLOCK * by + (long) COLS * ty), 4);
                    } else if (bx == gx - 1) {
                        out.read(j + 4 * ((long) COLS * BLOCK * by + (long) BLOCK * (gx - 1) + (long) COLS * ty
                                + BLOCK - 1), 4);
                    }
                }
                for (int ty = 0; ty < BLOCK; ty++) { // temp[ty][tx] = J_cuda[index]
                    out.read(j + 4 * (tile + (long) COLS * ty), 4L * BLOCK);
                }
            });
            b.kernel("srad_cuda_2", (long) gx * gy, BLOCK * BLOCK, (k, out) -> {
                int bx = (int) (k % gx);
                int by = (int) (k / gx);
                long tile = (long) COLS * BLOCK * by + (long) BLOCK * bx;
                for (int ty = 0; ty < BLOCK; ty++) { // temp[ty][tx] = J_cuda[index]
                    out.read(j + 4 * (tile + (long) COLS * ty), 4L * BLOCK);
                }
                for (int ty = 0; ty < BLOCK; ty++) { // J_cuda[index] = J_cuda[index] + 0.25 * lambda * d_sum
                    out.write(j + 4 * (tile + (long) COLS * ty), 4L * BLOCK);
                }
            });
        }
        return b.build(Bytes.MiB(4));
    }
}
