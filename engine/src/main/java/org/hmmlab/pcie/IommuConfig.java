package org.hmmlab.pcie;

import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * The host IOMMU in front of the GPU's link: whether it translates the device's DMA (and how it invalidates), the
 * IO page size its mappings use, the reach and miss cost of its IOTLB, and the CPU cost of the DMA API over it.
 *
 * <p>Mirrors the kernel's boot options: {@code iommu=off} (no IOMMU, dma-direct), {@code iommu=pt} (the IOMMU on
 * but in passthrough: an identity domain, dma-direct again), and a DMA domain (drivers/iommu/dma-iommu.c) with
 * {@code iommu.strict=0} (lazy: unmapped IOVAs wait in a per-CPU flush queue of {@link #FLUSH_QUEUE_ENTRIES}
 * entries, flushed when it is full or after {@link #FLUSH_QUEUE_TIMEOUT}) or {@code iommu.strict=1} (every
 * dma_unmap_page() invalidates the IOTLB and waits for it). Off and passthrough cost nothing beyond the host's
 * {@code dmaMapPerPage}: the lab's behaviour before the IOMMU existed.
 *
 * @param translation   off, passthrough or translated
 * @param strictInvalidation strict invalidation ({@code iommu.strict=1}); only with translation {@code translated}
 * @param ioPageSize    the IO page size of the DMA mappings: 4 KiB, or 2 MiB when the IOMMU uses superpages
 * @param iotlbEntries  IOTLB entries; its reach is {@code iotlbEntries x ioPageSize}; 0 caches nothing
 * @param iotlbMiss     extra latency of a device read or write of host memory whose IO page misses the IOTLB
 *                      (the IOMMU's page walk)
 * @param mapPerPage    CPU cost of dma_map_page() for one IO page beyond dma-direct's: IOVA allocation and the
 *                      IO page-table write
 * @param unmapPerPage  CPU cost of dma_unmap_page() for one IO page: clearing the IO page-table entry and freeing
 *                      (strict) or queueing (lazy) the IOVA
 * @param invalidation  one IOTLB invalidation as the CPU waits for it: a queued-invalidation descriptor and its
 *                      wait descriptor (strict: per unmap call; lazy: per full flush queue)
 */
public record IommuConfig(Translation translation, boolean strictInvalidation, Bytes ioPageSize, int iotlbEntries,
                          SimDuration iotlbMiss, SimDuration mapPerPage, SimDuration unmapPerPage,
                          SimDuration invalidation) {

    /** How the IOMMU treats the device's DMA. */
    public enum Translation {
        /** No IOMMU ({@code iommu=off}, or none in the machine): device addresses are physical. */
        OFF,
        /** The IOMMU on with an identity domain ({@code iommu=pt}): dma-direct, no translation cost. */
        PASSTHROUGH,
        /** A DMA domain: every device address is an IOVA the IOMMU translates (dma-iommu.c). */
        TRANSLATED
    }

    /** IOVA_DEFAULT_FQ_SIZE in drivers/iommu/dma-iommu.c: entries of a flush queue [S kernel source]. */
    public static final int FLUSH_QUEUE_ENTRIES = 256;
    /** IOVA_DEFAULT_FQ_TIMEOUT in drivers/iommu/dma-iommu.c: 10 ms [S kernel source]. */
    public static final SimDuration FLUSH_QUEUE_TIMEOUT = SimDuration.ms(10);

    private static final SimDuration MAX = SimDuration.ms(1);
    private static final int MAX_ENTRIES = 1 << 20;

    /** No IOMMU: what every platform had before this option, and its default. */
    public static final IommuConfig OFF = translated().off();

    /**
     * The numbers of a translating IOMMU, with their sources. Tags as in Platforms: [M] measured, [D] derived,
     * [A] an assumption where no measurement was found.
     */
    public static final class Defaults {
        private Defaults() {
        }

        /**
         * IOTLB entries: 64 [D]. pcie-bench/data, Broadwell Xeon E5-2630 v4 with the IOMMU on and superpages off
         * (nfp6000-1.2GHz_bdw-Xeon-E5-2630v4-dell-t430-s0-s0-s0-iommu-nosp/lat_dma_sweep_rd_rnd_64.dat, random
         * 64 B DMA reads, host-warm cache): the latency is flat up to a 256 KiB window and rises from 512 KiB on;
         * 256 KiB / 4 KiB = 64 entries (Neugebauer et al., "Understanding PCIe performance for end host
         * networking", SIGCOMM 2018, section 6, draws the same conclusion from the same data).
         */
        public static final int IOTLB_ENTRIES = 64;
        /**
         * IOTLB miss: 280 ns [D] from the same files: median 840 ns at a 16 MiB window with the IOMMU on, against
         * 560 ns with it off (nfp6000-..._bdw-Xeon-E5-2630v4-dell-t430-s0-s0-s0, same test); at 16 MiB fewer
         * than 2 % of the reads hit 64 entries, so the difference is the walk. The Haswell E5-2620 v3 gives
         * 221 ns the same way (mean, 778 - 557 ns).
         */
        public static final SimDuration IOTLB_MISS = SimDuration.ns(280);
        /** dma_map_page() through dma-iommu beyond dma-direct, per IO page [A]: IOVA allocation from the
         * per-CPU rcache and one IO PTE write; no per-page figure was found in the sources read (the IOMMU
         * papers of Peleg et al. ATC'15 and Markuze et al. ASPLOS'16 measure it; not retrievable here). */
        public static final SimDuration MAP_PER_PAGE = SimDuration.ns(200);
        /** dma_unmap_page() per IO page [A]: clearing the IO PTE and freeing or queueing the IOVA. */
        public static final SimDuration UNMAP_PER_PAGE = SimDuration.ns(150);
        /** One IOTLB invalidation the CPU waits for [A]: a queued-invalidation descriptor plus its wait
         * descriptor; no published figure found. Strict mode pays it on every unmap call; NVIDIA's Grace SMMU
         * figures (NV-Kernels pull 182: 16.5 M IOPS passthrough, 16.4 M lazy, 2.8 M strict, 4 KiB random reads on
         * 8 NVMe drives) show the order: strict costs several microseconds per I/O more than lazy. */
        public static final SimDuration INVALIDATION = SimDuration.us(2);
    }

    public IommuConfig {
        if (translation == null) {
            throw new IllegalArgumentException("iommu.translation must be one of off, passthrough, translated; got none");
        }
        if (strictInvalidation && translation != Translation.TRANSLATED) {
            throw new IllegalArgumentException("iommu.strictInvalidation needs a translating IOMMU: translation is "
                    + name(translation) + "; strict invalidation is allowed only with translation translated");
        }
        if (ioPageSize == null || (ioPageSize.bytes() != 4096 && ioPageSize.bytes() != 2L << 20)) {
            throw new IllegalArgumentException("iommu.ioPageSize must be one of 4KiB, 2MiB; got " + ioPageSize);
        }
        if (iotlbEntries < 0 || iotlbEntries > MAX_ENTRIES) {
            throw new IllegalArgumentException("iommu.iotlbEntries must be between 0 and " + MAX_ENTRIES + "; got "
                    + iotlbEntries);
        }
        atMost("iommu.iotlbMiss", iotlbMiss);
        atMost("iommu.mapPerPage", mapPerPage);
        atMost("iommu.unmapPerPage", unmapPerPage);
        atMost("iommu.invalidation", invalidation);
    }

    private static void atMost(String field, SimDuration v) {
        if (v == null) {
            throw new IllegalArgumentException(field + " must be given (0 ns to " + MAX + ")");
        }
        if (v.compareTo(MAX) > 0) {
            throw new IllegalArgumentException(field + " must be between 0 ns and " + MAX + "; got " + v);
        }
    }

    private static String name(Translation t) {
        return t.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** A translating IOMMU with lazy invalidation, 4 KiB IO pages and the published IOTLB: Linux's x86 default. */
    public static IommuConfig translated() {
        return new IommuConfig(Translation.TRANSLATED, false, Bytes.KiB(4), Defaults.IOTLB_ENTRIES,
                Defaults.IOTLB_MISS, Defaults.MAP_PER_PAGE, Defaults.UNMAP_PER_PAGE, Defaults.INVALIDATION);
    }

    /** Whether the IOMMU translates the device's DMA: only then do its costs apply. */
    public boolean translates() {
        return translation == Translation.TRANSLATED;
    }

    /** The mode in one word, as the kernel's options name it: off, passthrough, lazy or strict. */
    public String mode() {
        return translates() ? (strictInvalidation ? "strict" : "lazy") : name(translation);
    }

    /** IOTLB reach: entries times the IO page size. */
    public Bytes iotlbReach() {
        return Bytes.of((long) iotlbEntries * ioPageSize.bytes());
    }

    /** This IOMMU off ({@code iommu=off}); refused when strict invalidation was asked for. */
    public IommuConfig off() {
        return new IommuConfig(Translation.OFF, strictInvalidation, ioPageSize, iotlbEntries, iotlbMiss, mapPerPage,
                unmapPerPage, invalidation);
    }

    /** This IOMMU in passthrough ({@code iommu=pt}); refused when strict invalidation was asked for. */
    public IommuConfig passthrough() {
        return new IommuConfig(Translation.PASSTHROUGH, strictInvalidation, ioPageSize, iotlbEntries, iotlbMiss, mapPerPage,
                unmapPerPage, invalidation);
    }

    /** This IOMMU translating with lazy invalidation ({@code iommu.strict=0}, a flush queue). */
    public IommuConfig lazy() {
        return new IommuConfig(translation == Translation.OFF || translation == Translation.PASSTHROUGH
                ? Translation.TRANSLATED : translation, false, ioPageSize, iotlbEntries, iotlbMiss, mapPerPage,
                unmapPerPage, invalidation);
    }

    /** This IOMMU with strict invalidation ({@code iommu.strict=1}); refused unless it translates. */
    public IommuConfig strict() {
        return new IommuConfig(translation, true, ioPageSize, iotlbEntries, iotlbMiss, mapPerPage, unmapPerPage,
                invalidation);
    }

    public IommuConfig ioPageSize(Bytes size) {
        return new IommuConfig(translation, strictInvalidation, size, iotlbEntries, iotlbMiss, mapPerPage, unmapPerPage,
                invalidation);
    }

    public IommuConfig iotlbEntries(int entries) {
        return new IommuConfig(translation, strictInvalidation, ioPageSize, entries, iotlbMiss, mapPerPage, unmapPerPage,
                invalidation);
    }

    public IommuConfig iotlbMiss(SimDuration miss) {
        return new IommuConfig(translation, strictInvalidation, ioPageSize, iotlbEntries, miss, mapPerPage, unmapPerPage,
                invalidation);
    }

    /** The CPU costs of the DMA API over the IOMMU: per IO page mapped, per IO page unmapped, per invalidation. */
    public IommuConfig withCosts(SimDuration map, SimDuration unmap, SimDuration inv) {
        return new IommuConfig(translation, strictInvalidation, ioPageSize, iotlbEntries, iotlbMiss, map, unmap, inv);
    }
}
