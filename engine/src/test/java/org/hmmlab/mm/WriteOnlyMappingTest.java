package org.hmmlab.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * CPU loads from a PROT_WRITE-only mapping succeed on x86-64: mirrors access_error() in arch/x86/mm/fault.c, where a
 * read fault needs only vma_is_accessible() (VM_READ, VM_WRITE or VM_EXEC). Found by comparing the oracle's fuzz
 * transcripts with a real kernel.
 */
class WriteOnlyMappingTest {
    private static final long BASE = 0x1000_0000_0000L;

    @Test
    void aWriteOnlyAnonymousMappingReadsZeroesThenWhatWasStored() {
        Frames frames = Frames.create();
        frames.setInvariantChecking(true);
        MmStruct mm = MmStruct.create(frames);
        assertEquals(BASE, mm.mmap(BASE, 2 * Mman.PAGE_SIZE, Mman.PROT_WRITE,
                Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, null, 0));
        assertEquals(0, mm.readInt(BASE + Mman.PAGE_SIZE));
        mm.writeInt(BASE, 42);
        assertEquals(42, mm.readInt(BASE));
    }

    @Test
    void aProtNoneMappingStillRaisesSigsegvOnLoad() {
        Frames frames = Frames.create();
        MmStruct mm = MmStruct.create(frames);
        assertEquals(BASE, mm.mmap(BASE, Mman.PAGE_SIZE, Mman.PROT_NONE,
                Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, null, 0));
        MemoryAccessException e = assertThrows(MemoryAccessException.class, () -> mm.readInt(BASE));
        assertEquals(VmFault.SIGSEGV, e.vmFault());
    }

    @Test
    void makeDeviceExclusiveTakesAWriteOnlyArea() {
        // make_device_exclusive() pins through GUP with FOLL_WRITE; check_vma_flags() in mm/gup.c then asks for
        // VM_WRITE only, so a PROT_WRITE-only private mapping converts (the real kernel: EXCLUSIVE returns 0).
        Frames frames = Frames.create();
        frames.setInvariantChecking(true);
        MmStruct mm = MmStruct.create(frames);
        assertEquals(BASE, mm.mmap(BASE, Mman.PAGE_SIZE, Mman.PROT_WRITE,
                Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, null, 0));
        long pfn = mm.makeDeviceExclusive(BASE, this);
        assertEquals(false, Errno.isError(pfn), () -> "make_device_exclusive failed: " + Errno.name(pfn));
    }
}
