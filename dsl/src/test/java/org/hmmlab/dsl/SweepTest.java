package org.hmmlab.dsl;

import static org.hmmlab.dsl.Lab.KiB;
import static org.hmmlab.dsl.Lab.MiB;
import static org.hmmlab.dsl.Lab.param;
import static org.hmmlab.dsl.Lab.row;
import static org.hmmlab.dsl.Lab.sweep;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.hmmlab.sim.CancellationToken;
import org.hmmlab.sim.SimulationCancelledException;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.Test;

class SweepTest {

    static final Param<Bytes> SIZE = param("size", KiB(64), MiB(1), MiB(16));
    static final Param<Integer> THRESHOLD = param("threshold", 1, 64, 256);

    /** A stand-in measurement that depends on the point's values and seed. */
    static org.hmmlab.dsl.results.Row measure(Point p) {
        SplittableRandom rnd = new SplittableRandom(p.seed());
        long pages = p.get(SIZE).pagesCeil();
        return row().with("pages", pages).with("noise", rnd.nextLong(1000)).with("hot", pages / p.get(THRESHOLD));
    }

    @Test
    void pointsRunInDeclarationOrderFirstParameterSlowest() {
        SweepResult r = sweep(SIZE, THRESHOLD).run(SweepTest::measure);
        assertEquals(List.of("size_bytes", "threshold", "pages", "noise", "hot"), r.table().columnNames());
        long k = KiB(64).bytes();
        long m = MiB(1).bytes();
        long s = MiB(16).bytes();
        assertArrayEquals(new long[] {k, k, k, m, m, m, s, s, s}, r.table().longs("size_bytes"));
        assertArrayEquals(new long[] {1, 64, 256, 1, 64, 256, 1, 64, 256}, r.table().longs("threshold"));
        assertEquals(MiB(16).pagesCeil() / 64, r.table().longs("hot")[7]);
    }

    @Test
    void sameSeedSameTableOnAnyNumberOfThreads() {
        SweepResult one = sweep(SIZE, THRESHOLD).seed(7).parallelism(1).run(SweepTest::measure);
        SweepResult four = sweep(SIZE, THRESHOLD).seed(7).parallelism(4).run(SweepTest::measure);
        SweepResult other = sweep(SIZE, THRESHOLD).seed(8).parallelism(4).run(SweepTest::measure);
        assertEquals(one.table(), four.table());
        assertTrue(!one.table().equals(other.table()), "another seed gives other noise");
        assertEquals(7, four.seed());
    }

    @Test
    void progressReportsEveryPointOnTheCallingThread() {
        List<Integer> done = Collections.synchronizedList(new ArrayList<>());
        Thread caller = Thread.currentThread();
        List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
        sweep(SIZE, THRESHOLD).parallelism(3).onProgress(p -> {
            done.add(p.done());
            threads.add(Thread.currentThread());
            assertEquals(9, p.total());
        }).run(SweepTest::measure);
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9), done);
        assertTrue(threads.stream().allMatch(t -> t == caller));
    }

    @Test
    void aFailingPointIsNamed() {
        SweepException e = assertThrows(SweepException.class, () -> sweep(SIZE, THRESHOLD).run(p -> {
            if (p.get(THRESHOLD) == 64 && p.get(SIZE).equals(MiB(1))) {
                throw new IllegalStateException("device out of memory");
            }
            return measure(p);
        }));
        assertEquals(4, e.point().index());
        assertTrue(e.getMessage().contains("size=1 MiB, threshold=64") && e.getMessage().contains("device out of memory"),
                e.getMessage());
    }

    @Test
    void cancellingTheTokenStopsTheSweep() {
        CancellationToken token = Cancellation.begin();
        try {
            assertThrows(SimulationCancelledException.class, () -> sweep(SIZE, THRESHOLD).parallelism(2).run(p -> {
                if (p.index() == 2) {
                    token.cancel();
                }
                token.throwIfCancelled();
                return measure(p);
            }));
        } finally {
            Cancellation.begin();
        }
    }

    @Test
    void anInterruptedSweepKeepsTheRowsOfItsFinishedPoints() {
        CancellationToken token = Cancellation.begin();
        try {
            SweepInterruptedException e = assertThrows(SweepInterruptedException.class,
                    () -> sweep(SIZE, THRESHOLD).seed(7).parallelism(1).run(p -> {
                        if (p.index() == 4) {
                            token.cancel();
                            token.throwIfCancelled();
                        }
                        return measure(p);
                    }));
            assertTrue(e.getMessage().contains("after 4 of 9 points"), e.getMessage());
            Cancellation.begin();
            SweepResult whole = sweep(SIZE, THRESHOLD).seed(7).parallelism(1).run(SweepTest::measure);
            assertEquals(whole.table().head(4).rows(), e.partial().table().rows(), "the first four rows, as a whole run gives them");
            assertEquals(e.partial().table().rows(), Sweep.lastInterrupted().orElseThrow().table().rows());
        } finally {
            Cancellation.begin();
        }
    }

    @Test
    void anInterruptedParallelSweepKeepsOnlyPointsThatFinished() {
        CancellationToken token = Cancellation.begin();
        try {
            SweepInterruptedException e = assertThrows(SweepInterruptedException.class,
                    () -> sweep(SIZE, THRESHOLD).parallelism(2).run(p -> {
                        if (p.index() == 5) {
                            token.cancel();
                        }
                        token.throwIfCancelled();
                        return measure(p);
                    }));
            long[] thresholds = e.partial().table().longs("threshold");
            assertTrue(thresholds.length < 9, "not every point finished");
            for (int i = 0; i < thresholds.length; i++) {
                assertTrue(thresholds[i] > 0, "every kept row is a whole row");
            }
        } finally {
            Cancellation.begin();
        }
    }

    @Test
    void badSweepsAreRefusedWhereTheyAreDeclared() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> param("size"));
        assertTrue(e.getMessage().contains("give at least one value"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> param("t", 1, 2, 1));
        assertTrue(e.getMessage().contains("1 is listed twice"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> sweep(SIZE, param("size", 1)));
        assertTrue(e.getMessage().contains("'size' is given twice"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> sweep(SIZE).parallelism(0));
        assertTrue(e.getMessage().contains("threads must be in [1, 1024], got 0"), e.getMessage());
        SweepException clash = assertThrows(SweepException.class, () -> sweep(SIZE).run(p -> row().with("size_bytes", 1)));
        assertTrue(clash.getMessage().contains("name of a parameter column"), clash.getMessage());
    }

    @Test
    void resultDrawsCurvesAndHeatMaps() {
        SweepResult r = sweep(SIZE, THRESHOLD).run(SweepTest::measure);
        assertEquals(3, r.curves("hot").seriesCount());
        assertEquals(1, r.heatMap("hot").seriesCount());
        assertEquals(9, r.heatMap("hot").itemCount());
        assertThrows(IllegalStateException.class, () -> sweep(SIZE).run(SweepTest::measureSize).heatMap("pages"));
    }

    static org.hmmlab.dsl.results.Row measureSize(Point p) {
        return row().with("pages", p.get(SIZE).pagesCeil());
    }

    @Test
    void pointSeedsDependOnlyOnSweepSeedAndIndex() {
        List<Point> a = sweep(SIZE, THRESHOLD).seed(1).points();
        List<Point> b = sweep(SIZE, param("other", "x", "y", "z")).seed(1).points();
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).seed(), b.get(i).seed());
        }
        assertEquals(9, a.stream().mapToLong(Point::seed).distinct().count());
        assertEquals(org.hmmlab.sim.RandomStreams.streamSeed(1, "point/4"), a.get(4).seed(),
                "a point's seed is the sweep seed's stream point/<index>, as the run layer derives every seed");
    }
}
