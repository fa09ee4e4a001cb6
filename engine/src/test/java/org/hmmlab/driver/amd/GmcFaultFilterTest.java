package org.hmmlab.driver.amd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The retry-fault filter, rule by rule as amdgpu_gmc_filter_faults() (drivers/gpu/drm/amd/amdgpu/amdgpu_gmc.c). */
class GmcFaultFilterTest {

    /** AMDGPU_GMC_FAULT_TIMEOUT as the AMD profiles take it: 5000 IH ticks at 100 MHz. */
    static final long TIMEOUT = 50_000;

    @Test
    void amdgpu_gmc_filter_faults_dropsARepeatWithinTheTimeout() {
        GmcFaultFilter f = new GmcFaultFilter(256, TIMEOUT);
        assertFalse(f.filter(7, 1_000), "a first fault is handled");
        assertTrue(f.filter(7, 1_000 + TIMEOUT), "the same address within the timeout is a retry: dropped");
        assertFalse(f.filter(8, 2_000), "another address is a fault of its own");
        assertFalse(f.filter(7, 1_001 + TIMEOUT), "past the timeout the address is handled again");
    }

    @Test
    void amdgpu_gmc_filter_faults_dropsEveryFaultWhileTheRingIsFullOfYoungFaults() {
        GmcFaultFilter f = new GmcFaultFilter(256, TIMEOUT);
        for (int p = 0; p < 256; p++) {
            assertFalse(f.filter(p, 10 + p));
        }
        // "If we don't have space left in the ring buffer return immediately"
        assertTrue(f.filter(1000, 300), "the slot it would take holds a fault younger than the timeout");
        assertFalse(f.filter(1000, 11 + TIMEOUT), "once the oldest entry has aged out, the ring takes faults again");
    }

    @Test
    void amdgpu_gmc_filter_faults_remove_letsTheNextFaultOnTheAddressThrough() {
        GmcFaultFilter f = new GmcFaultFilter(256, TIMEOUT);
        assertFalse(f.filter(42, 0));
        f.remove(42);
        assertFalse(f.filter(42, 10), "svm_range_restore_pages() removed it to recover later: handled");
        assertTrue(f.filter(42, 20));
    }
}
