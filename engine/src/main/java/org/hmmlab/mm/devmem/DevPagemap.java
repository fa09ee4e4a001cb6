package org.hmmlab.mm.devmem;

import java.util.ArrayList;
import java.util.List;
import org.hmmlab.mm.Frames;

/**
 * A range set of device frames with a memory type, an owner cookie and driver callbacks.
 *
 * <p>Mirrors struct dev_pagemap with memremap_pages(): {@link #addRange(int)} reserves frame numbers (those of
 * a released range first) in segments of 65,536 frames (256 MiB, one dmirror chunk). The owner is what
 * hmm_range_fault() compares with {@code dev_private_owner} and migrate_vma with {@code pgmap_owner}.
 */
public final class DevPagemap {
    private final Frames frames;
    private final MemoryType type;
    private final Object owner;
    private final DevPagemapOps ops;
    private final List<long[]> ranges = new ArrayList<>();

    private DevPagemap(Frames frames, MemoryType type, Object owner, DevPagemapOps ops) {
        this.frames = frames;
        this.type = type;
        this.owner = owner;
        this.ops = ops;
    }

    public static DevPagemap create(Frames frames, MemoryType type, Object owner, DevPagemapOps ops) {
        if (type == null || owner == null || ops == null) {
            throw new IllegalArgumentException("type, owner and ops are required");
        }
        return new DevPagemap(frames, type, owner, ops);
    }

    /** Adds {@code segments} x 65,536 frames; returns the first pfn. Mirrors memremap_pages(). */
    public long addRange(int segments) {
        if (segments < 1) {
            throw new IllegalArgumentException("segments must be >= 1, got " + segments);
        }
        long first = frames.reserveDeviceRange(this, segments);
        ranges.add(new long[] {first, segments});
        return first;
    }

    /** Removes the range starting at {@code firstPfn}; its frames must be free. Mirrors memunmap_pages(). */
    public void removeRange(long firstPfn) {
        for (int i = 0; i < ranges.size(); i++) {
            if (ranges.get(i)[0] == firstPfn) {
                frames.releaseDeviceRange(firstPfn, (int) ranges.get(i)[1]);
                ranges.remove(i);
                return;
            }
        }
        throw new IllegalArgumentException("no range starts at pfn " + firstPfn);
    }

    public MemoryType type() {
        return type;
    }

    public Object owner() {
        return owner;
    }

    public DevPagemapOps ops() {
        return ops;
    }

    public Frames frames() {
        return frames;
    }

    /** The ranges as {first pfn, number of frames}. */
    public List<long[]> ranges() {
        List<long[]> out = new ArrayList<>();
        for (long[] r : ranges) {
            out.add(new long[] {r[0], r[1] * Frames.SEG_FRAMES});
        }
        return out;
    }

    @Override
    public String toString() {
        return type + " pagemap of " + owner;
    }
}
