package org.hmmlab.workload;

/**
 * An allocation-free cursor over the accesses of one phase: each {@link #next()} moves to the next access,
 * then {@link #offset()}, {@link #type()}, {@link #size()} and {@link #dependent()} describe it.
 *
 * <p>A stream is single-use and single-threaded; its accesses are a pure function of the pattern, the
 * footprint, the amount of work and the seed, so the same seed replays bit for bit. Offsets are byte offsets
 * inside the allocation the phase works on, always {@code 0 <= offset < footprint}. Nothing is allocated per
 * access: the simulator drives millions of them.
 *
 * <pre>{@code
 * AccessStream s = Patterns.sequential().stream(Bytes.MiB(8), 2048, 42);
 * while (s.next()) { touch(s.offset(), s.type()); }
 * }</pre>
 */
public interface AccessStream {

    /** Moves to the next access; false when the stream is exhausted. */
    boolean next();

    /** Byte offset of the current access inside the allocation. */
    long offset();

    /** The current access's type. */
    AccessType type();

    /** Bytes the current access touches (at least 1; never crosses the footprint's end). */
    long size();

    /**
     * True when the current access depends on the previous one (its address came from the previous load, as in
     * pointer chasing), so the issuing agent cannot overlap the two.
     */
    default boolean dependent() {
        return false;
    }

    /** Virtual page number, relative to the allocation start, of the current access (4 KiB pages). */
    default long page() {
        return offset() >>> 12;
    }

    /** Accesses this stream produces in total, or -1 when unknown. */
    long length();
}
