package org.hmmlab.workload;

import org.hmmlab.units.Bytes;

/**
 * The shape of a phase's accesses over its footprint: where the next access goes. Immutable and validated on
 * construction; {@link #stream} turns it into an allocation-free {@link AccessStream}.
 *
 * <p>Read/write mix, access size and amount of work are not part of the shape: the phase supplies them, so one
 * pattern value serves a read-only CPU phase and a read-write GPU kernel alike. Build patterns with
 * {@link Patterns}.
 */
public sealed interface Pattern permits Patterns.Sequential, Patterns.Strided, Patterns.UniformRandom,
        Patterns.Zipf, Patterns.HotSet, Patterns.Stencil, Patterns.PointerChase, Patterns.Replay,
        Patterns.Arrays, Patterns.Gemm, KernelLaunch {

    /**
     * A fresh stream of {@code accesses} accesses over {@code footprint} bytes.
     *
     * @param footprint     bytes the phase touches, starting at offset 0 of its allocation; at least {@code accessSize}
     * @param accesses      number of accesses to produce, {@code >= 0}
     * @param accessSize    bytes per access, {@code 1 ..} footprint (for example 128 B for a coalesced warp access,
     *                      4 KiB to reason per page)
     * @param writeFraction fraction of accesses that are writes, in [0, 1]; drawn from the seeded stream unless
     *                      0 or 1
     * @param seed          seed of the stream's random source; same seed, same accesses
     * @throws IllegalArgumentException naming the parameter and its allowed range
     */
    AccessStream stream(Bytes footprint, long accesses, Bytes accessSize, double writeFraction, long seed);

    /**
     * Accesses of one pass of this pattern over {@code footprint}, the work a phase does when it is not given a
     * count: one access per {@code accessSize} element by default; a pattern with a natural end (a matrix
     * multiply) gives its whole run.
     *
     * @throws IllegalArgumentException naming the parameter and its allowed range
     */
    default long accessesPerPass(Bytes footprint, Bytes accessSize) {
        if (accessSize == null || accessSize.bytes() < 1) {
            throw new IllegalArgumentException("accessSize must be >= 1 B, got " + accessSize);
        }
        if (footprint == null || footprint.bytes() < 1) {
            throw new IllegalArgumentException("footprint must be >= 1 B, got " + footprint);
        }
        return Math.ceilDiv(footprint.bytes(), accessSize.bytes());
    }

    /**
     * Refuses a footprint, access size or amount of work this pattern cannot run, with the reason: a stencil row
     * wider than the footprint or not a multiple of the access size, a stride not a multiple of it, a replayed
     * trace slice outside the footprint. {@link Phase} calls it when it is made (and names itself in the message),
     * so a phase that builds is one that runs; {@link #stream} refuses the same values with the same words. Most
     * patterns run over any extent the phase accepts and check nothing here.
     *
     * @param footprint  bytes the phase touches, at least {@code accessSize}
     * @param accessSize bytes per access, {@code >= 1}
     * @param accesses   accesses the phase issues, {@code >= 1}
     * @throws IllegalArgumentException naming the parameter and its allowed range
     */
    default void check(Bytes footprint, Bytes accessSize, long accesses) {
    }

    /** A short name for tables and traces: {@code sequential}, {@code zipf(0.99)}. */
    String label();
}
