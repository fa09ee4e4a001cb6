package org.hmmlab.dsl.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hmmlab.policy.Decision;
import org.hmmlab.policy.FaultContext;
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
}
