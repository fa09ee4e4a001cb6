package org.hmmlab.dmirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hmmlab.mm.Frames;
import org.hmmlab.mm.Invariants;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.Mman;
import org.hmmlab.mm.Pte;
import org.hmmlab.mm.devmem.MemoryType;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.Test;

/**
 * RELEASE then migrate, over and over: the device's memory comes back at the frame numbers it gave back (the
 * kernel's request_free_mem_region() finds the released range again), so a long run keeps a fixed number of
 * segments instead of adding one per release (what the soak run showed growing).
 */
class ReleaseReusesDeviceRangeTest {

    @Test
    void aReleasedChunkIsReservedAgainAtTheSameFrames() {
        long p = Mman.PAGE_SIZE;
        Frames f = Frames.create(Bytes.MiB(64));
        DmirrorDevice dev = DmirrorDevice.create(f, 0, MemoryType.DEVICE_PRIVATE);
        MmStruct mm = MmStruct.create(f);
        Dmirror fd = dev.open(mm);
        long a = mm.mmap(16 * p, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
        long segment = -1;
        for (int round = 0; round < 20; round++) {
            mm.writeInt(a, round + 1);
            DmirrorCmd cmd = new DmirrorCmd(a, new byte[(int) (16 * p)], 16);
            assertEquals(0, fd.ioctl(Dmirror.HMM_DMIRROR_MIGRATE_TO_DEV, cmd));
            long e = mm.entry(a);
            assertTrue(Pte.isDevicePrivate(e), Pte.describe(e));
            long seg = Pte.pfn(e) >>> Frames.SEG_SHIFT;
            if (round == 0) {
                segment = seg;
            }
            assertEquals(segment, seg, "round " + round);
            assertEquals(0, fd.ioctl(Dmirror.HMM_DMIRROR_RELEASE, new DmirrorCmd(a, null, 1)));
            assertEquals(round + 1, mm.readInt(a), "the data came back to system memory");
            Invariants.check(f);
        }
    }
}
