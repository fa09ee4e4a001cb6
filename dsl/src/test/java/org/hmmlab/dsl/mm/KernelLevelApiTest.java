package org.hmmlab.dsl.mm;

import static org.hmmlab.dsl.Lab.machine;
import static org.hmmlab.dsl.Lab.pages;
import static org.hmmlab.dsl.mm.Access.READ;
import static org.hmmlab.dsl.mm.Access.WRITE;
import static org.hmmlab.dsl.mm.HmmRequest.REQ_FAULT;
import static org.hmmlab.dsl.mm.HmmRequest.REQ_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.mm.Errno;
import org.hmmlab.mm.hmm.HmmPfn;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The kernel-level API walked through as a tutorial would: each test is one step of the mechanism, checked against
 * what the kernel does (mm/hmm.c, mm/memory.c, lib/test_hmm.c and tools/testing/selftests/mm/hmm-tests.c).
 */
class KernelLevelApiTest {

    final Task p = machine().process();
    final Mapping buf = p.mmap(pages(4));
    final Mirror gpu = p.mirror("gpu0", buf);

    @Test
    void aSnapshotWithoutRequestsReportsButFaultsNothing() {
        // hmm-tests.c anon_read's first step in spirit: without HMM_PFN_REQ_FAULT, hmm_range_fault() only reports.
        RangeFault r = gpu.hmmRangeFault(buf);
        assertEquals(0, r.status());
        for (int i = 0; i < 4; i++) {
            assertFalse(HmmPfn.isValid(r.entry(i)), "page " + i + " is not mapped");
        }
        assertEquals(List.of("none", "none", "none", "none"), p.pageTable(buf).column("entry").values());
    }

    @Test
    void aFaultMirrorsWhatTheCpuMapsAndFaultsTheRestIn() {
        assertTrue(p.touch(buf.page(0), WRITE).ok());
        RangeFault r = gpu.hmmRangeFault(buf, REQ_FAULT);
        assertEquals(0, r.status(), r.toString());
        assertEquals(0, r.retries());
        // Page 0: the CPU's private page, writable. Pages 1-3: a read fault maps the shared zero page read-only.
        assertEquals(List.of("VALID WRITE", "VALID", "VALID", "VALID"), r.entries().column("flags").values());
        Table side = gpu.pageTables();
        assertEquals(List.of(true, true, true, true), side.column("in_sync").values());
        assertEquals(side.column("cpu_pfn").values(), side.column("device_pfn").values());
        assertEquals(List.of("ram", "zero page", "zero page", "zero page"), p.pageTable(buf).column("memory").values());
    }

    @Test
    void aWriteFaultOnTheZeroPageBreaksCowAndTheDriverRetriesAfterEbusy() {
        // do_wp_page() replaces the zero page with a new page and notifies CLEAR over it; hmm_range_fault() sees the
        // notifier's sequence move at its next walk pass and returns -EBUSY; the driver loop starts again.
        p.touch(buf.page(1), READ);
        RangeFault r = gpu.hmmRangeFault(buf.page(1), REQ_WRITE);
        assertEquals(0, r.status(), r.toString());
        assertEquals(List.of("-EBUSY", "0"), r.attempts().column("hmm_range_fault").values());
        assertEquals(1, r.retries());
        assertEquals("CLEAR", gpu.invalidationLog().get(0).event());
        assertTrue(HmmPfn.isWrite(r.entry(0)));
        assertEquals("ram", p.pageTable(buf.page(1)).column("memory").values().get(0));
    }

    @Test
    void anInvalidationDropsTheDeviceEntries() {
        p.touch(buf, WRITE);
        gpu.hmmRangeFault(buf, REQ_FAULT);
        assertEquals(0, gpu.pageTables().column("device_pfn").values().stream().filter(v -> (Long) v < 0).count());
        assertTrue(p.madviseDontNeed(buf.pages(2, 4)).ok());
        Mirror.Invalidation last = gpu.invalidationLog().get(gpu.invalidationLog().size() - 1);
        assertEquals("CLEAR", last.event());
        assertEquals(2, last.dropped());
        assertEquals(List.of(true, true, false, false),
                gpu.pageTables().column("device_pfn").values().stream().map(v -> (Long) v >= 0).toList());
    }

    @Test
    void aRaceBetweenTheWalkAndTheDriverLockIsCaughtByReadRetry() {
        p.touch(buf, WRITE);
        gpu.raceOnce(() -> p.madviseDontNeed(buf.page(3)));
        RangeFault r = gpu.hmmRangeFault(buf, REQ_FAULT);
        assertEquals(0, r.status());
        assertEquals(2, r.attemptList().size());
        assertTrue(r.attemptList().get(0).outcome().startsWith("mmu_interval_read_retry"), r.toString());
        // The second walk faulted page 3 in again (the zero page): the device never maps the dropped frame.
        assertEquals(List.of(true, true, true, true), gpu.pageTables().column("in_sync").values());
    }

    @Test
    void aFaultOnAnUnmappedPageIsEfault() {
        assertTrue(p.munmap(buf.page(2)).ok());
        RangeFault r = gpu.hmmRangeFault(buf, REQ_FAULT);
        assertEquals(-Errno.EFAULT, r.status());
        assertFalse(r.ok());
    }

    @Test
    void aWriteRequestOnAReadOnlyMappingIsEperm() {
        // hmm_vma_walk_test(): a write fault required where the VMA lacks VM_WRITE is -EPERM.
        Mapping ro = p.mmap(pages(1), Prot.READ_ONLY);
        Mirror m = p.mirror(ro);
        assertEquals(-Errno.EPERM, m.hmmRangeFault(ro, REQ_WRITE).status());
        assertEquals("SIGSEGV", p.touch(ro, WRITE).result().strip());
    }

    @Test
    void forkWriteProtectsAndNotifies() {
        p.touch(buf, WRITE);
        gpu.hmmRangeFault(buf, REQ_FAULT);
        Task child = p.fork();
        assertTrue(gpu.invalidationLog().stream().anyMatch(v -> v.event().equals("PROTECTION_PAGE")), gpu.invalidations().toText());
        assertEquals(p.pageTable(buf).column("pfn").values(), child.pageTable(child.same(buf)).column("pfn").values());
        assertEquals(List.of(false, false, false, false), p.pageTable(buf).column("writable").values());
    }

    @Test
    void mprotectReadOnlyWriteProtectsAndTheMirrorLosesItsEntries() {
        p.touch(buf, WRITE);
        gpu.hmmRangeFault(buf, REQ_WRITE);
        assertTrue(HmmPfn.isWrite(gpu.deviceEntry(0)));
        assertTrue(p.mprotect(buf, Prot.READ_ONLY).ok());
        assertEquals("PROTECTION_VMA", gpu.invalidationLog().get(gpu.invalidationLog().size() - 1).event());
        assertEquals(0, gpu.deviceEntry(0));
        assertEquals(List.of("-", "-", "-", "-"), gpu.deviceTable().column("flags").values());
        assertEquals(-Errno.EPERM, gpu.hmmRangeFault(buf, REQ_WRITE).status());
    }

    @Test
    void removingTheNotifierEndsTheMirror() {
        p.touch(buf, WRITE);
        gpu.hmmRangeFault(buf, REQ_FAULT);
        gpu.remove();
        assertTrue(gpu.notifier().isRemoved());
        assertEquals(0, gpu.deviceEntry(3));
        assertEquals(buf, gpu.range());
        int before = gpu.invalidationLog().size();
        p.madviseDontNeed(buf);
        assertEquals(before, gpu.invalidationLog().size(), "a removed notifier hears nothing");
    }

    @Test
    void exitReleasesTheAddressSpace() {
        p.touch(buf, WRITE);
        long used = p.machine().usedRamPages();
        p.exit();
        assertTrue(p.machine().usedRamPages() < used, p.machine().toString());
        assertTrue(gpu.invalidationLog().stream().anyMatch(v -> v.event().equals("RELEASE") || v.event().equals("UNMAP")));
    }

    @Nested
    class DeviceMemory {
        final Device dev = p.machine().device("gpu0");

        @Test
        void migrateToDeviceLeavesDevicePrivateEntriesAndAHoleGetsAFreshPage() {
            // hmm-tests.c migrate: after HMM_DMIRROR_MIGRATE_TO_DEV every CPU entry is a device-private entry.
            p.touch(buf.pages(0, 3), WRITE);
            Migration mig = dev.migrateToDevice(buf);
            assertEquals(0, mig.status());
            assertEquals(4, mig.collected());
            assertEquals(4, mig.moved());
            assertEquals(List.of("ram", "ram", "ram", "hole"), mig.pages().column("from").values());
            assertEquals(List.of("0x10000000", "0x10001000", "0x10002000", "0x10003000"),
                    mig.pages().column("address").values(), "rows by address");
            assertEquals(List.of("device-private", "device-private", "device-private", "device-private"),
                    p.pageTable(buf).column("entry").values());
            assertEquals(4, dev.pagesInUse());
        }

        @Test
        void theOwnerSeesItsDevicePagesAndAnotherDriverFaultsThemBack() {
            // hmm_range_fault(): a device-private page whose pgmap owner is range->dev_private_owner is reported
            // as is; any other owner's page is faulted back to system memory (migrate_to_ram).
            p.touch(buf, WRITE);
            Mirror own = dev.mirror(buf);
            dev.migrateToDevice(buf);
            RangeFault mine = own.hmmRangeFault(buf, REQ_FAULT);
            assertEquals(0, mine.status());
            assertEquals(List.of("device-private", "device-private", "device-private", "device-private"),
                    p.pageTable(buf).column("memory").values());
            RangeFault theirs = gpu.hmmRangeFault(buf, REQ_FAULT);
            assertEquals(0, theirs.status());
            assertTrue(theirs.retries() >= 1, theirs.toString());
            assertEquals(List.of("ram", "ram", "ram", "ram"), p.pageTable(buf).column("memory").values());
            assertEquals(List.of(true, true, true, true), gpu.pageTables().column("in_sync").values());
        }

        @Test
        void aCpuTouchMigratesThePageBackToRam() {
            // hmm-tests.c migrate_fault: a CPU access to a device-private entry runs the pagemap's migrate_to_ram.
            p.touch(buf, WRITE);
            dev.migrateToDevice(buf);
            assertTrue(p.touch(buf.page(2), READ).ok());
            assertEquals(List.of("device-private", "device-private", "ram", "device-private"),
                    p.pageTable(buf).column("memory").values());
            Migration back = dev.migrateToSystem(buf);
            assertEquals(0, back.status());
            assertEquals(3, back.moved());
            assertEquals(List.of("ram", "ram", "ram", "ram"), p.pageTable(buf).column("memory").values());
        }

        @Test
        void aDeviceReadMapsTheZeroPageAndAWriteGivesEachPageItsOwn() {
            // hmm-tests.c anon_read / anon_write: the device faults through hmm_range_fault() like the CPU would.
            DeviceAccess read = dev.read(buf);
            assertEquals(0, read.rc());
            assertEquals(4, read.pages());
            assertEquals(List.of("zero page", "zero page", "zero page", "zero page"), p.pageTable(buf).column("memory").values());
            assertTrue(dev.write(buf).ok());
            assertEquals(List.of("ram", "ram", "ram", "ram"), p.pageTable(buf).column("memory").values());
        }

        @Test
        void exclusiveAccessEndsAtTheNextCpuTouch() {
            // hmm-tests.c exclusive: make_device_exclusive() swaps in device-exclusive entries; a CPU access
            // restores them and HMM_DMIRROR_CHECK_EXCLUSIVE then finds no atomic mapping left.
            p.touch(buf, WRITE);
            DeviceAccess ex = dev.makeExclusive(buf.pages(0, 2));
            assertTrue(ex.ok(), ex.toString());
            assertEquals(List.of("device-exclusive", "device-exclusive", "present", "present"),
                    p.pageTable(buf).column("entry").values());
            assertEquals(-Errno.EPERM, dev.checkExclusive(buf).rc());
            p.touch(buf.pages(0, 2), READ);
            assertEquals(0, dev.checkExclusive(buf).rc());
            assertEquals(List.of("present", "present", "present", "present"), p.pageTable(buf).column("entry").values());
        }

        @Test
        void badInput() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.machine().device(" "));
            assertTrue(e.getMessage().contains("device(name): name must be non-empty text"), e.getMessage());
        }
    }

    @Nested
    class Pinning {
        final Device dev = p.machine().device("gpu0");

        @Test
        void aPinnedPageIsRefusedByMigrateVmaAndStaysInSystemMemory() {
            // migrate_vma_collect_pmd() / migrate_vma_check_page(): a page with an extra (pin) reference is not
            // collected, so it stays in RAM; hmm-tests.c has no pin test, mm/migrate_device.c is the reference.
            p.touch(buf, WRITE);
            Pins pins = p.pinUserPages(buf.page(1));
            assertEquals(1, pins.rc());
            assertTrue(pins.ok());
            assertEquals(1, p.pinnedPages());
            Migration mig = dev.migrateToDevice(buf);
            // lib/test_hmm.c dmirror_migrate_to_device() reads the migrated range back from the device page table:
            // the page left behind is a hole there, so the ioctl reports -ENOENT after moving the other three.
            assertEquals(-Errno.ENOENT, mig.status());
            assertEquals(3, mig.moved(), mig.toString());
            assertEquals(List.of("device-private", "ram", "device-private", "device-private"),
                    p.pageTable(buf).column("memory").values());
            assertEquals(pins.pfns()[0], (Long) p.pageTable(buf.page(1)).column("pfn").values().get(0));
            // unpin_user_pages(): the page may move again.
            assertTrue(p.unpinUserPages(pins).ok());
            assertEquals(0, p.pinnedPages());
            assertEquals(1, dev.migrateToDevice(buf.page(1)).moved());
        }

        @Test
        void anEnoentMigrationSaysWhichPagesMovedAndWhyTheIoctlFailed() {
            // lib/test_hmm.c dmirror_migrate_to_device(): after migrate_vma_finalize() the driver reads the whole
            // range back through its page table (dmirror_do_read()), so one page that stayed (here pinned:
            // migrate_vma_collect_pmd() skips a maybe-pinned anonymous page) turns the ioctl into -ENOENT, and
            // dmirror_fops_unlocked_ioctl() copies cpages back only on success. The value stays the kernel's;
            // the display tells what moved.
            p.touch(buf, WRITE);
            p.pinUserPages(buf.pages(1, 3));
            Migration mig = dev.migrateToDevice(buf);
            assertEquals(-Errno.ENOENT, mig.status());
            assertEquals(0, mig.collected());
            assertEquals(2, mig.moved());
            assertEquals(2, mig.missingDeviceEntries());
            assertEquals(List.of("0x10001000", "0x10002000"), mig.stayed().column("address").values());
            assertEquals(List.of("ram", "ram"), mig.stayed().column("memory").values());
            assertEquals(List.of("pinned by pin_user_pages()", "pinned by pin_user_pages()"),
                    mig.stayed().column("reason").values());
            assertEquals("gpu0: migration to gpu0 0x10000000-0x10004000 (4 pages) = -ENOENT: 2 of 4 pages moved; "
                    + "2 stayed (2 pinned by pin_user_pages())", mig.headline());
            String text = mig.toString();
            assertTrue(text.contains("-ENOENT does not mean that nothing moved"), text);
            assertTrue(text.contains("dmirror_do_read()"), text);
            assertTrue(text.contains("2 pages have none. The 2 pages that moved stay in device memory"), text);
            assertFalse(text.contains("0 collected"), text);
            String html = mig.mimeBundle().get("text/html");
            assertTrue(html.contains("-ENOENT does not mean that nothing moved"), html);
            assertTrue(html.contains("pages that stayed"), html);
        }

        @Test
        void aPageInAnotherDevicesMemoryIsNotSelectedAndLacksAnEntry() {
            // hmm-tests.c hmm2.migrate_mixed: a page on device 1 is not selected by device 0's
            // MIGRATE_VMA_SELECT_SYSTEM and has no entry in device 0's page table, so device 0's M2D is -ENOENT.
            p.touch(buf, WRITE);
            Device other = p.machine().device("gpu1");
            assertEquals(0, other.migrateToDevice(buf.page(3)).status());
            Migration mig = dev.migrateToDevice(buf);
            assertEquals(-Errno.ENOENT, mig.status());
            assertEquals(3, mig.moved());
            assertEquals(1, mig.missingDeviceEntries());
            assertEquals(List.of("in another device's memory, not selected"), mig.stayed().column("reason").values());
            assertEquals(List.of("device-private"), mig.stayed().column("memory").values());
        }

        @Test
        void aSecondMigrationFindsThePagesAlreadyThereAndSucceeds() {
            // hmm-tests.c migrate_fault: pages already on the device are not selected again, but keep their
            // device entries, so the read-back succeeds and cpages covers the range.
            p.touch(buf, WRITE);
            dev.migrateToDevice(buf.pages(0, 2));
            Migration mig = dev.migrateToDevice(buf);
            assertEquals(0, mig.status(), mig.toString());
            assertEquals(4, mig.collected());
            assertEquals(2, mig.moved());
            assertEquals(0, mig.missingDeviceEntries());
            assertEquals(List.of("already in gpu0's memory", "already in gpu0's memory"),
                    mig.stayed().column("reason").values());
            assertEquals("", mig.explanation());
            assertTrue(mig.headline().endsWith("= 0: 2 of 4 pages moved, 4 reported (cpages); "
                    + "2 stayed (2 already in gpu0's memory)"), mig.headline());
        }

        @Test
        void pinningADevicePrivatePageFaultsItBackToRamFirst() {
            // mm/gup.c: GUP never pins device-private memory; the fault runs the pagemap's migrate_to_ram.
            p.touch(buf, WRITE);
            dev.migrateToDevice(buf);
            Pins pins = p.pinUserPages(buf.page(0));
            assertEquals(1, pins.rc());
            assertEquals("ram", p.pageTable(buf.page(0)).column("memory").values().get(0));
        }

        @Test
        void pinsBeyondTheLimitFailWithEnomemAndPinNothing() {
            // account_locked_vm(): a pin that would pass RLIMIT_MEMLOCK fails whole with -ENOMEM.
            p.setPinLimit(pages(3));
            assertEquals(pages(3), p.pinLimit());
            Pins first = p.pinUserPages(buf.pages(0, 2));
            assertEquals(2, first.rc());
            Pins second = p.pinUserPages(buf.pages(2, 4));
            assertEquals(-Errno.ENOMEM, second.rc());
            assertFalse(second.ok());
            assertEquals("pin_user_pages(0x10002000, 2, FOLL_WRITE | FOLL_LONGTERM) = -ENOMEM", second.toString());
            assertEquals(0, second.pfns().length);
            assertEquals(2, p.pinnedPages(), "the refused request pinned nothing");
            assertEquals(1, p.pinRefusals());
            assertEquals(List.of(2L), p.pinCounters().column("pinned_pages").values());
            assertEquals(List.of(3L), p.pinCounters().column("pin_limit_pages").values());
            assertEquals(List.of(1L), p.pinCounters().column("pin_refusals").values());
            p.unpinUserPages(first);
            assertEquals(2, p.pinUserPages(buf.pages(2, 4)).rc(), "after unpinning, the pins fit again");
        }

        @Test
        void aPinOverAHoleInTheMappingIsEfaultAndLeavesNoPin() {
            p.munmap(buf.page(2));
            Mapping gap = new Mapping(p, buf.start(), buf.length());
            Pins pins = p.pinUserPages(gap);
            assertEquals(-Errno.EFAULT, pins.rc());
            assertEquals(0, p.pinnedPages());
            assertEquals("unpin_user_pages(0x10000000, 0) = 0", p.unpinUserPages(pins).toString());
        }

        @Test
        void badInputNamesTheParameter() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.setPinLimit(Bytes.of(100)));
            assertTrue(e.getMessage().contains("setPinLimit(limit): limit must be a whole number of 4 KiB pages in [0, 64 GiB], got 100 B"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> p.setPinLimit(Bytes.GiB(65)));
            assertTrue(e.getMessage().contains("[0, 64 GiB]"), e.getMessage());
            Task other = machine().process();
            e = assertThrows(IllegalArgumentException.class, () -> other.pinUserPages(buf));
            assertTrue(e.getMessage().contains("pinUserPages(range): range belongs to another process"), e.getMessage());
            Pins pins = p.pinUserPages(buf.page(0));
            e = assertThrows(IllegalArgumentException.class, () -> other.unpinUserPages(pins));
            assertTrue(e.getMessage().contains("unpinUserPages(pins): pins belong to another process"), e.getMessage());
            p.unpinUserPages(pins);
            IllegalStateException twice = assertThrows(IllegalStateException.class, () -> p.unpinUserPages(pins));
            assertTrue(twice.getMessage().contains("already unpinned"), twice.getMessage());
            assertEquals(0, p.pinnedPages(), "nothing half-applied");
        }
    }

    @Nested
    class BadInput {
        @Test
        void eachCallNamesItsParameterAndRange() {
            assertMessage("page(index) must be in [0, 3], got 4", () -> buf.page(4));
            assertMessage("pages(from, to): to must be in [3, 4], got 5", () -> buf.pages(2, 5));
            assertMessage("mmap(length): length must be a whole number of 4 KiB pages in [4 KiB, 64 GiB], got 100 B",
                    () -> p.mmap(Bytes.of(100)));
            assertMessage("machine(ram): ram must be in [8 MiB, 8 TiB]", () -> Machine.withRam(Bytes.MiB(1)));
            assertMessage("hmmRangeFault(range): range must lie inside the mirrored",
                    () -> gpu.hmmRangeFault(p.mmap(pages(1))));
            Task other = machine().process();
            assertMessage("touch(range, access): range belongs to another process than process 1",
                    () -> other.touch(buf, READ));
        }

        void assertMessage(String expected, Runnable call) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
            assertTrue(e.getMessage().contains(expected), e.getMessage());
        }
    }
}
