package org.hmmlab.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine side of the oracle's transcript: the same lines hmmfuzz.c prints for the real kernel. */
class EngineInterpreterTest {

    private static String fnv(byte[] b) {
        return String.format("%08x", EngineInterpreter.fnv1a(b, b.length));
    }

    @Test
    void loadsFromAnUnmappedSlotAndStoresToAReadOnlyAreaRaiseSigsegv() {
        // bad_area() and access_error() in arch/x86/mm/fault.c: no vma, or a store to a vma without VM_WRITE.
        List<String> t = EngineInterpreter.run(List.of("read 3 0", "mmap 1 2 anon 1", "write 1 0 0 7", "read 1 1"));
        assertEquals(List.of("1 read 3 0 => SIGSEGV", "2 mmap 1 2 anon 1 => ok", "3 write 1 0 0 7 => SIGSEGV",
                "4 read 1 1 => ok " + fnv(new byte[4096]), "END 4"), t);
    }

    @Test
    void aPrivateFileMappingReadsTheFileContent() {
        // filemap_fault() in mm/filemap.c: the page cache holds what was written to the file.
        byte[] page1 = new byte[4096];
        for (int o = 0; o < page1.length; o++) {
            page1[o] = (byte) ((4096 + o) * 7 + 2 * 13 + 1);
        }
        List<String> t = EngineInterpreter.run(List.of("mmap 2 3 file 1", "read 2 1"));
        assertEquals("2 read 2 1 => ok " + fnv(page1), t.get(1));
    }

    @Test
    void aDeviceWriteIsWhatTheCpuThenReadsAndSnapshotsShowTheMirror() {
        // dmirror_write() in lib/test_hmm.c copies the user buffer into the faulted-in pages; dmirror_snapshot()
        // reports a writable system page as HMM_DMIRROR_PROT_WRITE and a hole as HMM_DMIRROR_PROT_NONE.
        byte[] data = new byte[4096];
        for (int j = 0; j < data.length; j++) {
            data[j] = (byte) (5 + j * 7);
        }
        List<String> t = EngineInterpreter.run(List.of("mmap 0 4 anon 3", "dev 0 write 0 0 1 5", "read 0 0",
                "dev 0 snapshot 0 0 3 0"));
        assertEquals("2 dev 0 write 0 0 1 5 => ok cpages=1 faults=1", t.get(1));
        assertEquals("3 read 0 0 => ok " + fnv(data), t.get(2));
        assertEquals("4 dev 0 snapshot 0 0 3 0 => ok cpages=3 faults=0 snap=02*1,00*2", t.get(3));
    }

    @Test
    void aForkedChildSeesTheParentsDataAndItsOwnStoresStayPrivate() {
        // copy_page_range() in mm/memory.c shares the pages copy-on-write; wp_page_copy() gives the child its own.
        List<String> t = EngineInterpreter.run(List.of("mmap 0 1 anon 3", "write 0 0 0 9",
                "fork read 0 0 ; write 0 0 0 10", "read 0 0"));
        assertEquals(t.get(2).substring(t.get(2).indexOf("=>")), t.get(5).substring(t.get(5).indexOf("=>")));
        assertEquals("3 fork => exit=0", t.get(4));
    }

    @Test
    void aDeviceReadOverPagesMovedInADeviceThpCrashes612WhateverTheEngineMovedBack() {
        // 6.12 splits the THP in migrate_vma_collect_pmd() and its dmirror_devmem_fault() moves one page back; the
        // engine (mainline) moves the whole 2 MiB folio both ways. A child's read brings the engine's folio home, but
        // 6.12 still has 511 device pages there, and dmirror_do_fault() + dmirror_do_read() (lib/test_hmm.c) would
        // copy through one of them: the script counts as crashing the 6.12 driver.
        List<String> script = List.of("mmap 5 1024 huge 3", "write 5 51 740 36545366", "dev 1 migrate_to_dev 5 0 1024 0",
                "fork read 5 194", "dev 1 read 5 140 21 0");
        assertEquals(true, EngineInterpreter.crashesDriver612(script));
        // Unmapped and mapped again, the pages are gone in both kernels.
        List<String> remapped = List.of("mmap 5 1024 huge 3", "write 5 51 740 36545366",
                "dev 1 migrate_to_dev 5 0 1024 0", "fork read 5 194", "munmap 5 0 1024", "mmap 5 1024 huge 3",
                "dev 1 read 5 140 21 0");
        assertEquals(false, EngineInterpreter.crashesDriver612(remapped));
    }
}
