package org.hmmlab.bench;

import java.util.ArrayList;
import java.util.List;
import org.hmmlab.mm.Frames;
import org.hmmlab.mm.Mman;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.hmm.HmmPfn;
import org.hmmlab.mm.hmm.HmmRange;
import org.hmmlab.mm.hmm.RangeFaultLoop;
import org.hmmlab.mm.notifier.MmuIntervalNotifier;
import org.hmmlab.units.Bytes;

/**
 * Speed and memory of the functional core on one thread: hmm_range_fault() over a populated range, CPU first-touch
 * faults, engine bytes per mapped 4 KiB page at 4 million pages, and migrate_vma() throughput.
 *
 * <p>Each speed figure is the best of several timed rounds after warm-up rounds (the JIT has compiled the hot path).
 * Wall-clock time is read here only; nothing in the engine depends on it.
 */
final class FunctionalCoreBench implements BenchSuite {

    @Override
    public String name() {
        return "core";
    }

    @Override
    public List<Figure> run(boolean quick) {
        List<Figure> out = new ArrayList<>();
        out.add(new Figure("hmm_range_fault_pages_per_s", rangeFault(quick), "pages/s", true, 5_000_000));
        out.add(new Figure("cpu_first_touch_faults_per_s", firstTouch(quick), "faults/s", true, 2_000_000));
        out.add(new Figure("bytes_per_mapped_page", bytesPerPage(quick), "bytes/page", false, 24));
        out.addAll(MigrateBench.run(quick));
        return out;
    }

    /** hmm_range_fault() with REQ_FAULT over an already populated 64 MiB range, 512 pages per call. */
    static double rangeFault(boolean quick) {
        Frames frames = Frames.create(Bytes.GiB(4));
        MmStruct mm = MmStruct.create(frames);
        long pages = quick ? 4096 : 16384;
        long addr = mm.mmap(pages * Mman.PAGE_SIZE, Mman.PROT_READ | Mman.PROT_WRITE,
                Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
        for (long p = 0; p < pages; p++) {
            mm.touch(addr + p * Mman.PAGE_SIZE, true);
        }
        MmuIntervalNotifier n = MmuIntervalNotifier.insertWholeSpace(mm, (sub, r, seq) -> {
            sub.setSeq(seq);
            return true;
        });
        int batch = 512;
        long[] pfns = new long[batch];
        HmmRange range = new HmmRange(n, 0, 0, pfns, HmmPfn.REQ_FAULT, 0, null);
        double best = 0;
        int rounds = quick ? 3 : 12;
        for (int round = 0; round < rounds; round++) {
            long t0 = System.nanoTime();
            long done = 0;
            int reps = quick ? 2 : 20;
            for (int rep = 0; rep < reps; rep++) {
                for (long p = 0; p < pages; p += batch) {
                    range.start = addr + p * Mman.PAGE_SIZE;
                    range.end = range.start + batch * Mman.PAGE_SIZE;
                    if (RangeFaultLoop.run(range, 1, RangeFaultLoop.SILENT) != 0) {
                        throw new IllegalStateException("hmm_range_fault failed");
                    }
                    done += batch;
                }
            }
            long dt = System.nanoTime() - t0;
            best = Math.max(best, done * 1e9 / dt);
        }
        return best;
    }

    /** Write faults on untouched anonymous pages (allocate, zero, map), 256 MiB per round. */
    static double firstTouch(boolean quick) {
        Frames frames = Frames.create(Bytes.GiB(4));
        MmStruct mm = MmStruct.create(frames);
        long pages = quick ? 8192 : 65536;
        double best = 0;
        int rounds = quick ? 3 : 10;
        for (int round = 0; round < rounds; round++) {
            long addr = mm.mmap(pages * Mman.PAGE_SIZE, Mman.PROT_READ | Mman.PROT_WRITE,
                    Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
            long t0 = System.nanoTime();
            for (long p = 0; p < pages; p++) {
                mm.touch(addr + p * Mman.PAGE_SIZE, true);
            }
            long dt = System.nanoTime() - t0;
            best = Math.max(best, pages * 1e9 / dt);
            mm.munmap(addr, pages * Mman.PAGE_SIZE);
        }
        return best;
    }

    /** Heap growth per mapped page after mapping 4 Mi pages (16 GiB) of written anonymous memory. */
    static double bytesPerPage(boolean quick) {
        long pages = quick ? (1L << 18) : (4L << 20);
        long before = usedHeap();
        Frames frames = Frames.create(Bytes.GiB(64));
        MmStruct mm = MmStruct.create(frames);
        long addr = mm.mmap(pages * Mman.PAGE_SIZE, Mman.PROT_READ | Mman.PROT_WRITE,
                Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
        for (long p = 0; p < pages; p++) {
            mm.touch(addr + p * Mman.PAGE_SIZE, true);
        }
        long after = usedHeap();
        double perPage = (double) (after - before) / pages;
        if (mm.entry(addr) == 0 || frames.usedRamPages() < pages) {
            throw new IllegalStateException("pages not mapped");
        }
        return perPage;
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
