package org.hmmlab.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.hmmlab.dmirror.Dmirror;
import org.hmmlab.dmirror.DmirrorCmd;
import org.hmmlab.dmirror.DmirrorDevice;
import org.hmmlab.mm.Frames;
import org.hmmlab.mm.Gup;
import org.hmmlab.mm.MemFile;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.Mman;
import org.hmmlab.mm.devmem.MemoryType;
import org.hmmlab.units.Bytes;

/**
 * Random operations on the functional core, one generator for the property test and the soak bench: every public
 * operation of an address space (mmap of every kind, munmap, mprotect, madvise, mremap, fork, exit, CPU loads and
 * stores, byte copies), of GUP (pin, unpin, get and put) and of the dmirror driver (device read and write, snapshot,
 * migration both ways, device-exclusive access and its check, release of device memory), over up to
 * {@link #MAX_PROCS} processes and two devices, one device-private and one device-coherent.
 *
 * <p>An {@link Op} is drawn without looking at the machine: its selectors (which process, which mapping, which page,
 * how many) are resolved against the state when it runs, modulo what exists. So a sequence is a pure function of its
 * seed, and any subsequence of it still runs: what {@link #shrink} needs to cut a failing run down to the operations
 * that matter. The working set is bounded ({@link #MAX_MAPS} mappings a process, {@link #MAX_PINS} pins), so a long
 * run measures the engine, not a workload that grows.
 *
 * <p>With the oracle on, every CPU load and device read of a private anonymous mapping must return the last value
 * stored at that address in that process (copy-on-write gives a child its own history); a mismatch throws
 * {@link OracleException}.
 */
public final class CoreOps {
    public static final int MAX_MAPS = 32;
    public static final int MAX_PROCS = 4;
    public static final int MAX_PINS = 16;
    static final long P = Mman.PAGE_SIZE;

    /** What an operation does; {@link Op#choice()} picks its variant. */
    public enum Kind {
        MMAP, MUNMAP, STORE, LOAD, COPY, DEVICE_READ, DEVICE_WRITE, SNAPSHOT, MIGRATE_TO_DEV, MIGRATE_TO_SYS,
        EXCLUSIVE, CHECK_EXCLUSIVE, RELEASE, MPROTECT, MADVISE, MREMAP, FORK_OR_EXIT, PIN_OR_UNPIN, GET_PUT
    }

    /** How often each kind is drawn, in the order of {@link Kind}. */
    private static final int[] WEIGHTS = {6, 3, 10, 6, 2, 4, 4, 1, 7, 4, 2, 1, 1, 4, 4, 1, 3, 3, 1};
    private static final int TOTAL = java.util.Arrays.stream(WEIGHTS).sum();

    /**
     * One operation: selectors that the state resolves when it runs (process {@code proc} modulo the processes,
     * mapping {@code map} modulo its mappings, page {@code first} modulo the mapping's pages, {@code count} pages at
     * most up to its end), and {@code choice}, the variant.
     */
    public record Op(Kind kind, int proc, int map, int first, int count, int choice) {
        @Override
        public String toString() {
            return kind + "(proc " + proc + ", map " + map + ", first " + first + ", count " + count + ", choice "
                    + choice + ")";
        }
    }

    /** A load or a device read disagreed with the values stored before it. */
    public static final class OracleException extends RuntimeException {
        public OracleException(String message) {
            super(message);
        }
    }

    private CoreOps() {
    }

    /** The next operation of the stream {@code rnd}. */
    public static Op next(SplittableRandom rnd) {
        int w = rnd.nextInt(TOTAL);
        int k = 0;
        while (w >= WEIGHTS[k]) {
            w -= WEIGHTS[k++];
        }
        return new Op(Kind.values()[k], rnd.nextInt(1 << 20), rnd.nextInt(1 << 20), rnd.nextInt(1 << 20),
                1 + rnd.nextInt(600), rnd.nextInt(1 << 20));
    }

    /** The first {@code n} operations of the stream of {@code seed}. */
    public static List<Op> sequence(long seed, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Op> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(next(rnd));
        }
        return out;
    }

    /**
     * Cuts {@code ops} down to a sequence that still fails, by delta debugging (Zeller's ddmin): try dropping each of
     * {@code n} chunks, keep any smaller sequence that still fails, refine the chunks when none does, until single
     * operations cannot be dropped or {@code budget} replays are spent. {@code fails} replays a sequence on a fresh
     * machine and says whether it fails.
     */
    public static List<Op> shrink(List<Op> ops, Predicate<List<Op>> fails, int budget) {
        List<Op> cur = new ArrayList<>(ops);
        int n = 2;
        int tries = 0;
        while (cur.size() >= 2 && tries < budget) {
            int chunk = (cur.size() + n - 1) / n;
            boolean reduced = false;
            for (int start = 0; start < cur.size() && tries < budget; start += chunk) {
                List<Op> without = new ArrayList<>(cur.subList(0, start));
                without.addAll(cur.subList(Math.min(cur.size(), start + chunk), cur.size()));
                tries++;
                if (!without.isEmpty() && fails.test(without)) {
                    cur = without;
                    n = Math.max(n - 1, 2);
                    reduced = true;
                    break;
                }
            }
            if (!reduced) {
                if (chunk == 1) {
                    break;
                }
                n = Math.min(cur.size(), n * 2);
            }
        }
        return cur;
    }

    /** One mapping of a process: where, how many pages, and whether the oracle follows its data. */
    static final class Mapping {
        long start;
        long pages;
        final boolean checked;
        final boolean hugetlb;

        Mapping(long start, long pages, boolean checked, boolean hugetlb) {
            this.start = start;
            this.pages = pages;
            this.checked = checked;
            this.hugetlb = hugetlb;
        }

        Mapping copy() {
            return new Mapping(start, pages, checked, hugetlb);
        }

        boolean contains(long addr) {
            return addr >= start && addr < start + pages * P;
        }
    }

    /** One process: its address space, a file on each device, its mappings, pins and the oracle of its data. */
    static final class Proc {
        final MmStruct mm;
        final Dmirror[] fds;
        final List<Mapping> maps = new ArrayList<>();
        final List<long[]> pins = new ArrayList<>(); // {addr, pfn}
        final Map<Long, Integer> data = new HashMap<>(); // page address -> first int

        Proc(MmStruct mm, DmirrorDevice[] devs) {
            this.mm = mm;
            this.fds = new Dmirror[] {devs[0].open(mm), devs[1].open(mm)};
        }
    }

    /** The machine the operations run on: memory, two devices, the processes; and the oracle. */
    public static final class World {
        private final Frames frames;
        private final DmirrorDevice[] devs;
        private final List<Proc> procs = new ArrayList<>();
        private final boolean oracle;
        private final int[] counts = new int[Kind.values().length];
        private int value = 1;

        /** A machine with {@code ram} of system RAM; {@code oracle} checks data. */
        public World(Bytes ram, boolean oracle) {
            this.frames = Frames.create(ram);
            this.devs = new DmirrorDevice[] {DmirrorDevice.create(frames, 0, MemoryType.DEVICE_PRIVATE),
                DmirrorDevice.create(frames, 2, MemoryType.DEVICE_COHERENT)};
            this.oracle = oracle;
            procs.add(new Proc(MmStruct.create(frames), devs));
        }

        public Frames frames() {
            return frames;
        }

        /** How many operations of each kind ran, in the order of {@link Kind}. */
        public int[] counts() {
            return counts.clone();
        }

        /** Live processes, their mappings and CPU page-table pages, for probes. */
        public String describe() {
            long maps = 0;
            long tables = 0;
            for (Proc q : procs) {
                maps += q.maps.size();
                tables += q.mm.pageTable().tableCount();
            }
            return procs.size() + " processes, " + maps + " mappings, " + tables + " CPU page-table pages";
        }

        /** Runs every operation of {@code ops} in order. */
        public void run(List<Op> ops) {
            for (Op op : ops) {
                apply(op);
            }
        }

        /** Runs one operation. */
        public void apply(Op op) {
            Proc pr = procs.get(op.proc() % procs.size());
            Kind kind = op.kind();
            if (pr.maps.isEmpty() && kind != Kind.FORK_OR_EXIT && kind != Kind.RELEASE) {
                kind = Kind.MMAP;
            }
            if (kind == Kind.MMAP && pr.maps.size() >= MAX_MAPS) {
                kind = Kind.MUNMAP;
            }
            counts[kind.ordinal()]++;
            switch (kind) {
                case MMAP -> mmap(pr, op);
                case FORK_OR_EXIT -> forkOrExit(pr, op);
                case RELEASE -> pr.fds[op.choice() & 1].ioctl(Dmirror.HMM_DMIRROR_RELEASE, new DmirrorCmd(0, null, 1));
                default -> onMapping(pr, kind, op);
            }
        }

        private void mmap(Proc pr, Op op) {
            int variant = op.choice() % 16;
            int rw = Mman.PROT_READ | Mman.PROT_WRITE;
            long pages = 1 + (op.first() % 2 == 0 ? op.count() % 16 : op.count() % 600 + op.first() % 500);
            long a;
            boolean checked = false;
            boolean hugetlb = false;
            if (variant == 12) {
                a = pr.mm.mmap(pages * P, rw, Mman.MAP_SHARED | Mman.MAP_ANONYMOUS);
            } else if (variant == 13) {
                a = pr.mm.mmap(0, pages * P, rw, Mman.MAP_PRIVATE, MemFile.createTemp(frames, pages * P), 0);
            } else if (variant == 14) {
                pages = Math.min(pages, 16);
                a = pr.mm.mmap(pages * P, rw, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_POPULATE);
                checked = true;
            } else if (variant == 15) {
                pages = Mman.PMD_NR;
                a = pr.mm.mmap(pages * P, rw, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_HUGETLB);
                hugetlb = true;
            } else {
                a = pr.mm.mmap(pages * P, rw, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
                checked = true;
                if (a > 0 && pages >= 512 && (op.choice() & 16) != 0) {
                    long huge = (a + Mman.PMD_SIZE - 1) & -Mman.PMD_SIZE;
                    if (huge + Mman.PMD_SIZE <= a + pages * P) {
                        pr.mm.madvise(huge, Mman.PMD_SIZE, Mman.MADV_HUGEPAGE);
                    }
                }
            }
            if (a > 0) {
                pr.maps.add(new Mapping(a, pages, checked, hugetlb));
            }
        }

        private void forkOrExit(Proc pr, Op op) {
            if (procs.size() < MAX_PROCS) {
                Proc c = new Proc(pr.mm.fork(), devs);
                for (Mapping m : pr.maps) {
                    c.maps.add(m.copy());
                }
                c.data.putAll(pr.data);
                procs.add(c);
                return;
            }
            Proc victim = procs.remove(1 + op.choice() % (procs.size() - 1));
            for (long[] pin : victim.pins) {
                Gup.unpinUserPages(victim.mm, new long[] {pin[1]}, 1);
            }
            victim.fds[0].close();
            victim.fds[1].close();
            victim.mm.exit();
        }

        private void onMapping(Proc pr, Kind kind, Op op) {
            Mapping m = pr.maps.get(op.map() % pr.maps.size());
            long first = op.first() % m.pages;
            long n = 1 + (op.count() - 1) % Math.min(m.pages - first, 600);
            long addr = m.start + first * P;
            Dmirror fd = pr.fds[op.choice() & 1];
            String where = kind + " at 0x" + Long.toHexString(addr) + " in " + pr.mm;
            switch (kind) {
                case MUNMAP -> {
                    if (pr.pins.stream().noneMatch(x -> m.contains(x[0]))) {
                        expect(0, pr.mm.munmap(m.start, m.pages * P), where);
                        pr.maps.remove(m);
                        forget(pr, m.start, m.pages);
                    }
                }
                case STORE -> {
                    if (pr.mm.touch(addr, true) == 0) {
                        int val = value++;
                        pr.mm.writeInt(addr, val);
                        remember(pr, m, addr, val);
                    }
                }
                case LOAD -> {
                    if (pr.mm.touch(addr, false) == 0) {
                        check(pr, m, addr, pr.mm.readInt(addr), where);
                    }
                }
                case COPY -> { // byte copies through the CPU: write a page's first int, read it back
                    if (pr.mm.touch(addr, true) == 0) {
                        int val = value++;
                        byte[] b = new byte[4];
                        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0, val);
                        pr.mm.write(addr, b, 0, 4);
                        remember(pr, m, addr, val);
                        byte[] back = new byte[4];
                        pr.mm.read(addr, back, 0, 4);
                        check(pr, m, addr, ByteBuffer.wrap(back).order(ByteOrder.LITTLE_ENDIAN).getInt(0), where);
                    }
                }
                case DEVICE_READ -> {
                    DmirrorCmd cmd = new DmirrorCmd(addr, new byte[(int) (n * P)], n);
                    if (fd.ioctl(Dmirror.HMM_DMIRROR_READ, cmd) == 0) {
                        expect(n, cmd.cpages, where + " cpages");
                        ByteBuffer bb = ByteBuffer.wrap(cmd.ptr).order(ByteOrder.LITTLE_ENDIAN);
                        for (long k = 0; k < n; k++) {
                            check(pr, m, addr + k * P, bb.getInt((int) (k * P)), where + " page " + k);
                        }
                    }
                }
                case DEVICE_WRITE -> {
                    byte[] buf = new byte[(int) P];
                    int val = value++;
                    ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).putInt(0, val);
                    if (fd.ioctl(Dmirror.HMM_DMIRROR_WRITE, new DmirrorCmd(addr, buf, 1)) == 0) {
                        remember(pr, m, addr, val);
                    }
                }
                case SNAPSHOT -> fd.ioctl(Dmirror.HMM_DMIRROR_SNAPSHOT, new DmirrorCmd(addr, new byte[(int) n], n));
                case MIGRATE_TO_DEV -> fd.ioctl(Dmirror.HMM_DMIRROR_MIGRATE_TO_DEV,
                        new DmirrorCmd(addr, new byte[(int) (n * P)], n));
                case MIGRATE_TO_SYS -> fd.ioctl(Dmirror.HMM_DMIRROR_MIGRATE_TO_SYS, new DmirrorCmd(addr, null, n));
                case EXCLUSIVE -> pr.fds[0].ioctl(Dmirror.HMM_DMIRROR_EXCLUSIVE,
                        new DmirrorCmd(addr, new byte[(int) (n * P)], n));
                case CHECK_EXCLUSIVE -> pr.fds[0].ioctl(Dmirror.HMM_DMIRROR_CHECK_EXCLUSIVE,
                        new DmirrorCmd(addr, null, n));
                case MPROTECT -> {
                    int prot = op.choice() % 3 == 0 ? Mman.PROT_READ : Mman.PROT_READ | Mman.PROT_WRITE;
                    int rc = pr.mm.mprotect(addr, n * P, prot);
                    if (!m.hugetlb) {
                        expect(0, rc, where);
                    }
                }
                case MADVISE -> {
                    int[] advice = {Mman.MADV_DONTNEED, Mman.MADV_FREE, Mman.MADV_HUGEPAGE, Mman.MADV_NOHUGEPAGE,
                        Mman.MADV_COLLAPSE};
                    int adv = advice[op.choice() % advice.length];
                    int rc = pr.mm.madvise(addr, n * P, adv);
                    if (adv == Mman.MADV_DONTNEED && rc == 0) {
                        forget(pr, addr, n);
                    }
                }
                case MREMAP -> mremap(pr, m, op, where);
                case PIN_OR_UNPIN -> {
                    if (!pr.pins.isEmpty() && (op.choice() & 2) != 0) {
                        long[] pin = pr.pins.remove(pr.pins.size() - 1);
                        Gup.unpinUserPages(pr.mm, new long[] {pin[1]}, 1);
                    } else if (pr.pins.size() < MAX_PINS) {
                        long[] pages = new long[1];
                        if (Gup.pinUserPages(pr.mm, addr, 1, Gup.FOLL_WRITE | Gup.FOLL_LONGTERM, pages) == 1) {
                            pr.pins.add(new long[] {addr, pages[0]});
                        }
                    }
                }
                case GET_PUT -> {
                    long[] pages = new long[(int) Math.min(n, 16)];
                    long got = Gup.getUserPages(pr.mm, addr, pages.length, (op.choice() & 2) != 0 ? Gup.FOLL_WRITE : 0,
                            pages);
                    if (got > 0) {
                        Gup.putPages(frames, pages, (int) got);
                    }
                }
                default -> throw new IllegalStateException("unhandled " + kind);
            }
        }

        /** Grows or shrinks a whole private mapping, letting it move; the oracle's data moves with it. */
        private void mremap(Proc pr, Mapping m, Op op, String where) {
            if (m.hugetlb || pr.pins.stream().anyMatch(x -> m.contains(x[0]))) {
                return;
            }
            long pages = 1 + op.count() % Math.max(1, m.pages * 2);
            long a = pr.mm.mremap(m.start, m.pages * P, pages * P, Mman.MREMAP_MAYMOVE, 0);
            if (a < 0) {
                return;
            }
            if (pages < m.pages) {
                forget(pr, m.start + pages * P, m.pages - pages);
            }
            if (a != m.start) {
                Map<Long, Integer> moved = new HashMap<>();
                for (long k = 0; k < Math.min(pages, m.pages); k++) {
                    Integer v = pr.data.remove(m.start + k * P);
                    if (v != null) {
                        moved.put(a + k * P, v);
                    }
                }
                pr.data.putAll(moved);
            }
            m.start = a;
            m.pages = pages;
        }

        private static void forget(Proc pr, long start, long pages) {
            if (pr.data.isEmpty()) {
                return;
            }
            for (long k = 0; k < pages; k++) {
                pr.data.remove(start + k * P);
            }
        }

        private void remember(Proc pr, Mapping m, long addr, int val) {
            if (oracle && m.checked) {
                pr.data.put(addr, val);
            }
        }

        private void check(Proc pr, Mapping m, long addr, int got, String where) {
            if (oracle && m.checked) {
                int want = pr.data.getOrDefault(addr, 0);
                if (got != want) {
                    throw new OracleException(where + ": read " + got + " at 0x" + Long.toHexString(addr)
                            + ", last stored " + want);
                }
            }
        }

        private static void expect(long want, long got, String where) {
            if (want != got) {
                throw new OracleException(where + ": returned " + got + ", expected " + want);
            }
        }
    }
}
