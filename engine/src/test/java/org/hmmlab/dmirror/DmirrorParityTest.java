package org.hmmlab.dmirror;

import static org.hmmlab.mm.Mman.MAP_ANONYMOUS;
import static org.hmmlab.mm.Mman.MAP_PRIVATE;
import static org.hmmlab.mm.Mman.PAGE_SIZE;
import static org.hmmlab.mm.Mman.PROT_READ;
import static org.hmmlab.mm.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hmmlab.mm.Frames;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.Pte;
import org.hmmlab.mm.devmem.MemoryType;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The reference driver against mainline lib/test_hmm.c; each test names the driver function it checks. */
class DmirrorParityTest {
    Frames frames;
    MmStruct mm;
    DmirrorDevice dev;
    Dmirror fd;

    void open(MemoryType type) {
        frames = Frames.create(Bytes.MiB(512));
        frames.setInvariantChecking(true);
        dev = DmirrorDevice.create(frames, type == MemoryType.DEVICE_PRIVATE ? 0 : 2, type);
        mm = MmStruct.create(frames);
        fd = dev.open(mm);
    }

    long onDevice(int value) {
        long a = mm.mmap(PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
        mm.writeInt(a, value);
        DmirrorCmd cmd = new DmirrorCmd(a, new byte[(int) PAGE_SIZE], 1);
        assertEquals(0, fd.ioctl(Dmirror.HMM_DMIRROR_MIGRATE_TO_DEV, cmd));
        assertEquals(1, cmd.cpages);
        return a;
    }

    void failNextAlloc() {
        assertEquals(0, fd.ioctl(Dmirror.HMM_DMIRROR_FLAGS,
                new DmirrorCmd(0x1000_0000L, new byte[0], Dmirror.HMM_DMIRROR_FLAG_FAIL_ALLOC)));
    }

    /**
     * dmirror_devmem_fault_alloc_and_copy() under HMM_DMIRROR_FLAG_FAIL_ALLOC for a small page: no system page, the
     * flag is consumed, and dmirror_migrate_to_system() (which ignores the result) leaves the page on the device.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(MemoryType.class)
    void failAllocKeepsASmallPageOnTheDeviceForMigrateToSystem(MemoryType type) {
        open(type);
        long a = onDevice(42);
        long onDev = mm.entry(a);
        failNextAlloc();
        DmirrorCmd back = new DmirrorCmd(a, new byte[(int) PAGE_SIZE], 1);
        assertEquals(0, fd.ioctl(Dmirror.HMM_DMIRROR_MIGRATE_TO_SYS, back));
        assertEquals(0, back.cpages, "nothing moved");
        assertEquals(onDev, mm.entry(a), "the page is still device memory");
        assertEquals(0, fd.flags(), "the flag is one-shot");
        assertEquals(0, fd.ioctl(Dmirror.HMM_DMIRROR_MIGRATE_TO_SYS, back));
        assertEquals(1, back.cpages, "the next attempt moves it");
        assertEquals(42, mm.readInt(a));
    }

    /**
     * dmirror_devmem_fault() under HMM_DMIRROR_FLAG_FAIL_ALLOC: VM_FAULT_OOM with the device page put back, and the
     * CPU access retried (pagefault_out_of_memory()), which then migrates the page.
     */
    @Test
    void failAllocMakesACpuFaultOnADevicePagePassThroughOomAndRetry() {
        open(MemoryType.DEVICE_PRIVATE);
        long a = onDevice(42);
        assertTrue(Pte.isDevicePrivate(mm.entry(a)));
        failNextAlloc();
        assertEquals(42, mm.readInt(a));
        assertEquals(0, fd.flags(), "the first migrate_to_ram consumed the flag");
        long e = mm.entry(a);
        assertTrue(Pte.isPresent(e) && frames.zone(Pte.pfn(e)) == Frames.ZONE_NORMAL, Pte.describe(e));
    }

    /**
     * dmirror_migrate_alloc_and_copy() and dmirror_migrate_finalize_and_map() (mainline lib/test_hmm.c): a migrated
     * hole or zero page has no MIGRATE_PFN_WRITE in src, so its device entry gets no DPT_XA_TAG_WRITE, and a device
     * write to it first takes a fault (dmirror_write() counts it); a page collected writable gets the tag.
     */
    @Test
    void migratedHolesAndZeroPagesGetNoWriteTag() {
        open(MemoryType.DEVICE_PRIVATE);
        long a = mm.mmap(3 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
        assertEquals(0, mm.readInt(a + PAGE_SIZE)); // the zero page
        mm.writeInt(a + 2 * PAGE_SIZE, 9); // a written page; a stays a hole
        DmirrorCmd cmd = new DmirrorCmd(a, new byte[(int) (3 * PAGE_SIZE)], 3);
        assertEquals(0, fd.ioctl(Dmirror.HMM_DMIRROR_MIGRATE_TO_DEV, cmd));
        assertEquals(3, cmd.cpages);
        assertEquals(false, fd.mirroredWritable(a), "hole");
        assertEquals(false, fd.mirroredWritable(a + PAGE_SIZE), "zero page");
        assertEquals(true, fd.mirroredWritable(a + 2 * PAGE_SIZE), "collected writable");
        DmirrorCmd w = new DmirrorCmd(a, new byte[(int) PAGE_SIZE], 1);
        w.ptr[0] = 5;
        assertEquals(0, fd.ioctl(Dmirror.HMM_DMIRROR_WRITE, w));
        assertEquals(1, w.faults, "the write found no write tag and faulted first");
        assertEquals(true, fd.mirroredWritable(a));
        DmirrorCmd w2 = new DmirrorCmd(a + 2 * PAGE_SIZE, new byte[(int) PAGE_SIZE], 1);
        assertEquals(0, fd.ioctl(Dmirror.HMM_DMIRROR_WRITE, w2));
        assertEquals(0, w2.faults);
    }
}
