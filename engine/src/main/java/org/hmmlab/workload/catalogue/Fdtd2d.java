package org.hmmlab.workload.catalogue;

import org.hmmlab.units.Bytes;
import org.hmmlab.workload.BlockAccesses;

/**
 * PolyBench/GPU's FDTD-2D: a 2-D finite-difference time-domain update of ex, ey and hz on a 1200 x 1200 grid, 5
 * time steps of three kernels.
 */
final class Fdtd2d {

    static final int NX = 1200;
    static final int NY = 1200;
    static final int TMAX = 5;
    static final int BX = 32;
    static final int BY = 8;

    private Fdtd2d() {
    }

    static Benchmark build() {
        Builder b = new Builder("fdtd-2d", "PolyBench/GPU",
                "benchmarks/Managed/FDTD-2D/fdtd2d.cu (init_arrays, fdtdCuda, fdtd_step1/2/3_kernel); NX = NY = 1200, tmax = 5",
                "_fict_ (5 floats), ex (NX x (NY + 1) floats), ey ((NX + 1) x NY) and hz (NX x NY), 5.5 MiB each, are"
                        + " managed. The host writes _fict_, then row by row ex[i NY + j], ey[i NY + j] and"
                        + " hz[i NY + j] (init_arrays indexes ex with NY too). Each time step launches fdtd_step1,"
                        + " fdtd_step2 and fdtd_step3 with 38 x 150 blocks of 32 x 8 threads (blockIdx.x fastest);"
                        + " each warp is one row i of 32 columns j (128 B per array): step 1 reads ey, hz and the hz"
                        + " row above and writes ey (row 0 reads _fict_[t] instead); step 2 reads ex, hz and hz one"
                        + " column left and writes ex (j > 0); step 3 reads hz, ex at j + 1 and j, ey of the next row"
                        + " and this row, and writes hz.");
        long fict = b.array("_fict_", 4L * TMAX);
        long ex = b.array("ex", 4L * NX * (NY + 1));
        long ey = b.array("ey", 4L * (NX + 1) * NY);
        long hz = b.array("hz", 4L * NX * NY);
        b.host("init_arrays", NX, (i, out) -> {
            if (i == 0) {
                out.write(fict, 4L * TMAX);
            }
            long row = 4L * i * NY;
            out.write(ex + row, 4L * NY);
            out.write(ey + row, 4L * NY);
            out.write(hz + row, 4L * NY);
        });
        int gx = (NY + BX - 1) / BX;
        int gy = (NX + BY - 1) / BY;
        long blocks = (long) gx * gy;
        for (int t = 0; t < TMAX; t++) {
            int step = t;
            b.kernel("fdtd_step1_kernel", blocks, BX * BY, (k, out) -> warps(k, gx, out, (i, j0, n, o) -> {
                if (i == 0) {
                    o.read(fict + 4L * step, 4);
                    o.write(ey + 4L * j0, 4L * n);
                } else {
                    o.read(ey + 4L * ((long) i * NY + j0), 4L * n);
                    o.read(hz + 4L * ((long) i * NY + j0), 4L * n);
                    o.read(hz + 4L * ((long) (i - 1) * NY + j0), 4L * n);
                    o.write(ey + 4L * ((long) i * NY + j0), 4L * n);
                }
            }));
            b.kernel("fdtd_step2_kernel", blocks, BX * BY, (k, out) -> warps(k, gx, out, (i, j0, n, o) -> {
                int from = Math.max(j0, 1);
                int m = j0 + n - from;
                if (m <= 0) {
                    return;
                }
                o.read(ex + 4L * ((long) i * (NY + 1) + from), 4L * m);
                o.read(hz + 4L * ((long) i * NY + from), 4L * m);
                o.read(hz + 4L * ((long) i * NY + from - 1), 4L * m);
                o.write(ex + 4L * ((long) i * (NY + 1) + from), 4L * m);
            }));
            b.kernel("fdtd_step3_kernel", blocks, BX * BY, (k, out) -> warps(k, gx, out, (i, j0, n, o) -> {
                o.read(hz + 4L * ((long) i * NY + j0), 4L * n);
                o.read(ex + 4L * ((long) i * (NY + 1) + j0 + 1), 4L * n);
                o.read(ex + 4L * ((long) i * (NY + 1) + j0), 4L * n);
                o.read(ey + 4L * ((long) (i + 1) * NY + j0), 4L * n);
                o.read(ey + 4L * ((long) i * NY + j0), 4L * n);
                o.write(hz + 4L * ((long) i * NY + j0), 4L * n);
            }));
        }
        return b.build(Bytes.of(18L * 1024 * 1024 + 64 * 1024));
    }

    /** One warp's work: row {@code i}, columns {@code j0 .. j0 + n - 1}. */
    private interface Warp {
        void run(int i, int j0, int n, BlockAccesses out);
    }

    /** Block {@code k}'s 8 warps (one per threadIdx.y), each a row of up to 32 columns inside the grid. */
    private static void warps(long k, int gx, BlockAccesses out, Warp w) {
        int bx = (int) (k % gx);
        int by = (int) (k / gx);
        int j0 = bx * BX;
        int n = Math.min(BX, NY - j0);
        for (int ty = 0; ty < BY; ty++) {
            int i = by * BY + ty;
            if (i < NX) {
                w.run(i, j0, n, out);
            }
        }
    }
}
