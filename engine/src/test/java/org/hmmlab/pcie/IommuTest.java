package org.hmmlab.pcie;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.Counters;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The IOMMU's IOTLB and the DMA API's costs over it, in closed form, per mode. */
class IommuTest {

    private static final long MISS = IommuConfig.Defaults.IOTLB_MISS.nanos();
    private static final long MAP = IommuConfig.Defaults.MAP_PER_PAGE.nanos();
    private static final long UNMAP = IommuConfig.Defaults.UNMAP_PER_PAGE.nanos();
    private static final long INV = IommuConfig.Defaults.INVALIDATION.nanos();

    private final Counters counters = new Counters();

    private Iommu iommu(IommuConfig c) {
        return new Iommu(c, counters);
    }

    @Nested
    class OffAndPassthrough {

        @Test
        void costNothingAnywhere() {
            for (IommuConfig c : new IommuConfig[] {IommuConfig.OFF, IommuConfig.translated().passthrough()}) {
                Iommu m = iommu(c);
                assertEquals(0, m.deviceAccess(7));
                assertEquals(0, m.map(512));
                assertEquals(0, m.unmap(512));
                assertEquals(0, m.invalidate(0, 512, 512, 0));
            }
            assertEquals(0, counters.get(Counter.IOTLB_MISSES) + counters.get(Counter.DMA_MAPS));
        }
    }

    @Nested
    class Iotlb {

        @Test
        void aWindowWithinTheReachMissesOnlyOnFirstTouch() {
            Iommu m = iommu(IommuConfig.translated());
            long total = 0;
            for (int pass = 0; pass < 3; pass++) {
                for (long p = 0; p < 64; p++) {
                    total += m.deviceAccess(p);
                }
            }
            assertEquals(64 * MISS, total);
            assertEquals(64, counters.get(Counter.IOTLB_MISSES));
            assertEquals(128, counters.get(Counter.IOTLB_HITS));
        }

        @Test
        void aCyclicWindowOnePageBeyondTheReachMissesEveryTime() {
            Iommu m = iommu(IommuConfig.translated());
            long total = 0;
            for (int pass = 0; pass < 3; pass++) {
                for (long p = 0; p < 65; p++) {
                    total += m.deviceAccess(p);
                }
            }
            assertEquals(3 * 65 * MISS, total, "least-recently-used: a cyclic sweep of 65 over 64 entries never hits");
        }

        @Test
        void aSuperpageCoversFiveHundredTwelvePages() {
            Iommu m = iommu(IommuConfig.translated().ioPageSize(Bytes.MiB(2)));
            long total = 0;
            for (long p = 0; p < 1024; p++) {
                total += m.deviceAccess(p);
            }
            assertEquals(2 * MISS, total);
        }

        @Test
        void noEntriesMeansEveryAccessWalks() {
            Iommu m = iommu(IommuConfig.translated().iotlbEntries(0));
            assertEquals(MISS, m.deviceAccess(1));
            assertEquals(MISS, m.deviceAccess(1));
        }
    }

    @Nested
    class Strict {

        @Test
        void everyUnmapCallInvalidatesAndDropsItsEntries() {
            Iommu m = iommu(IommuConfig.translated().strict());
            m.deviceAccess(10);
            m.deviceAccess(11);
            assertEquals(3 * MAP, m.map(3));
            assertEquals(3 * UNMAP, m.unmap(3));
            assertEquals(3 * INV, m.invalidate(10, 1, 3, 0));
            assertEquals(3, counters.get(Counter.IOTLB_INVALIDATIONS));
            assertEquals(MISS, m.deviceAccess(10), "its entry went with the invalidation");
            assertEquals(0, m.deviceAccess(11), "outside the unmapped span");
        }

        @Test
        void superpagesMakeOneCallPerTwoMiB() {
            Iommu m = iommu(IommuConfig.translated().strict().ioPageSize(Bytes.MiB(2)));
            assertEquals(MAP, m.map(512));
            assertEquals(UNMAP, m.unmap(512));
            assertEquals(INV, m.invalidate(0, 512, 512, 0));
        }
    }

    @Nested
    class Lazy {

        @Test
        void theUnmappingCpuFlushesOncePerFullQueue() {
            Iommu m = iommu(IommuConfig.translated());
            long cost = 0;
            for (int k = 0; k < 3 * IommuConfig.FLUSH_QUEUE_ENTRIES - 1; k++) {
                cost += m.invalidate(k, 1, 1, 0);
            }
            assertEquals(2 * INV, cost);
            assertEquals(2, counters.get(Counter.IOTLB_INVALIDATIONS));
        }

        @Test
        void staleEntriesStayUntilTheFlush() {
            Iommu m = iommu(IommuConfig.translated());
            m.deviceAccess(5);
            assertEquals(0, m.invalidate(5, 1, 1, 0));
            assertEquals(0, m.deviceAccess(5), "lazy: the unmapped page's translation is still cached");
        }

        @Test
        void aTimerFlushesAnOldQueueOffTheCallersTime() {
            Iommu m = iommu(IommuConfig.translated());
            m.deviceAccess(5);
            assertEquals(0, m.invalidate(5, 1, 1, 0));
            long later = IommuConfig.FLUSH_QUEUE_TIMEOUT.nanos();
            assertEquals(0, m.invalidate(6, 1, 1, later), "the timer's flush is not this CPU's wait");
            assertEquals(1, counters.get(Counter.IOTLB_INVALIDATIONS));
            assertEquals(MISS, m.deviceAccess(5), "the flush dropped every entry");
        }
    }
}
