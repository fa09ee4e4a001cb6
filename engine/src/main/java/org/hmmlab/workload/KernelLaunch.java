package org.hmmlab.workload;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.hmmlab.units.Bytes;

/**
 * One kernel launch (or host loop) of a benchmark from the catalogue ({@code org.hmmlab.workload.catalogue}): its
 * thread blocks' accesses in launch order, each block's in program order, every range cut into accesses of at
 * most the phase's access size at multiples of it (so a 64 B tile row stays one access, an 8 MiB stream becomes
 * one access per {@code accessSize}). A phase's warps take the accesses in this order, so consecutive blocks run
 * side by side as on the GPU.
 *
 * <p>Named by benchmark and step, the way JSON writes it ({@code {"kind": "kernel", "benchmark": "nw", "step":
 * 3}}); two launches are equal when they name the same step. One pass is the whole launch; more work replays it.
 */
public final class KernelLaunch implements Pattern {

    private final String benchmark;
    private final int step;
    private final String kernel;
    private final Bytes extent;
    private final ThreadBlocks grid;
    private final ConcurrentHashMap<Long, Long> perPass = new ConcurrentHashMap<>();

    /**
     * @param benchmark the catalogue's name for the benchmark
     * @param step      this launch's place among the benchmark's steps, from 0
     * @param kernel    the CUDA kernel's name (or the host function's)
     * @param extent    bytes from the allocation's start that the accesses lie in: the benchmark's arrays
     * @param grid      the blocks and their accesses
     */
    public KernelLaunch(String benchmark, int step, String kernel, Bytes extent, ThreadBlocks grid) {
        Phase.requireName("kernel launch benchmark", benchmark);
        Phase.requireName("kernel launch kernel", kernel);
        if (step < 0) {
            throw new IllegalArgumentException("kernel launch step must be >= 0, got " + step);
        }
        if (extent == null || extent.bytes() < 1) {
            throw new IllegalArgumentException("kernel launch extent must be >= 1 B, got " + extent);
        }
        this.benchmark = benchmark;
        this.step = step;
        this.kernel = kernel;
        this.extent = extent;
        this.grid = Objects.requireNonNull(grid, "grid");
        if (grid.blocks() < 1) {
            throw new IllegalArgumentException("kernel launch " + kernel + " must have at least one block, got "
                    + grid.blocks());
        }
    }

    public String benchmark() {
        return benchmark;
    }

    public int step() {
        return step;
    }

    public String kernel() {
        return kernel;
    }

    /** Bytes from the allocation's start the launch's accesses lie in. */
    public Bytes extent() {
        return extent;
    }

    public ThreadBlocks grid() {
        return grid;
    }

    /** The whole launch: every block's ranges cut at {@code accessSize}. Counted once per access size. */
    @Override
    public long accessesPerPass(Bytes footprint, Bytes accessSize) {
        Pattern.super.accessesPerPass(footprint, accessSize); // the common checks
        return perPass.computeIfAbsent(accessSize.bytes(), this::count);
    }

    private long count(long piece) {
        BlockAccesses b = new BlockAccesses();
        long n = 0;
        for (long k = 0, blocks = grid.blocks(); k < blocks; k++) {
            b.clear();
            grid.block(k, b);
            for (int i = 0; i < b.size(); i++) {
                long from = b.offset(i);
                long to = from + b.length(i);
                n += Math.ceilDiv(to, piece) - from / piece;
            }
        }
        if (n == 0) {
            throw new IllegalStateException("kernel launch " + kernel + " of " + benchmark + " makes no access");
        }
        return n;
    }

    /** The footprint must hold the benchmark's arrays. */
    @Override
    public void check(Bytes footprint, Bytes accessSize, long accesses) {
        if (footprint.compareTo(extent) < 0) {
            throw new IllegalArgumentException("kernel " + kernel + " of " + benchmark + " needs a footprint of at"
                    + " least " + extent + " (its arrays), got " + footprint);
        }
    }

    @Override
    public AccessStream stream(Bytes footprint, long accesses, Bytes accessSize, double writeFraction, long seed) {
        if (accessSize == null || accessSize.bytes() < 1) {
            throw new IllegalArgumentException("accessSize must be >= 1 B, got " + accessSize);
        }
        if (footprint == null || footprint.bytes() < 1) {
            throw new IllegalArgumentException("footprint must be >= 1 B, got " + footprint);
        }
        if (accesses < 0) {
            throw new IllegalArgumentException("accesses must be >= 0, got " + accesses);
        }
        check(footprint, accessSize, accesses);
        return new Cursor(grid, accessSize.bytes(), accesses);
    }

    @Override
    public String label() {
        return kernel + " (" + benchmark + " step " + step + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KernelLaunch k && k.benchmark.equals(benchmark) && k.step == step
                && k.kernel.equals(kernel) && k.extent.equals(extent);
    }

    @Override
    public int hashCode() {
        return Objects.hash(benchmark, step, kernel, extent);
    }

    @Override
    public String toString() {
        return label();
    }

    /** Walks the blocks in order, refilling one {@link BlockAccesses}, and cuts each range at the access size. */
    private static final class Cursor implements AccessStream {
        private final ThreadBlocks grid;
        private final long blocks;
        private final long piece;
        private final long accesses;
        private final BlockAccesses block = new BlockAccesses();
        private long issued;
        private long nextBlock;
        private int range = -1;
        private long pos;
        private long end;
        private long offset;
        private long size;
        private AccessType type;

        Cursor(ThreadBlocks grid, long piece, long accesses) {
            this.grid = grid;
            this.blocks = grid.blocks();
            this.piece = piece;
            this.accesses = accesses;
        }

        @Override
        public boolean next() {
            if (issued >= accesses) {
                return false;
            }
            int empty = 0;
            while (pos >= end) {
                range++;
                while (range >= block.size()) {
                    block.clear();
                    grid.block(nextBlock, block);
                    nextBlock = nextBlock + 1 == blocks ? 0 : nextBlock + 1; // more work replays the launch
                    range = 0;
                    if (block.size() == 0 && ++empty > blocks) {
                        throw new IllegalStateException("kernel launch makes no access");
                    }
                }
                pos = block.offset(range);
                end = pos + block.length(range);
                type = block.type(range);
            }
            long cut = Math.min(end, (pos / piece + 1) * piece);
            offset = pos;
            size = cut - pos;
            pos = cut;
            issued++;
            return true;
        }

        @Override
        public long offset() {
            return offset;
        }

        @Override
        public AccessType type() {
            return type;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public long length() {
            return accesses;
        }
    }
}
