package org.hmmlab.dsl.results;

import java.util.Arrays;
import java.util.Objects;

/**
 * A latency distribution in nanoseconds: distinct values with how often each occurred.
 *
 * <p>Charts (CDF, histogram) and percentile tables are drawn from it. It holds counts per distinct value,
 * not one entry per fault, so a run with millions of faults whose latencies repeat stays small, and a
 * histogram exported by the engine can be passed in as it is ({@link #ofCounts}).
 *
 * <pre>{@code Distribution d = Distribution.ofSamples("first-touch", latenciesNs); d.percentile(99)}</pre>
 */
public final class Distribution {

    private final String name;
    private final long[] values;
    private final long[] counts;
    private final long total;

    private Distribution(String name, long[] values, long[] counts) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("distribution name must be non-empty text");
        }
        this.name = name;
        this.values = values;
        this.counts = counts;
        long t = 0;
        for (long c : counts) {
            t = Math.addExact(t, c);
        }
        this.total = t;
    }

    /** The distribution of raw latency samples in nanoseconds (each >= 0). */
    public static Distribution ofSamples(String name, long[] samplesNs) {
        long[] s = Objects.requireNonNull(samplesNs, "samplesNs").clone();
        Arrays.sort(s);
        if (s.length > 0 && s[0] < 0) {
            throw new IllegalArgumentException("distribution '" + name + "': latency samples must be >= 0 ns, got " + s[0]);
        }
        int distinct = 0;
        for (int i = 0; i < s.length; i++) {
            if (i == 0 || s[i] != s[i - 1]) {
                distinct++;
            }
        }
        long[] v = new long[distinct];
        long[] c = new long[distinct];
        int k = -1;
        for (int i = 0; i < s.length; i++) {
            if (i == 0 || s[i] != s[i - 1]) {
                v[++k] = s[i];
            }
            c[k]++;
        }
        return new Distribution(name, v, c);
    }

    /**
     * A distribution from values in nanoseconds and their counts (equal lengths, values >= 0, counts >= 0);
     * the values need not be sorted or distinct.
     */
    public static Distribution ofCounts(String name, long[] valuesNs, long[] counts) {
        if (valuesNs.length != counts.length) {
            throw new IllegalArgumentException("distribution '" + name + "': " + valuesNs.length + " values but "
                    + counts.length + " counts; they must pair up");
        }
        Integer[] order = new Integer[valuesNs.length];
        for (int i = 0; i < order.length; i++) {
            if (valuesNs[i] < 0) {
                throw new IllegalArgumentException("distribution '" + name + "': values must be >= 0 ns, got " + valuesNs[i]);
            }
            if (counts[i] < 0) {
                throw new IllegalArgumentException("distribution '" + name + "': counts must be >= 0, got " + counts[i]);
            }
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(valuesNs[a], valuesNs[b]));
        long[] v = new long[order.length];
        long[] c = new long[order.length];
        int k = -1;
        for (int idx : order) {
            if (counts[idx] == 0) {
                continue;
            }
            if (k >= 0 && v[k] == valuesNs[idx]) {
                c[k] += counts[idx];
            } else {
                k++;
                v[k] = valuesNs[idx];
                c[k] = counts[idx];
            }
        }
        return new Distribution(name, Arrays.copyOf(v, k + 1), Arrays.copyOf(c, k + 1));
    }

    public String name() {
        return name;
    }

    /** The same data under another name, for a chart legend. */
    public Distribution named(String newName) {
        return new Distribution(newName, values, counts);
    }

    /** Number of samples. */
    public long count() {
        return total;
    }

    public boolean isEmpty() {
        return total == 0;
    }

    /** Distinct values in nanoseconds, ascending. */
    public long[] values() {
        return values.clone();
    }

    /** How often each of {@link #values()} occurred. */
    public long[] counts() {
        return counts.clone();
    }

    public long minNs() {
        requireSamples("min");
        return values[0];
    }

    public long maxNs() {
        requireSamples("max");
        return values[values.length - 1];
    }

    public double meanNs() {
        requireSamples("mean");
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            sum += (double) values[i] * counts[i];
        }
        return sum / total;
    }

    /**
     * The latency at percentile {@code p} in [0, 100] by the nearest-rank method (the smallest value with at
     * least p% of samples at or below it), so every percentile is a latency that really occurred.
     */
    public long percentile(double p) {
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile p must be in [0, 100], got " + p);
        }
        requireSamples("percentile");
        long rank = Math.max(1, (long) Math.ceil(p / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < values.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return values[i];
            }
        }
        return values[values.length - 1];
    }

    /** Fraction of samples at or below {@code latencyNs}. */
    public double fractionAtOrBelow(long latencyNs) {
        if (total == 0) {
            return 0;
        }
        long seen = 0;
        for (int i = 0; i < values.length && values[i] <= latencyNs; i++) {
            seen += counts[i];
        }
        return (double) seen / total;
    }

    /** The distribution as a table: {@code latency_ns, count, cumulative_fraction}. */
    public Table toTable() {
        double[] cum = new double[values.length];
        long seen = 0;
        for (int i = 0; i < values.length; i++) {
            seen += counts[i];
            cum[i] = (double) seen / total;
        }
        return Table.of(name, Column.longs("latency_ns", values), Column.longs("count", counts),
                Column.doubles("cumulative_fraction", cum));
    }

    /**
     * One row of count, mean and p50/p90/p99/p99.9/max in nanoseconds, for a percentile table. An empty
     * distribution gives the same cells (count 0, mean NaN, percentiles and max 0, as a run's summary gives a
     * fault percentile without faults), so a sweep where one point saw no samples still makes one table.
     */
    public Row summary() {
        if (total == 0) {
            return Row.of().with("count", 0L).with("mean_ns", Double.NaN).with("p50_ns", 0L).with("p90_ns", 0L)
                    .with("p99_ns", 0L).with("p99_9_ns", 0L).with("max_ns", 0L);
        }
        return Row.of().with("count", total).with("mean_ns", meanNs()).with("p50_ns", percentile(50))
                .with("p90_ns", percentile(90)).with("p99_ns", percentile(99)).with("p99_9_ns", percentile(99.9))
                .with("max_ns", maxNs());
    }

    private void requireSamples(String what) {
        if (total == 0) {
            throw new IllegalStateException("distribution '" + name + "' is empty; it has no " + what);
        }
    }

    @Override
    public String toString() {
        return total == 0 ? name + ": no samples"
                : name + ": " + total + " samples, p50 " + percentile(50) + " ns, p99 " + percentile(99) + " ns";
    }
}
