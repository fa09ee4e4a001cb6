package org.hmmlab.dsl.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.hmmlab.platform.Platforms;
import org.hmmlab.policy.Decision;
import org.hmmlab.policy.FaultBatch;
import org.hmmlab.policy.FaultContext;
import org.hmmlab.policy.MutableFaultContext;
import org.hmmlab.policy.Policies;
import org.hmmlab.run.Experiment;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.AccessType;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;
import org.hmmlab.policy.MigrationCause;
import org.hmmlab.policy.Location;
import org.junit.jupiter.api.Test;

/** JavaScript placements decide what the same policy in Java decides, and bad scripts are named. */
class JsPlacementTest {

    @Test
    void jsAndJavaMakeTheSameDecisionsOnTheSameFaults() {
        JsPolicyBench.JavaCounterPlacement java = new JsPolicyBench.JavaCounterPlacement();
        JsPolicyBench.StreamFault a = new JsPolicyBench.StreamFault(7);
        JsPolicyBench.StreamFault b = new JsPolicyBench.StreamFault(7);
        int remote = 0;
        try (JsPlacement js = JsPlacement.load("counter.js", JsPolicyBench.JS_SOURCE)) {
            for (int i = 0; i < 20_000; i++) {
                Decision dj = java.onDeviceFault(a.next());
                Decision ds = js.onDeviceFault(b.next());
                assertEquals(dj, ds, "fault " + i);
                remote += dj == Decision.MAP_REMOTE ? 1 : 0;
            }
        }
        assertTrue(remote > 1000 && remote < 19_000, "the stream exercises both outcomes: " + remote);
    }

    @Test
    void decisionsByNameAndOptionalHooks() {
        String src = """
                let migrated = 0;
                function onDeviceFault(fault) {
                  if (fault.residency(fault.page()) === "host") return "migrate-64KiB";
                  return fault.access() === "write" ? "migrate" : "duplicate";
                }
                function onRemoteAccess(access) { return migrated > 0 ? "migrate-2MiB" : "none"; }
                function onMigrated(first, pages, from, to, cause, now) { if (to === "gpu0" && cause === "device_fault") migrated += pages; }
                """;
        try (JsPlacement p = JsPlacement.load("hooks.js", src)) {
            FaultContext f = new JsPolicyBench.StreamFault(1).next();
            assertEquals(Decision.MIGRATE_BIG_PAGE, p.onDeviceFault(f));
            assertEquals(Decision.NONE, p.onRemoteAccess(f));
            p.onMigrated(0, 16, Location.HOST, 0, MigrationCause.DEVICE_FAULT, 10);
            assertEquals(Decision.MIGRATE_BLOCK, p.onRemoteAccess(f));
            assertEquals("hooks.js", p.name());
        }
    }

    @Test
    void aWrongDecisionNamesTheAllowedOnes() {
        try (JsPlacement p = JsPlacement.load("typo.js", "function onDeviceFault(f) { return 'migrate-1GiB'; }")) {
            ScriptException e = assertThrows(ScriptException.class,
                    () -> p.onDeviceFault(new JsPolicyBench.StreamFault(1).next()));
            assertTrue(e.getMessage().contains("returned migrate-1GiB; it must return one of none, map-remote, migrate,"),
                    e.getMessage());
        }
        ScriptException missing = assertThrows(ScriptException.class, () -> JsPlacement.load("empty.js", "let x = 1;"));
        assertTrue(missing.getMessage().contains("must define a function 'onDeviceFault'"), missing.getMessage());
    }

    @Test
    void anErrorInsideTheScriptPointsAtItsLine() {
        try (JsPlacement p = JsPlacement.load("bug.js", "function onDeviceFault(f) {\n  return f.nosuch();\n}")) {
            ScriptException e = assertThrows(ScriptException.class,
                    () -> p.onDeviceFault(new JsPolicyBench.StreamFault(1).next()));
            assertEquals(2, e.line(), e.getMessage());
        }
    }

    @Test
    void theBatchFormDecidesWhatThePerFaultFormDecidesBatchByBatch() {
        JsPolicyBench.JavaCounterPlacement java = new JsPolicyBench.JavaCounterPlacement();
        JsPolicyBench.StreamFault stream = new JsPolicyBench.StreamFault(11);
        MutableFaultContext ctx = new MutableFaultContext(page -> Location.HOST, () -> 1L << 20, 1L << 21);
        long[] pages = new long[JsPolicyBench.BATCH];
        boolean[] writes = new boolean[JsPolicyBench.BATCH];
        FaultBatch batch = new FaultBatch();
        int remote = 0;
        int decided = 0;
        try (JsPlacement js = JsPlacement.load("counter-batch.js", JsPolicyBench.JS_BATCH_SOURCE)) {
            for (int b = 0; b < 80; b++) {
                int n = JsPolicyBench.sortedBatch(stream, pages, writes);
                js.onFaultBatch(batch.fill(pages, writes, n, ctx.fill(pages[0] << 12, AccessType.READ, 0, b)));
                for (int i = 0; i < n; i++) {
                    FaultContext f = ctx.fill(pages[i] << 12, writes[i] ? AccessType.WRITE : AccessType.READ, 0, b);
                    Decision dj = java.onDeviceFault(f);
                    assertEquals(dj, js.onDeviceFault(f), "batch " + b + ", fault " + i);
                    remote += dj == Decision.MAP_REMOTE ? 1 : 0;
                    decided++;
                }
            }
        }
        assertTrue(remote > 1000 && remote < decided - 1000, "both outcomes occur: " + remote + " of " + decided);
    }

    @Test
    void aBatchFormPlacementRunsTheTimingEngineAsItsJavaTwinDoes() {
        Bytes size = Bytes.MiB(32);
        Workload w = Workload.of(List.of(new Allocation("x", size)), List.of(
                Phase.gpu("scan", "x", Patterns.uniformRandom(), size, size.pagesCeil() / 2).withConcurrency(512)));
        var java = Experiment.of(Platforms.A100_PCIE4, w,
                () -> Policies.onDemand().withPlacement(new JsPolicyBench.JavaCounterPlacement())).run();
        JsPlacement[] js = new JsPlacement[1];
        var script = Experiment.of(Platforms.A100_PCIE4, w, () -> Policies.onDemand().withPlacement(
                js[0] = JsPlacement.load("counter-batch.js", JsPolicyBench.JS_BATCH_SOURCE))).run();
        js[0].close();
        var firstTouch = Experiment.of(Platforms.A100_PCIE4, w, Policies::onDemand).run();
        assertTrue(java.simTime().nanos() != firstTouch.simTime().nanos(), "the counter placement changes the run");
        assertEquals(java.fingerprint().replace("java-counter", "?"),
                script.fingerprint().replace("counter-batch.js", "?"));
    }

    @Test
    void withoutABatchEachFaultComesAsABatchOfOne() {
        String src = """
                let calls = 0;
                function onDeviceFaults(faults) {
                  calls++;
                  faults.decide(0, faults.length() === 1 && calls === 2 ? "migrate-2MiB" : "map-remote");
                }
                """;
        try (JsPlacement p = JsPlacement.load("single.js", src)) {
            MutableFaultContext ctx = new MutableFaultContext(page -> Location.HOST, () -> 1L << 20, 1L << 21);
            // the same page twice: each fault is its own call, not an answer kept from the last
            assertEquals(Decision.MAP_REMOTE, p.onDeviceFault(ctx.fill(5 << 12, AccessType.READ, 0, 1)));
            assertEquals(Decision.MIGRATE_BLOCK, p.onDeviceFault(ctx.fill(5 << 12, AccessType.READ, 0, 2)));
            assertEquals(Decision.MAP_REMOTE, p.onDeviceFault(ctx.fill(5 << 12, AccessType.READ, 0, 3)));
        }
    }

    @Test
    void aBatchFormThatLeavesAFaultUndecidedOrNamesABadDecisionIsNamed() {
        MutableFaultContext ctx = new MutableFaultContext(page -> Location.HOST, () -> 1L << 20, 1L << 21);
        long[] pages = {10, 20, 30};
        boolean[] writes = {false, true, false};
        FaultBatch batch = new FaultBatch().fill(pages, writes, 3, ctx.fill(10 << 12, AccessType.READ, 0, 0));
        try (JsPlacement p = JsPlacement.load("half.js",
                "function onDeviceFaults(faults) { faults.decide(0, 'migrate'); }")) {
            p.onFaultBatch(batch);
            assertEquals(Decision.MIGRATE_PAGE, p.onDeviceFault(ctx.fill(10 << 12, AccessType.READ, 0, 0)));
            ScriptException e = assertThrows(ScriptException.class,
                    () -> p.onDeviceFault(ctx.fill(20 << 12, AccessType.WRITE, 0, 0)));
            assertTrue(e.getMessage().contains("gave fault 1 (page 20) no decision"), e.getMessage());
        }
        try (JsPlacement p = JsPlacement.load("typo.js",
                "function onDeviceFaults(faults) {\n  faults.decide(0, 'migrate-1GiB');\n}")) {
            ScriptException e = assertThrows(ScriptException.class, () -> p.onFaultBatch(batch));
            assertTrue(e.getMessage().contains("decision must be one of none, map-remote, migrate,"), e.getMessage());
            assertEquals(2, e.line(), e.getMessage());
        }
    }
}
