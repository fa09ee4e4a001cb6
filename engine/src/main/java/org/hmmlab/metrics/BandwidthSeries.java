package org.hmmlab.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.hmmlab.units.SimDuration;

/**
 * Payload bytes delivered over time in fixed buckets, for one direction of a link: the data behind a
 * "bandwidth over time" chart.
 *
 * <p>Bytes delivered over an interval are spread evenly over the buckets it overlaps.
 */
public final class BandwidthSeries {

    private final String name;
    private final long bucket;
    private double[] bytes = new double[64];
    private int buckets;

    public BandwidthSeries(String name, SimDuration bucketWidth) {
        if (bucketWidth.nanos() < 1) {
            throw new IllegalArgumentException("bucketWidth must be >= 1 ns; got " + bucketWidth);
        }
        this.name = name;
        this.bucket = bucketWidth.nanos();
    }

    public String name() {
        return name;
    }

    public SimDuration bucketWidth() {
        return SimDuration.ns(bucket);
    }

    /** Adds {@code delivered} bytes spread evenly over [{@code fromNanos}, {@code toNanos}). */
    public void add(long fromNanos, long toNanos, double delivered) {
        if (toNanos <= fromNanos) {
            addToBucket((int) (fromNanos / bucket), delivered);
            return;
        }
        double perNano = delivered / (toNanos - fromNanos);
        long t = fromNanos;
        while (t < toNanos) {
            long b = t / bucket;
            long end = Math.min(toNanos, (b + 1) * bucket);
            addToBucket((int) b, perNano * (end - t));
            t = end;
        }
    }

    private void addToBucket(int b, double v) {
        if (b >= bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, b + 1));
        }
        bytes[b] += v;
        buckets = Math.max(buckets, b + 1);
    }

    /** Number of buckets up to the last one that received data. */
    public int size() {
        return buckets;
    }

    /** Total payload bytes recorded. */
    public double totalBytes() {
        double s = 0;
        for (int i = 0; i < buckets; i++) {
            s += bytes[i];
        }
        return s;
    }

    /** Average rate in bucket {@code i}, in GB/s (10^9 bytes per second). */
    public double gbps(int i) {
        return i < buckets ? bytes[i] / bucket : 0.0;
    }

    /** One point per bucket: its start time and its average rate. */
    public List<Point> points() {
        List<Point> out = new ArrayList<>(buckets);
        for (int i = 0; i < buckets; i++) {
            out.add(new Point(i * bucket, gbps(i)));
        }
        return out;
    }

    /** A bucket of the series; the unit of each column is in its name. */
    public record Point(long time_ns, double rate_GBps) {
    }
}
