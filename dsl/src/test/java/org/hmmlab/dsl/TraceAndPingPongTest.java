package org.hmmlab.dsl;

import static org.hmmlab.dsl.Lab.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.hmmlab.workload.AccessType;
import org.hmmlab.workload.Agent;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14's DSL entry points: a recorded trace as a phase, and warps for the CPU/GPU ping-pong. */
class TraceAndPingPongTest {

    @TempDir
    Path dir;

    /** Four pages from 0x7f0000000000: a read of each, then a write of the first. */
    Path app() throws Exception {
        Path f = dir.resolve("app.csv");
        Files.writeString(f, """
                time_ns,agent,address,access,size
                0,gpu0,0x7f0000000000,R,4096
                10,gpu0,0x7f0000001000,R,4096
                20,gpu0,0x7f0000002000,R,4096
                30,gpu0,0x7f0000003800,R,2048
                40,gpu0,0x7f0000000000,W,128
                """);
        return f;
    }

    @Test
    void aTracePhaseBringsItsAllocationAndReplaysEveryAccess() throws Exception {
        Scenario s = scenario("replay").gpu(trace(app().toString()).warps(2)).policy(onDemand());
        assertEquals("app", s.allocations().get(0).name(), "named after the file");
        assertEquals(pages(4), s.allocations().get(0).size(), "the trace's pages");
        Phase p = s.phases().get(0);
        assertEquals("app", p.name());
        assertEquals(Agent.gpu(0), p.agent());
        assertEquals(5, p.work(), "one pass is the whole trace");
        var stream = p.stream(1);
        long[] offsets = new long[5];
        AccessType[] types = new AccessType[5];
        for (int i = 0; stream.next(); i++) {
            offsets[i] = stream.offset();
            types[i] = stream.type();
        }
        assertEquals(java.util.List.of(0L, 4096L, 8192L, 14336L, 0L), java.util.Arrays.stream(offsets).boxed().toList());
        assertEquals(AccessType.WRITE, types[4], "the trace's access type, not the phase's write fraction");
        var run = s.run();
        assertEquals(4L, run.summary().get("pages_populated_on_device"), "each of the 4 pages reaches the GPU once");
        assertEquals(0L, run.summary().get("pages_to_device"), "never populated on the host: nothing to copy");
    }

    @Test
    void aTraceOverAnAllocationOfTheUsersOwn() throws Exception {
        String file = app().toString();
        Scenario big = scenario("replay").alloc("buf", MiB(1)).gpu(trace(file).reads("buf"));
        assertEquals(1, big.allocations().size(), "no allocation of its own");
        assertEquals(MiB(1), big.phases().get(0).footprint());
        Scenario named = scenario("replay").alloc("app", MiB(2)).gpu(trace(file));
        assertEquals(MiB(2), named.allocations().get(0).size(), "the scenario's own 'app' is used as it is");
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> scenario("replay").alloc("buf", pages(3)).gpu(trace(file).reads("buf")));
        assertEquals("phase 'app': replay access 4 at 0x7f0000003800 (2048 B) must lie in [0x7f0000000000, +12 KiB),"
                + " the allocation's footprint from the trace's base address", small.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> scenario("replay").gpu(trace(file).passes(2)));
        assertEquals("phase 'app': replay accesses must equal the trace range length 5, got 10", twice.getMessage());
    }

    @Test
    void aTracePhaseWritesAndReadsBackAsJson() throws Exception {
        String file = app().toString();
        Scenario s = scenario("replay").gpu(trace(file).warps(2)).policy(onDemand());
        String json = org.hmmlab.dsl.json.ScenarioJson.write(s);
        assertTrue(json.matches("(?s).*\"pattern\" : \\{\\s*\"kind\" : \"trace\",\\s*\"file\" : \"[^\"]*app.csv\",\\s*"
                + "\"from\" : 0,\\s*\"to\" : 5,\\s*\"base\" : \"0x7f0000000000\".*"), json);
        Scenario back = org.hmmlab.dsl.json.ScenarioJson.read(json);
        assertEquals(json, org.hmmlab.dsl.json.ScenarioJson.write(back));
        assertEquals(s.run().summary(), back.run().summary(), "the same run");
        String missing = json.replace(file.replace("\\", "\\\\"), dir.resolve("gone.csv").toString());
        var e = assertThrows(org.hmmlab.dsl.json.JsonFormatException.class,
                () -> org.hmmlab.dsl.json.ScenarioJson.read(missing));
        assertTrue(e.getMessage().startsWith("$.phases[0].pattern.file: cannot read trace '"), e.getMessage());
    }

    @Test
    void anUnreadableOrMalformedTraceIsRefusedAtTheCall() throws Exception {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> trace(dir.resolve("none.csv").toString()));
        assertTrue(missing.getMessage().startsWith("trace(file): cannot read '" + dir.resolve("none.csv") + "'"),
                missing.getMessage());
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "0,gpu0,0x1000,R,4096\n1,gpu0,0x2000,R,0\n");
        IllegalArgumentException malformed = assertThrows(IllegalArgumentException.class, () -> trace(bad.toString()));
        assertEquals("trace(\"" + bad + "\"): trace line 2, field 'size': must be in [1, 1073741824] bytes, got 0",
                malformed.getMessage());
    }

    @Test
    void aPingPongsGpuSideRunsOnTheWarpsGiven() {
        Scenario s = scenario("bounce").alloc("x", MiB(2)).pingPong("x", 3, 64);
        assertEquals(6, s.phases().size());
        for (Phase p : s.phases()) {
            assertEquals(p.agent().isCpu() ? 1 : 64, p.concurrency(), p.name());
        }
        assertEquals(scenario("bounce").alloc("x", MiB(2)).pingPong("x", 3).phases(),
                scenario("bounce").alloc("x", MiB(2)).pingPong("x", 3, 1).phases(), "one warp is the two-argument form");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> scenario("bounce").alloc("x", MiB(2)).pingPong("x", 3, 0));
        assertEquals("pingPong(allocation, rounds, warps): warps must be in [1, 1048576], got 0", e.getMessage());
        long oneWarp = (Long) scenario("bounce").alloc("x", MiB(2)).pingPong("x", 2).policy(onDemand()).run()
                .summary().get("sim_time_ns");
        long manyWarps = (Long) scenario("bounce").alloc("x", MiB(2)).pingPong("x", 2, 256).policy(onDemand()).run()
                .summary().get("sim_time_ns");
        assertTrue(manyWarps < oneWarp, "256 warps batch the faults one warp takes in turn: " + manyWarps + " vs "
                + oneWarp + " ns");
        assertTrue(Patterns.sequential().equals(s.phases().get(0).pattern()));
    }
}
