package org.hmmlab.driver.amd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;

import org.hmmlab.platform.SvmAttributes;
import org.hmmlab.platform.SvmAttributes.Location;
import org.junit.jupiter.api.Test;

/** How the driver makes, splits and removes SVM ranges, rule by rule as drivers/gpu/drm/amd/amdkfd/kfd_svm.c. */
class SvmRangeListTest {

    static final SvmAttributes GPU = SvmAttributes.DEFAULT.preferredLoc(Location.GPU);
    static final SvmAttributes SYS = SvmAttributes.DEFAULT.preferredLoc(Location.SYSMEM);

    static String layout(SvmRangeList l) {
        StringBuilder b = new StringBuilder();
        for (SvmRange r : l.all()) {
            b.append(r).append(r.attributes.preferredLoc().name().charAt(0)).append(' ');
        }
        return b.toString().strip();
    }

    @Test
    void svm_range_set_max_pages_isAThirtySecondOfVramClampedAndAPowerOfTwo() {
        assertEquals(1L << 18, SvmRangeList.maxSvmRangePages(64L << 30), "64 GiB / 32 = 2 GiB, clamped to 1 GiB");
        assertEquals(1L << 16, SvmRangeList.maxSvmRangePages(8L << 30), "8 GiB / 32 = 256 MiB");
        assertEquals(1L << 15, SvmRangeList.maxSvmRangePages(6L << 30), "6 GiB / 32 = 192 MiB, rounded down");
        assertEquals(512, SvmRangeList.maxSvmRangePages(16L << 20), "at least 2 MiB");
    }

    @Test
    void svm_range_create_unregistered_range_takesThe2MiBBlockClippedToTheVmaAndTheNeighbours() {
        SvmRangeList l = new SvmRangeList(1 << 18);
        SvmRange a = l.createUnregistered(1000, 700, 5000, 9);
        assertEquals("[700, 1023]", a.toString(), "ALIGN_DOWN(addr, 512) clipped to the VMA's start");
        SvmRange b = l.createUnregistered(1100, 700, 5000, 9);
        assertEquals("[1024, 1535]", b.toString());
        l.add(1600, 100, GPU, 9);
        SvmRange c = l.createUnregistered(1540, 700, 5000, 9);
        assertEquals("[1536, 1599]", c.toString(), "ends where the next range starts");
        assertSame(b, l.fromAddr(1535));
        assertNull(l.fromAddr(699));
    }

    @Test
    void svm_range_add_splitsTheOverlappedRangeAtTheNewEndsAndNeverMerges() {
        SvmRangeList l = new SvmRangeList(1 << 18);
        l.add(0, 1024, SYS, 9);
        l.add(256, 256, GPU, 9);
        // svm_range_split_head() and svm_range_split_tail(): the overlapped part takes the new attributes
        assertEquals("[0, 255]S [256, 511]G [512, 1023]S", layout(l));
        l.add(256, 256, SYS, 9);
        // the attributes are equal again, the ranges stay three: kfd_svm.c has no merge
        assertEquals("[0, 255]S [256, 511]S [512, 1023]S", layout(l));
    }

    @Test
    void svm_range_add_leavesAMappedRangeWithTheSameAttributesAlone() {
        SvmRangeList l = new SvmRangeList(1 << 18);
        SvmRange r = l.add(0, 1024, GPU, 9).get(0);
        r.mappedToGpu = true;
        List<SvmRange> again = l.add(100, 100, GPU, 9);
        assertEquals(List.of(r), again, "\"nothing to do\": not split");
        assertEquals("[0, 1023]G", layout(l));
    }

    @Test
    void svm_range_split_new_cutsNewRangesAtMultiplesOfMaxSvmRangePages() {
        SvmRangeList l = new SvmRangeList(512);
        l.add(100, 1200, GPU, 9);
        assertEquals("[100, 511]G [512, 1023]G [1024, 1299]G", layout(l));
    }

    @Test
    void svm_range_unmap_split_keepsTheHeadAndTheTail() {
        SvmRangeList l = new SvmRangeList(1 << 18);
        l.add(0, 1024, GPU, 9);
        l.unmap(300, 599);
        assertEquals("[0, 299]G [600, 1023]G", layout(l));
        l.unmap(0, 2000);
        assertEquals("", layout(l));
    }

    @Test
    void svm_range_restore_pages_migratesTheGranularityAlignedBlockClippedToTheRange() {
        SvmRange r = new SvmRange(100, 1299, GPU, 9, true);
        assertArrayEquals(new long[] {512, 1023}, r.granule(700));
        assertArrayEquals(new long[] {100, 511}, r.granule(101), "clipped to prange->start");
        assertArrayEquals(new long[] {1024, 1299}, r.granule(1299), "clipped to prange->last");
        assertArrayEquals(new long[] {704, 719}, new SvmRange(100, 1299, GPU, 4, true).granule(710), "64 KiB");
        assertArrayEquals(new long[] {100, 1299}, new SvmRange(100, 1299, GPU, 63, true).granule(710), "0x3F: all");
    }
}
