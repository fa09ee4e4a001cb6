package org.hmmlab.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
