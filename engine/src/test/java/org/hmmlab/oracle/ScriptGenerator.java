package org.hmmlab.oracle;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded operation scripts for the differential fuzzer: the lines the guest interpreter (oracle/guest/hmmfuzz.c) and
 * {@link EngineInterpreter} both run.
 *
 * <p>Areas live at fixed addresses (one slot each), so every subsequence of a script is again a valid script: the
 * shrinker removes lines freely. The generator keeps a rough idea of what is mapped so most ranges land on mapped
 * pages; about one range in ten runs past its area's end into the gap behind it. Same seed, same script.
 */
public final class ScriptGenerator {
    /** Area slots in use; the guest places slot {@code a} at AREA_BASE + a * 1 GiB. */
    static final int AREAS = 6;
    /** Pages of a huge-page-advised area: two PMD-sized (2 MiB) extents. */
    static final int HUGE_PAGES = 1024;

    private static final String[] KINDS = {"anon", "anon", "anon", "shared", "file", "filesh", "huge", "huge"};
    private static final String[] ADVICE = {"dontneed", "dontneed", "free", "hugepage", "nohugepage"};
    private static final String[] DEV_CMDS = {
        "read", "read", "read", "write", "write", "write", "snapshot", "snapshot", "snapshot",
        "migrate_to_dev", "migrate_to_dev", "migrate_to_dev", "migrate_to_dev", "migrate_to_sys", "migrate_to_sys",
        "exclusive", "exclusive", "check_exclusive", "release", "flags",
    };

    private final SplittableRandom rnd;
    private final int[] size = new int[AREAS];
    private final boolean[] huge = new boolean[AREAS];
    /** Whether an EXCLUSIVE was sent: RELEASE is not sent after one (see {@link #dev()}). */
    private boolean exclusiveSent;

    /** The engine run in step with generation, to keep the script away from the real driver's known crashes. */
    private final EngineInterpreter model = new EngineInterpreter();

    private ScriptGenerator(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    /** The script of {@code steps} operations for {@code seed}. */
    public static List<String> generate(long seed, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        ScriptGenerator g = new ScriptGenerator(seed);
        List<String> out = new ArrayList<>(steps);
        String first = g.mmap(0);
        g.model.step(first);
        out.add(first);
        while (out.size() < steps) {
            String line = g.steer(g.next());
            g.model.step(line);
            out.add(line);
        }
        return out;
    }

    /**
     * Replaces a device READ or WRITE that would crash the real 6.12 driver (see
     * {@link EngineInterpreter#faultsOwnDevicePage}) by a SNAPSHOT of the same range.
     */
    private String steer(String line) {
        String[] t = line.split(" ");
        if (t[0].equals("dev") && t[2].equals("exclusive")) {
            // A range that starts mapped stops at its first hole: the kernels disagree on what happens at a hole
            // in the middle (VersionDifferences "dmirror-exclusive-error"); at the start both convert nothing.
            int run = model.mappedRun(Long.parseLong(t[3]), Long.parseLong(t[4]), Long.parseLong(t[5]));
            // On a file or shmem page the kernels agree on one page only: 6.12 faults the whole range in before it
            // finds the pages are not anonymous, mainline faults the first page and refuses (VersionDifferences "#8")
            if (run > 1 && model.fileBacked(Long.parseLong(t[3]), Long.parseLong(t[4]))) {
                run = 1;
            }
            if (run > 0 && run < Long.parseLong(t[5])) {
                return "dev " + t[1] + " exclusive " + t[3] + " " + t[4] + " " + run + " 0";
            }
        }
        if (t[0].equals("dev") && (t[2].equals("read") || t[2].equals("write"))) {
            int dev = Integer.parseInt(t[1]);
            if (dev < 2 && model.faultsOwnDevicePage(dev, Long.parseLong(t[3]), Long.parseLong(t[4]),
                    Long.parseLong(t[5]), t[2].equals("write"))) {
                return "dev " + dev + " snapshot " + t[3] + " " + t[4] + " " + t[5] + " 0";
            }
        }
        return line;
    }

    private String next() {
        int r = rnd.nextInt(100);
        if (r < 8) {
            return mmap(rnd.nextInt(AREAS));
        }
        if (r < 11) {
            return munmap();
        }
        if (r < 16) {
            Range g = range(false);
            return "mprotect " + g + " " + prot();
        }
        if (r < 21) {
            Range g = range(false);
            return "madvise " + g + " " + ADVICE[rnd.nextInt(ADVICE.length)];
        }
        if (r < 33) {
            Range g = range(true);
            return "read " + g.area + " " + g.page;
        }
        if (r < 45) {
            Range g = range(true);
            return "write " + g.area + " " + g.page + " " + (rnd.nextInt(1024) * 4) + " " + rnd.nextInt(1 << 30);
        }
        if (r < 48) {
            return fork();
        }
        if (r < 50) {
            Range g = range(false);
            return "pin " + g + " " + rnd.nextInt(2);
        }
        if (r < 51) {
            return "unpin";
        }
        return dev();
    }

    private String mmap(int area) {
        String kind = KINDS[rnd.nextInt(KINDS.length)];
        boolean isHuge = kind.equals("huge");
        int pages = isHuge ? HUGE_PAGES : 1 + rnd.nextInt(64);
        int prot = rnd.nextInt(10) < 8 ? 3 : rnd.nextInt(3);
        size[area] = pages;
        huge[area] = isHuge;
        return "mmap " + area + " " + pages + " " + kind + " " + prot;
    }

    private String munmap() {
        int area = mappedArea();
        if (size[area] == 0 || rnd.nextInt(3) == 0) {
            int pages = Math.max(1, size[area]);
            size[area] = 0;
            return "munmap " + area + " 0 " + pages;
        }
        Range g = range(area, false);
        return "munmap " + g;
    }

    private int prot() {
        return rnd.nextInt(10) < 6 ? 3 : rnd.nextInt(3);
    }

    private String fork() {
        int n = 1 + rnd.nextInt(3);
        StringBuilder sb = new StringBuilder("fork");
        for (int i = 0; i < n; i++) {
            Range g = range(true);
            String op = switch (rnd.nextInt(5)) {
                case 0, 1 -> "read " + g.area + " " + g.page;
                case 2, 3 -> "write " + g.area + " " + g.page + " " + (rnd.nextInt(1024) * 4) + " " + rnd.nextInt(1 << 30);
                default -> "madvise " + range(false) + " dontneed";
            };
            sb.append(i == 0 ? " " : " ; ").append(op);
        }
        return sb.toString();
    }

    private String dev() {
        int dev = rnd.nextInt(4);
        String cmd = DEV_CMDS[rnd.nextInt(DEV_CMDS.length)];
        if (cmd.equals("release") && exclusiveSent) {
            // The real kernel hangs: dmirror_device_remove_chunks() (lib/test_hmm.c) cannot migrate a device page
            // that a device-exclusive entry still holds, and memunmap_pages() then waits for it forever (tried on
            // 6.12: mmap, MIGRATE_TO_DEV to device 2, EXCLUSIVE by device 0 over it, RELEASE of device 2).
            cmd = "migrate_to_sys";
        }
        exclusiveSent |= cmd.equals("exclusive");
        Range g = range(false);
        long value = cmd.equals("write") ? rnd.nextInt(256) : 0;
        return "dev " + dev + " " + cmd + " " + g + " " + value;
    }

    private int mappedArea() {
        for (int tries = 0; tries < 4; tries++) {
            int a = rnd.nextInt(AREAS);
            if (size[a] > 0) {
                return a;
            }
        }
        return rnd.nextInt(AREAS);
    }

    private Range range(boolean onePage) {
        return range(mappedArea(), onePage);
    }

    /** A page range in {@code area}: mostly inside it, sometimes running past its end into the gap. */
    private Range range(int area, boolean onePage) {
        int pages = Math.max(1, size[area]);
        int page = rnd.nextInt(pages);
        if (onePage) {
            return new Range(area, rnd.nextInt(20) == 0 ? pages + rnd.nextInt(4) : page, 1);
        }
        int n;
        if (huge[area] && rnd.nextInt(3) == 0) {
            page = rnd.nextInt(2) * 512;
            n = rnd.nextInt(2) == 0 ? 512 : 1024 - page;
        } else {
            n = 1 + rnd.nextInt(Math.min(64, pages - page));
        }
        if (rnd.nextInt(10) == 0) {
            n += 1 + rnd.nextInt(8);
        }
        return new Range(area, page, n);
    }

    private record Range(int area, int page, int npages) {
        @Override
        public String toString() {
            return area + " " + page + " " + npages;
        }
    }
}
