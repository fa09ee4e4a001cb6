package org.hmmlab.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The prefetchers' exact prefetch sets for given fault and residency sets (uvm_perf_prefetch.c). */
class PrefetcherTest {

    static long[] mask(int from, int to) {
        long[] m = PageMask.create();
        PageMask.setRange(m, from, to);
        return m;
    }

    static List<Integer> pages(long[] m) {
        List<Integer> out = new ArrayList<>();
        for (int p = 0; p < Pages.PAGES_PER_BLOCK; p++) {
            if (PageMask.test(m, p)) {
                out.add(p);
            }
        }
        return out;
    }

    static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int p = from; p < to; p++) {
            out.add(p);
        }
        return out;
    }

    static List<Integer> prefetch(Prefetcher p, long[] resident, long[] faulted) {
        long[] out = mask(0, 512); // the callee must clear it
        p.prefetch(7, resident, faulted, out);
        return pages(out);
    }

    @Nested
    class Density {
        @Test
        void aLoneFaultGrowsToItsBigPage() {
            // Tree occupancy is the faulted 64 KiB big page [0,16): 16/16 qualifies, 16/32 = 50% does not exceed 51%.
            assertEquals(range(1, 16), prefetch(new DensityPrefetcher(), mask(0, 0), mask(0, 1)));
        }

        @Test
        void withoutBigPageGrowthALoneFaultPrefetchesNothing() {
            // The leaf qualifies (1/1) but no larger subtree: 1/2 = 50% is not > 51%.
            DensityPrefetcher p = new DensityPrefetcher(51, 1, Bytes.PAGE, SimDuration.ZERO);
            assertEquals(List.of(), prefetch(p, mask(0, 0), mask(0, 1)));
        }

        @Test
        void pastHalfResidentTheWholeBlockComes() {
            // Resident [0,256) + faulted big page [256,272) = 272/512 = 53% > 51%: the root qualifies.
            assertEquals(range(257, 512), prefetch(new DensityPrefetcher(), mask(0, 256), mask(256, 257)));
        }

        @Test
        void justBelowTheThresholdOnlyTheBigPageComes() {
            // Resident [0,240) + big page [256,272) = 256/512 = 50%: the root does not qualify, [256,512) has 16/256.
            assertEquals(range(257, 272), prefetch(new DensityPrefetcher(), mask(0, 240), mask(256, 257)));
        }

        @Test
        void theLargestQualifyingSubtreeWinsEvenAboveFailingOnes() {
            // Page 0 faults, [32,128) resident, no growth: [0,2)..[0,32) fail (1 of n), [0,64) has 33/64 = 51.6%,
            // [0,128) has 97/128 = 76%, [0,256) 97/256 fails: the region is [0,128), minus resident and faulted.
            DensityPrefetcher p = new DensityPrefetcher(51, 1, Bytes.PAGE, SimDuration.ZERO);
            assertEquals(range(1, 32), prefetch(p, mask(32, 128), mask(0, 1)));
        }

        @Test
        void thresholdIsStrict() {
            // Exactly half the block occupied: 256*100 > 512*50 is false, so at 50% only the faulted half itself
            // qualifies (nothing left to prefetch); at 49% the root qualifies. At 100% nothing can exceed it.
            assertEquals(List.of(), prefetch(new DensityPrefetcher(50), mask(0, 0), mask(0, 256)));
            assertEquals(range(256, 512), prefetch(new DensityPrefetcher(49), mask(0, 0), mask(0, 256)));
            assertEquals(List.of(), prefetch(new DensityPrefetcher(100), mask(0, 0), mask(0, 1)));
        }

        @Test
        void minFaultsDefersPrefetchUntilTheBlockHasSeenEnoughFaults() {
            DensityPrefetcher p = new DensityPrefetcher(51, 2, Pages.BIG_PAGE, SimDuration.ZERO);
            assertEquals(List.of(), prefetch(p, mask(0, 0), mask(0, 1)));
            // Second fault: occupancy {0} + big page [16,32) = 17 of [0,32), 53%: that subtree comes.
            List<Integer> expected = range(1, 32);
            expected.remove(Integer.valueOf(16));
            assertEquals(expected, prefetch(p, mask(0, 1), mask(16, 17)));
        }

        @Test
        void parametersAreValidated() {
            assertMessage("prefetch threshold (percent) must be in [1, 100], got 0", () -> new DensityPrefetcher(0));
            assertMessage("prefetch minFaults must be in [1, 20], got 21",
                    () -> new DensityPrefetcher(51, 21, Pages.BIG_PAGE, SimDuration.ZERO));
            assertMessage("prefetch big page must be a power of two from 4 KiB to 2 MiB",
                    () -> new DensityPrefetcher(51, 1, Bytes.KiB(48), SimDuration.ZERO));
        }
    }

    @Test
    void neighbourhoodPrefetchesTheAlignedRegionOfEachFault() {
        long[] faulted = mask(5, 6);
        PageMask.set(faulted, 40);
        List<Integer> expected = range(0, 16);
        expected.remove(Integer.valueOf(5));
        expected.addAll(range(32, 48));
        expected.remove(Integer.valueOf(40));
        expected.removeAll(range(34, 36));
        assertEquals(expected, prefetch(new NeighbourhoodPrefetcher(Bytes.KiB(64)), mask(34, 36), faulted));
    }

    @Test
    void noneClearsTheOutput() {
        assertEquals(List.of(), prefetch(Prefetcher.NONE, mask(0, 0), mask(0, 1)));
    }

    static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }
}
