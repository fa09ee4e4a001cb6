package org.hmmlab.metrics;

import java.util.Arrays;

import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * Pages resident in device memory over simulated time, in fixed buckets: the data behind a "residency over time"
 * chart. Each bucket holds the count at its end, that is after the last change recorded in it.
 *
 * <p>The GPU model records its resident-page count each time it changes (pages committed to device memory,
 * migrated back on a CPU touch, evicted, or a read duplicate dropped), so the series costs one array slot per
 * bucket, never an object per page. A bucket with no change carries the previous bucket's count.
 */
public final class ResidencySeries {

    private final long bucket;
    private long[] pages = new long[64];
    private int buckets;
    private long current;

    public ResidencySeries(SimDuration bucketWidth) {
        if (bucketWidth.nanos() < 1) {
            throw new IllegalArgumentException("bucketWidth must be >= 1 ns; got " + bucketWidth);
        }
        this.bucket = bucketWidth.nanos();
    }

    public SimDuration bucketWidth() {
        return SimDuration.ns(bucket);
    }

    /**
     * Records that {@code residentPages} pages are resident in device memory from simulated time {@code nowNanos}
     * on. Times are expected in non-decreasing order; an earlier time counts in the latest bucket so far.
     */
    public void record(long nowNanos, long residentPages) {
        if (residentPages < 0) {
            throw new IllegalArgumentException("residentPages must be >= 0; got " + residentPages);
        }
        int b = (int) Math.max(buckets - 1, nowNanos / bucket);
        fillTo(b);
        pages[b] = residentPages;
        current = residentPages;
    }

    /** Extends the series to the bucket holding {@code endNanos}, carrying the current count. */
    public void extendTo(long endNanos) {
        fillTo((int) (endNanos / bucket));
    }

    private void fillTo(int b) {
        if (b < buckets) {
            return;
        }
        if (b >= pages.length) {
            pages = Arrays.copyOf(pages, Math.max(pages.length * 2, b + 1));
        }
        Arrays.fill(pages, buckets, b + 1, current);
        buckets = b + 1;
    }

    /** Number of buckets from time 0 up to the last one recorded or extended to. */
    public int size() {
        return buckets;
    }

    /** Pages resident in device memory at the end of bucket {@code i}. */
    public long pages(int i) {
        if (i < 0 || i >= buckets) {
            throw new IndexOutOfBoundsException("bucket " + i + " outside 0.." + (buckets - 1));
        }
        return pages[i];
    }

    /** Device-resident bytes at the end of bucket {@code i} (4 KiB pages). */
    public Bytes bytes(int i) {
        return Bytes.pages(pages(i));
    }

    /** The most pages ever recorded at a bucket's end. */
    public long peakPages() {
        long m = 0;
        for (int i = 0; i < buckets; i++) {
            m = Math.max(m, pages[i]);
        }
        return m;
    }

    /** Pages resident now, after the last recorded change. */
    public long currentPages() {
        return current;
    }
}
