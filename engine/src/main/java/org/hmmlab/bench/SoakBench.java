package org.hmmlab.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.hmmlab.dmirror.Dmirror;
import org.hmmlab.dmirror.DmirrorCmd;
import org.hmmlab.dmirror.DmirrorDevice;
import org.hmmlab.mm.Frames;
import org.hmmlab.mm.Gup;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.Mman;
import org.hmmlab.mm.devmem.MemoryType;
import org.hmmlab.units.Bytes;

/**
 * The soak run: a million random operations of the functional core (mmap and munmap over a bounded working set, CPU
 * loads and stores, device reads, writes and migrations both ways, device-exclusive access, mprotect, madvise,
 * pin and unpin, fork and exit with the device files opened and closed) over several processes and two devices,
 * with the live heap sampled ten times. Once the working set is reached the heap must stay flat: whatever grows
 * with the number of operations (a list that is only appended to, a closed file something still holds) shows here
 * as growth between the second and the last sample.
 *
 * <p>The working set is bounded on purpose (at most 32 mappings a process, at most 4 processes), so the engine,
 * not the workload, is what is measured. The seed is fixed; {@code --quick} runs 50,000 operations.
 */
final class SoakBench implements BenchSuite {

    static final long P = Mman.PAGE_SIZE;
    static final int MAX_MAPS = 32;
    static final int MAX_PROCS = 4;

    @Override
    public String name() {
        return "soak";
    }

    @Override
    public List<Figure> run(boolean quick) {
        int ops = quick ? 50_000 : 1_000_000;
        int samples = 10;
        long[] heap = new long[samples + 1];
        long started = System.nanoTime();
        Soak soak = new Soak(42);
        heap[0] = liveHeap();
        for (int s = 1; s <= samples; s++) {
            soak.run(ops / samples);
            heap[s] = liveHeap();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        List<Figure> out = new ArrayList<>();
        out.add(new Figure("soak_ops_per_s", ops / seconds, "ops/s", true, Double.NaN));
        for (int s = 1; s <= samples; s++) {
            out.add(new Figure("soak_heap_after_" + (long) s * ops / samples + "_ops", heap[s] / 1048576.0, "MiB",
                    false, Double.NaN));
        }
        // Flat once warm: the growth from the second sample to the last stays within 4 MiB (GC noise, pooled tables).
        out.add(new Figure("soak_heap_growth_after_warmup", (heap[samples] - heap[2]) / 1048576.0, "MiB", false, 4.0));
        return out;
    }

    /** The heap in use after a full collection (live data), in bytes. */
    static long liveHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    /** The processes, their mappings and pins, and the random stream that drives them. */
    static final class Soak {
        final SplittableRandom rnd;
        final Frames frames = Frames.create(Bytes.MiB(256));
        final DmirrorDevice[] devs = {DmirrorDevice.create(frames, 0, MemoryType.DEVICE_PRIVATE),
            DmirrorDevice.create(frames, 2, MemoryType.DEVICE_COHERENT)};
        final List<Proc> procs = new ArrayList<>();
        int value = 1;

        Soak(long seed) {
            rnd = new SplittableRandom(seed);
            procs.add(new Proc(MmStruct.create(frames), devs));
        }

        void run(int ops) {
            for (int i = 0; i < ops; i++) {
                step();
            }
        }

        void step() {
            Proc pr = procs.get(rnd.nextInt(procs.size()));
            int op = rnd.nextInt(14);
            if (pr.maps.isEmpty() || (op == 0 && pr.maps.size() < MAX_MAPS)) {
                long pages = 1 + rnd.nextInt(rnd.nextBoolean() ? 16 : 1100);
                long a = pr.mm.mmap(pages * P, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
                if (a > 0) {
                    pr.maps.add(new long[] {a, pages});
                }
                return;
            }
            long[] m = pr.maps.get(rnd.nextInt(pr.maps.size()));
            long first = rnd.nextLong(m[1]);
            long n = 1 + rnd.nextLong(Math.min(m[1] - first, 512));
            long addr = m[0] + first * P;
            Dmirror fd = pr.fds[rnd.nextInt(2)];
            switch (op) {
                case 0, 1 -> { // munmap (the working set is full, or by chance)
                    if (pr.pins.stream().noneMatch(x -> x[0] >= m[0] && x[0] < m[0] + m[1] * P)) {
                        pr.mm.munmap(m[0], m[1] * P);
                        pr.maps.remove(m);
                    }
                }
                case 2, 3 -> {
                    if (pr.mm.touch(addr, true) == 0) {
                        pr.mm.writeInt(addr, value++);
                    }
                }
                case 4 -> {
                    if (pr.mm.touch(addr, false) == 0) {
                        pr.mm.readInt(addr);
                    }
                }
                case 5 -> fd.ioctl(Dmirror.HMM_DMIRROR_READ, new DmirrorCmd(addr, new byte[(int) (n * P)], n));
                case 6 -> fd.ioctl(Dmirror.HMM_DMIRROR_WRITE, new DmirrorCmd(addr, new byte[(int) P], 1));
                case 7 -> fd.ioctl(Dmirror.HMM_DMIRROR_MIGRATE_TO_DEV, new DmirrorCmd(addr, new byte[(int) (n * P)], n));
                case 8 -> fd.ioctl(Dmirror.HMM_DMIRROR_MIGRATE_TO_SYS, new DmirrorCmd(addr, null, n));
                case 9 -> pr.mm.mprotect(addr, n * P, rnd.nextInt(3) == 0 ? Mman.PROT_READ : Mman.PROT_READ | Mman.PROT_WRITE);
                case 10 -> pr.mm.madvise(addr, n * P, rnd.nextBoolean() ? Mman.MADV_DONTNEED : Mman.MADV_FREE);
                case 11 -> { // fork, or a child exits
                    if (procs.size() < MAX_PROCS) {
                        Proc c = new Proc(pr.mm.fork(), devs);
                        c.maps.addAll(pr.maps);
                        procs.add(c);
                    } else {
                        Proc victim = procs.remove(1 + rnd.nextInt(procs.size() - 1));
                        for (long[] pin : victim.pins) {
                            Gup.unpinUserPages(victim.mm, new long[] {pin[1]}, 1);
                        }
                        victim.fds[0].close();
                        victim.fds[1].close();
                        victim.mm.exit();
                    }
                }
                case 12 -> { // pin or unpin
                    if (!pr.pins.isEmpty() && rnd.nextBoolean()) {
                        long[] pin = pr.pins.remove(pr.pins.size() - 1);
                        Gup.unpinUserPages(pr.mm, new long[] {pin[1]}, 1);
                    } else if (pr.pins.size() < 16) {
                        long[] pages = new long[1];
                        if (Gup.pinUserPages(pr.mm, addr, 1, Gup.FOLL_WRITE | Gup.FOLL_LONGTERM, pages) == 1) {
                            pr.pins.add(new long[] {addr, pages[0]});
                        }
                    }
                }
                case 13 -> pr.fds[0].ioctl(Dmirror.HMM_DMIRROR_EXCLUSIVE, new DmirrorCmd(addr, new byte[(int) (n * P)], n));
                default -> throw new AssertionError(op);
            }
        }
    }

    /** One process: its address space, a file on each device, its mappings {start, pages} and pins {addr, pfn}. */
    static final class Proc {
        final MmStruct mm;
        final Dmirror[] fds;
        final List<long[]> maps = new ArrayList<>();
        final List<long[]> pins = new ArrayList<>();

        Proc(MmStruct mm, DmirrorDevice[] devs) {
            this.mm = mm;
            this.fds = new Dmirror[] {devs[0].open(mm), devs[1].open(mm)};
        }
    }
}
