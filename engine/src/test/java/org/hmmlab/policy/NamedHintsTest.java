package org.hmmlab.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;
import org.junit.jupiter.api.Test;

/**
 * Advice by allocation name: it covers no page until the engine maps the allocation, then exactly its pages, as a
 * program's {@code cudaMemAdvise(ptr, size, ...)} covers the range {@code cudaMallocManaged()} returned.
 */
class NamedHintsTest {

    @Test
    void namedAdviceCoversNothingUntilBoundThenExactlyTheAllocation() {
        Hints h = Hints.none().readMostly("w").preferredLocation("x", Location.HOST).accessedBy("y", 0);
        assertFalse(h.isEmpty());
        assertFalse(h.readMostly(0), "unbound advice covers no page");
        assertEquals(Hints.NO_PREFERENCE, h.preferredLocation(0));
        h.bind("w", 100, 10);
        h.bind("x", 200, 5);
        h.bind("y", 300, 1);
        assertTrue(h.readMostly(100) && h.readMostly(109));
        assertFalse(h.readMostly(99) || h.readMostly(110), "only the allocation's pages");
        assertEquals(Location.HOST, h.preferredLocation(204));
        assertEquals(Hints.NO_PREFERENCE, h.preferredLocation(205));
        assertTrue(h.accessedBy(300, 0));
        assertFalse(h.accessedBy(300, 1), "advice for gpu0 only");
        h.bind("unadvised", 0, 1_000);
        assertFalse(h.readMostly(0), "binding another allocation changes nothing");
    }

    @Test
    void addingAdviceLeavesTheHintsItCameFromAlone() {
        Hints base = Hints.none().readMostly("w");
        Hints more = base.preferredLocation("w", Location.HOST);
        more.bind("w", 10, 1);
        assertEquals(Location.HOST, more.preferredLocation(10));
        assertFalse(base.readMostly(10), "the earlier hints are not bound by the later ones' binding");
    }

    @Test
    void aBlankAllocationNameIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Hints.none().readMostly(" "));
        assertTrue(e.getMessage().contains("advice allocation must be non-empty text"), e.getMessage());
    }

    /** The residency model binds each allocation as it lays them out: read-mostly on "w" duplicates w, not x. */
    @Test
    void theResidencyModelBindsAdviceWhenItMapsTheAllocation() {
        Workload w = Workload.of(List.of(new Allocation("x", Bytes.MiB(2)), new Allocation("w", Bytes.MiB(2))),
                List.of(Phase.cpu("init-x", "x", Patterns.sequential(), Bytes.MiB(2), 512).withWriteFraction(1),
                        Phase.cpu("init-w", "w", Patterns.sequential(), Bytes.MiB(2), 512).withWriteFraction(1),
                        Phase.gpu("read-x", "x", Patterns.sequential(), Bytes.MiB(2), 512),
                        Phase.gpu("read-w", "w", Patterns.sequential(), Bytes.MiB(2), 512)));
        MigrationPolicy advised = Policies.onDemand().withHints(Hints.none().readMostly("w"));
        ResidencyModel.Result r = new ResidencyModel(Bytes.GiB(1), advised).run(w, 1);
        ResidencyModel.Result plain = new ResidencyModel(Bytes.GiB(1), Policies.onDemand()).run(w, 1);
        assertEquals(512, r.duplicatedPages(), "w's 512 pages are duplicated, x's are not");
        assertEquals(0, plain.duplicatedPages());
        assertEquals(512, r.pagesToDevice() - r.duplicatedPages(), "x still migrates");
    }
}
