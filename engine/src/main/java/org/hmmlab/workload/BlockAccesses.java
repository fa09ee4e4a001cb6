package org.hmmlab.workload;

import java.util.Arrays;

/**
 * The accesses one thread block (or one host loop) makes, in program order: byte ranges of the allocation, each
 * read, written or updated atomically. A {@link ThreadBlocks} fills one for each block; {@link KernelLaunch}'s
 * stream cuts each range into accesses of at most the phase's access size.
 *
 * <p>Reused from block to block: {@link #clear()} keeps the arrays, so a stream allocates nothing once the largest
 * block has been seen.
 */
public final class BlockAccesses {

    private long[] offset = new long[64];
    private long[] length = new long[64];
    private byte[] type = new byte[64];
    private int size;

    /** Reads {@code bytes} bytes from {@code offset}. */
    public void read(long offset, long bytes) {
        add(offset, bytes, AccessType.READ);
    }

    /** Writes {@code bytes} bytes from {@code offset}. */
    public void write(long offset, long bytes) {
        add(offset, bytes, AccessType.WRITE);
    }

    /** Updates {@code bytes} bytes at {@code offset} with an atomic read-modify-write ({@code atomicMin}, ...). */
    public void atomic(long offset, long bytes) {
        add(offset, bytes, AccessType.ATOMIC);
    }

    /** Appends one range; an empty range adds nothing. */
    public void add(long offset, long bytes, AccessType t) {
        if (offset < 0 || bytes < 0) {
            throw new IllegalArgumentException("block access must have offset >= 0 and bytes >= 0, got offset "
                    + offset + ", bytes " + bytes);
        }
        if (bytes == 0) {
            return;
        }
        if (size == this.offset.length) {
            int n = size * 2;
            this.offset = Arrays.copyOf(this.offset, n);
            length = Arrays.copyOf(length, n);
            type = Arrays.copyOf(type, n);
        }
        this.offset[size] = offset;
        length[size] = bytes;
        type[size] = (byte) t.ordinal();
        size++;
    }

    /** Forgets the ranges, keeping the room. */
    public void clear() {
        size = 0;
    }

    /** Ranges held. */
    public int size() {
        return size;
    }

    public long offset(int i) {
        return offset[i];
    }

    public long length(int i) {
        return length[i];
    }

    public AccessType type(int i) {
        return AccessType.ofOrdinal(type[i]);
    }
}
