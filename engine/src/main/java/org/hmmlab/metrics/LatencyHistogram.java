package org.hmmlab.metrics;

import java.util.ArrayList;
import java.util.List;

import org.HdrHistogram.Histogram;
import org.hmmlab.units.SimDuration;

/**
 * A histogram of simulated latencies in nanoseconds with three significant digits, over HdrHistogram.
 *
 * <p>Recording is allocation-free and constant time, so every fault of a long run can be recorded.
 */
public final class LatencyHistogram {

    private final Histogram h = new Histogram(3);
    private long sum;

    public void record(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("latency must be >= 0 ns; got " + nanos);
        }
        h.recordValue(nanos);
        sum += nanos;
    }

    /** Records {@code count} latencies of {@code nanos} each: the same as {@code count} calls of {@link #record(long)}. */
    public void record(long nanos, long count) {
        if (nanos < 0) {
            throw new IllegalArgumentException("latency must be >= 0 ns; got " + nanos);
        }
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0; got " + count);
        }
        if (count > 0) {
            h.recordValueWithCount(nanos, count);
            sum += nanos * count;
        }
    }

    public long count() {
        return h.getTotalCount();
    }

    /** Exact sum of the recorded latencies. */
    public SimDuration total() {
        return SimDuration.ns(sum);
    }

    /** Exact mean, rounded down to a nanosecond; zero when empty. */
    public SimDuration mean() {
        return SimDuration.ns(count() == 0 ? 0 : sum / count());
    }

    public SimDuration min() {
        return SimDuration.ns(count() == 0 ? 0 : h.getMinValue());
    }

    public SimDuration max() {
        return SimDuration.ns(count() == 0 ? 0 : h.getMaxValue());
    }

    /** The value at {@code percentile} (0..100), within the histogram's three-digit precision. */
    public SimDuration percentile(double percentile) {
        if (!(percentile >= 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be between 0 and 100; got " + percentile);
        }
        return SimDuration.ns(count() == 0 ? 0 : h.getValueAtPercentile(percentile));
    }

    /** The empirical CDF: one point per distinct recorded value bucket. */
    public List<CdfPoint> cdf() {
        List<CdfPoint> out = new ArrayList<>();
        long total = count();
        if (total == 0) {
            return out;
        }
        long seen = 0;
        for (var v : h.recordedValues()) {
            seen += v.getCountAtValueIteratedTo();
            out.add(new CdfPoint(h.highestEquivalentValue(v.getValueIteratedTo()), (double) seen / total));
        }
        return out;
    }

    /** Adds every value of {@code other} to this histogram. */
    public void addAll(LatencyHistogram other) {
        h.add(other.h);
        sum += other.sum;
    }

    /** One point of a CDF; the unit of each column is in its name. */
    public record CdfPoint(long latency_ns, double fraction) {
    }

    @Override
    public String toString() {
        return "n=" + count() + " mean=" + mean() + " p50=" + percentile(50) + " p99=" + percentile(99) + " max=" + max();
    }
}
