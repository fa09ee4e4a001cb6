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
                Patterns.pointerChase(), Patterns.arrays(3), Patterns.gemm(32), Patterns.gemm(256, 32));
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
        // an access is at most the 4 KiB asked for (a gemm access is one tile row, 128 B for 32 floats)
        long size = p.stream(fp, 1, Bytes.PAGE, 0.3, 42).size();
        assertTrue(size >= 1 && size <= 4096, p.label() + " access size " + size);
        for (long x : a) {
            long off = x / 4;
            assertTrue(off >= 0 && off + size <= fp.bytes(), p.label() + " offset " + off);
            assertEquals(0, off % size, p.label() + " aligned to the access size");
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

    @Nested
    class TiledGemm {
        // n = 8 floats, tile 4: A at 0, B at 256 B, C at 512 B; rows of 32 B, tile rows of 16 B, 8 B accesses
        static final int N = 8;
        static final int T = 4;
        static final long MATRIX = 4L * N * N;

        /** Offset of element (row, col) of matrix m (0 = A, 1 = B, 2 = C). */
        static long at(int m, int row, int col) {
            return m * MATRIX + 4L * (row * N + col);
        }

        @Test
        void theFirstAccessesLoadTheATileRowsThenTheBTileRows() {
            AccessStream s = Patterns.gemm(N, T).stream(Bytes.of(3 * MATRIX), 16, Bytes.of(8), 0, 1);
            long[] expected = {
                    // output tile (0, 0), k-step 0: A rows 0..3, columns 0..3, two 8 B accesses per tile row
                    at(0, 0, 0), at(0, 0, 2), at(0, 1, 0), at(0, 1, 2), at(0, 2, 0), at(0, 2, 2), at(0, 3, 0), at(0, 3, 2),
                    // then B rows 0..3, columns 0..3
                    at(1, 0, 0), at(1, 0, 2), at(1, 1, 0), at(1, 1, 2), at(1, 2, 0), at(1, 2, 2), at(1, 3, 0), at(1, 3, 2)};
            for (long e : expected) {
                assertTrue(s.next());
                assertEquals(e, s.offset());
                assertEquals(AccessType.READ, s.type());
                assertEquals(8, s.size());
            }
            assertFalse(s.next());
            // k-step 1 of output tile (0, 0): A columns 4..7, then B rows 4..7; output tile (0, 1) reads B columns 4..7
            AccessStream k1 = Patterns.gemm(N, T).stream(Bytes.of(3 * MATRIX), 1000, Bytes.of(8), 0, 1);
            long[] all = new long[1000];
            for (int i = 0; k1.next(); i++) {
                all[i] = k1.offset();
            }
            assertEquals(at(0, 0, 4), all[16]);
            assertEquals(at(1, 4, 0), all[24]);
            int perTile = 40; // 2 k-steps x (A and B tiles x 4 rows x 2 accesses) loads, then 4 x 2 stores of C
            assertEquals(at(2, 0, 0), all[32], "the C tile is stored after the k loop");
            assertEquals(at(0, 0, 0), all[perTile], "output tile (0, 1) (blockIdx.x = 1) starts on A's row tile 0");
            assertEquals(at(1, 0, 4), all[perTile + 8], "and B's column tile 1");
        }

        @Test
        void everyElementOfAAndBIsReadNOverTTimesAndCWrittenOnce() {
            int n = 64;
            int t = 16;
            long matrix = 4L * n * n;
            long rowAccesses = (long) (n / t) * (n / t) * (2L * n + t); // tile rows of 64 B, one 64 B access each
            AccessStream s = Patterns.gemm(t).stream(Bytes.of(3 * matrix + 100), rowAccesses, Bytes.of(64), 0.5, 3);
            int[] reads = new int[(int) (3 * matrix)];
            int[] writes = new int[(int) (3 * matrix)];
            while (s.next()) {
                for (long b = s.offset(); b < s.offset() + s.size(); b++) {
                    if (s.type() == AccessType.WRITE) {
                        writes[(int) b]++;
                    } else {
                        reads[(int) b]++;
                    }
                }
            }
            for (int b = 0; b < 3 * matrix; b++) {
                boolean c = b >= 2 * matrix;
                assertEquals(c ? 0 : n / t, reads[b], "reads of byte " + b);
                assertEquals(c ? 1 : 0, writes[b], "writes of byte " + b);
            }
        }

        @Test
        void aWholeRunWrapsAndAnAccessLargerThanATileRowLoadsTheRow() {
            long rowAccesses = (long) (N / T) * (N / T) * (2L * N + T);
            AccessStream s = Patterns.gemm(N, T).stream(Bytes.of(3 * MATRIX), rowAccesses + 1, Bytes.PAGE, 0, 1);
            long first = -1;
            long last = -1;
            while (s.next()) {
                assertEquals(16, s.size(), "one 4-float tile row");
                first = first < 0 ? s.offset() : first;
                last = s.offset();
            }
            assertEquals(first, last, "access rowAccesses + 1 starts the multiply again");
        }

        @Test
        void aPassIsTheWholeMultiplyEndingOnCsLastRow() {
            long pass = Patterns.gemm(N, T).accessesPerPass(Bytes.of(3 * MATRIX), Bytes.of(8));
            assertEquals((N / T) * (N / T) * (2 * N + T) * 2, pass, "tile rows of 16 B in 8 B accesses");
            AccessStream s = Patterns.gemm(N, T).stream(Bytes.of(3 * MATRIX), pass, Bytes.of(8), 0, 1);
            long last = -1;
            while (s.next()) {
                last = s.offset();
            }
            assertEquals(at(2, N - 1, N - 2), last, "the last store is the end of C's last row");
            assertEquals(512, Patterns.sequential().accessesPerPass(Bytes.MiB(2), Bytes.PAGE), "one per element");
        }

        @Test
        void badParametersNameTheFieldAndTheRange() {
            assertMessage("gemm tile must be in [1, 1024] floats, got 0", () -> Patterns.gemm(0));
            assertMessage("gemm n must be 0 (from the footprint) or a multiple of tile (32) in [32, 1048576] floats,"
                    + " got 100", () -> Patterns.gemm(100, 32));
            assertMessage("gemm accessSize must divide a tile row of 32 floats (128 B) or exceed it, got 96 B",
                    () -> Patterns.gemm(32).stream(Bytes.MiB(1), 1, Bytes.of(96), 0, 1));
            assertMessage("gemm footprint must hold A, B and C (12 KiB for n = 32, tile = 32), got 10 KiB",
                    () -> Patterns.gemm(32).stream(Bytes.KiB(10), 1, Bytes.of(128), 0, 1));
            assertMessage("gemm footprint must hold A, B and C (48 MiB for n = 2048, tile = 32), got 12 MiB",
                    () -> Patterns.gemm(2048, 32).stream(Bytes.MiB(12), 1, Bytes.of(128), 0, 1));
            assertEquals(1024, Patterns.gemm(32).side(Bytes.MiB(12)), "12 MiB holds three 1024-float matrices");
            assertEquals(992, Patterns.gemm(32).side(Bytes.MiB(12).minus(Bytes.of(1))));
        }
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

    /**
     * Issue 14, "a stencil pass covers a fifth of its grid": a pass counted one access per element, so with 5
     * accesses per grid point {@code passes(1)} updated only the first fifth of the points.
     */
    @Test
    void aStencilPassUpdatesEveryPointOfItsGridOnce() {
        Bytes footprint = Bytes.pages(16 * 10); // 10 rows of 16 pages
        Pattern p = Patterns.stencil(Bytes.pages(16));
        long pass = p.accessesPerPass(footprint, Bytes.PAGE);
        assertEquals(5 * 160, pass, "4 neighbour reads and the centre's update per point");
        AccessStream s = p.stream(footprint, pass, Bytes.PAGE, 1.0, 3);
        java.util.Set<Long> updated = new java.util.HashSet<>();
        while (s.next()) {
            if (s.type() == AccessType.WRITE) {
                assertTrue(updated.add(s.page()), "page " + s.page() + " updated twice in one pass");
            }
        }
        assertEquals(160, updated.size(), "every point of the grid updated");
        // a footprint that ends in part of a row: the pass covers the whole rows only
        assertEquals(5 * 16 * 9, p.accessesPerPass(Bytes.pages(16 * 10 - 1), Bytes.PAGE));
    }

    @Nested
    class RefusedWhenThePhaseIsMade {
        @Test
        void aStencilRowWiderThanTheFootprint() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Phase.gpu("relax", "x",
                    Patterns.stencil(Bytes.MiB(2)), Bytes.MiB(1), 1000));
            assertEquals("phase 'relax': stencil rowBytes must be at most the footprint (1 MiB), got 2 MiB",
                    e.getMessage());
        }

        @Test
        void aStencilRowThatIsNotAWholeNumberOfAccesses() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Phase.gpu("relax", "x",
                    Patterns.stencil(Bytes.of(6000)), Bytes.MiB(1), 1000));
            assertEquals("phase 'relax': stencil rowBytes must be a multiple of accessSize (4096 B), got 6000 B",
                    e.getMessage());
        }

        @Test
        void aStrideThatIsNotAWholeNumberOfAccesses() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Phase.gpu("walk", "x",
                    Patterns.strided(Bytes.of(100)), Bytes.MiB(1), 1000));
            assertEquals("phase 'walk': stride must be a multiple of accessSize (4 KiB), got 100 B", e.getMessage());
        }

        @Test
        void aReplayedTraceSliceOutsideTheFootprint() {
            AccessTrace t = AccessTrace.parse("0,gpu,0x10000,R,4096\n1,gpu,0x13000,R,4096\n2,gpu,0x14000,W,4096\n");
            assertEquals(2, Phase.gpu("head", "x", Patterns.replay(t, 0, 2, 0x10000), Bytes.pages(4), 2).work(),
                    "the first two accesses lie in the 4 pages from the base");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Phase.gpu("all", "x",
                    Patterns.replay(t, 0, 3, 0x10000), Bytes.pages(4), 3));
            assertEquals("phase 'all': replay access 3 at 0x14000 (4096 B) must lie in [0x10000, +16 KiB), the"
                    + " allocation's footprint from the trace's base address", e.getMessage());
        }
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
