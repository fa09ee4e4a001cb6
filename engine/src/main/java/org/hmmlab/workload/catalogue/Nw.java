package org.hmmlab.workload.catalogue;

import org.hmmlab.units.Bytes;
import org.hmmlab.workload.BlockAccesses;

/**
 * Rodinia's nw (Needleman-Wunsch): a 1025 x 1025 score matrix filled in 16 x 16 tiles along anti-diagonals, 64
 * launches of {@code needle_cuda_shared_1} (the upper-left half, 1 to 64 blocks) and 63 of
 * {@code needle_cuda_shared_2} (63 down to 1 blocks).
 */
final class Nw {

    static final int N = 1024;
    static final int COLS = N + 1;
    static final int BLOCK = 16;

    private Nw() {
    }

    static Benchmark build() {
        Builder b = new Builder("nw", "Rodinia 3.1",
                "benchmarks/Managed/nw/needle.cu (runTest), needle_kernel.cu; run: ./needle 1024 10",
                "referrence and itemsets (1025 x 1025 ints, 4 MiB each) are managed. The host zeroes itemsets, writes"
                        + " its first column and row, fills referrence from row 1, then writes the first column and row"
                        + " again (the penalties). Launch i of needle_cuda_shared_1 (i = 1 .. 64) has i blocks of 16"
                        + " threads on the i-th anti-diagonal of 16 x 16 tiles (b_index_x = bx, b_index_y = i - 1 - bx);"
                        + " needle_cuda_shared_2 (i = 63 .. 1) takes the lower-right half (b_index_x = bx + 64 - i,"
                        + " b_index_y = 63 - bx). A block reads its tile's 16 referrence rows (64 B each, rows 4,100 B"
                        + " apart), the corner, the column to its left (16 single ints) and the row above from itemsets"
                        + " (needle_cuda_shared_2 reads the referrence rows before the corner), and writes its 16"
                        + " itemsets rows.");
        long size = 4L * COLS * COLS;
        long ref = b.array("referrence", size);
        long items = b.array("itemsets", size);
        b.host("init", 1, (k, out) -> {
            out.write(items, size);
            for (int i = 1; i < COLS; i++) {
                out.write(items + 4L * i * COLS, 4);
            }
            out.write(items + 4, 4L * (COLS - 1));
            out.write(ref + 4L * COLS, size - 4L * COLS);
            for (int i = 1; i < COLS; i++) {
                out.write(items + 4L * i * COLS, 4);
            }
            out.write(items + 4, 4L * (COLS - 1));
        });
        int width = N / BLOCK;
        for (int i = 1; i <= width; i++) {
            int diag = i;
            b.kernel("needle_cuda_shared_1", diag, BLOCK, (bx, out) ->
                    tile(out, ref, items, (int) bx, diag - 1 - (int) bx, false));
        }
        for (int i = width - 1; i >= 1; i--) {
            int diag = i;
            b.kernel("needle_cuda_shared_2", diag, BLOCK, (bx, out) ->
                    tile(out, ref, items, (int) bx + width - diag, width - (int) bx - 1, true));
        }
        return b.build(Bytes.of(8L * 1024 * 1024 + 128 * 1024));
    }

    /** One block's accesses: the index expressions index, index_n, index_w, index_nw of needle_kernel.cu. */
    private static void tile(BlockAccesses out, long ref, long items, int bxTile, int byTile,
            boolean refFirst) {
        long base = (long) COLS * BLOCK * byTile + (long) BLOCK * bxTile; // index_nw
        if (refFirst) {
            refRows(out, ref, base);
            out.read(items + 4 * base, 4);
        } else {
            out.read(items + 4 * base, 4);
            refRows(out, ref, base);
        }
        for (int tx = 0; tx < BLOCK; tx++) { // temp[tx + 1][0] = matrix_cuda[index_w + cols * tx]
            out.read(items + 4 * (base + COLS + (long) COLS * tx), 4);
        }
        out.read(items + 4 * (base + 1), 4L * BLOCK); // temp[0][tx + 1] = matrix_cuda[index_n]
        for (int ty = 0; ty < BLOCK; ty++) { // matrix_cuda[index + ty * cols] = temp[ty + 1][tx + 1]
            out.write(items + 4 * (base + COLS + 1 + (long) ty * COLS), 4L * BLOCK);
        }
    }

    private static void refRows(BlockAccesses out, long ref, long base) {
        for (int ty = 0; ty < BLOCK; ty++) { // ref[ty][tx] = referrence[index + cols * ty]
            out.read(ref + 4 * (base + COLS + 1 + (long) COLS * ty), 4L * BLOCK);
        }
    }
}
