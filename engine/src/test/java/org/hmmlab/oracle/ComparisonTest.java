package org.hmmlab.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The fuzzer's verdict on one script's transcripts: agreement, divergence, kernel nondeterminism, known differences. */
class ComparisonTest {
    private static final List<String> KERNEL = List.of("1 mmap 0 4 anon 3 => ok", "2 read 0 1 => ok 00000001",
            "3.1 c read 0 1 => ok 00000001", "3 fork => exit=0", "4 read 0 9 => SIGSEGV", "END 4");

    @Test
    void identicalTranscriptsCompareEveryOperation() {
        Comparison c = Comparison.of(KERNEL, KERNEL, KERNEL);
        assertFalse(c.diverged());
        assertEquals(5, c.compared);
        assertEquals(0, c.nondeterministic);
    }

    @Test
    void firstDifferenceIsTheDivergenceAndComparisonStopsThere() {
        List<String> engine = List.of("1 mmap 0 4 anon 3 => ok", "2 read 0 1 => SIGSEGV", "3.1 c read 0 1 => ok x",
                "3 fork => exit=0", "4 read 0 9 => ok 0", "END 4");
        Comparison c = Comparison.of(KERNEL, KERNEL, engine);
        assertTrue(c.diverged());
        assertEquals(1, c.divergenceAt);
        assertEquals("2 read 0 1 => SIGSEGV", c.divergenceEngine);
        assertEquals(1, c.compared);
        assertEquals(4, c.notCompared);
    }

    @Test
    void aLineTheKernelDisagreesWithItselfOnIsNondeterministicNotADivergence() {
        List<String> kernel2 = List.of("1 mmap 0 4 anon 3 => ok", "2 read 0 1 => ok 00000002",
                "3.1 c read 0 1 => ok 00000001", "3 fork => exit=0", "4 read 0 9 => SIGSEGV", "END 4");
        List<String> engine = List.of("1 mmap 0 4 anon 3 => ok", "2 read 0 1 => ok 00000003", "END 1");
        Comparison c = Comparison.of(KERNEL, kernel2, engine);
        assertFalse(c.diverged());
        assertEquals(1, c.nondeterministic);
        assertEquals(1, c.compared);
    }

    @Test
    void anEngineTranscriptCutShortDivergesAtTheMissingLine() {
        List<String> engine = List.of("1 mmap 0 4 anon 3 => ok", "2 read 0 1 => engine-exception X: boom");
        Comparison c = Comparison.of(KERNEL, KERNEL, engine);
        assertTrue(c.diverged());
        assertEquals(1, c.divergenceAt);
    }

    @Test
    void aKernelTranscriptWithoutItsEndLineIsAGuestErrorNeverAPass() {
        Comparison c = Comparison.of(KERNEL.subList(0, 3), KERNEL.subList(0, 3), KERNEL);
        assertNotNull(c.guestError);
        assertEquals(0, c.compared);
    }

    @Test
    void theFlagsIoctlMissingFrom612IsAKnownStatelessDifference() {
        List<String> kernel = List.of("1 dev 0 flags 0 0 1 0 => err EINVAL", "2 read 0 0 => SIGSEGV", "END 2");
        List<String> engine = List.of("1 dev 0 flags 0 0 1 0 => ok cpages=0 faults=0", "2 read 0 0 => SIGSEGV",
                "END 2");
        Comparison c = Comparison.of(kernel, kernel, engine);
        assertFalse(c.diverged());
        assertEquals(List.of("#2 HMM_DMIRROR_FLAGS"), c.knownHits);
        assertEquals(1, c.compared);
    }

    @Test
    void aSnapshotDifferingOnlyInThePmdBitOverAHugeAreaIsTheThpMigrationDifferenceAndStopsComparison() {
        List<String> kernel = List.of("1 mmap 0 1024 huge 3 => ok", "2 dev 0 snapshot 0 0 4 0 => ok cpages=4 faults=0"
                + " snap=22*4", "3 read 0 0 => ok 1", "END 3");
        List<String> engine = List.of("1 mmap 0 1024 huge 3 => ok", "2 dev 0 snapshot 0 0 4 0 => ok cpages=4 faults=0"
                + " snap=26*4", "3 read 0 0 => ok 2", "END 3");
        Comparison c = Comparison.of(kernel, kernel, engine);
        assertFalse(c.diverged());
        assertEquals(List.of("#4 device-private THP migration"), c.knownHits);
        assertEquals(2, c.notCompared);
    }

    @Test
    void theSameSnapshotDifferenceOverAnOrdinaryAreaIsADivergence() {
        List<String> kernel = List.of("1 mmap 0 8 anon 3 => ok", "2 dev 0 snapshot 0 0 4 0 => ok cpages=4 faults=0"
                + " snap=22*4", "END 2");
        List<String> engine = List.of("1 mmap 0 8 anon 3 => ok", "2 dev 0 snapshot 0 0 4 0 => ok cpages=4 faults=0"
                + " snap=26*4", "END 2");
        assertTrue(Comparison.of(kernel, kernel, engine).diverged());
    }

    @Test
    void anotherOwnersDevicePmdReadAsAnErrorWhere612SeesEmptyEntriesIsTheThpMigrationDifference() {
        // mainline: hmm_vma_handle_absent_pmd() fills HMM_PFN_ERROR for a device-private PMD of another owner when no
        // fault is asked; 6.12 split the THP, and hmm_vma_handle_pte() gives 0 for each such PTE.
        List<String> kernel = List.of("1 mmap 0 1024 huge 3 => ok", "2 dev 2 snapshot 0 510 4 0 => ok cpages=4"
                + " faults=0 snap=02*2,00*2", "END 2");
        List<String> engine = List.of("1 mmap 0 1024 huge 3 => ok", "2 dev 2 snapshot 0 510 4 0 => ok cpages=4"
                + " faults=0 snap=02*2,ff*2", "END 2");
        Comparison c = Comparison.of(kernel, kernel, engine);
        assertFalse(c.diverged());
        assertEquals(List.of("#4 device-private THP migration"), c.knownHits);
    }

    @Test
    void anErrorTheKernelDoesNotReportAsEmptyStaysADivergence() {
        List<String> kernel = List.of("1 mmap 0 1024 huge 3 => ok", "2 dev 2 snapshot 0 0 2 0 => ok cpages=2"
                + " faults=0 snap=02*2", "END 2");
        List<String> engine = List.of("1 mmap 0 1024 huge 3 => ok", "2 dev 2 snapshot 0 0 2 0 => ok cpages=2"
                + " faults=0 snap=ff*2", "END 2");
        assertTrue(Comparison.of(kernel, kernel, engine).diverged());
    }

    @Test
    void a612MigrateRefusingAPteMappedThpIsVersionDifference9AndStopsComparison() {
        // 6.12 migrate_vma_check_page() refuses a large folio; mainline's migrate_vma_collect_pmd() splits it.
        List<String> kernel = List.of("1 mmap 1 1024 huge 3 => ok", "2 dev 1 migrate_to_dev 1 1023 1 0 => err ENOENT",
                "3 read 1 1023 => ok 1", "END 3");
        List<String> engine = List.of("1 mmap 1 1024 huge 3 => ok",
                "2 dev 1 migrate_to_dev 1 1023 1 0 => ok cpages=1 faults=0", "3 read 1 1023 => ok 1", "END 3");
        Comparison c = Comparison.of(kernel, kernel, engine);
        assertFalse(c.diverged());
        assertEquals(List.of("#9 PTE-mapped large folio in migrate_vma"), c.knownHits);
        assertEquals(2, c.notCompared);
        // the same over an ordinary area is a divergence
        List<String> k2 = List.of("1 mmap 1 8 anon 3 => ok", "2 dev 1 migrate_to_dev 1 3 1 0 => err ENOENT", "END 2");
        List<String> e2 = List.of("1 mmap 1 8 anon 3 => ok", "2 dev 1 migrate_to_dev 1 3 1 0 => ok cpages=1 faults=0",
                "END 2");
        assertTrue(Comparison.of(k2, k2, e2).diverged());
    }

    @Test
    void anyDifferenceOnAnOperationOverPagesMovedInADeviceFolioIsVersionDifference4() {
        List<String> script = List.of("mmap 5 1024 huge 3", "write 5 51 740 36545366",
                "dev 1 migrate_to_dev 5 0 1024 0", "fork read 5 194", "dev 1 migrate_to_sys 5 68 48 0");
        EngineInterpreter.Transcript t = EngineInterpreter.runTracked(script);
        assertEquals("#4", t.partedOps().get("5 dev 1 migrate_to_sys 5 68 48 0"), t.partedOps().toString());
        List<String> kernel = new java.util.ArrayList<>(t.lines());
        int i = kernel.size() - 2;
        kernel.set(i, Comparison.key(kernel.get(i)) + " => ok cpages=47 faults=0");
        Comparison c = Comparison.of(kernel, kernel, t);
        assertFalse(c.diverged());
        assertEquals(List.of("#4 device-private THP migration"), c.knownHits);
    }

    @Test
    void aMigrateToSysOverASystemThpPartsItsPagesFrom612AsDifference10() {
        // 6.12 migrate_vma_collect_pmd() splits the THP; mainline migrate_vma_collect_huge_pmd() skips it.
        List<String> script = List.of("mmap 3 1024 huge 3", "write 3 755 2916 552009110",
                "dev 3 migrate_to_sys 3 512 512 0", "dev 3 snapshot 3 924 26 0");
        EngineInterpreter.Transcript t = EngineInterpreter.runTracked(script);
        assertEquals("#10", t.partedOps().get("4 dev 3 snapshot 3 924 26 0"), t.partedOps().toString());
        List<String> kernel = new java.util.ArrayList<>(t.lines());
        kernel.set(3, "4 dev 3 snapshot 3 924 26 0 => ok cpages=26 faults=0 snap=11*26");
        Comparison c = Comparison.of(kernel, kernel, t);
        assertFalse(c.diverged());
        assertEquals(List.of("#10 THP split by a migration that does not select it"), c.knownHits);
    }

    @Test
    void aTableThatMadvDontneedFreedPartsItsPagesFrom612AsDifference11() {
        // mainline's PT_RECLAIM frees the emptied table; 6.12 keeps it and maps a small zero page later.
        List<String> script = List.of("mmap 5 1024 anon 3", "write 5 700 0 1", "madvise 5 0 1024 hugepage",
                "madvise 5 512 512 dontneed", "read 5 900", "dev 3 snapshot 5 512 512 0");
        EngineInterpreter.Transcript t = EngineInterpreter.runTracked(script);
        assertEquals("#11", t.partedOps().get("6 dev 3 snapshot 5 512 512 0"), t.partedOps().toString());
        List<String> kernel = new java.util.ArrayList<>(t.lines());
        kernel.set(5, "6 dev 3 snapshot 5 512 512 0 => ok cpages=512 faults=0 snap=00*388,11*1,00*123");
        Comparison c = Comparison.of(kernel, kernel, t);
        assertFalse(c.diverged(), t.lines().toString());
        assertEquals(List.of("#11 empty PTE table reclaimed after MADV_DONTNEED"), c.knownHits);
    }
}
