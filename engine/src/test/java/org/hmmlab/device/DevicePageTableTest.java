package org.hmmlab.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hmmlab.metrics.ResidencySeries;
import org.hmmlab.policy.Location;
import org.hmmlab.policy.MigrationCause;
import org.hmmlab.units.SimDuration;
import org.junit.jupiter.api.Test;

/**
 * The device page table's one way for a page to leave device memory, {@link DevicePageTable#release}: the resident
 * count and the residency codes move together, as the resident mask and the chunk accounting of a VA block do in
 * nvidia-uvm (uvm_va_block.c, uvm_pmm_gpu.c).
 */
class DevicePageTableTest {

    static final long FIRST = 0x10000;

    private final ResidencySeries series = new ResidencySeries(SimDuration.us(1));
    private final DevicePageTable pt = new DevicePageTable(8, series);

    DevicePageTableTest() {
        pt.attach(FIRST, 16);
    }

    @Test
    void aResidentPageReleasedToTheHostFreesItsDevicePage() {
        pt.admit(FIRST, DevicePageTable.R_GPU);
        pt.setPte(pt.idx(FIRST), (byte) (DevicePageTable.VALID | DevicePageTable.LOCAL));
        pt.setLanding(pt.idx(FIRST), pt.nextLandingId());
        assertEquals(1, pt.residentPages());
        assertTrue(pt.release(FIRST, MigrationCause.EVICTION));
        assertEquals(0, pt.residentPages());
        assertEquals(8, pt.freePages());
        assertEquals(Location.HOST, pt.residency(FIRST));
        assertEquals(0, pt.pte(pt.idx(FIRST)), "no device translation survives");
        assertEquals(0, pt.landing(pt.idx(FIRST)), "a pending mapping is never applied");
    }

    @Test
    void anUnmapLeavesThePageUnpopulated() {
        pt.admit(FIRST + 1, DevicePageTable.R_DUP);
        assertTrue(pt.release(FIRST + 1, MigrationCause.UNMAP));
        assertEquals(Location.UNPOPULATED, pt.residency(FIRST + 1));
        assertEquals(0, pt.residentPages());
    }

    @Test
    void releasingAPageTheDeviceDoesNotHoldChangesNoCount() {
        pt.setResid(pt.idx(FIRST + 2), DevicePageTable.R_HOST);
        pt.admit(FIRST + 3, DevicePageTable.R_GPU);
        assertFalse(pt.release(FIRST + 2, MigrationCause.UNMAP));
        assertEquals(1, pt.residentPages());
    }

    @Test
    void aDuplicateCollapsingIntoTheOnlyCopyKeepsItsOneDevicePage() {
        pt.admit(FIRST + 4, DevicePageTable.R_DUP);
        pt.admit(FIRST + 4, DevicePageTable.R_GPU);
        assertEquals(1, pt.residentPages());
        assertEquals(0, pt.residency(FIRST + 4), "GPU 0");
    }

    @Test
    void theResidencySeriesSeesTheCountWhenTheChangeIsRecorded() {
        pt.admit(FIRST, DevicePageTable.R_GPU);
        pt.admit(FIRST + 1, DevicePageTable.R_GPU);
        pt.recordResidency(1_500);
        pt.release(FIRST, MigrationCause.HOST_FAULT);
        pt.recordResidency(2_500);
        assertEquals(2, series.pages(1));
        assertEquals(1, series.pages(2));
    }

    @Test
    void attachingBelowTheSpaceKeepsEveryPagesState() {
        pt.admit(FIRST + 5, DevicePageTable.R_GPU);
        pt.setThrottleUntil(pt.idx(FIRST + 5), 77);
        pt.attach(FIRST - 1024, 16); // a 4 MiB lower allocation: the arrays shift
        assertEquals(0, pt.residency(FIRST + 5));
        assertEquals(77, pt.throttleUntil(pt.idx(FIRST + 5)));
        long[] b = new long[2];
        assertTrue(pt.allocBounds(FIRST - 1020, b));
        assertEquals(FIRST - 1024, b[0]);
        pt.detach(FIRST - 1024, 16);
        assertFalse(pt.allocBounds(FIRST - 1020, b), "an unmapped allocation is no longer mirrored");
    }
}
