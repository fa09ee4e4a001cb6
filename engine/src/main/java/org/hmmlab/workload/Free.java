package org.hmmlab.workload;

/**
 * A step of a workload that frees an allocation: once the first {@code afterPhases} phases have run, the
 * allocation is unmapped ({@code munmap}, {@code free}, {@code cudaFree}) and its pages leave every place they
 * lived, the GPU's memory included, without being copied anywhere.
 *
 * <p>Mirrors munmap(2) (mm/mmap.c, do_vmi_munmap): the kernel sends one MMU_NOTIFY_UNMAP invalidation over the
 * range (mmu_notifier_invalidate_range_start), zaps the page-table entries, and device-private pages go back to
 * their driver through the pagemap's page_free (mm/memremap.c; lib/test_hmm.c dmirror_devmem_free) with their data
 * discarded. A step of its own rather than a kind of {@link Phase}: it issues no accesses, so it has none of a
 * phase's pattern, footprint or work.
 *
 * <pre>{@code
 * Workload w = Workload.of(allocations, phases).withFree("tmp", 2); // tmp is freed after phases 0 and 1
 * }</pre>
 *
 * @param allocation  the allocation's name in the enclosing {@link Workload}
 * @param afterPhases how many of the workload's phases run before the free, {@code 0 ..} the number of phases
 */
public record Free(String allocation, int afterPhases) {

    public Free {
        Phase.requireName("free allocation", allocation);
        if (afterPhases < 0) {
            throw new IllegalArgumentException("free of '" + allocation + "' afterPhases must be >= 0, got "
                    + afterPhases);
        }
    }
}
