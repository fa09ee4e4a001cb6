package org.hmmlab.oracle;

import java.util.List;
import java.util.Optional;

/**
 * Known differences between mainline (which the engine follows) and the oracle's 6.12 kernel, each with the source
 * that changed it. The list in engine/src/test/resources/oracle/version-differences.md says the same in prose; a
 * line the kernel and the engine disagree on is "known" only when one of these matches it.
 */
final class VersionDifferences {
    /**
     * One difference: {@code id} (named in version-differences.md), the citation, whether the rest of the script is
     * still comparable after it ({@code stateless}), and which transcript line it explains.
     */
    record Difference(String id, String citation, boolean stateless, Matcher matcher) {
    }

    @FunctionalInterface
    interface Matcher {
        /**
         * {@code areaKinds}: the kind ("anon", "huge", ...) each area slot was last mapped with; {@code parted}: the
         * version difference ("#4", "#10") that parted a page the operation touched from 6.12's page tables, or null
         * ({@link EngineInterpreter.Transcript#partedOps}).
         */
        boolean matches(String op, String kernel, String engine, java.util.Map<Integer, String> areaKinds,
                String parted);
    }

    static final List<Difference> ALL = List.of(
            // Row 1 of version-differences.md: a hole or zero page that 6.12's dmirror migrates to the device gets
            // the WRITE tag (MIGRATE_PFN_WRITE from VM_WRITE); mainline's takes WRITE from src only, so its first
            // device WRITE there runs one fault round (faults=1) where 6.12 needs none. Same pages, same data.
            new Difference("#1 no WRITE tag on migrated holes",
                    "lib/test_hmm.c dmirror_migrate_alloc_and_copy(): mainline's write = *src & MIGRATE_PFN_WRITE"
                            + " (device-private THP series, 2025); 6.12 sets WRITE for a hole in a VM_WRITE area",
                    true,
                    (op, kernel, engine, kinds, parted) -> op.matches("\\d+ dev \\d write .*")
                            && kernel.matches("ok cpages=\\d+ faults=0") && engine.equals(kernel.replace("faults=0",
                                    "faults=1"))),
            // Row 4: device-private THP migration. Mainline moves a whole PMD-aligned THP (a device-private PMD
            // entry, snapshot bytes with HMM_DMIRROR_PROT_PMD); 6.12's migrate_vma_collect_pmd() splits it first.
            // A snapshot that differs only in the PMD bit over a huge-page area is this; the mappings differ in
            // size from here on, so comparison stops. 6.12's split also maps the THP's zero-filled subpages to the
            // shared zero page (__split_huge_page() remaps an anonymous folio with RMP_USE_SHARED_ZEROPAGE,
            // try_to_map_unused_to_zeropage() in mm/migrate.c), so where mainline keeps a subpage of the THP the
            // kernel may show the zero page: read-only either way. And a device-private PMD that another device
            // owns is an error to a snapshot in mainline (hmm_vma_handle_absent_pmd(): no fault asked, so
            // hmm_pfns_fill(HMM_PFN_ERROR)), where 6.12's split PTEs are empty entries (hmm_vma_handle_pte(): a
            // device-private entry of another owner with no fault required gives 0): engine ff against kernel 00.
            // Any other difference on an operation over pages the engine moved inside a device folio is this too:
            // 6.12 moved them back one page at a time (dmirror_devmem_fault()), the engine 2 MiB at a time.
            new Difference("#4 device-private THP migration",
                    "mm/migrate_device.c MIGRATE_VMA_SELECT_COMPOUND (mainline, device-private THP series, 2025);"
                            + " 6.12's migrate_vma_collect_pmd() splits the THP",
                    false,
                    (op, kernel, engine, kinds, parted) -> "#4".equals(parted) && !kernel.equals(engine)
                            || op.matches("\\d+ dev \\d snapshot .*")
                            && "huge".equals(kinds.get(Integer.parseInt(op.split(" ")[4])))
                            && !kernel.equals(engine)
                            && asReadOnlyData(withoutPmdBit(kernel)).equals(
                                    asReadOnlyData(withoutPmdBit(errorAsEmpty(engine, kernel))))),
            // 6.12's dmirror_fops_unlocked_ioctl() has no HMM_DMIRROR_FLAGS case: its switch ends in
            // "default: return -EINVAL". Mainline's lib/test_hmm.c added the ioctl (and FAIL_ALLOC) with the
            // device-private THP migration tests. The fuzzer sends only value 0, which changes no state.
            new Difference("#2 HMM_DMIRROR_FLAGS",
                    "lib/test_hmm.c: HMM_DMIRROR_FLAGS is mainline-only; 6.12's dmirror_fops_unlocked_ioctl() returns"
                            + " -EINVAL for it",
                    true,
                    (op, kernel, engine, kinds, parted) -> op.matches("\\d+ dev \\d flags .*") && kernel.equals("err EINVAL")
                            && engine.startsWith("ok")),
            // 6.12's dmirror_exclusive() calls make_device_exclusive_range() 64 pages at a time and turns any
            // shortfall (a hole, a page it could not convert) into -EBUSY; mainline's walks one page at a time with
            // make_device_exclusive() and returns that call's error (-EFAULT for a hole), keeping the pages it
            // converted before. The generator lets a range reach a hole only at its first page, where neither
            // kernel converts anything, so the state stays comparable.
            new Difference("#5 dmirror_exclusive error",
                    "lib/test_hmm.c dmirror_exclusive(): 6.12 returns -EBUSY for any shortfall of"
                            + " make_device_exclusive_range() (mm/rmap.c); mainline returns the error of"
                            + " make_device_exclusive(), the per-page API that replaced it in 6.15",
                    true,
                    (op, kernel, engine, kinds, parted) -> op.matches("\\d+ dev \\d exclusive .*") && kernel.equals("err EBUSY")
                            && engine.startsWith("err ") && !engine.equals("err EBUSY")
                            && !engine.equals("err EOPNOTSUPP")),
            // On a file or shmem range 6.12's make_device_exclusive_range() faults the whole window in writable
            // (get_user_pages_remote(FOLL_WRITE)) before it finds the pages are not anonymous and returns a
            // shortfall (-EBUSY); mainline's make_device_exclusive() faults in the one page it is given and returns
            // -EOPNOTSUPP. The page tables differ afterwards: comparison stops.
            new Difference("#8 make_device_exclusive on a non-anonymous range",
                    "mm/rmap.c make_device_exclusive_range() (6.12) pins the whole window writable before converting;"
                            + " make_device_exclusive() (mainline, 6.15+) faults one page and refuses a non-anonymous"
                            + " folio with -EOPNOTSUPP",
                    false,
                    (op, kernel, engine, kinds, parted) -> op.matches("\\d+ dev \\d exclusive .*") && kernel.equals("err EBUSY")
                            && engine.equals("err EOPNOTSUPP") && !op.matches("\\d+ dev \\d exclusive \\d+ \\d+ 1 .*")),
            // Over one page both kernels fault that page in and convert nothing: the same state (the generator
            // sends only one-page EXCLUSIVE ranges to file and shmem areas).
            new Difference("#8 make_device_exclusive on a non-anonymous page",
                    "mm/rmap.c: 6.12 returns -EBUSY, mainline -EOPNOTSUPP for one non-anonymous page; both fault it in"
                            + " and convert nothing",
                    true,
                    (op, kernel, engine, kinds, parted) -> op.matches("\\d+ dev \\d exclusive \\d+ \\d+ 1 .*")
                            && kernel.equals("err EBUSY") && engine.equals("err EOPNOTSUPP")),
            // 6.12's make_device_exclusive_range() pins with FOLL_SPLIT_PMD, which splits the PMD but not the
            // folio, then skips every PageTail() page: on a THP-backed range dmirror_exclusive() gets fewer pages
            // than it asked for and returns -EBUSY (field notes: the exclusive* selftests fail on 6.12 with THP
            // "always"). Mainline's make_device_exclusive() handles PTE-mapped large folios. Pages before the
            // failure may be converted on 6.12: comparison stops.
            new Difference("#6 make_device_exclusive on a THP",
                    "mm/rmap.c make_device_exclusive_range() (6.12) skips tail pages of a large folio;"
                            + " make_device_exclusive() (mainline, 6.15+) converts PTE-mapped large folios",
                    false,
                    (op, kernel, engine, kinds, parted) -> op.matches("\\d+ dev \\d exclusive .*") && kernel.equals("err EBUSY")
                            && "huge".equals(kinds.get(Integer.parseInt(op.split(" ")[4])))),
            // A THP whose PMD was split (a partial munmap or mprotect, a VMA split by madvise) stays one large folio
            // mapped by PTEs. 6.12's migrate_vma_check_page() refuses any large folio, so MIGRATE_TO_DEV moves
            // nothing there and dmirror's read-back of the range finds no entry (-ENOENT); mainline's
            // migrate_vma_collect_pmd() splits the folio (migrate_vma_split_folio()) and migrates the pages. The
            // engine splits such a folio when the PMD splits, so it migrates as mainline does. Placement differs
            // from here on: comparison stops.
            new Difference("#9 PTE-mapped large folio in migrate_vma",
                    "mm/migrate_device.c: 6.12 migrate_vma_check_page() returns false for folio_test_large(); mainline"
                            + " migrate_vma_collect_pmd() splits a PTE-mapped large folio (migrate_vma_split_folio(),"
                            + " \"mm/migrate_device: handle partially mapped folios during collection\", device-private"
                            + " THP series, 2025)",
                    false,
                    (op, kernel, engine, kinds, parted) -> op.matches("\\d+ dev \\d migrate_to_dev .*")
                            && "huge".equals(kinds.get(Integer.parseInt(op.split(" ")[4])))
                            && kernel.equals("err ENOENT") && engine.matches("ok cpages=\\d+ faults=0")),
            // MIGRATE_TO_SYS selects only device pages, yet 6.12's migrate_vma_collect_pmd() splits every THP in the
            // range first (split_folio(), which maps zero-filled subpages to the zero page); mainline's
            // migrate_vma_collect_huge_pmd() skips a system THP when MIGRATE_VMA_SELECT_SYSTEM is not set. The page
            // tables differ from there (small pages and zero pages against one 2 MiB page): any difference on an
            // operation over those pages is this one, and comparison stops.
            new Difference("#10 THP split by a migration that does not select it",
                    "mm/migrate_device.c: 6.12 migrate_vma_collect_pmd() splits any THP it walks; mainline"
                            + " migrate_vma_collect_huge_pmd() returns migrate_vma_collect_skip() without"
                            + " MIGRATE_VMA_SELECT_SYSTEM (device-private THP series, 2025)",
                    false,
                    (op, kernel, engine, kinds, parted) -> "#10".equals(parted) && !kernel.equals(engine)),
            // Mainline frees a PTE table that MADV_DONTNEED empties over a whole PMD (PT_RECLAIM, 6.14); 6.12 keeps
            // the empty table, so a later fault there maps small pages where mainline may map a THP or the huge
            // zero page. Any difference on an operation over such a range is this one; comparison stops.
            new Difference("#11 empty PTE table reclaimed after MADV_DONTNEED",
                    "mm/pt_reclaim.c (CONFIG_PT_RECLAIM), \"mm: pgtable: reclaim empty PTE page in"
                            + " madvise(MADV_DONTNEED)\" (Qi Zheng, 6.14); 6.12's zap_pte_range() never frees the table",
                    false,
                    (op, kernel, engine, kinds, parted) -> "#11".equals(parted) && !kernel.equals(engine)));

    private VersionDifferences() {
    }

    /**
     * The engine's snapshot result with every error byte (0xff) that the kernel reports as empty (0x00) at the same
     * page read as empty; any other byte is kept. Both results must cover the same number of pages.
     */
    static String errorAsEmpty(String engine, String kernel) {
        int[] k = snapshotBytes(kernel);
        int[] e = snapshotBytes(engine);
        if (k == null || e == null || k.length != e.length) {
            return engine;
        }
        int[] i = {0};
        return mapSnapshotBytes(engine, b -> {
            int at = i[0]++;
            return b == 0xff && k[at] == 0x00 ? 0x00 : b;
        }, true);
    }

    /** The bytes of a snapshot result, one per page, or null when the result has none. */
    private static int[] snapshotBytes(String result) {
        int i = result.indexOf(" snap=");
        if (i < 0) {
            return null;
        }
        java.util.List<Integer> out = new java.util.ArrayList<>();
        for (String run : result.substring(i + 6).split(",")) {
            String[] bc = run.split("\\*");
            for (long n = Long.parseLong(bc[1]); n > 0; n--) {
                out.add(Integer.parseInt(bc[0], 16));
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A snapshot result with the zero page (0x11, HMM_DMIRROR_PROT_ZERO | READ) read as a read-only data page (0x01). */
    static String asReadOnlyData(String result) {
        return mapSnapshotBytes(result, b -> b == 0x11 ? 0x01 : b);
    }

    /** A snapshot result with HMM_DMIRROR_PROT_PMD (0x04) cleared from every byte, runs re-joined. */
    static String withoutPmdBit(String result) {
        return mapSnapshotBytes(result, b -> b & ~0x04);
    }

    /** A snapshot result ({@code snap=BB*N,...}) with {@code f} applied to every byte, equal runs re-joined. */
    private static String mapSnapshotBytes(String result, java.util.function.IntUnaryOperator f) {
        return mapSnapshotBytes(result, f, false);
    }

    /** As above; with {@code perPage}, {@code f} is called once for every page in order rather than once a run. */
    private static String mapSnapshotBytes(String result, java.util.function.IntUnaryOperator f, boolean perPage) {
        int i = result.indexOf(" snap=");
        if (i < 0) {
            return result;
        }
        StringBuilder out = new StringBuilder(result.substring(0, i + 6));
        int prev = -1;
        long count = 0;
        for (String run : result.substring(i + 6).split(",")) {
            String[] bc = run.split("\\*");
            int raw = Integer.parseInt(bc[0], 16);
            long n = Long.parseLong(bc[1]);
            for (long k = 0; k < (perPage ? n : 1); k++) {
                int b = f.applyAsInt(raw);
                if (b != prev && prev >= 0) {
                    out.append(String.format("%02x", prev)).append('*').append(count).append(',');
                    count = 0;
                }
                prev = b;
                count += perPage ? 1 : n;
            }
        }
        if (prev >= 0) {
            out.append(String.format("%02x", prev)).append('*').append(count);
        }
        return out.toString();
    }

    /** The known difference that explains this line, if any. */
    static Optional<Difference> explain(String op, String kernel, String engine,
            java.util.Map<Integer, String> areaKinds, String parted) {
        // Where two match, the stateful one wins: comparison must stop rather than go on over changed state.
        return ALL.stream().filter(d -> d.matcher().matches(op, kernel, engine, areaKinds, parted))
                .min(java.util.Comparator.comparing(Difference::stateless));
    }
}
