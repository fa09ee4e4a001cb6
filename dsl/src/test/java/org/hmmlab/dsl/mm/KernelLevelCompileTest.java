package org.hmmlab.dsl.mm;

import static org.hmmlab.dsl.Lab.MiB;
import static org.hmmlab.dsl.Lab.machine;
import static org.hmmlab.dsl.Lab.pages;
import static org.hmmlab.dsl.mm.Access.READ;
import static org.hmmlab.dsl.mm.Access.WRITE;
import static org.hmmlab.dsl.mm.HmmRequest.REQ_FAULT;
import static org.hmmlab.dsl.mm.HmmRequest.REQ_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Calls every public method of the kernel-level API once, as a notebook would, and checks what it printed. */
class KernelLevelCompileTest {

    @Test
    void everyMethodOnce() {
        Machine m = machine(MiB(64));
        assertTrue(m.toString().startsWith("machine with 64 MiB of RAM"), m.toString());
        assertTrue(m.frames().ramPages() > 0);
        Task p = m.process();
        assertEquals(1, p.pid());
        assertEquals(m, p.machine());
        Mapping buf = p.mmap(pages(8));
        Mapping ro = p.mmap(pages(1), Prot.READ_ONLY);
        assertTrue(p.toString().startsWith("process 1 ["), p.toString());
        assertEquals(pages(8), buf.size());
        assertEquals(buf.start() + 8 * 4096, buf.end());
        assertTrue(buf.contains(buf.pages(1, 3)) && !buf.contains(ro));
        assertEquals("0x10000000-0x10008000 (8 pages)", buf.toString());
        assertEquals(buf.start() + 4096, buf.address(1));

        Syscall touched = p.touch(buf, WRITE);
        assertEquals("touch(0x10000000-0x10008000 (8 pages), WRITE) = 0", touched.toString());
        assertEquals("0", p.touch(ro, READ).result());
        assertEquals("mprotect(0x10000000, 4096, READ_WRITE) = 0", p.mprotect(buf.page(0), Prot.READ_WRITE).toString());
        assertEquals(0, p.madviseDontNeed(buf.page(7)).rc());

        Mirror mirror = p.mirror(buf);
        assertEquals("device mirroring 0x10000000-0x10008000 (8 pages) of process 1", mirror.toString());
        RangeFault r = mirror.hmmRangeFault(buf, REQ_FAULT);
        assertEquals(1, r.attemptList().size());
        assertTrue(r.toString().startsWith("hmm_range_fault(0x10000000-0x10008000 (8 pages), REQ_FAULT) = 0 after 1 attempt"),
                r.toString());
        assertTrue(r.mimeBundle().get("text/html").contains("<table"));
        assertEquals(8, mirror.deviceTable().rowCount());
        assertEquals(0, mirror.raceOnce(() -> { }).hmmRangeFault(buf.page(0), REQ_WRITE).status());

        Device gpu = m.device("gpu0");
        assertEquals("gpu0", gpu.name());
        Migration mig = gpu.migrateToDevice(buf.pages(0, 2));
        assertTrue(mig.toString().startsWith("gpu0: migration to gpu0 0x10000000-0x10002000 (2 pages) = 0: 2 of 2 pages moved, "
                + "2 reported (cpages)"), mig.toString());
        assertEquals(mig.toString().lines().findFirst().orElseThrow(), mig.headline());
        assertEquals("", mig.explanation());
        assertEquals(0, mig.stayed().rowCount());
        assertEquals(0, mig.missingDeviceEntries());
        assertEquals("gpu0 (DEVICE_PRIVATE, 2 device pages in use)", gpu.toString());
        assertEquals(2, gpu.migrateToSystem(buf.pages(0, 2)).moved());

        p.setPinLimit(pages(2));
        assertEquals(pages(2), p.pinLimit());
        Pins pins = p.pinUserPages(buf.pages(0, 2));
        assertEquals("pin_user_pages(0x10000000, 2, FOLL_WRITE | FOLL_LONGTERM) = 2", pins.toString());
        assertTrue(pins.ok() && pins.rc() == 2 && pins.pfns().length == 2 && pins.range().equals(buf.pages(0, 2)));
        assertEquals("-ENOMEM", p.pinUserPages(buf.page(2)).result());
        assertEquals(2, p.pinnedPages());
        assertEquals(1, p.pinRefusals());
        assertEquals(1, p.pinCounters().rowCount());
        assertEquals("unpin_user_pages(0x10000000, 2) = 0", p.unpinUserPages(pins).toString());
        assertTrue(pins.released());
        assertTrue(Task.MAX_PIN.bytes() > 0);

        Task child = p.fork();
        assertEquals(2, child.pid());
        assertEquals(0, child.munmap(child.same(buf)).rc());
        assertEquals("-EINVAL", p.munmap(new Mapping(p, 0x7fff_ffff_f000L, 8192)).result());
        child.exit();
    }
}
