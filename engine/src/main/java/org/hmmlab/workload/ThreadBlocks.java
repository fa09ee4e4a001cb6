package org.hmmlab.workload;

import java.util.Objects;

/**
 * The grid of one kernel launch, as the accesses of each thread block in launch order ({@code blockIdx.x}
 * fastest, then {@code .y}): what a {@link KernelLaunch} streams. A host loop is a grid of one block.
 *
 * <p>Implementations are pure: block {@code b} gives the same ranges on every call, whoever asks.
 */
public interface ThreadBlocks {

    /** Thread blocks of the launch, at least 1. */
    long blocks();

    /** Appends block {@code block}'s accesses, in program order, to {@code out} (which the caller has cleared). */
    void block(long block, BlockAccesses out);

    /** A grid of {@code blocks} blocks whose accesses {@code body} gives: {@code ThreadBlocks.of(64, (b, out) -> ...)}. */
    static ThreadBlocks of(long blocks, Body body) {
        if (blocks < 1) {
            throw new IllegalArgumentException("thread blocks must be >= 1, got " + blocks);
        }
        Objects.requireNonNull(body, "body");
        return new ThreadBlocks() {
            @Override
            public long blocks() {
                return blocks;
            }

            @Override
            public void block(long block, BlockAccesses out) {
                body.block(block, out);
            }
        };
    }

    /** One block's accesses, for {@link #of}. */
    @FunctionalInterface
    interface Body {
        void block(long block, BlockAccesses out);
    }
}
