package org.hmmlab.workload.catalogue;

import org.hmmlab.units.Bytes;
import org.hmmlab.workload.BlockAccesses;

/**
 * Rodinia's backprop: one training step of a 131,056-input, 16-hidden, 1-output network, a forward kernel over the
 * input weights, the host's small layers, and a kernel that adjusts the weights.
 */
final class Backprop {

    static final int IN = 131_056;
    static final int HID = 16;
    static final int OUT = 1;
    static final int HEIGHT = 16;
    static final int WIDTH = 16;

    private Backprop() {
    }

    static Benchmark build() {
        Builder b = new Builder("backprop", "Rodinia 3.1",
                "benchmarks/Managed/backprop/backprop.cu (bpnn_internal_create, bpnn_create, load, bpnn_train_cuda),"
                        + " backprop_cuda_kernel.cu; run: ./backprop 131056",
                "Every array is managed (alloc_1d_dbl), in bpnn_internal_create's order, then output_hidden_cuda and"
                        + " hidden_partial_sum: 3 weight matrices of (131,056 + 1) x 17 floats (8.5 MiB each) and small"
                        + " vectors. The host zeroes and fills input_weights, copies it to input_weights2, zeroes"
                        + " input_prev_weights and writes the input units. bpnn_layerforward_CUDA has 8,191 blocks of"
                        + " 16 x 16 threads (grid (1, in / 16)); block by reads input_cuda[16 by + ty + 1], then the 16"
                        + " weight rows input_hidden_cuda[17 (16 by + ty + 1) + tx + 1] (64 B each, 68 B apart), writes"
                        + " them back and writes hidden_partial_sum[16 by + ty]. The host sums the partial sums (16"
                        + " passes), runs the hidden and output layers and computes hidden_delta. bpnn_adjust_weights_cuda"
                        + " (same grid) reads delta and ly (input_units), then per weight row oldw, w, writes w, and"
                        + " writes oldw; block 0 also updates w and oldw's first row. The peer's working set (17.56 MiB)"
                        + " counts only the second kernel's arrays; the footprint here holds every array.");
        int n = IN + 1;
        long input = b.array("input_units", 4L * n);
        long hiddenUnits = b.array("hidden_units", 4L * (HID + 1));
        long outputUnits = b.array("output_units", 4L * (OUT + 1));
        long hiddenDelta = b.array("hidden_delta", 4L * (HID + 1));
        long outputDelta = b.array("output_delta", 4L * (OUT + 1));
        long target = b.array("target", 4L * (OUT + 1));
        long weights = 4L * n * (HID + 1);
        long iw = b.array("input_weights", weights);
        long iw2 = b.array("input_weights2", weights);
        long hw = b.array("hidden_weights", 4L * (HID + 1) * (OUT + 1));
        long ipw = b.array("input_prev_weights", weights);
        long hpw = b.array("hidden_prev_weights", 4L * (HID + 1) * (OUT + 1));
        b.array("output_hidden_cuda", 4L * (HID + 1));
        int blocks = IN / 16;
        long partial = b.array("hidden_partial_sum", 4L * blocks * WIDTH);
        long chunk = 4096;
        long chunks = Math.ceilDiv(weights, chunk);
        // bpnn_create: zero, randomize, copy to input_weights2, hidden weights, zero prev weights; load(): input units
        b.host("bpnn_create", 3 * chunks + 2, (c, out) -> {
            if (c < chunks) {
                out.write(iw + c * chunk, Math.min(chunk, weights - c * chunk)); // bpnn_zero_weights
            } else if (c < 2 * chunks) {
                long k = c - chunks;
                out.write(iw + k * chunk, Math.min(chunk, weights - k * chunk)); // bpnn_randomize_weights
            } else if (c < 3 * chunks) {
                long k = c - 2 * chunks;
                long len = Math.min(chunk, weights - k * chunk);
                out.read(iw + k * chunk, len); // bpnn_copy
                out.write(iw2 + k * chunk, len);
            } else if (c == 3 * chunks) {
                out.write(hw, 4L * (HID + 1) * (OUT + 1));
                out.write(ipw, weights); // bpnn_zero_weights(input_prev_weights)
                out.write(hpw, 4L * (HID + 1) * (OUT + 1));
                out.write(target, 4L * (OUT + 1));
            } else {
                out.write(input + 4, 4L * IN); // load(): units[1 .. layer_size]
            }
        });
        b.kernel("bpnn_layerforward_CUDA", blocks, HEIGHT * WIDTH, (by, out) -> {
            out.read(input + 4 * (HEIGHT * by + 1), 4L * HEIGHT); // input_node[ty] = input_cuda[index_in]
            weightRows(out, iw, by, false);
            weightRows(out, iw, by, true);
            out.write(partial + 4 * (by * HID), 4L * HEIGHT); // hidden_partial_sum[by * hid + ty]
        });
        b.host("bpnn_train_cuda (host layers)", 1, (c, out) -> {
            for (int j = 1; j <= HID; j++) {
                out.read(partial, 4L * blocks * WIDTH); // sum += hidden_partial_sum[k * hid + j - 1]
            }
            out.read(iw, 4L * (HID + 1)); // sum += input_weights[j]
            out.write(hiddenUnits, 4L * (HID + 1));
            out.read(hw, 4L * (HID + 1) * (OUT + 1)); // bpnn_layerforward(hidden, output)
            out.write(outputUnits, 4L * (OUT + 1));
            out.read(target, 4L * (OUT + 1)); // bpnn_output_error
            out.write(outputDelta, 4L * (OUT + 1));
            out.write(hiddenDelta, 4L * (HID + 1)); // bpnn_hidden_error
            out.write(hw, 4L * (HID + 1) * (OUT + 1)); // bpnn_adjust_weights(output_delta, ..., hidden_weights)
            out.write(hpw, 4L * (HID + 1) * (OUT + 1));
        });
        b.kernel("bpnn_adjust_weights_cuda", blocks, HEIGHT * WIDTH, (by, out) -> {
            out.read(hiddenDelta + 4, 4L * WIDTH); // delta[index_x], index_x = tx + 1
            out.read(input + 4 * (HEIGHT * by + 1), 4L * HEIGHT); // ly[index_y]
            for (int ty = 0; ty < HEIGHT; ty++) { // w[index] += ... + MOMENTUM * oldw[index]
                long row = 4 * ((HID + 1) * (HEIGHT * by + ty + 1) + 1);
                out.read(ipw + row, 4L * WIDTH);
                out.read(iw2 + row, 4L * WIDTH);
                out.write(iw2 + row, 4L * WIDTH);
            }
            for (int ty = 0; ty < HEIGHT; ty++) { // oldw[index] = ...
                out.write(ipw + 4 * ((HID + 1) * (HEIGHT * by + ty + 1) + 1), 4L * WIDTH);
            }
            if (by == 0) { // ty == 0 && by == 0: w[index_x], oldw[index_x]
                out.read(iw2 + 4, 4L * WIDTH);
                out.read(ipw + 4, 4L * WIDTH);
                out.write(iw2 + 4, 4L * WIDTH);
                out.write(ipw + 4, 4L * WIDTH);
            }
        });
        return b.build(Bytes.of(17L * 1024 * 1024 + 576 * 1024));
    }

    /** The 16 rows input_hidden_cuda[(hid + 1) HEIGHT by + (hid + 1) ty + tx + 1 + (hid + 1)], read or written. */
    private static void weightRows(BlockAccesses out, long w, long by, boolean write) {
        for (int ty = 0; ty < HEIGHT; ty++) {
            long row = w + 4 * ((HID + 1) * (HEIGHT * by + ty + 1) + 1);
            if (write) {
                out.write(row, 4L * WIDTH);
            } else {
                out.read(row, 4L * WIDTH);
            }
        }
    }
}
