package org.hmmlab.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Counts of a run's events, one {@code long} per {@link Counter}, kept in a primitive array. */
public final class Counters {

    private static final Counter[] ALL = Counter.values();
    private final long[] values = new long[ALL.length];
    private boolean iommuListed;

    /** Lists the IOMMU's counters ({@link Counter#iommu()}) too: the run's platform has a translating IOMMU. */
    public void listIommu(boolean listed) {
        this.iommuListed = listed;
    }

    /**
     * The counters a run reports, in declaration order: all of them when its IOMMU translates, else all but the
     * IOMMU's (always zero then), so that a run without one reads as it did before the IOMMU existed.
     */
    public List<Counter> listed() {
        List<Counter> l = new ArrayList<>(ALL.length);
        for (Counter c : ALL) {
            if (iommuListed || !c.iommu()) {
                l.add(c);
            }
        }
        return l;
    }

    public void add(Counter c, long n) {
        values[c.ordinal()] += n;
    }

    public void increment(Counter c) {
        values[c.ordinal()]++;
    }

    public long get(Counter c) {
        return values[c.ordinal()];
    }

    /** A snapshot in declaration order. */
    public Map<Counter, Long> asMap() {
        Map<Counter, Long> m = new EnumMap<>(Counter.class);
        for (Counter c : ALL) {
            m.put(c, values[c.ordinal()]);
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Counters other && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (Counter c : ALL) {
            long v = values[c.ordinal()];
            if (v != 0) {
                sb.append(sb.length() > 1 ? ", " : "").append(c.name().toLowerCase()).append('=').append(v);
            }
        }
        return sb.append('}').toString();
    }
}
