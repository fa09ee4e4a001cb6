package org.hmmlab.device;

/**
 * The device's translation cache (the ATC of PCIe ATS, the GPU's last-level TLB): set-associative with LRU
 * replacement, each entry mapping one naturally aligned region of {@code 2^shift} pages.
 *
 * <p>The TLB models cost only: a hit saves the page walk (or, on the ATS path, the translation request). Whether
 * a page may be accessed is decided by the device page table, so an entry never makes an invalid page usable.
 */
public final class DeviceTlb {

    private static final int MAX_WAYS = 8;

    private final int shift;
    private final int ways;
    private final int setMask;
    private final long[] tags;
    private final long[] stamps;
    private long clock;
    private long epoch;
    /**
     * The entry the last lookup hit or the last insert wrote, and its tag: warps that run one after another mostly
     * touch the same region, so a lookup first checks that entry. A tag lives in at most one entry (of its own set),
     * so when that entry still holds the tag it is the entry the set's scan would find, with the same recency update.
     */
    private int lastIdx;
    private long lastTag = -1;

    /** A TLB of {@code entries} entries, each mapping {@code 2^pageShift} 4 KiB pages. */
    public DeviceTlb(int entries, int pageShift) {
        if (entries < 1) {
            throw new IllegalArgumentException("TLB entries must be >= 1; got " + entries);
        }
        this.shift = pageShift;
        this.ways = Math.min(MAX_WAYS, entries);
        int sets = Integer.highestOneBit(Math.max(1, entries / ways));
        this.setMask = sets - 1;
        this.tags = new long[sets * ways];
        this.stamps = new long[sets * ways];
        java.util.Arrays.fill(tags, -1);
    }

    /** Looks up {@code page}; on a hit refreshes its recency and returns true. */
    public boolean lookup(long page) {
        long tag = page >>> shift;
        if (tag == lastTag && tags[lastIdx] == tag) {
            stamps[lastIdx] = ++clock;
            return true;
        }
        int base = set(tag) * ways;
        for (int i = base; i < base + ways; i++) {
            if (tags[i] == tag) {
                stamps[i] = ++clock;
                lastIdx = i;
                lastTag = tag;
                return true;
            }
        }
        return false;
    }

    /** Inserts the translation for {@code page}, evicting the least recently used entry of its set. */
    public void insert(long page) {
        long tag = page >>> shift;
        int base = set(tag) * ways;
        int victim = base;
        for (int i = base; i < base + ways; i++) {
            if (tags[i] == tag) {
                stamps[i] = ++clock;
                return;
            }
            if (stamps[i] < stamps[victim]) {
                victim = i;
            }
        }
        tags[victim] = tag;
        stamps[victim] = ++clock;
        lastIdx = victim;
        lastTag = tag;
    }

    /**
     * A count that changes on every invalidation, so that per-SM micro-TLBs caching a translation from this TLB
     * know when to drop it.
     */
    public long epoch() {
        return epoch;
    }

    /** The TLB tag (region number) of {@code page}. */
    public long tagOf(long page) {
        return page >>> shift;
    }

    /** Drops every entry overlapping [{@code firstPage}, {@code firstPage + pages}). */
    public void invalidate(long firstPage, long pages) {
        epoch++;
        long first = firstPage >>> shift;
        long last = (firstPage + pages - 1) >>> shift;
        if (last - first > tags.length) {
            java.util.Arrays.fill(tags, -1);
            return;
        }
        for (long tag = first; tag <= last; tag++) {
            int base = set(tag) * ways;
            for (int i = base; i < base + ways; i++) {
                if (tags[i] == tag) {
                    tags[i] = -1;
                    stamps[i] = 0;
                }
            }
        }
    }

    /** Pages one entry maps. */
    public long pagesPerEntry() {
        return 1L << shift;
    }

    private int set(long tag) {
        long h = tag * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & setMask;
    }
}
