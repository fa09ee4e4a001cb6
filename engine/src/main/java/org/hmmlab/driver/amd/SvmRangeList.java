package org.hmmlab.driver.amd;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.hmmlab.platform.SvmAttributes;

/**
 * The process's SVM ranges, ordered by address, and the ways the driver creates, splits and removes them.
 *
 * <p>Mirrors struct svm_range_list and its range operations in drivers/gpu/drm/amd/amdkfd/kfd_svm.c:
 * svm_range_from_addr() (the interval tree), svm_range_add() (the SVM API's set_attr: overlapping ranges whose
 * attributes change are cloned and split at the new range's ends, svm_range_split_head() and
 * svm_range_split_tail(); a range with the same attributes that is mapped is left as it is; gaps become new ranges
 * of at most max_svm_range_pages each, svm_range_split_new()), svm_range_create_unregistered_range() (a GPU fault
 * outside every range creates one: the 2 MiB-aligned block around the fault, clipped to the VMA and to the
 * neighbouring ranges, svm_range_get_range_boundaries()) and svm_range_unmap_from_cpu() with svm_range_unmap_split()
 * (munmap removes the unmapped part, keeping the head and tail). The driver never merges ranges: adjacent ranges with
 * equal attributes stay two ranges.
 */
final class SvmRangeList {

    private final TreeMap<Long, SvmRange> ranges = new TreeMap<>();
    private final long maxPages;

    /** A list whose new ranges are at most {@code maxPages} pages ({@link #maxSvmRangePages}). */
    SvmRangeList(long maxPages) {
        this.maxPages = maxPages;
    }

    /**
     * The largest range svm_range_add() creates for a GPU of {@code vramBytes}: 1/32 of its memory in pages, clamped to
     * [2 MiB, 1 GiB] and rounded down to a power of two. Mirrors svm_range_set_max_pages() (kfd_svm.c):
     * {@code pages = KFD_XCP_MEMORY_SIZE >> 17; clamp(pages, 1 << 9, 1 << 18); rounddown_pow_of_two()}.
     */
    static long maxSvmRangePages(long vramBytes) {
        long pages = Math.max(1L << 9, Math.min(1L << 18, vramBytes >>> 17));
        return Long.highestOneBit(pages);
    }

    long maxPages() {
        return maxPages;
    }

    /** The range holding {@code page}, or null. Mirrors svm_range_from_addr(). */
    SvmRange fromAddr(long page) {
        Map.Entry<Long, SvmRange> e = ranges.floorEntry(page);
        return e != null && e.getValue().last >= page ? e.getValue() : null;
    }

    /** The ranges in address order. */
    List<SvmRange> all() {
        return new ArrayList<>(ranges.values());
    }

    /** The ranges overlapping [start, last]. */
    List<SvmRange> overlapping(long start, long last) {
        List<SvmRange> out = new ArrayList<>();
        Map.Entry<Long, SvmRange> first = ranges.floorEntry(start);
        long from = first != null && first.getValue().last >= start ? first.getKey() : start;
        for (SvmRange r : ranges.subMap(from, true, last, true).values()) {
            out.add(r);
        }
        return out;
    }

    /**
     * A GPU fault on {@code page} found no range: the driver creates one with default attributes over the 2 MiB-aligned
     * block around it, within the VMA [{@code vmaFirst}, {@code vmaEnd}) and between the neighbouring ranges. Mirrors
     * svm_range_create_unregistered_range() and svm_range_get_range_boundaries() ({@code ALIGN_DOWN(addr, 2UL << 8)},
     * {@code ALIGN(addr + 1, 2UL << 8)}).
     */
    SvmRange createUnregistered(long page, long vmaFirst, long vmaEnd, int granularity) {
        if (fromAddr(page) != null) {
            throw new IllegalStateException("page " + page + " already has a range");
        }
        long start = Math.max(vmaFirst, page & -512L);
        long end = Math.min(vmaEnd, (page + 512) & -512L);
        Map.Entry<Long, SvmRange> next = ranges.higherEntry(page);
        if (next != null) {
            end = Math.min(end, next.getKey());
        }
        Map.Entry<Long, SvmRange> prev = ranges.lowerEntry(page);
        if (prev != null) {
            start = Math.max(start, prev.getValue().last + 1);
        }
        SvmRange r = new SvmRange(start, end - 1, SvmAttributes.DEFAULT, granularity, false);
        ranges.put(start, r);
        return r;
    }

    /**
     * Sets {@code attrs} on [start, start + pages): svm_range_add() and the insertion that svm_range_set_attr() does
     * with its lists. Returns the ranges that now cover the span, in order.
     */
    List<SvmRange> add(long start, long pages, SvmAttributes attrs, int granularity) {
        long last = start + pages - 1;
        long s = start;
        List<SvmRange> covering = new ArrayList<>();
        for (SvmRange old : overlapping(start, last)) {
            if (old.attributes.equals(attrs) && old.granularity == granularity && old.mappedToGpu) {
                covering.add(old); // "nothing to do"
            } else {
                ranges.remove(old.start);
                if (old.start < start) {
                    ranges.put(old.start, old.piece(old.start, start - 1)); // svm_range_split_head()
                }
                if (old.last > last) {
                    ranges.put(last + 1, old.piece(last + 1, old.last)); // svm_range_split_tail()
                }
                long ps = Math.max(old.start, start);
                long pl = Math.min(old.last, last);
                SvmRange updated = new SvmRange(ps, pl, attrs, granularity, true);
                updated.mappedToGpu = old.mappedToGpu;
                updated.validateTimestamp = old.validateTimestamp;
                ranges.put(ps, updated);
                covering.add(updated);
            }
            if (old.start > s) {
                covering.addAll(splitNew(s, old.start - 1, attrs, granularity));
            }
            s = Math.min(old.last, last) + 1;
        }
        if (s <= last) {
            covering.addAll(splitNew(s, last, attrs, granularity));
        }
        covering.sort((a, b) -> Long.compare(a.start, b.start));
        return covering;
    }

    /** New ranges over [start, last], none crossing a multiple of max_svm_range_pages. Mirrors svm_range_split_new(). */
    private List<SvmRange> splitNew(long start, long last, SvmAttributes attrs, int granularity) {
        List<SvmRange> out = new ArrayList<>();
        while (last >= start) {
            long l = Math.min(last, Math.floorDiv(start + maxPages, maxPages) * maxPages - 1);
            SvmRange r = new SvmRange(start, l, attrs, granularity, true);
            ranges.put(start, r);
            out.add(r);
            start = l + 1;
        }
        return out;
    }

    /**
     * The CPU unmapped [start, last]: the unmapped parts of the ranges go, their heads and tails stay as ranges of their
     * own. Mirrors svm_range_unmap_from_cpu() and svm_range_unmap_split().
     */
    void unmap(long start, long last) {
        for (SvmRange r : overlapping(start, last)) {
            ranges.remove(r.start);
            if (r.start < start) {
                ranges.put(r.start, r.piece(r.start, start - 1));
            }
            if (r.last > last) {
                ranges.put(last + 1, r.piece(last + 1, r.last));
            }
        }
    }
}
