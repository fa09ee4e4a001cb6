package org.hmmlab.driver.amd;

import org.hmmlab.platform.SvmAttributes;

/**
 * One SVM range: pages [{@code start}, {@code last}] with one set of attributes, the time it was last validated and
 * mapped, and whether it is mapped for the GPU.
 *
 * <p>Mirrors struct svm_range (drivers/gpu/drm/amd/amdkfd/kfd_svm.h): start and last are inclusive page numbers as
 * there; {@code validateTimestamp} is prange->validate_timestamp, set by svm_range_validate_and_map() on success;
 * {@code invalid} counts the invalidations since the restore work last mapped it (XNACK off).
 */
final class SvmRange {

    final long start;
    final long last;
    final SvmAttributes attributes;
    /** The range's granularity, log2 of pages, its attribute or the driver's default resolved. */
    final int granularity;
    /** Set through the SVM API (svm_range_add()), or created by a GPU fault (svm_range_create_unregistered_range()). */
    final boolean registered;
    long validateTimestamp = Long.MIN_VALUE / 2;
    boolean mappedToGpu;
    int invalid;
    /** The prefetch location has been applied (svm_range_trigger_migration() at the first kernel). */
    boolean prefetched;

    SvmRange(long start, long last, SvmAttributes attributes, int granularity, boolean registered) {
        if (last < start) {
            throw new IllegalArgumentException("svm range [" + start + ", " + last + "] is empty");
        }
        this.start = start;
        this.last = last;
        this.attributes = attributes;
        this.granularity = granularity;
        this.registered = registered;
    }

    long pages() {
        return last - start + 1;
    }

    /** A copy over [s, l] with this range's attributes and state (svm_range_clone() and a split). */
    SvmRange piece(long s, long l) {
        SvmRange r = new SvmRange(s, l, attributes, granularity, registered);
        r.validateTimestamp = validateTimestamp;
        r.mappedToGpu = mappedToGpu;
        r.invalid = invalid;
        r.prefetched = prefetched;
        return r;
    }

    /**
     * The pages migrated and mapped together around {@code page}: the granularity-aligned block, clipped to the
     * range, as {start, last}. Mirrors svm_range_restore_pages() and svm_migrate_to_ram(): {@code size = 1UL <<
     * prange->granularity; start = max(ALIGN_DOWN(addr, size), prange->start); last = min(ALIGN(addr + 1, size) - 1,
     * prange->last)}.
     */
    long[] granule(long page) {
        long size = granularity >= 62 ? Long.MAX_VALUE / 4 : 1L << granularity;
        long s = Math.max(Math.floorDiv(page, size) * size, start);
        long e = granularity >= 62 ? last : Math.min(Math.floorDiv(page + size, size) * size - 1, last);
        return new long[] {s, e};
    }

    @Override
    public String toString() {
        return "[" + start + ", " + last + "]";
    }
}
