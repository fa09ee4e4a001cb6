package org.hmmlab.pcie;


import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.Counters;

/**
 * The host IOMMU the GPU's DMA passes through: the IOTLB that caches its IO page translations, and the CPU cost of
 * the DMA API that maps and unmaps pages through it.
 *
 * <p>Mirrors the DMA domain of drivers/iommu/dma-iommu.c: iommu_dma_map_page() allocates an IOVA and writes the IO
 * page table; iommu_dma_unmap_page() clears it and, in strict mode, invalidates the IOTLB and waits
 * (iommu_iotlb_sync()); in lazy mode it queues the IOVA on a flush queue (queue_iova()) and the unmapping CPU
 * flushes the whole domain only when the queue is full (fq_flush_iotlb()), or a timer does after
 * {@link IommuConfig#FLUSH_QUEUE_TIMEOUT}. Until then stale IOTLB entries stay usable: the security window lazy
 * mode trades for speed. Off and passthrough cost nothing here: dma-direct, as the host's {@code dmaMapPerPage}
 * already charges.
 *
 * <p>The IOTLB is fully associative with least-recently-used replacement, tagged by IO page. A device request the
 * device's ATS already translated skips it (PCIe ATS: translated requests bypass the IOMMU's translation); the
 * callers decide which requests are untranslated.
 */
public final class Iommu {

    private final IommuConfig c;
    private final Counters counters;
    private final boolean translates;
    /** log2 of the IO page size in 4 KiB pages: 0 or 9. */
    private final int ioShift;
    private final TagLru iotlb;
    private long queued;
    private long oldestQueuedAt = -1;

    public Iommu(IommuConfig config, Counters counters) {
        this.c = config;
        this.counters = counters;
        this.translates = config.translates();
        this.ioShift = Long.numberOfTrailingZeros(config.ioPageSize().bytes() >>> 12);
        this.iotlb = new TagLru(config.iotlbEntries());
    }

    public IommuConfig config() {
        return c;
    }

    /** Whether the IOMMU translates: off and passthrough cost nothing. */
    public boolean translates() {
        return translates;
    }

    /**
     * An untranslated device read or write of host {@code page} (a 4 KiB page number): the extra latency of its
     * IOTLB lookup, 0 on a hit, the walk on a miss (which fills the entry).
     */
    public long deviceAccess(long page) {
        if (!translates) {
            return 0;
        }
        long tag = page >>> ioShift;
        if (iotlb.touch(tag)) {
            counters.increment(Counter.IOTLB_HITS);
            return 0;
        }
        counters.increment(Counter.IOTLB_MISSES);
        iotlb.add(tag);
        return c.iotlbMiss().nanos();
    }

    /** IO pages that {@code pages} 4 KiB pages take: one each, or one per 2 MiB with superpages. */
    private long ioPages(long pages) {
        return (pages + (1L << ioShift) - 1) >>> ioShift;
    }

    /** dma_map_page() of {@code pages} 4 KiB pages: the CPU time beyond dma-direct's. */
    public long map(long pages) {
        if (!translates || pages <= 0) {
            return 0;
        }
        long io = ioPages(pages);
        counters.add(Counter.DMA_MAPS, io);
        return io * c.mapPerPage().nanos();
    }

    /** dma_unmap_page() of {@code pages} mapped 4 KiB pages: clearing their IO page-table entries. */
    public long unmap(long pages) {
        if (!translates || pages <= 0) {
            return 0;
        }
        long io = ioPages(pages);
        counters.add(Counter.DMA_UNMAPS, io);
        return io * c.unmapPerPage().nanos();
    }

    /**
     * The IOTLB invalidations that unmapping {@code pages} mapped pages within [firstPage, firstPage + span) needs at
     * {@code nowNanos}, as the unmapping CPU waits for them. Strict: one per unmap call (one call per IO page), the
     * span's entries dropped at once. Lazy: the IOVAs join the flush queue; a timer flushes a queue older than the
     * timeout off this CPU, and a full queue makes this CPU flush the whole domain (every IOTLB entry) and wait.
     */
    public long invalidate(long firstPage, long span, long pages, long nowNanos) {
        if (!translates || pages <= 0) {
            return 0;
        }
        long io = ioPages(pages);
        if (c.strictInvalidation()) {
            long firstTag = firstPage >>> ioShift;
            long lastTag = (firstPage + Math.max(1, span) - 1) >>> ioShift;
            iotlb.removeRange(firstTag, lastTag);
            counters.add(Counter.IOTLB_INVALIDATIONS, io);
            return io * c.invalidation().nanos();
        }
        if (oldestQueuedAt >= 0 && nowNanos - oldestQueuedAt >= IommuConfig.FLUSH_QUEUE_TIMEOUT.nanos()) {
            flushAll(); // fq_flush_timeout(): a timer on another CPU, not this one's time
        }
        long cost = 0;
        for (long k = 0; k < io; k++) {
            if (queued == 0) {
                oldestQueuedAt = nowNanos;
            }
            if (++queued == IommuConfig.FLUSH_QUEUE_ENTRIES) {
                flushAll();
                cost += c.invalidation().nanos();
            }
        }
        return cost;
    }

    private void flushAll() {
        iotlb.clear();
        queued = 0;
        oldestQueuedAt = -1;
        counters.increment(Counter.IOTLB_INVALIDATIONS);
    }
}
