package org.hmmlab.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;
import org.hmmlab.bench.CoreOps;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The incremental checker against the full one: the same real inconsistencies, made through the engine's own
 * entry points (a mapcount bumped, an entry written without its accounting, a frame freed under its mapping, a huge
 * entry on a small page, a device-private entry on RAM), are reported by both, the incremental one by a check that
 * looks only at what changed since the last.
 */
class IncrementalInvariantsTest {

    static final long P = Mman.PAGE_SIZE;

    /** A machine with two processes (a parent and its forked child) sharing written pages, the checker watching. */
    static final class Machine {
        final Frames frames = Frames.create(Bytes.MiB(64));
        final MmStruct mm;
        final MmStruct child;
        final long a;

        Machine() {
            frames.setIncrementalInvariantChecking(1_000_000);
            mm = MmStruct.create(frames);
            a = mm.mmap(8 * Mman.PMD_SIZE, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
            mm.madvise(a, 8 * Mman.PMD_SIZE, Mman.MADV_NOHUGEPAGE); // small pages: the entries below are PTEs
            for (int k = 0; k < 4; k++) {
                mm.writeInt(a + k * P, k + 1);
            }
            child = mm.fork();
            child.writeInt(a, 99); // copy-on-write: the child's own page
            frames.checkpoint();
        }

        long pfnAt(MmStruct m, long addr) {
            return Pte.pfn(m.entry(addr));
        }

        IncrementalInvariants checker() {
            return frames.incrementalChecker();
        }
    }

    enum Corruption {
        MAPCOUNT_BUMPED(m -> m.frames.incMapcount(m.pfnAt(m.mm, m.a + P))),
        MAPCOUNT_DROPPED(m -> m.frames.decMapcount(m.pfnAt(m.child, m.a))),
        ENTRY_WITHOUT_ACCOUNTING(m -> m.mm.setPte(m.a + 100 * P, m.mm.entry(m.a + 2 * P))),
        ENTRY_ON_FREE_FRAME(m -> {
            long pfn = m.frames.allocPage(Frames.F_ANON);
            m.frames.put(pfn);
            m.child.setPte(m.a + 200 * P, Pte.mk(pfn, true, true));
        }),
        FRAME_FREED_UNDER_ITS_MAPPING(m -> {
            long pfn = m.pfnAt(m.child, m.a);
            m.frames.put(pfn); // the only reference: the frame goes back to the allocator, the entry stays
        }),
        REFCOUNT_BELOW_MAPCOUNT(m -> m.frames.put(m.pfnAt(m.mm, m.a + 3 * P))), // shared by both: 2 -> 1
        HUGE_ENTRY_ON_SMALL_PAGE(m -> {
            long pfn = m.pfnAt(m.mm, m.a + 3 * P);
            m.frames.get(pfn);
            m.frames.incMapcount(pfn);
            m.mm.setPmdLeaf(m.a + 4 * Mman.PMD_SIZE, Pte.mk(pfn, false, false) | Pte.HUGE);
        }),
        DEVICE_PRIVATE_ENTRY_ON_RAM(m -> {
            long addr = m.a + 300 * P;
            long pfn = m.frames.allocPage(Frames.F_ANON);
            m.frames.incMapcount(pfn);
            m.mm.setPte(addr, Pte.mkSwp(Pte.SWP_DEVICE_PRIVATE, pfn, true));
        }),
        PIN_WITHOUT_REFERENCE(m -> m.frames.addPins(m.pfnAt(m.child, m.a), 1));

        final Consumer<Machine> inject;

        Corruption(Consumer<Machine> inject) {
            this.inject = inject;
        }
    }

    @ParameterizedTest
    @EnumSource(Corruption.class)
    void bothCheckersReportTheCorruption(Corruption c) {
        Machine m = new Machine();
        long full = m.checker().fullChecks();
        long incremental = m.checker().incrementalChecks();
        assertTrue(full >= 1, "the first checkpoint is a full check (it builds the shadow)");
        assertTrue(incremental >= 1, "the operations after it were checked incrementally");
        assertEquals(0, m.child.touch(m.a + 4 * P, true)); // a clean operation, checked incrementally
        assertEquals(incremental + 1, m.checker().incrementalChecks());

        c.inject.accept(m);
        IllegalStateException inc = assertThrows(IllegalStateException.class, m.frames::checkpoint, c.name());
        assertEquals(full, m.checker().fullChecks(), "reported by the incremental check, not a full one");
        IllegalStateException ref = assertThrows(IllegalStateException.class, () -> Invariants.check(m.frames),
                c.name());
        System.out.println(c + ": incremental \"" + inc.getMessage() + "\", full \"" + ref.getMessage() + "\"");
    }

    @Test
    void aCleanRunPassesBothAndTheFullCheckComesEveryN() {
        CoreOps.World w = new CoreOps.World(Bytes.MiB(128), true);
        w.frames().setIncrementalInvariantChecking(50);
        w.run(CoreOps.sequence(7, 3_000));
        IncrementalInvariants c = w.frames().incrementalChecker();
        assertTrue(c.fullChecks() >= 3_000 / 50 / 2, "full checks: " + c.fullChecks());
        assertTrue(c.incrementalChecks() > c.fullChecks() * 10, "incremental checks: " + c.incrementalChecks());
        w.frames().checkFully();
        Invariants.check(w.frames());
    }

    @Test
    void turningTheFullCheckerBackOnStopsTheIncrementalOne() {
        Machine m = new Machine();
        m.frames.setInvariantChecking(true);
        assertEquals(null, m.frames.incrementalChecker());
        m.frames.incMapcount(m.pfnAt(m.mm, m.a + P));
        assertThrows(IllegalStateException.class, m.frames::checkpoint, "the full checker runs at every checkpoint");
    }

    @Test
    void fullEveryMustBePositive() {
        Frames f = Frames.create(Bytes.MiB(64));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> f.setIncrementalInvariantChecking(0));
        assertTrue(e.getMessage().contains("fullEvery"), e.getMessage());
    }

    @Test
    void shrinkingKeepsOnlyTheOperationsAFailureNeeds() {
        List<CoreOps.Op> ops = CoreOps.sequence(3, 500);
        CoreOps.Op x = ops.get(123);
        CoreOps.Op y = ops.get(401);
        List<CoreOps.Op> small = CoreOps.shrink(ops, s -> s.contains(x) && s.contains(y), 10_000);
        assertEquals(List.of(x, y), small);
    }

    @Test
    void aMadviseThatWouldSplitAHugetlbAreaOffItsBoundaryIsRefused() {
        // Found by the generator: one 2 MiB hugetlb entry ended up inside three areas (hugetlb_vm_op_split()).
        Frames f = Frames.create(Bytes.MiB(64));
        MmStruct mm = MmStruct.create(f);
        long a = mm.mmap(0, Mman.PMD_SIZE, Mman.PROT_READ | Mman.PROT_WRITE,
                Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_HUGETLB, null, 0);
        mm.writeInt(a, 1);
        assertEquals(-Errno.EINVAL, mm.madvise(a + 187 * P, 10 * P, Mman.MADV_NOHUGEPAGE));
        assertEquals(1, mm.vmas().size());
        assertEquals(0, mm.madvise(a, Mman.PMD_SIZE, Mman.MADV_NOHUGEPAGE));
        Invariants.check(f);
    }
}
