package org.hmmlab.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.hmmlab.dmirror.Dmirror;
import org.hmmlab.dmirror.DmirrorCmd;
import org.hmmlab.dmirror.DmirrorDevice;
import org.hmmlab.mm.devmem.MemoryType;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.Test;

/**
 * Random sequences of mmap, munmap, mprotect, madvise, fork, exit, CPU loads and stores, device reads and writes,
 * migration both ways, device-exclusive access, pin and unpin, over several processes and two devices (one private,
 * one coherent), with the invariant checker after every step and a data oracle: every CPU load and device read must
 * return the last value stored at that address in that process (copy-on-write gives a child its own history).
 *
 * <p>Fixed seed and 600 steps in CI; more with {@code -Dhmmlab.property.steps=N} and {@code -Dhmmlab.seed=S}; the full
 * checker runs every step unless {@code -Dhmmlab.property.checkEvery=K} (and always after the last step). The run
 * prints its time and peak heap.
 */
class RandomOperationsPropertyTest {

    static final long P = Mman.PAGE_SIZE;
    /** Prints the state's size and the heap ten times over the run ({@code -Dhmmlab.property.probe=true}). */
    static final boolean PROBE = Boolean.getBoolean("hmmlab.property.probe");

    /** One simulated process: its address space, its descriptors, its mappings and the oracle of its data. */
    static final class Proc {
        final MmStruct mm;
        final Dmirror[] fds;
        final List<long[]> maps = new ArrayList<>(); // {start, pages}
        final Map<Long, Integer> data = new HashMap<>(); // first int of a page -> value
        final List<long[]> pins = new ArrayList<>();

        Proc(MmStruct mm, DmirrorDevice[] devs) {
            this.mm = mm;
            this.fds = new Dmirror[] {devs[0].open(mm), devs[1].open(mm)};
        }
    }

    @Test
    void randomOperationsKeepTheInvariantsAndTheData() {
        long seed = Long.getLong("hmmlab.seed", 42L);
        int steps = Integer.getInteger("hmmlab.property.steps", 600);
        int checkEvery = Integer.getInteger("hmmlab.property.checkEvery", 1);
        long started = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        Frames frames = Frames.create(Bytes.MiB(512));
        frames.setInvariantChecking(true);
        DmirrorDevice[] devs = {DmirrorDevice.create(frames, 0, MemoryType.DEVICE_PRIVATE),
            DmirrorDevice.create(frames, 2, MemoryType.DEVICE_COHERENT)};
        List<Proc> procs = new ArrayList<>();
        procs.add(new Proc(MmStruct.create(frames), devs));
        int[] counts = new int[16];
        int nextValue = 1;
        for (int step = 0; step < steps; step++) {
            Proc pr = procs.get(rnd.nextInt(procs.size()));
            int op = rnd.nextInt(16);
            String what = "step " + step + " op " + op + " in " + pr.mm + " (seed " + seed + ")";
            if (pr.maps.isEmpty() || op == 0) {
                long pages = 1 + rnd.nextInt(rnd.nextBoolean() ? 16 : 1100);
                long a = pr.mm.mmap(pages * P, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
                assertTrue(a > 0, what);
                if (pages >= 1024 && rnd.nextBoolean()) {
                    pr.mm.madvise((a + Mman.PMD_SIZE - 1) & -Mman.PMD_SIZE, Mman.PMD_SIZE, Mman.MADV_HUGEPAGE);
                }
                pr.maps.add(new long[] {a, pages});
                counts[0]++;
                continue;
            }
            long[] m = pr.maps.get(rnd.nextInt(pr.maps.size()));
            long first = rnd.nextLong(m[1]);
            long n = 1 + rnd.nextLong(Math.min(m[1] - first, 600));
            long addr = m[0] + first * P;
            switch (op) {
                case 1, 2, 3 -> { // CPU store then load
                    if (pr.mm.touch(addr, true) == 0) {
                        int val = nextValue++;
                        pr.mm.writeInt(addr, val);
                        pr.data.put(addr, val);
                    }
                }
                case 4, 5 -> { // CPU load checks the oracle
                    if (pr.mm.touch(addr, false) == 0) {
                        assertEquals(pr.data.getOrDefault(addr, 0), pr.mm.readInt(addr), what);
                    }
                }
                case 6 -> { // device read
                    Dmirror fd = pr.fds[rnd.nextInt(2)];
                    DmirrorCmd cmd = new DmirrorCmd(addr, new byte[(int) (n * P)], n);
                    if (fd.ioctl(Dmirror.HMM_DMIRROR_READ, cmd) == 0) {
                        for (long k = 0; k < n; k++) {
                            int got = (int) java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class,
                                    java.nio.ByteOrder.LITTLE_ENDIAN).get(cmd.ptr, (int) (k * P));
                            assertEquals(pr.data.getOrDefault(addr + k * P, 0), got, what + " page " + k);
                        }
                        assertEquals(n, cmd.cpages, what);
                    }
                }
                case 7 -> { // device write of one page
                    Dmirror fd = pr.fds[rnd.nextInt(2)];
                    byte[] buf = new byte[(int) P];
                    int val = nextValue++;
                    java.nio.ByteBuffer.wrap(buf).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0, val);
                    int rc = fd.ioctl(Dmirror.HMM_DMIRROR_WRITE, new DmirrorCmd(addr, buf, 1));
                    if (rc == 0) {
                        pr.data.put(addr, val);
                    }
                }
                case 8, 9 -> { // migrate to a device
                    pr.fds[rnd.nextInt(2)].ioctl(Dmirror.HMM_DMIRROR_MIGRATE_TO_DEV,
                            new DmirrorCmd(addr, new byte[(int) (n * P)], n));
                }
                case 10 -> pr.fds[rnd.nextInt(2)].ioctl(Dmirror.HMM_DMIRROR_MIGRATE_TO_SYS,
                        new DmirrorCmd(addr, null, n));
                case 11 -> { // mprotect flip
                    int prot = rnd.nextInt(3) == 0 ? Mman.PROT_READ : Mman.PROT_READ | Mman.PROT_WRITE;
                    assertEquals(0, pr.mm.mprotect(addr, n * P, prot), what);
                }
                case 12 -> { // DONTNEED drops data, or FREE keeps it (no reclaim modelled)
                    boolean dontneed = rnd.nextBoolean();
                    int rc = pr.mm.madvise(addr, n * P, dontneed ? Mman.MADV_DONTNEED : Mman.MADV_FREE);
                    assertEquals(0, rc, what);
                    if (dontneed) {
                        for (long k = 0; k < n; k++) {
                            pr.data.remove(addr + k * P);
                        }
                    }
                }
                case 13 -> { // fork (bounded), or a child exits
                    if (procs.size() < 4) {
                        MmStruct child = pr.mm.fork();
                        Proc c = new Proc(child, devs);
                        c.maps.addAll(pr.maps);
                        c.data.putAll(pr.data);
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
                case 14 -> { // pin or unpin
                    if (!pr.pins.isEmpty() && rnd.nextBoolean()) {
                        long[] pin = pr.pins.remove(pr.pins.size() - 1);
                        Gup.unpinUserPages(pr.mm, new long[] {pin[1]}, 1);
                    } else {
                        long[] pages = new long[1];
                        long rc = Gup.pinUserPages(pr.mm, addr, 1, Gup.FOLL_WRITE | Gup.FOLL_LONGTERM, pages);
                        if (rc == 1) {
                            pr.pins.add(new long[] {addr, pages[0]});
                        }
                    }
                }
                case 15 -> { // exclusive, or munmap
                    if (rnd.nextBoolean()) {
                        pr.fds[0].ioctl(Dmirror.HMM_DMIRROR_EXCLUSIVE, new DmirrorCmd(addr, new byte[(int) (n * P)], n));
                    } else if (pr.pins.stream().noneMatch(x -> x[0] >= m[0] && x[0] < m[0] + m[1] * P)) {
                        assertEquals(0, pr.mm.munmap(m[0], m[1] * P), what);
                        pr.maps.remove(m);
                        for (long k = 0; k < m[1]; k++) {
                            pr.data.remove(m[0] + k * P);
                        }
                    }
                }
                default -> throw new AssertionError(op);
            }
            counts[op]++;
            if (PROBE && step % Math.max(1, steps / 10) == 0) {
                long vmas = 0;
                long tables = 0;
                for (Proc q : procs) {
                    vmas += q.mm.vmas().size();
                    tables += q.mm.pageTable().tableCount();
                }
                System.out.printf("step %,d: %d processes, %,d VMAs, %,d CPU page-table pages, heap %,d MiB after GC%n",
                        step, procs.size(), vmas, tables, heapAfterGc() >> 20);
            }
            if (step % checkEvery == 0 || step == steps - 1) {
                Invariants.check(frames);
            }
        }
        for (int op = 0; op < 16; op++) {
            assertTrue(counts[op] > 0, "operation " + op + " never ran");
        }
        long peak = 0;
        for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf("RandomOperationsPropertyTest: seed %d, %,d steps, invariants every %d, %.1f s, peak heap %,d MiB%n",
                seed, steps, checkEvery, (System.nanoTime() - started) / 1e9, peak >> 20);
    }

    static long heapAfterGc() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
