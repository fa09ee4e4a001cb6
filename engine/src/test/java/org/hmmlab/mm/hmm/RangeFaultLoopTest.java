package org.hmmlab.mm.hmm;

import static org.hmmlab.mm.Mman.MAP_ANONYMOUS;
import static org.hmmlab.mm.Mman.MAP_PRIVATE;
import static org.hmmlab.mm.Mman.PAGE_SIZE;
import static org.hmmlab.mm.Mman.PROT_READ;
import static org.hmmlab.mm.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.hmmlab.mm.Errno;
import org.hmmlab.mm.Frames;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.notifier.MmuIntervalNotifier;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The driver loop around hmm_range_fault() of Documentation/mm/hmm.rst (dmirror_range_fault() in lib/test_hmm.c). */
class RangeFaultLoopTest {
    MmStruct mm;
    MmuIntervalNotifier notifier;
    final List<String> steps = new ArrayList<>();
    final RangeFaultLoop.Listener record = new RangeFaultLoop.Listener() {
        @Override
        public void attempt(int attempt, long seq, int rc, RangeFaultLoop.Step step) {
            steps.add(attempt + ":" + step + ":" + rc);
        }
    };

    @BeforeEach
    void setUp() {
        Frames frames = Frames.create(Bytes.MiB(64));
        frames.setInvariantChecking(true);
        mm = MmStruct.create(frames);
        notifier = MmuIntervalNotifier.insertWholeSpace(mm, (sub, r, seq) -> {
            sub.setSeq(seq);
            return true;
        });
    }

    HmmRange range(long start, int pages, long defaultFlags) {
        return new HmmRange(notifier, start, start + pages * PAGE_SIZE, new long[pages], defaultFlags, 0, null);
    }

    long anon(int pages) {
        return mm.mmap(pages * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    }

    @Test
    void aCopyOnWriteInsideTheWalkIsEbusyAndTheSecondAttemptSucceeds() {
        long a = anon(1);
        mm.readInt(a); // maps the zero page: the write fault below breaks COW and sends an invalidation
        HmmRange r = range(a, 1, HmmPfn.REQ_FAULT | HmmPfn.REQ_WRITE);
        assertEquals(0, RangeFaultLoop.run(r, 8, record));
        assertEquals(List.of("1:EBUSY:" + -Errno.EBUSY, "2:DONE:0"), steps);
        assertTrue(HmmPfn.isWrite(r.hmmPfns[0]));
    }

    @Test
    void anInvalidationAfterTheWalkIsCaughtByReadRetry() {
        long a = anon(2);
        HmmRange r = range(a, 1, HmmPfn.REQ_FAULT);
        boolean[] raced = {false};
        RangeFaultLoop.Listener racer = new RangeFaultLoop.Listener() {
            @Override
            public void walked(int attempt, long seq, int rc) {
                if (!raced[0]) { // another thread munmaps the neighbour page between the walk and the driver lock
                    raced[0] = true;
                    assertEquals(0, mm.munmap(a + PAGE_SIZE, PAGE_SIZE));
                }
            }

            @Override
            public void attempt(int attempt, long seq, int rc, RangeFaultLoop.Step step) {
                record.attempt(attempt, seq, rc, step);
            }
        };
        assertEquals(0, RangeFaultLoop.run(r, 8, racer));
        assertEquals(List.of("1:READ_RETRY:0", "2:DONE:0"), steps);
    }

    @Test
    void anErrorOtherThanEbusyEndsTheLoop() {
        long a = anon(1);
        assertEquals(0, mm.munmap(a, PAGE_SIZE));
        assertEquals(-Errno.EFAULT, RangeFaultLoop.run(range(a, 1, HmmPfn.REQ_FAULT), 8, record));
        assertEquals(List.of("1:FAILED:" + -Errno.EFAULT), steps);
    }

    @Test
    void aLoopThatNeverSettlesGivesUpWithEbusy() {
        long a = anon(2);
        RangeFaultLoop.Listener alwaysRace = new RangeFaultLoop.Listener() {
            @Override
            public void walked(int attempt, long seq, int rc) {
                mm.readInt(a + PAGE_SIZE);
                assertEquals(0, mm.madvise(a + PAGE_SIZE, PAGE_SIZE, org.hmmlab.mm.Mman.MADV_DONTNEED));
            }

            @Override
            public void attempt(int attempt, long seq, int rc, RangeFaultLoop.Step step) {
                record.attempt(attempt, seq, rc, step);
            }
        };
        assertEquals(-Errno.EBUSY, RangeFaultLoop.run(range(a, 1, HmmPfn.REQ_FAULT), 3, alwaysRace));
        assertEquals(List.of("1:READ_RETRY:0", "2:READ_RETRY:0", "3:READ_RETRY:0"), steps);
    }

    @Test
    void maxAttemptsIsChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RangeFaultLoop.run(range(anon(1), 1, 0), 0, RangeFaultLoop.SILENT));
        assertEquals("maxAttempts must be >= 1, got 0", e.getMessage());
    }
}
