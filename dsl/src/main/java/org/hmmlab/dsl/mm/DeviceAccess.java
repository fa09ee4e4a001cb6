package org.hmmlab.dsl.mm;

import org.hmmlab.mm.Errno;

/**
 * What a device access over a range returned: {@code gpu0 read(0x10000000, 4 pages) = 0, 4 pages, 1 fault round}.
 *
 * <p>Mirrors the outputs of dmirror's ioctls (struct hmm_dmirror_cmd: cpages, faults).
 *
 * @param call the access as written
 * @param rc 0 or {@code -errno}
 * @param pages pages the device accessed (cpages)
 * @param faultRounds hmm_range_fault() rounds the driver needed to map them (faults)
 */
public record DeviceAccess(String call, int rc, long pages, long faultRounds) {

    /** Whether it succeeded. */
    public boolean ok() {
        return rc == 0;
    }

    @Override
    public String toString() {
        return call + " = " + Errno.name(rc) + (rc == 0 && (pages != 0 || faultRounds != 0) ? ", " + pages + " pages, " + faultRounds
                + (faultRounds == 1 ? " fault round" : " fault rounds") : "");
    }
}
