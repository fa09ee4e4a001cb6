package org.hmmlab.dsl.grid;

import static org.hmmlab.dsl.Lab.A100_PCIE4;
import static org.hmmlab.dsl.Lab.H100_PCIE5;
import static org.hmmlab.dsl.Lab.KiB;
import static org.hmmlab.dsl.Lab.MiB;
import static org.hmmlab.dsl.Lab.RESIDENCY_MODEL;
import static org.hmmlab.dsl.Lab.accessCounters;
import static org.hmmlab.dsl.Lab.kernel;
import static org.hmmlab.dsl.Lab.onDemand;
import static org.hmmlab.dsl.Lab.phase;
import static org.hmmlab.dsl.Lab.scenario;
import static org.hmmlab.dsl.grid.Grids.sweep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.hmmlab.dsl.Cancellation;
import org.hmmlab.dsl.Point;
import org.hmmlab.dsl.Scenario;
import org.hmmlab.dsl.Sweep;
import org.hmmlab.dsl.SweepInterruptedException;
import org.hmmlab.dsl.json.JsonFormatException;
import org.hmmlab.dsl.results.Row;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.sim.CancellationToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioSweepTest {

    /** A small scenario on the residency model: a point takes milliseconds. */
    static final Scenario BASE = scenario("scan").on(A100_PCIE4).vram(MiB(8)).engine(RESIDENCY_MODEL)
            .policy(onDemand().placement(accessCounters().threshold(4)))
            .alloc("x", MiB(16))
            .cpu(phase("init").writes("x"))
            .gpu(kernel("scan").reads("x").passes(2).warps(64));

    static ScenarioSweep grid() {
        return sweep(BASE).vary("policy.placement.threshold", 1, 8, 64).vary("vram", MiB(4), MiB(8), MiB(32))
                .columns("faults", "evictions", "pages_to_device").seed(7);
    }

    @Test
    void rowsComeInGridOrderWithTheParameterColumnsFirst() {
        Table t = grid().run().table();
        assertEquals(List.of("threshold", "vram_bytes", "faults", "evictions", "pages_to_device"), t.columnNames());
        assertEquals(9, t.rowCount());
        assertEquals(List.of(1L, 1L, 1L, 8L, 8L, 8L, 64L, 64L, 64L), t.column("threshold").values());
        long[] evictions = t.longs("evictions");
        assertTrue(evictions[0] > evictions[2], "4 MiB of VRAM evicts more than 32 MiB: " + t.toText());
    }

    @Test
    void aPointsRowDependsOnItsCoordinatesNotItsPositionOrTheCores() {
        Table whole = grid().parallelism(1).run().table();
        Table parallel = grid().parallelism(4).run().table();
        assertEquals(whole.toCsv(), parallel.toCsv());
        // The same points in another grid (another order, fewer values): the same seeds, so the same rows.
        ScenarioSweep other = sweep(BASE).vary("vram", MiB(32), MiB(8)).vary("policy.placement.threshold", 64, 8)
                .columns("faults", "evictions", "pages_to_device").seed(7);
        Point p = other.point(0);
        Point q = grid().point(8);
        assertEquals(q.seed(), p.seed(), "vram=32MiB, threshold=64 in either grid");
        assertNotEquals(grid().point(0).seed(), grid().point(1).seed());
        assertNotEquals(grid().seed(8).point(0).seed(), grid().point(0).seed());
    }

    @Test
    void javaAndTheSweepFileDescribeTheSameSweep(@TempDir Path dir) throws Exception {
        ScenarioSweep java = grid();
        Files.writeString(dir.resolve("grid.json"), java.toJson());
        ScenarioSweep read = SweepJson.read(dir.resolve("grid.json"));
        assertEquals(java.toJson(), read.toJson());
        assertEquals(SweepJson.fingerprint(java), SweepJson.fingerprint(read));
        // A file whose base is a scenario file of its own, with sizes as text.
        Files.writeString(dir.resolve("scan.json"), org.hmmlab.dsl.json.ScenarioJson.write(BASE));
        Files.writeString(dir.resolve("by-path.json"), """
                {"name": "scan", "base": "scan.json", "seed": 7,
                 "vary": [{"path": "policy.placement.threshold", "values": [1, 8, 64]},
                          {"path": "vram", "values": ["4096KiB", "8MiB", "32MiB"]}],
                 "columns": ["faults", "evictions", "pages_to_device"]}
                """);
        ScenarioSweep byPath = SweepJson.read(dir.resolve("by-path.json"));
        assertEquals(java.run().table().toCsv(), byPath.run().table().toCsv());
    }

    @Test
    void pathsReachPlatformFieldsAllocationsAndPhasesByName() {
        Table t = sweep(BASE).vary("platform.link.gen", 3, 5).vary("allocations.x.size", MiB(8), MiB(16))
                .vary("phases.scan.warps", 16, 256).columns("faults").run().table();
        assertEquals(List.of("gen", "size_bytes", "warps", "faults"), t.columnNames());
        assertEquals(8, t.rowCount());
        Table platforms = sweep(BASE).vary("platform", A100_PCIE4, H100_PCIE5).columns("faults").run().table();
        assertEquals(List.of("A100_PCIE4", "H100_PCIE5"), platforms.column("platform").values());
    }

    @Test
    void wholeNumbersAndFractionsOfOneParameterMakeOneColumnOfDoubles() {
        Table t = sweep(BASE).vary("phases.init.writeFraction", 0, 0.5, 1).columns("faults").run().table();
        assertEquals(List.of(0.0, 0.5, 1.0), t.column("writeFraction").values());
    }

    @Test
    void twoPathsEndingAlikeGetColumnsThatTellThemApart() {
        Scenario two = BASE.alloc("y", MiB(4)).gpu(kernel("scan2").reads("y").warps(8));
        Table t = sweep(two).vary("allocations.x.size", MiB(16), MiB(32)).vary("allocations.y.size", MiB(4))
                .columns("faults").run().table();
        assertEquals(List.of("x_size_bytes", "y_size_bytes", "faults"), t.columnNames());
    }

    @Test
    void shardsWrittenAndMergedGiveTheWholeTable(@TempDir Path dir) {
        ScenarioSweep g = grid();
        Table whole = g.run().table();
        List<Path> dirs = new ArrayList<>();
        for (int k = 1; k <= 3; k++) {
            ScenarioSweep shard = g.shard(k, 3);
            dirs.add(SweepOutput.write(dir.resolve("shard-" + k), shard, shard.run().table()));
        }
        assertEquals(whole.toCsv(), SweepOutput.merge(dirs).table().toCsv());
        var missing = assertThrows(IllegalArgumentException.class, () -> SweepOutput.merge(dirs.subList(0, 2)));
        assertTrue(missing.getMessage().contains("missing shard 3/3"), missing.getMessage());
        var doubled = assertThrows(IllegalArgumentException.class,
                () -> SweepOutput.merge(List.of(dirs.get(0), dirs.get(1), dirs.get(2), dirs.get(0))));
        assertTrue(doubled.getMessage().contains("shard 1/3 is given twice"), doubled.getMessage());
        ScenarioSweep otherSeed = g.seed(8).shard(3, 3);
        Path foreign = SweepOutput.write(dir.resolve("foreign"), otherSeed, otherSeed.run().table());
        var other = assertThrows(IllegalArgumentException.class, () -> SweepOutput.merge(List.of(dirs.get(0), dirs.get(1), foreign)));
        assertTrue(other.getMessage().contains("another sweep"), other.getMessage());
    }

    @Test
    void anOutputFolderAppearsWholeOrNotAtAll(@TempDir Path dir) throws Exception {
        ScenarioSweep g = grid();
        Table t = g.run().table();
        Path out = dir.resolve("out");
        assertThrows(IllegalStateException.class, () -> SweepOutput.write(out, g, t, staging -> {
            throw new IllegalStateException("the disk filled up");
        }));
        assertFalse(Files.exists(out));
        try (var left = Files.list(dir)) {
            assertEquals(0, left.count(), "no staging folder left behind");
        }
        SweepOutput.write(out, g, t);
        assertEquals(t.toCsv(), Files.readString(out.resolve(SweepOutput.ROWS_CSV)));
        var again = assertThrows(IllegalArgumentException.class, () -> SweepOutput.write(out, g, t));
        assertTrue(again.getMessage().contains("exists and is not an empty folder"), again.getMessage());
    }

    @Test
    void anInterruptedGridKeepsItsFinishedRows() {
        AtomicInteger seen = new AtomicInteger();
        CancellationToken token = Cancellation.begin();
        try {
            SweepInterruptedException e = assertThrows(SweepInterruptedException.class, () -> grid().parallelism(1)
                    .onProgress(p -> {
                        if (seen.incrementAndGet() == 4) {
                            token.cancel();
                        }
                    }).run());
            assertEquals(4, e.partial().table().rowCount());
            Cancellation.begin();
            assertEquals(grid().run().table().head(4).toCsv(), Sweep.lastInterrupted().orElseThrow().table().toCsv());
        } finally {
            Cancellation.begin();
        }
    }

    @Test
    void anUnknownPathListsThePathsNearIt() {
        var e = assertThrows(SweepPaths.UnknownPathException.class, () -> sweep(BASE).vary("policy.placement.treshold", 1, 2));
        assertTrue(e.getMessage().contains("unknown parameter path \"policy.placement.treshold\""), e.getMessage());
        assertTrue(e.getMessage().contains("policy.placement.threshold"), e.getMessage());
        var phase = assertThrows(SweepPaths.UnknownPathException.class, () -> sweep(BASE).vary("phases.scna.warps", 1));
        assertTrue(phase.getMessage().contains("paths near it: phases.scan.warps"), phase.getMessage());
        var link = assertThrows(SweepPaths.UnknownPathException.class, () -> sweep(BASE).vary("platform.link.generation", 4));
        assertTrue(link.getMessage().contains("platform.link.gen"), link.getMessage());
    }

    @Test
    void aValueOfTheWrongTypeOrOutOfRangeIsNamedByItsPath() {
        var type = assertThrows(IllegalArgumentException.class, () -> sweep(BASE).vary("policy.placement.threshold", 4, "many"));
        assertTrue(type.getMessage().contains("vary(\"policy.placement.threshold\")")
                || type.getMessage().startsWith("policy.placement.threshold = \"many\""), type.getMessage());
        var range = assertThrows(IllegalArgumentException.class, () -> sweep(BASE).vary("phases.scan.warps", 64, 0));
        assertTrue(range.getMessage().startsWith("phases.scan.warps = 0: "), range.getMessage());
        assertTrue(range.getMessage().contains("[1, "), range.getMessage());
        var gen = assertThrows(IllegalArgumentException.class, () -> sweep(BASE).vary("platform.link.gen", 4, 9));
        assertTrue(gen.getMessage().startsWith("platform.link.gen = 9: "), gen.getMessage());
        var mixed = assertThrows(IllegalArgumentException.class, () -> sweep(BASE).vary("vram", MiB(8), 64));
        assertTrue(mixed.getMessage().contains("is not of the same kind as \"8MiB\""), mixed.getMessage());
        var size = assertThrows(IllegalArgumentException.class, () -> sweep(BASE).vary("vram", "lots"));
        assertTrue(size.getMessage().startsWith("vram = \"lots\": "), size.getMessage());
    }

    @Test
    void emptyAndOversizedGridsAreRefusedBeforeAnythingRuns() {
        var none = assertThrows(IllegalArgumentException.class, () -> sweep(BASE).vary("vram", List.of()));
        assertTrue(none.getMessage().contains("give at least one value"), none.getMessage());
        var nothing = assertThrows(IllegalStateException.class, () -> sweep(BASE).run());
        assertTrue(nothing.getMessage().contains("varies nothing"), nothing.getMessage());
        List<Integer> many = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            many.add(i);
        }
        ScenarioSweep big = sweep(BASE).vary("policy.placement.threshold", many).vary("phases.scan.warps", many);
        var over = assertThrows(IllegalStateException.class, big::run);
        assertTrue(over.getMessage().contains("40000 points, over the limit of 10000"), over.getMessage());
        assertTrue(over.getMessage().contains(".maxPoints(40000)"), over.getMessage());
    }

    @Test
    void aShardSpecMustCountFromOneToN() {
        var e = assertThrows(IllegalArgumentException.class, () -> Shard.parse("4/3"));
        assertEquals("shard k/N: k must be in [1, N] = [1, 3], got 4/3", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("0/3"));
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("two/3"));
        assertEquals(new Shard(2, 3), Shard.parse("2/3"));
    }

    @Test
    void aBadSweepFileIsRefusedWithTheJsonPath(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("scan.json"), org.hmmlab.dsl.json.ScenarioJson.write(BASE));
        var path = assertThrows(JsonFormatException.class, () -> SweepJson.read("""
                {"name": "g", "base": "scan.json", "vary": [{"path": "allocations.y.size", "values": ["1MiB"]}]}
                """, dir));
        assertTrue(path.getMessage().startsWith("$.vary[0].path: unknown parameter path \"allocations.y.size\""), path.getMessage());
        assertTrue(path.getMessage().contains("allocations.x.size"), path.getMessage());
        var empty = assertThrows(JsonFormatException.class, () -> SweepJson.read("""
                {"name": "g", "base": "scan.json", "vary": []}
                """, dir));
        assertTrue(empty.getMessage().startsWith("$.vary: is empty"), empty.getMessage());
        var col = assertThrows(JsonFormatException.class, () -> SweepJson.read("""
                {"name": "g", "base": "scan.json", "vary": [{"path": "vram", "values": ["4MiB"]}], "columns": ["fautls"]}
                """, dir));
        assertTrue(col.getMessage().startsWith("$.columns: columns(...): \"fautls\" is not a column"), col.getMessage());
        var base = assertThrows(JsonFormatException.class, () -> SweepJson.read("""
                {"name": "g", "base": "missing.json", "vary": [{"path": "vram", "values": ["4MiB"]}]}
                """, dir));
        assertTrue(base.getMessage().startsWith("$.base: cannot read the base scenario file"), base.getMessage());
    }

    @Test
    void aPointRunsTheBaseWithItsValuesSet() {
        ScenarioSweep g = grid();
        Point p = g.point(4); // threshold 8, vram 8 MiB
        Scenario s = g.scenario(p);
        assertEquals(MiB(8), s.vramOverride().orElseThrow());
        assertEquals(p.seed(), s.seed());
        Row direct = s.run(p.seed()).summary();
        assertEquals(direct.get("faults"), g.measure(p).get("faults"));
        assertEquals(KiB(4), s.phases().get(1).accessSize());
    }
}
