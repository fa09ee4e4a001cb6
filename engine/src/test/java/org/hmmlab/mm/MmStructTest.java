package org.hmmlab.mm;

import static org.hmmlab.mm.Mman.MAP_ANONYMOUS;
import static org.hmmlab.mm.Mman.MAP_PRIVATE;
import static org.hmmlab.mm.Mman.PAGE_SIZE;
import static org.hmmlab.mm.Mman.PROT_READ;
import static org.hmmlab.mm.Mman.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.hmmlab.mm.notifier.MmuIntervalNotifier;
import org.hmmlab.mm.notifier.MmuNotifyEvent;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The address space: system calls, CPU faults, fork, notifier events (mm/memory.c, mm/mmap.c, kernel/fork.c). */
class MmStructTest {
    Frames frames;
    MmStruct mm;
    List<MmuNotifyEvent> events;

    @BeforeEach
    void setUp() {
        frames = Frames.create(Bytes.MiB(256));
        frames.setInvariantChecking(true);
        mm = MmStruct.create(frames);
        events = new ArrayList<>();
        MmuIntervalNotifier.insertWholeSpace(mm, (sub, r, seq) -> {
            events.add(r.event());
            sub.setSeq(seq);
            return true;
        });
    }

    long anon(long pages, int prot) {
        long a = mm.mmap(pages * PAGE_SIZE, prot, MAP_PRIVATE | MAP_ANONYMOUS);
        assertFalse(Errno.isError(a));
        return a;
    }

    @Nested
    class Faults {
        @Test
        void firstReadMapsTheZeroPageReadOnlyAndNotifiesNothing() {
            long a = anon(1, PROT_READ | PROT_WRITE);
            assertEquals(0, mm.readInt(a));
            long e = mm.entry(a);
            assertTrue(Pte.isPresent(e));
            assertEquals(Frames.ZERO_PFN, Pte.pfn(e));
            assertFalse(Pte.isWrite(e));
            assertEquals(List.of(), events);
        }

        @Test
        void writeAfterZeroPageCopiesAndSendsClear() {
            long a = anon(1, PROT_READ | PROT_WRITE);
            mm.readInt(a);
            mm.writeInt(a, 7);
            assertNotEquals(Frames.ZERO_PFN, Pte.pfn(mm.entry(a)));
            assertEquals(List.of(MmuNotifyEvent.CLEAR), events);
            assertEquals(7, mm.readInt(a));
        }

        @Test
        void firstWriteAllocatesWithoutNotification() {
            long a = anon(1, PROT_READ | PROT_WRITE);
            long used = frames.usedRamPages();
            mm.writeInt(a, 1);
            assertEquals(used + 1, frames.usedRamPages());
            assertTrue(Pte.isWrite(mm.entry(a)));
            assertEquals(List.of(), events);
        }

        @Test
        void protectionFaultsAreSigsegv() {
            long a = anon(1, PROT_READ);
            assertEquals(VmFault.SIGSEGV, mm.touch(a, true));
            assertEquals(0, mm.touch(a, false));
            assertEquals(VmFault.SIGSEGV, mm.touch(a + PAGE_SIZE * 100, false));
            MemoryAccessException ex = assertThrows(MemoryAccessException.class, () -> mm.writeInt(a, 1));
            assertEquals(VmFault.SIGSEGV, ex.vmFault());
        }

        @Test
        void outOfMemoryIsAValue() {
            Frames small = Frames.create(Bytes.MiB(8));
            MmStruct m = MmStruct.create(small);
            long a = m.mmap(4096 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
            int r = 0;
            for (long p = 0; p < 4096 && r == 0; p++) {
                r = m.touch(a + p * PAGE_SIZE, true);
            }
            assertEquals(VmFault.OOM, r);
        }
    }

    @Nested
    class Fork {
        @Test
        void copyOnWriteKeepsParentAndChildApart() {
            long a = anon(2, PROT_READ | PROT_WRITE);
            mm.writeInt(a, 1);
            MmStruct child = mm.fork();
            assertEquals(List.of(MmuNotifyEvent.PROTECTION_PAGE), events);
            long pfn = Pte.pfn(mm.entry(a));
            assertEquals(2, frames.mapcount(pfn));
            assertFalse(Pte.isWrite(mm.entry(a)));
            child.writeInt(a, 2);
            assertEquals(1, mm.readInt(a));
            assertEquals(2, child.readInt(a));
            assertEquals(1, frames.mapcount(pfn));
            mm.writeInt(a, 3);
            assertEquals(pfn, Pte.pfn(mm.entry(a)), "the last mapper reuses the page");
            child.exit();
            assertEquals(3, mm.readInt(a));
        }
    }

    @Nested
    class BadInput {
        @Test
        void syscallsReturnKernelErrors() {
            assertEquals(-Errno.EINVAL, mm.mmap(0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS));
            assertEquals(-Errno.EINVAL, mm.mmap(PAGE_SIZE, PROT_READ, MAP_ANONYMOUS));
            assertEquals(-Errno.EINVAL, mm.mmap(PAGE_SIZE, 0x100, MAP_PRIVATE | MAP_ANONYMOUS));
            assertEquals(-Errno.EINVAL, mm.munmap(123, PAGE_SIZE));
            assertEquals(-Errno.EINVAL, mm.munmap(0x1000_0000L, 0));
            assertEquals(-Errno.EINVAL, mm.mprotect(123, PAGE_SIZE, PROT_READ));
            assertEquals(-Errno.EINVAL, mm.madvise(0x1000_0000L, PAGE_SIZE, 999));
            assertEquals(-Errno.EBADF, mm.mmap(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, null, 0));
        }
    }

    @Nested
    class Events {
        @Test
        void eachSyscallSendsItsReason() {
            long a = anon(4, PROT_READ | PROT_WRITE);
            mm.writeInt(a, 1);
            assertEquals(0, mm.mprotect(a, PAGE_SIZE, PROT_READ));
            assertEquals(0, mm.madvise(a + PAGE_SIZE, PAGE_SIZE, Mman.MADV_DONTNEED));
            assertEquals(0, mm.munmap(a, 4 * PAGE_SIZE));
            mm.exit();
            assertEquals(List.of(MmuNotifyEvent.PROTECTION_VMA, MmuNotifyEvent.CLEAR, MmuNotifyEvent.UNMAP,
                    MmuNotifyEvent.RELEASE), events);
        }

        @Test
        void sequenceIsOddOnlyDuringAnInvalidation() {
            long a = anon(1, PROT_READ | PROT_WRITE);
            long[] seen = new long[1];
            MmuIntervalNotifier n = MmuIntervalNotifier.insert(mm, a, PAGE_SIZE, (sub, r, seq) -> {
                seen[0] = seq;
                sub.setSeq(seq);
                assertThrows(IllegalStateException.class, sub::readBegin);
                return true;
            });
            long s0 = n.readBegin();
            assertFalse(n.readRetry(s0));
            assertEquals(0, mm.munmap(a, PAGE_SIZE));
            assertEquals(1, seen[0] & 1, "odd during the invalidation");
            assertEquals(0, mm.notifierSubscriptions().seq() & 1, "even after it");
            assertTrue(n.readRetry(s0));
            long s1 = n.readBegin();
            assertFalse(n.readRetry(s1));
        }
    }
}
