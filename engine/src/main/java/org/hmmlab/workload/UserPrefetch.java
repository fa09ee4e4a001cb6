package org.hmmlab.workload;

import org.hmmlab.units.Bytes;

/**
 * A step of a workload that prefetches part of an allocation to a GPU ({@code cudaMemPrefetchAsync(ptr + offset,
 * size, gpu)}) once the first {@code afterPhases} phases have run; the next phase starts when the last of its
 * transfers has landed.
 *
 * <p>Carried out as GPGPU-Sim UVMSmart does ({@link org.hmmlab.policy.UserPrefetchPlan}: the prefetch-request loop
 * of {@code gmmu_t::cycle()} in {@code gpu-sim.cc}): the range is cut into transfers at every 2 MiB line counted from
 * the allocation's start and at pages already valid, and each transfer starts when the previous one has landed. A
 * step of its own, as {@link Free} is: it issues no accesses.
 *
 * <pre>{@code
 * Workload w = Workload.of(allocations, phases).withPrefetch(new UserPrefetch("x", Bytes.ZERO, Bytes.MiB(4), 0, 1));
 * }</pre>
 *
 * @param allocation  the allocation's name in the enclosing {@link Workload}
 * @param offset      where the range starts in the allocation, a multiple of 4 KiB
 * @param size        the range's length, a multiple of 4 KiB, at least 4 KiB; {@code offset + size} must not pass the
 *                    allocation's size rounded up to pages (checked by the workload)
 * @param gpu         the destination GPU's index, {@code >= 0}
 * @param afterPhases how many of the workload's phases run before it, {@code 0 ..} the number of phases
 */
public record UserPrefetch(String allocation, Bytes offset, Bytes size, int gpu, int afterPhases) {

    public UserPrefetch {
        Phase.requireName("prefetch allocation", allocation);
        long page = Bytes.PAGE.bytes();
        if (offset == null || offset.bytes() < 0 || offset.bytes() % page != 0) {
            throw new IllegalArgumentException("prefetch of '" + allocation + "' offset must be a multiple of 4 KiB"
                    + " and >= 0, got " + offset);
        }
        if (size == null || size.bytes() < page || size.bytes() % page != 0) {
            throw new IllegalArgumentException("prefetch of '" + allocation + "' size must be a multiple of 4 KiB"
                    + " and >= 4 KiB, got " + size);
        }
        if (gpu < 0) {
            throw new IllegalArgumentException("prefetch of '" + allocation + "' gpu must be >= 0, got " + gpu);
        }
        if (afterPhases < 0) {
            throw new IllegalArgumentException("prefetch of '" + allocation + "' afterPhases must be >= 0, got "
                    + afterPhases);
        }
    }

    /** The range's first page, counted from the allocation's first page. */
    public long firstPage() {
        return offset.bytes() >>> 12;
    }

    /** The range's length in pages. */
    public long pages() {
        return size.bytes() >>> 12;
    }
}
