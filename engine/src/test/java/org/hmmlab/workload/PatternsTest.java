package org.hmmlab.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PatternsTest {

    static Stream<Pattern> all() {
        return Stream.of(Patterns.sequential(), Patterns.strided(Bytes.KiB(64)), Patterns.uniformRandom(),
                Patterns.zipf(0.99), Patterns.zipf(1.0), Patterns.hotSet(0.1, 0.9), Patterns.stencil(Bytes.KiB(64)),
                Patterns.pointerChase(), Patterns.arrays(3));
    }

    static long[] offsets(AccessStream s) {
        long[] out = new long[(int) s.length()];
        int i = 0;
        while (s.next()) {
            out[i++] = s.offset() * 4 + s.type().ordinal();
        }
        assertEquals(out.length, i, "stream length");
        return out;
    }

    @ParameterizedTest
    @MethodSource("all")
    void sameSeedSameAccessesAndInsideTheFootprint(Pattern p) {
        Bytes fp = Bytes.MiB(4);
        long[] a = offsets(p.stream(fp, 5000, Bytes.PAGE, 0.3, 42));
        long[] b = offsets(p.stream(fp, 5000, Bytes.PAGE, 0.3, 42));
        assertArrayEquals(a, b, p.label());
        for (long x : a) {
            long off = x / 4;
            assertTrue(off >= 0 && off + 4096 <= fp.bytes(), p.label() + " offset " + off);
            assertEquals(0, off % 4096, p.label() + " aligned to the access size");
        }
    }

    @Test
    void arraysStreamTheirElementsInLockstep() {
        // 3 arrays of 2 pages in a 6-page footprint (a STREAM triad): a[0], b[0], c[0], a[1], b[1], c[1], a[0] ...
        AccessStream s = Patterns.arrays(3).stream(Bytes.pages(6), 8, Bytes.PAGE, 0, 1);
        long[] pages = new long[8];
        for (int i = 0; s.next(); i++) {
            pages[i] = s.page();
        }
        assertArrayEquals(new long[] {0, 2, 4, 1, 3, 5, 0, 2}, pages);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Patterns.arrays(0));
        assertTrue(e.getMessage().contains("arrays must be in [1, 64], got 0"), e.getMessage());
    }

    @Test
    void sequentialLoopsOverTheFootprint() {
        AccessStream s = Patterns.sequential().stream(Bytes.pages(4), 10, Bytes.PAGE, 0, 1);
        long[] pages = new long[10];
        for (int i = 0; s.next(); i++) {
            pages[i] = s.page();
            assertEquals(AccessType.READ, s.type());
        }
        assertArrayEquals(new long[] {0, 1, 2, 3, 0, 1, 2, 3, 0, 1}, pages);
    }

    @Test
    void stridedShiftsEachLapSoEveryElementIsTouched() {
        AccessStream s = Patterns.strided(Bytes.pages(4)).stream(Bytes.pages(8), 8, Bytes.PAGE, 0, 1);
        long[] pages = new long[8];
        for (int i = 0; s.next(); i++) {
            pages[i] = s.page();
        }
        assertArrayEquals(new long[] {0, 4, 1, 5, 2, 6, 3, 7}, pages);
    }

    @Test
    void pointerChaseVisitsEveryElementOncePerCycleAndIsDependent() {
        int n = 1000;
        AccessStream s = Patterns.pointerChase().stream(Bytes.pages(n), n, Bytes.PAGE, 0, 9);
        boolean[] seen = new boolean[n];
        int i = 0;
        while (s.next()) {
            assertEquals(i > 0, s.dependent());
            int p = (int) s.page();
            assertFalse(seen[p], "element " + p + " visited twice within one cycle");
            seen[p] = true;
            i++;
        }
        assertEquals(n, i);
    }

    @Test
    void zipfConcentratesOnTheFirstRanks() {
        int n = 1000;
        long[] hits = new long[n];
        AccessStream s = Patterns.zipf(1.2).stream(Bytes.pages(n), 100_000, Bytes.PAGE, 0, 3);
        while (s.next()) {
            hits[(int) s.page()]++;
        }
        assertTrue(hits[0] > hits[1] && hits[1] > hits[9] && hits[9] > hits[99], "decreasing by rank");
        // P(rank 1) for s=1.2, n=1000 is 1/H(1000,1.2), about 0.23.
        assertTrue(hits[0] > 20_000 && hits[0] < 26_000, "rank-1 share " + hits[0]);
    }

    @Test
    void hotSetGetsItsShare() {
        AccessStream s = Patterns.hotSet(0.1, 0.9).stream(Bytes.pages(1000), 50_000, Bytes.PAGE, 0, 5);
        int hot = 0;
        while (s.next()) {
            if (s.page() < 100) {
                hot++;
            }
        }
        assertTrue(Math.abs(hot - 45_000) < 600, "hot accesses " + hot);
    }

    @Test
    void stencilReadsFourNeighboursThenUpdatesTheCentre() {
        // 4 x 4 grid of pages; point (1,1) = element 5 is the 6th point: accesses 25..29.
        AccessStream s = Patterns.stencil(Bytes.pages(4)).stream(Bytes.pages(16), 30, Bytes.PAGE, 1.0, 1);
        for (int i = 0; i < 25; i++) {
            s.next();
        }
        long[] pages = new long[5];
        AccessType[] types = new AccessType[5];
        for (int i = 0; i < 5; i++) {
            s.next();
            pages[i] = s.page();
            types[i] = s.type();
        }
        assertArrayEquals(new long[] {1, 4, 6, 9, 5}, pages);
        assertEquals(List.of(AccessType.READ, AccessType.READ, AccessType.READ, AccessType.READ, AccessType.WRITE),
                List.of(types));
    }

    @Test
    void writeFractionIsHonoured() {
        AccessStream s = Patterns.uniformRandom().stream(Bytes.MiB(1), 10_000, Bytes.PAGE, 0.25, 8);
        int writes = 0;
        while (s.next()) {
            if (s.type() == AccessType.WRITE) {
                writes++;
            }
        }
        assertTrue(Math.abs(writes - 2500) < 200, "writes " + writes);
    }

    @Nested
    class BadInput {
        @Test
        void parametersOutOfRangeNameTheParameter() {
            assertMessage("zipf exponent must be in (0, 10]", () -> Patterns.zipf(0));
            assertMessage("hotFraction must be in (0, 1]", () -> Patterns.hotSet(1.5, 0.5));
            assertMessage("hotProbability must be in [0, 1]", () -> Patterns.hotSet(0.5, -1));
            assertMessage("writeFraction must be in [0, 1]",
                    () -> Patterns.sequential().stream(Bytes.MiB(1), 1, Bytes.PAGE, 2, 0));
            assertMessage("footprint must be >= accessSize",
                    () -> Patterns.sequential().stream(Bytes.of(100), 1, Bytes.PAGE, 0, 0));
            assertMessage("stride must be a multiple of accessSize",
                    () -> Patterns.strided(Bytes.of(100)).stream(Bytes.MiB(1), 1, Bytes.PAGE, 0, 0));
        }
    }

    static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }
}
