package org.hmmlab.oracle;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hmmlab.dmirror.Dmirror;
import org.hmmlab.dmirror.DmirrorCmd;
import org.hmmlab.dmirror.DmirrorDevice;
import org.hmmlab.mm.Errno;
import org.hmmlab.mm.Frames;
import org.hmmlab.mm.Gup;
import org.hmmlab.mm.MemFile;
import org.hmmlab.mm.MemoryAccessException;
import org.hmmlab.mm.Mman;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.Pte;
import org.hmmlab.mm.VmFault;

/**
 * Runs an operation script on the engine and prints the canonical transcript, line for line what the guest
 * interpreter (oracle/guest/hmmfuzz.c) prints for the real kernel.
 *
 * <p>One fresh machine per script: {@link Frames} with the invariant checker on, the four dmirror devices of the test
 * module (0 and 1 device-private, 2 and 3 device-coherent), one {@link MmStruct} with all four opened, as the guest
 * opens {@code /dev/hmm_dmirror0..3}. An engine exception ends the script with an {@code engine-exception} line,
 * which never matches the kernel.
 */
public final class EngineInterpreter {
    /** Where area slot 0 lives; slot {@code a} is {@code AREA_BASE + a * AREA_STRIDE} (as in hmmfuzz.c). */
    static final long AREA_BASE = 0x1000_0000_0000L;
    static final long AREA_STRIDE = 0x4000_0000L;
    static final int PAGE = (int) Mman.PAGE_SIZE;

    private final Frames frames = Frames.create();
    private final MmStruct mm;
    private final Dmirror[] fds = new Dmirror[DmirrorDevice.NDEVICES];
    /** The pages gup_test holds pinned (PIN_LONGTERM_TEST_START), or null. */
    private long[] pinned;
    private int pinnedCount;

    private int index;
    private boolean broken;
    /**
     * Per device-private device (0 and 1), the pages the engine moved to it inside a 2 MiB device folio. 6.12 has
     * no device-private THP (version-differences.md #4): it split the folio and from then on migrates such pages
     * back one at a time, so where they are in 6.12 is not the engine's view. The generator keeps device READ and
     * WRITE away from them until they are unmapped, remapped or zapped, which frees a device page in both kernels.
     */
    private final Set<Long>[] uncertain612 = newUncertain();
    /**
     * Pages whose 6.12 page tables the engine does not follow, with the version difference that parted them: "#4"
     * (a 2 MiB device folio; 6.12 has a PTE table there even after a zap), "#10" (a THP that 6.12's
     * migrate_vma_collect_pmd() split, zero-filled subpages remapped to the zero page, where mainline's
     * migrate_vma_collect_huge_pmd() skips it because the migration does not select system memory) or "#11" (a PTE
     * table MADV_DONTNEED emptied and mainline's PT_RECLAIM freed, which 6.12 keeps). Kept until the
     * range is unmapped or mapped again, which frees the page tables in both kernels.
     */
    private final java.util.Map<Long, String> parted612 = new java.util.HashMap<>();
    /** PMD ranges a MADV_DONTNEED covers whole that had a PTE table before it ran. */
    private final List<Long> tablesBefore = new ArrayList<>();
    /** The top-level operations ("N OP") that touched one of those pages, before or after they ran, and why. */
    private final java.util.Map<String, String> partedOps = new java.util.HashMap<>();

    EngineInterpreter() {
        frames.setInvariantChecking(true);
        DmirrorDevice[] devices = DmirrorDevice.createAll(frames);
        mm = MmStruct.create(frames);
        for (int i = 0; i < fds.length; i++) {
            fds[i] = devices[i].open(mm);
        }
    }

    /** The transcript of {@code script}: "N OP => RESULT" lines, then "END N". */
    public static List<String> run(List<String> script) {
        return new EngineInterpreter().execute(script);
    }

    /**
     * The engine's transcript, and the operations ("N OP", as {@link Comparison#key}) that touched a page whose 6.12
     * page tables the engine does not follow ({@code parted612}), each with the version difference that parted them.
     */
    record Transcript(List<String> lines, java.util.Map<String, String> partedOps) {
    }

    static Transcript runTracked(List<String> script) {
        EngineInterpreter m = new EngineInterpreter();
        List<String> lines = m.execute(script);
        return new Transcript(lines, m.partedOps);
    }

    private List<String> execute(List<String> script) {
        List<String> out = new ArrayList<>();
        for (String raw : script) {
            out.addAll(step(raw));
            if (broken) {
                return out;
            }
        }
        out.add("END " + index);
        return out;
    }

    /** Runs one script line; returns its transcript lines (none for a blank or comment line). */
    List<String> step(String raw) {
        List<String> out = new ArrayList<>();
        String line = raw.strip();
        if (broken || line.isEmpty() || line.startsWith("#")) {
            return out;
        }
        index++;
        try {
            if (line.equals("fork") || line.startsWith("fork ")) {
                fork(index, line.substring(4), out);
            } else {
                String[] t = line.split("\\s+");
                trackParted612Before(t);
                String before = partedBy612(t);
                out.add(index + " " + line + " => " + op(mm, line, false));
                trackUncertain612(t);
                String after = partedBy612(t);
                if (before != null || after != null) {
                    partedOps.put(index + " " + line, before != null ? before : after);
                }
            }
        } catch (RuntimeException e) {
            out.add(index + " " + line + " => engine-exception " + e.getClass().getSimpleName() + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            broken = true;
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Set<Long>[] newUncertain() {
        Set<Long>[] s = new Set[DmirrorDevice.NDEVICES];
        for (int i = 0; i < s.length; i++) {
            s[i] = new HashSet<>();
        }
        return s;
    }

    /**
     * Before a MIGRATE_TO_SYS: it selects only device pages, and 6.12 splits every THP it walks over anyway (split_folio()
     * in migrate_vma_collect_pmd(), with the zero-page remap); mainline skips it. Its pages are parted ("#10").
     */
    private void trackParted612Before(String[] t) {
        tablesBefore.clear();
        if (t[0].equals("madvise") && t.length == 5 && t[4].equals("dontneed")) {
            long start = addr(num(t[1]), num(t[2]));
            long end = start + num(t[3]) * PAGE;
            for (long pa = (start + org.hmmlab.mm.Mman.PMD_SIZE - 1) & -org.hmmlab.mm.Mman.PMD_SIZE;
                    pa + org.hmmlab.mm.Mman.PMD_SIZE <= end; pa += org.hmmlab.mm.Mman.PMD_SIZE) {
                if (mm.pageTable().pteTable(pa) != null) {
                    tablesBefore.add(pa);
                }
            }
            return;
        }
        if (!t[0].equals("dev") || t.length != 7 || !t[2].equals("migrate_to_sys")) {
            return;
        }
        for (long p = 0; p < num(t[5]); p++) {
            long a = addr(num(t[3]), num(t[4]) + p);
            long e = mm.entry(a);
            if (Pte.isHuge(e) && Pte.isPresent(e)) {
                long pa = a & -org.hmmlab.mm.Mman.PMD_SIZE;
                for (long k = 0; k < org.hmmlab.mm.Mman.PMD_NR; k++) {
                    parted612.putIfAbsent(pa + k * PAGE, "#10");
                }
            }
        }
    }

    private void trackUncertain612(String[] t) {
        for (long pa : tablesBefore) {
            if (mm.pageTable().pteTable(pa) == null) { // freed by PT_RECLAIM: 6.12 keeps the empty table ("#11")
                for (long k = 0; k < org.hmmlab.mm.Mman.PMD_NR; k++) {
                    parted612.put(pa + k * PAGE, "#11");
                }
            }
        }
        switch (t[0]) {
            case "mmap" -> forget612(addr(num(t[1]), 0), num(t[2]), true);
            case "munmap" -> forget612(addr(num(t[1]), num(t[2])), num(t[3]), true);
            case "madvise" -> {
                if (t[4].equals("dontneed")) {
                    forget612(addr(num(t[1]), num(t[2])), num(t[3]), false);
                }
            }
            case "dev" -> {
                int dev = Integer.parseInt(t[1]);
                if (t[2].equals("migrate_to_dev")) {
                    for (long p = 0; p < num(t[5]); p++) {
                        long a = addr(num(t[3]), num(t[4]) + p);
                        long e = mm.entry(a);
                        if (Pte.isDevicePrivate(e) && Pte.isHuge(e)) {
                            uncertain612[dev].add(a);
                        }
                        if (Pte.isHuge(e) && (Pte.isDevicePrivate(e) || frames.isDeviceCoherent(Pte.pfn(e)))) {
                            parted612.put(a, "#4");
                        }
                    }
                }
            }
            default -> { }
        }
    }

    /** The version difference that parted one of the operation's pages from 6.12, or null. */
    private String partedBy612(String[] t) {
        long area;
        long page;
        long npages;
        try {
            switch (t[0]) {
                case "munmap", "mprotect", "madvise", "pin" -> {
                    area = num(t[1]);
                    page = num(t[2]);
                    npages = num(t[3]);
                }
                case "read", "write" -> {
                    area = num(t[1]);
                    page = num(t[2]);
                    npages = 1;
                }
                case "dev" -> {
                    area = num(t[3]);
                    page = num(t[4]);
                    npages = num(t[5]);
                }
                default -> {
                    return null;
                }
            }
        } catch (RuntimeException e) {
            return null;
        }
        long start = addr(area, page);
        long end = start + npages * PAGE;
        if (parted612.isEmpty()) {
            return null;
        }
        for (long a = start; a < end; a += PAGE) { // the lowest parted page decides: one lookup a page
            String why = parted612.get(a);
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    /** The range's device pages are freed in both kernels; with {@code tables}, its page tables too. */
    private void forget612(long start, long npages, boolean tables) {
        for (Set<Long> s : uncertain612) {
            s.removeIf(a -> a >= start && a < start + npages * PAGE);
        }
        if (tables) {
            parted612.keySet().removeIf(a -> a >= start && a < start + npages * PAGE);
        }
    }

    /** Pages of [page, page + npages) of {@code area} mapped in a row from {@code page} on (the engine's view). */
    int mappedRun(long area, long page, long npages) {
        int n = 0;
        while (!broken && n < npages && mm.findVma(addr(area, page + n)) != null) {
            n++;
        }
        return n;
    }

    /** Whether {@code page} of {@code area} lies in a file or shmem (not private anonymous) mapping. */
    boolean fileBacked(long area, long page) {
        org.hmmlab.mm.Vma vma = broken ? null : mm.findVma(addr(area, page));
        return vma != null && !vma.isAnonymous();
    }

    /** Whether some line of {@code script} would crash the real 6.12 driver (see faultsOwnDevicePage). */
    static boolean crashesDriver612(List<String> script) {
        EngineInterpreter m = new EngineInterpreter();
        for (String line : script) {
            String[] t = line.strip().split("\\s+");
            if (t.length == 7 && t[0].equals("dev") && (t[2].equals("read") || t[2].equals("write"))
                    && Integer.parseInt(t[1]) < 2 && m.faultsOwnDevicePage(Integer.parseInt(t[1]),
                            num(t[3]), num(t[4]), num(t[5]), t[2].equals("write"))) {
                return true;
            }
            m.step(line);
        }
        return false;
    }

    /** Whether an engine exception ended the script. */
    boolean broken() {
        return broken;
    }

    /**
     * Whether a READ or WRITE of device {@code dev} over the range could fault in a device-private page that the
     * device owns. The real 6.12 driver crashes there: dmirror_do_fault() stores the device page itself
     * (hmm_range_fault() returns it, the owner matching), and dmirror_do_read()/dmirror_do_write() then copy through
     * memcpy_from_page() on a page with no kernel mapping (lib/test_hmm.c; an oops in the guest). Safe only when
     * the range holds no such page, or when every page of it is already mirrored (writable, for a WRITE), so that
     * no fault round runs: a fault round's own invalidations (a COW of page n also erases page n + 1, the
     * driver's range being inclusive) can drop the entry of a device page just before it is faulted in. A page the
     * engine moved inside a 2 MiB device folio counts as the device's whatever the engine's view (see
     * {@code uncertain612}).
     */
    boolean faultsOwnDevicePage(int dev, long area, long page, long npages, boolean write) {
        if (broken) {
            return false;
        }
        boolean own = false;
        boolean allMirrored = true;
        for (long p = page; p < page + npages; p++) {
            long a = addr(area, p);
            if (uncertain612[dev].contains(a)) {
                return true;
            }
            allMirrored &= fds[dev].mirroredPfn(a) >= 0 && (!write || fds[dev].mirroredWritable(a));
            long e = mm.entry(a);
            if (!Pte.isDevicePrivate(e)) {
                continue;
            }
            long pfn = Pte.pfn(e);
            if (Pte.isHuge(e)) {
                pfn += (a >>> Mman.PAGE_SHIFT) & (Mman.PMD_NR - 1);
            }
            own |= frames.pagemap(pfn) != null && frames.pagemap(pfn).owner() == fds[dev].device();
        }
        return own && !allMirrored;
    }

    private void fork(int index, String rest, List<String> out) {
        MmStruct child = mm.fork();
        int k = 0;
        for (String part : rest.split(";")) {
            String op = part.strip();
            if (op.isEmpty()) {
                continue;
            }
            out.add(index + "." + (++k) + " c " + op + " => " + op(child, op, true));
        }
        child.exit();
        out.add(index + " fork => exit=0");
    }

    static long addr(long area, long page) {
        return AREA_BASE + area * AREA_STRIDE + page * Mman.PAGE_SIZE;
    }

    private static int prot(long p) {
        return ((p & 1) != 0 ? Mman.PROT_READ : 0) | ((p & 2) != 0 ? Mman.PROT_WRITE : 0);
    }

    private static String rc(long rc) {
        return rc == 0 ? "ok" : "err " + Errno.name(rc).substring(1);
    }

    private String op(MmStruct target, String line, boolean child) {
        String[] t = line.split("\\s+");
        return switch (t[0]) {
            case "mmap" -> t.length == 5 ? mmap(target, Integer.parseInt(t[1]), Long.parseLong(t[2]), t[3],
                    prot(Long.parseLong(t[4]))) : "bad-op";
            case "munmap" -> t.length == 4 ? rc(target.munmap(addr(num(t[1]), num(t[2])), num(t[3]) * PAGE)) : "bad-op";
            case "mprotect" -> t.length == 5
                    ? rc(target.mprotect(addr(num(t[1]), num(t[2])), num(t[3]) * PAGE, prot(num(t[4])))) : "bad-op";
            case "madvise" -> t.length == 5 && advice(t[4]) >= 0
                    ? rc(target.madvise(addr(num(t[1]), num(t[2])), num(t[3]) * PAGE, advice(t[4]))) : "bad-op";
            case "read" -> t.length == 3 ? cpuRead(target, addr(num(t[1]), num(t[2]))) : "bad-op";
            case "write" -> t.length == 5
                    ? cpuWrite(target, addr(num(t[1]), num(t[2])) + (num(t[3]) & (PAGE - 4)), (int) num(t[4])) : "bad-op";
            case "dev" -> !child && t.length == 7 ? dev(t) : "bad-op";
            case "pin" -> !child && t.length == 5 ? pin(addr(num(t[1]), num(t[2])), num(t[3]), num(t[4]) != 0)
                    : "bad-op";
            case "unpin" -> !child && t.length == 1 ? unpin() : "bad-op";
            default -> "bad-op";
        };
    }

    private static long num(String s) {
        return s.startsWith("0x") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
    }

    private static int advice(String s) {
        return switch (s) {
            case "dontneed" -> Mman.MADV_DONTNEED;
            case "free" -> Mman.MADV_FREE;
            case "hugepage" -> Mman.MADV_HUGEPAGE;
            case "nohugepage" -> Mman.MADV_NOHUGEPAGE;
            default -> -1;
        };
    }

    /** The file content both sides agree on: byte o of a file of area A is (o * 7 + A * 13 + 1) mod 256. */
    private MemFile file(int area, long npages) {
        MemFile f = MemFile.createTemp(frames, npages * PAGE);
        byte[] b = new byte[(int) (npages * PAGE)];
        for (int o = 0; o < b.length; o++) {
            b[o] = (byte) (o * 7 + area * 13 + 1);
        }
        f.pwrite(b, 0);
        return f;
    }

    private String mmap(MmStruct target, int area, long npages, String kind, int prot) {
        long a = addr(area, 0);
        long len = npages * PAGE;
        long p = switch (kind) {
            case "anon", "huge" -> target.mmap(a, len, prot, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED,
                    null, 0);
            case "shared" -> target.mmap(a, len, prot, Mman.MAP_SHARED | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, null, 0);
            case "file" -> target.mmap(a, len, prot, Mman.MAP_PRIVATE | Mman.MAP_FIXED, file(area, npages), 0);
            case "filesh" -> target.mmap(a, len, prot, Mman.MAP_SHARED | Mman.MAP_FIXED, file(area, npages), 0);
            default -> Long.MIN_VALUE;
        };
        if (p == Long.MIN_VALUE) {
            return "bad-op";
        }
        if (Errno.isError(p)) {
            return rc(p);
        }
        return kind.equals("huge") ? rc(target.madvise(p, len, Mman.MADV_HUGEPAGE)) : "ok";
    }

    private static String signal(int vmFault) {
        return (vmFault & VmFault.SIGBUS) != 0 ? "SIGBUS" : (vmFault & VmFault.SIGSEGV) != 0 ? "SIGSEGV" : "SIGNAL";
    }

    private static String cpuRead(MmStruct target, long a) {
        byte[] b = new byte[PAGE];
        try {
            target.read(a, b, 0, PAGE);
        } catch (MemoryAccessException e) {
            return signal(e.vmFault());
        }
        return "ok " + hex(fnv1a(b, b.length));
    }

    private static String cpuWrite(MmStruct target, long a, int value) {
        try {
            target.writeInt(a, value);
        } catch (MemoryAccessException e) {
            return signal(e.vmFault());
        }
        return "ok";
    }

    /**
     * Long-term pins of [a, a + npages pages). Mirrors pin_longterm_test_start() in mm/gup_test.c: one set of pins at
     * a time (-EINVAL while one is held), pin_user_pages(FOLL_LONGTERM [| FOLL_WRITE]) until all are pinned, and on
     * an error every pin taken so far dropped and the error returned.
     */
    private String pin(long a, long npages, boolean write) {
        if (pinned != null || npages <= 0) {
            return rc(-Errno.EINVAL);
        }
        long[] pages = new long[(int) npages];
        int flags = Gup.FOLL_LONGTERM | (write ? Gup.FOLL_WRITE : 0);
        pinned = pages;
        pinnedCount = 0;
        while (pinnedCount < npages) {
            int left = (int) npages - pinnedCount;
            long[] got = new long[left];
            long n = Gup.pinUserPages(mm, a + ((long) pinnedCount << Mman.PAGE_SHIFT), left, flags, got);
            if (n <= 0) {
                unpin();
                return rc(n < 0 ? n : -Errno.EFAULT);
            }
            System.arraycopy(got, 0, pages, pinnedCount, (int) n);
            pinnedCount += (int) n;
        }
        frames.checkpoint();
        return "ok";
    }

    /** Drops the pins. Mirrors pin_longterm_test_stop(): always succeeds. */
    private String unpin() {
        if (pinned != null) {
            Gup.unpinUserPages(mm, pinned, pinnedCount);
            pinned = null;
            pinnedCount = 0;
            frames.checkpoint();
        }
        return "ok";
    }

    private String dev(String[] t) {
        int dev = Integer.parseInt(t[1]);
        String cmd = t[2];
        long npages = num(t[5]);
        long value = num(t[6]);
        if (dev < 0 || dev >= fds.length || npages < 0 || npages > 4096) {
            return "bad-op";
        }
        int request;
        boolean data = false;
        boolean snap = false;
        switch (cmd) {
            case "read" -> {
                request = Dmirror.HMM_DMIRROR_READ;
                data = true;
            }
            case "write" -> request = Dmirror.HMM_DMIRROR_WRITE;
            case "snapshot" -> {
                request = Dmirror.HMM_DMIRROR_SNAPSHOT;
                snap = true;
            }
            case "migrate_to_dev" -> request = Dmirror.HMM_DMIRROR_MIGRATE_TO_DEV;
            case "migrate_to_sys" -> request = Dmirror.HMM_DMIRROR_MIGRATE_TO_SYS;
            case "exclusive" -> {
                request = Dmirror.HMM_DMIRROR_EXCLUSIVE;
                data = true;
            }
            case "check_exclusive" -> request = Dmirror.HMM_DMIRROR_CHECK_EXCLUSIVE;
            case "release" -> request = Dmirror.HMM_DMIRROR_RELEASE;
            case "flags" -> request = Dmirror.HMM_DMIRROR_FLAGS;
            default -> {
                return "bad-op";
            }
        }
        byte[] buf = new byte[(int) (Math.max(1, npages) * PAGE)];
        if (request == Dmirror.HMM_DMIRROR_WRITE) {
            for (int j = 0; j < buf.length; j++) {
                buf[j] = (byte) (value + j * 7L);
            }
        }
        DmirrorCmd c = new DmirrorCmd(addr(num(t[3]), num(t[4])), buf, request == Dmirror.HMM_DMIRROR_FLAGS ? value
                : npages);
        int rc = fds[dev].ioctl(request, c);
        if (rc != 0) {
            return rc(rc);
        }
        StringBuilder sb = new StringBuilder("ok cpages=").append(c.cpages).append(" faults=").append(c.faults);
        if (data) {
            sb.append(" sum=").append(hex(fnv1a(buf, (int) (npages * PAGE))));
        }
        if (snap) {
            sb.append(" snap=");
            for (int i = 0; i < npages; ) {
                int j = i;
                while (j < npages && buf[j] == buf[i]) {
                    j++;
                }
                sb.append(i == 0 ? "" : ",").append(String.format("%02x*%d", buf[i] & 0xff, j - i));
                i = j;
            }
        }
        return sb.toString();
    }

    /** FNV-1a, 32 bits: the checksum of bytes read (as hmmfuzz.c). */
    static int fnv1a(byte[] b, int n) {
        int h = 0x811c9dc5;
        for (int i = 0; i < n; i++) {
            h ^= b[i] & 0xff;
            h *= 16777619;
        }
        return h;
    }

    private static String hex(int h) {
        return String.format("%08x", h);
    }
}
