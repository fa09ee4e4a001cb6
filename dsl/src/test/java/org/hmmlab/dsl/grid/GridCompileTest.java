package org.hmmlab.dsl.grid;

import static org.hmmlab.dsl.Lab.MiB;
import static org.hmmlab.dsl.Lab.us;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hmmlab.dsl.SweepProgress;
import org.hmmlab.dsl.SweepResult;
import org.hmmlab.dsl.json.ScenarioJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calls every public method of sweeps described as data once (the DSL's compile test, for this package). */
class GridCompileTest {

    @Test
    void everyPublicMethodOnce(@TempDir Path dir) {
        List<SweepProgress> seen = new ArrayList<>();
        ScenarioSweep s = Grids.sweep(ScenarioSweepTest.BASE).named("compile").seed(3).maxPoints(100).parallelism(2)
                .vary("vram", MiB(8), MiB(16)).vary("policy.placement.threshold", List.of(2, 8)).columns("faults")
                .on("local").on(SweepExecutors.local()).onProgress(seen::add).shard(Shard.WHOLE).shard(1, 1).validate();
        assertEquals("compile", s.name());
        assertEquals(4, s.gridSize());
        assertEquals(2, s.axes().size());
        assertEquals(List.of("faults"), s.columns());
        assertEquals(3, s.seed());
        assertEquals(100, s.maxPoints());
        assertEquals(2, s.parallelism());
        assertEquals(Shard.WHOLE, s.shard());
        assertEquals("local", s.executor().label());
        assertEquals("scan", s.base().get("name").asText());
        assertTrue(s.toString().contains("sweep 'compile'"));
        SweepResult r = s.run();
        assertEquals(4, seen.size());
        s.progress().accept(seen.get(0));
        assertEquals(r.table().toCsv(), s.result(List.of(s.measure(s.point(0)), s.measure(s.point(1)), s.measure(s.point(2)),
                s.measure(s.point(3)))).table().toCsv());
        assertEquals(s.point(1).seed(), s.scenario(s.point(1)).seed());
        assertTrue(s.failed(s.point(0), "boom").getMessage().contains("boom"));
        assertEquals(0, s.interrupted(List.of()).partial().table().rowCount());
        assertEquals(s.toJson(), SweepJson.write(s));
        assertEquals(SweepJson.fingerprint(s), SweepJson.fingerprint(SweepJson.read(SweepJson.tree(s).toString(), null)));
        SweepOutput.checkFree(dir.resolve("out"));
        Path out = SweepOutput.write(dir.resolve("out"), s, r.table());
        assertEquals(r.table().toCsv(), SweepOutput.merge(List.of(out)).table().toCsv());
        SweepOutput.writePartial(dir.resolve("partial"), s, r);
        assertEquals(new Shard(2, 3), Shard.parse("2/3"));
        assertEquals("2/3", Shard.of(2, 3).toString());
        var tree = ScenarioJson.tree(ScenarioSweepTest.BASE);
        assertTrue(SweepPaths.paths(tree).contains("policy.placement.threshold"));
        assertEquals(List.of("vram"), SweepPaths.near(tree, "vrm", 1));
        assertTrue(SweepPaths.resolve(tree, "phases.scan.warps").present());
        SweepPaths.set(tree, "vram", SweepPaths.value(MiB(4)));
        assertEquals("4MiB", tree.get("vram").asText());
        assertEquals("5us", SweepPaths.value(us(5)).asText());
        assertEquals(MiB(4), SweepPaths.cell(tree.get("vram")));
        assertTrue(SweepPaths.unknown(tree, "x.y", "test").getMessage().contains("paths near it"));
    }
}
