package org.hmmlab.workload;

import org.hmmlab.units.Bytes;

/**
 * A named allocation the phases work on: a managed (HMM-mirrored) buffer of {@code size} bytes.
 *
 * <p>Plays the role of one {@code malloc}/{@code mmap} region shared by CPU and GPU. The size is rounded to pages
 * by the layer that maps it; here it must be at least one byte.
 */
public record Allocation(String name, Bytes size) {

    public Allocation {
        Phase.requireName("allocation name", name);
        if (size == null || size.bytes() < 1) {
            throw new IllegalArgumentException("allocation '" + name + "' size must be >= 1 B, got " + size);
        }
    }
}
