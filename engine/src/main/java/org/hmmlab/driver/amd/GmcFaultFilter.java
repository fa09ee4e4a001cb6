package org.hmmlab.driver.amd;

import java.util.Arrays;

/**
 * The driver's filter of retry faults: the GPU keeps retrying an access that faults and each retry writes another
 * entry into the interrupt ring, so a fault on an address seen within the last {@code timeout} is dropped, and so is
 * every fault while the ring of recent faults is full of entries that young.
 *
 * <p>Mirrors amdgpu_gmc_filter_faults() and amdgpu_gmc_filter_faults_remove() (drivers/gpu/drm/amd/amdgpu/
 * amdgpu_gmc.c): a ring of AMDGPU_GMC_FAULT_RING_SIZE (256) recent faults keyed by address and PASID, with their IH
 * timestamps; a fault is filtered when its key is in the ring with a timestamp no older than
 * AMDGPU_GMC_FAULT_TIMEOUT, or when the ring slot it would take still holds a fault that young ("If we don't have
 * space left in the ring buffer return immediately"). A successful restore does not remove the key: a new fault on the
 * same page within the timeout is dropped, and the wave retries. The hash chains of the kernel's version only speed up
 * the look-up; here the ring is searched directly (one process, so the key is the page).
 */
final class GmcFaultFilter {

    private final long timeout;
    private final long[] key;
    private final long[] stamp;
    private int last;

    /** A filter of {@code ringEntries} recent faults that drops a repeat within {@code timeoutNanos}. */
    GmcFaultFilter(int ringEntries, long timeoutNanos) {
        this.timeout = timeoutNanos;
        this.key = new long[ringEntries];
        this.stamp = new long[ringEntries];
        Arrays.fill(key, -1);
        Arrays.fill(stamp, Long.MIN_VALUE);
    }

    /**
     * Whether the fault on {@code page} stamped {@code timestamp} (ns) is filtered; if not, it is recorded. Mirrors
     * amdgpu_gmc_filter_faults(): true means "filtered and should not be processed further".
     */
    boolean filter(long page, long timestamp) {
        long oldest = timestamp - timeout;
        if (stamp[last] >= oldest) {
            return true; // no space left in the ring: every slot holds a fault younger than the timeout
        }
        for (int i = 0; i < key.length; i++) {
            if (key[i] == page && stamp[i] >= oldest) {
                return true;
            }
        }
        key[last] = page;
        stamp[last] = timestamp;
        last = (last + 1) % key.length;
        return false;
    }

    /**
     * Forgets {@code page}, so that its next fault is handled. Mirrors amdgpu_gmc_filter_faults_remove(), which
     * svm_range_restore_pages() calls when it skips a range to recover later (svm_range_skip_recover(), -EAGAIN).
     */
    void remove(long page) {
        for (int i = 0; i < key.length; i++) {
            if (key[i] == page) {
                key[i] = -1;
            }
        }
    }
}
