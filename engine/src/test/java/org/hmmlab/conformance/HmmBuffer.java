package org.hmmlab.conformance;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;

/**
 * A test buffer: a range of the simulated address space ({@code ptr}) and the test program's own memory
 * ({@code mirror}) the device copies to and from. Mirrors struct hmm_buffer of hmm-tests.c.
 */
final class HmmBuffer {
    long ptr;
    byte[] mirror;
    long size;
    long cpages;
    long faults;
    /** The whole mapping when {@code ptr} was aligned inside a larger one. */
    long mapped;

    HmmBuffer(long size, int mirrorBytes) {
        this.size = size;
        this.mirror = new byte[mirrorBytes];
    }

    IntBuffer mirrorInts() {
        return ByteBuffer.wrap(mirror).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
    }
}
