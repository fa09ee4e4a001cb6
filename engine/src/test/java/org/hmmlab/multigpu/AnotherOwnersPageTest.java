package org.hmmlab.multigpu;

import static org.hmmlab.mm.Mman.MAP_ANONYMOUS;
import static org.hmmlab.mm.Mman.MAP_PRIVATE;
import static org.hmmlab.mm.Mman.PAGE_SIZE;
import static org.hmmlab.mm.Mman.PROT_READ;
import static org.hmmlab.mm.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hmmlab.dmirror.Dmirror;
import org.hmmlab.dmirror.DmirrorCmd;
import org.hmmlab.dmirror.DmirrorDevice;
import org.hmmlab.mm.Errno;
import org.hmmlab.mm.Frames;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.Pte;
import org.junit.jupiter.api.Test;

/**
 * What the core kernel does with a device-private page of another owner, on the functional core with the test
 * driver's two private devices (the {@code hmm2} fixture's vocabulary: two dmirror devices, two owners, one
 * process): the path {@link org.hmmlab.platform.GpuToGpu#THROUGH_SYSTEM_MEMORY} charges.
 */
class AnotherOwnersPageTest {

    static final int N = 16;

    @Test
    void migrate_vma_collect_pmd_skips_another_owners_page_and_hmm_vma_handle_pte_faults_it_home_first() {
        Frames frames = Frames.create();
        frames.setInvariantChecking(true);
        DmirrorDevice[] devices = DmirrorDevice.createAll(frames);
        MmStruct mm = MmStruct.create(frames);
        Dmirror gpu0 = devices[0].open(mm);
        Dmirror gpu1 = devices[1].open(mm);
        long addr = mm.mmap(N * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
        for (int i = 0; i < N; i++) {
            mm.writeInt(addr + i * PAGE_SIZE, 1000 + i);
        }
        DmirrorCmd toGpu0 = new DmirrorCmd(addr, new byte[N * (int) PAGE_SIZE], N);
        assertEquals(0, gpu0.ioctl(Dmirror.HMM_DMIRROR_MIGRATE_TO_DEV, toGpu0));
        assertEquals(N, toGpu0.cpages);
        long e0 = mm.entry(addr);
        assertTrue(Pte.isDevicePrivate(e0));
        Object owner0 = frames.pagemap(Pte.pfn(e0)).owner();

        // gpu1's migrate_vma selects system pages only, and gpu0's pages are not its own: nothing to collect
        DmirrorCmd direct = new DmirrorCmd(addr, new byte[N * (int) PAGE_SIZE], N);
        assertEquals(-Errno.ENOENT, gpu1.ioctl(Dmirror.HMM_DMIRROR_MIGRATE_TO_DEV, direct));
        assertTrue(Pte.isDevicePrivate(mm.entry(addr)), "still on gpu0");

        // gpu1's hmm_range_fault() faults another owner's page back through gpu0's migrate_to_ram
        DmirrorCmd read = new DmirrorCmd(addr, new byte[N * (int) PAGE_SIZE], N);
        assertEquals(0, gpu1.ioctl(Dmirror.HMM_DMIRROR_READ, read));
        for (int i = 0; i < N; i++) {
            long e = mm.entry(addr + i * PAGE_SIZE);
            assertTrue(Pte.isPresent(e), "page " + i + " is back in system memory");
            assertFalse(Pte.isDevicePrivate(e));
        }

        // and only then can gpu1 migrate it: two copies where a peer copy would be one
        DmirrorCmd toGpu1 = new DmirrorCmd(addr, new byte[N * (int) PAGE_SIZE], N);
        assertEquals(0, gpu1.ioctl(Dmirror.HMM_DMIRROR_MIGRATE_TO_DEV, toGpu1));
        assertEquals(N, toGpu1.cpages);
        long e1 = mm.entry(addr);
        assertTrue(Pte.isDevicePrivate(e1));
        assertNotSame(owner0, frames.pagemap(Pte.pfn(e1)).owner());
        for (int i = 0; i < N; i++) {
            assertEquals(1000 + i, mm.readInt(addr + i * PAGE_SIZE), "data intact after both moves");
        }
        gpu0.close();
        gpu1.close();
        frames.checkpoint();
    }
}
