package org.hmmlab.workload;

/**
 * An access stream that is a grid of CUDA thread blocks: access {@code i} belongs to thread block
 * {@code i / accessesPerBlock()}, in the order the grid launches its blocks, and each block is run by
 * {@code warpsPerBlock()} warps. A GPU runs as many blocks side by side as its resident warps hold, each on its own
 * part of the data, and gives a finished block's place to the next block of the grid; the timing engine's
 * {@code WarpScheduler} does the same with one cursor per resident block ({@link #fork()}, {@link #seek}).
 *
 * <p>Mirrors the CUDA execution model: blocks are independent, every warp of a block runs the block's code, and
 * the block scheduler dispatches blocks in launch order ({@code blockIdx.x} fastest) as resources free up. A
 * pattern without thread blocks (a flat stream of coalesced accesses, where consecutive blocks touch consecutive
 * data anyway) is a plain {@link AccessStream}, taken by every warp in turn.
 */
public interface ThreadBlockStream extends AccessStream {

    /** Warps of one thread block (its threads over 32, rounded up), at least 1. */
    int warpsPerBlock();

    /** Accesses one thread block issues, at least 1; the last block of a stream may issue fewer. */
    long accessesPerBlock();

    /** A new cursor over the same accesses, positioned before the first: the stream of another resident block. */
    ThreadBlockStream fork();

    /**
     * Positions this cursor before access {@code first}; {@link #next()} then gives accesses {@code first} up to
     * {@code end - 1} (never past the stream's {@link #length()}).
     *
     * @throws IllegalArgumentException when {@code first < 0} or {@code end < first}
     */
    void seek(long first, long end);
}
