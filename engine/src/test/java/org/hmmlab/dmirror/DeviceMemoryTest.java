package org.hmmlab.dmirror;

import static org.hmmlab.mm.Mman.MAP_ANONYMOUS;
import static org.hmmlab.mm.Mman.MAP_PRIVATE;
import static org.hmmlab.mm.Mman.PAGE_SIZE;
import static org.hmmlab.mm.Mman.PROT_READ;
import static org.hmmlab.mm.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hmmlab.mm.Errno;
import org.hmmlab.mm.Frames;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.Pte;
import org.hmmlab.mm.devmem.MemoryType;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Device memory of the reference device: 256 MiB chunks, exhaustion ending in the kernel's partial result (the
 * pages that found no device page stay in system memory and M2D's read-back reports -ENOENT), RELEASE removing
 * every chunk. Mirrors dmirror_allocate_chunk() and dmirror_devmem_alloc_page() of lib/test_hmm.c.
 */
class DeviceMemoryTest {
    static final int CHUNK = DeviceMemory.CHUNK_PAGES;

    @ParameterizedTest(name = "{0}")
    @EnumSource(MemoryType.class)
    void exhaustedDeviceMemoryLeavesTheRestInSystemMemory(MemoryType type) {
        Frames frames = Frames.create(Bytes.MiB(512)); // RELEASE evicts a whole chunk (256 MiB) to RAM
        frames.setInvariantChecking(true);
        DmirrorDevice dev = DmirrorDevice.create(frames, type == MemoryType.DEVICE_PRIVATE ? 0 : 2, type);
        if (type == MemoryType.DEVICE_PRIVATE) {
            dev.memory().setMaxChunks(1); // a coherent device has exactly one chunk already
        }
        MmStruct mm = MmStruct.create(frames);
        Dmirror fd = dev.open(mm);
        int extra = 8;
        long npages = CHUNK + extra;
        long addr = mm.mmap(npages * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
        long last = addr + (npages - 1) * PAGE_SIZE;
        mm.writeInt(last, 77); // one system page past what the device can hold
        DmirrorCmd cmd = new DmirrorCmd(addr, new byte[(int) (npages * PAGE_SIZE)], npages);
        assertEquals(-Errno.ENOENT, fd.ioctl(Dmirror.HMM_DMIRROR_MIGRATE_TO_DEV, cmd),
                "pages that got no device page have no device entry, so the read-back fails");
        assertEquals(1, dev.memory().chunks());
        assertEquals(CHUNK, dev.memory().inUse(), "every device page of the chunk is used, none twice");
        long first = mm.entry(addr);
        assertTrue(type == MemoryType.DEVICE_PRIVATE ? Pte.isDevicePrivate(first)
                : Pte.isPresent(first) && frames.isDeviceCoherent(Pte.pfn(first)), Pte.describe(first));
        long e = mm.entry(last);
        assertTrue(Pte.isPresent(e) && frames.zone(Pte.pfn(e)) == Frames.ZONE_NORMAL, "stays: " + Pte.describe(e));
        assertEquals(77, mm.readInt(last));
        assertEquals(0, mm.readInt(addr), "a migrated hole reads as zeros (faulted back for private memory)");

        // RELEASE evicts and removes the chunk; the next migration creates a new one.
        DmirrorCmd rel = new DmirrorCmd(addr, new byte[0], 1);
        assertEquals(0, fd.ioctl(Dmirror.HMM_DMIRROR_RELEASE, rel));
        assertEquals(0, dev.memory().chunks());
        assertEquals(0, dev.memory().inUse());
        DmirrorCmd one = new DmirrorCmd(last, new byte[(int) PAGE_SIZE], 1);
        assertEquals(0, fd.ioctl(Dmirror.HMM_DMIRROR_MIGRATE_TO_DEV, one));
        assertEquals(1, one.cpages);
        assertEquals(77, one.ptr[0]);
        assertEquals(1, dev.memory().chunks());
        fd.close();
        mm.exit();
        assertEquals(0, dev.memory().inUse(), "close and exit give every device page back");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(MemoryType.class)
    void chunkLimitIsChecked(MemoryType type) {
        DmirrorDevice dev = DmirrorDevice.create(Frames.create(Bytes.MiB(16)), 0, type);
        assertThrows(IllegalArgumentException.class, () -> dev.memory().setMaxChunks(0));
        if (type == MemoryType.DEVICE_COHERENT) {
            assertThrows(IllegalArgumentException.class, () -> dev.memory().setMaxChunks(2));
        }
    }
}
