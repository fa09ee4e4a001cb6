package org.hmmlab.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hmmlab.dmirror.Dmirror;
import org.hmmlab.dmirror.DmirrorCmd;
import org.hmmlab.dmirror.DmirrorDevice;
import org.junit.jupiter.api.Test;

/**
 * A zap over part of a huge PMD splits it with its own invalidation of the whole 2 MiB: mirrors __split_huge_pmd() in
 * mm/huge_memory.c, called from zap_pmd_range() in mm/memory.c (MMU_NOTIFY_CLEAR over address & HPAGE_PMD_MASK,
 * + HPAGE_PMD_SIZE). Found by the real-kernel oracle (./hmmlab oracle fuzz).
 */
class ZapSplitNotifyTest {
    private static final long BASE = 0x1000_0000_0000L;


    @Test
    void dontneedOverPartOfAHugeZeroPageDropsTheMirrorOfTheWholePmd() {
        Frames frames = Frames.create();
        frames.setInvariantChecking(true);
        DmirrorDevice[] dev = DmirrorDevice.createAll(frames);
        MmStruct mm = MmStruct.create(frames);
        Dmirror d = dev[2].open(mm);
        long len = 2 * Mman.PMD_SIZE;
        assertEquals(BASE, mm.mmap(BASE, len, Mman.PROT_READ | Mman.PROT_WRITE,
                Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, null, 0));
        assertEquals(0, mm.madvise(BASE, len, Mman.MADV_HUGEPAGE));
        // A device read of the untouched area maps the huge zero page into the mirror.
        byte[] buf = new byte[(int) Mman.PMD_SIZE];
        assertEquals(0, d.ioctl(Dmirror.HMM_DMIRROR_READ, new DmirrorCmd(BASE, buf, Mman.PMD_NR)));
        assertTrue(d.mirroredPfn(BASE) >= 0);
        // MADV_DONTNEED of pages 100..109 splits the huge zero PMD: page 0 becomes the 4 KiB zero page.
        assertEquals(0, mm.madvise(BASE + 100 * Mman.PAGE_SIZE, 10 * Mman.PAGE_SIZE, Mman.MADV_DONTNEED));
        assertEquals(-1, d.mirroredPfn(BASE), "the split's CLEAR covers page 0, outside the zapped range");
        frames.checkpoint();
    }

    @Test
    void dontneedOverPartOfATransparentHugePageDropsTheMirrorOfTheWholePmd() {
        Frames frames = Frames.create();
        frames.setInvariantChecking(true);
        DmirrorDevice[] dev = DmirrorDevice.createAll(frames);
        MmStruct mm = MmStruct.create(frames);
        Dmirror d = dev[0].open(mm);
        long len = 2 * Mman.PMD_SIZE;
        assertEquals(BASE, mm.mmap(BASE, len, Mman.PROT_READ | Mman.PROT_WRITE,
                Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, null, 0));
        assertEquals(0, mm.madvise(BASE, len, Mman.MADV_HUGEPAGE));
        mm.writeInt(BASE, 7);
        byte[] buf = new byte[(int) Mman.PAGE_SIZE];
        DmirrorCmd cmd = new DmirrorCmd(BASE + Mman.PAGE_SIZE, buf, 1);
        assertEquals(0, d.ioctl(Dmirror.HMM_DMIRROR_READ, cmd));
        assertTrue(d.mirroredPfn(BASE + Mman.PAGE_SIZE) >= 0);
        assertEquals(0, mm.madvise(BASE + 100 * Mman.PAGE_SIZE, 10 * Mman.PAGE_SIZE, Mman.MADV_DONTNEED));
        assertEquals(-1, d.mirroredPfn(BASE + Mman.PAGE_SIZE));
        // The device reads page 1 again: one more fault round, as the real kernel reports.
        DmirrorCmd again = new DmirrorCmd(BASE + Mman.PAGE_SIZE, buf, 1);
        assertEquals(0, d.ioctl(Dmirror.HMM_DMIRROR_READ, again));
        assertEquals(1, again.faults);
        assertEquals(7, mm.readInt(BASE));
    }
}
