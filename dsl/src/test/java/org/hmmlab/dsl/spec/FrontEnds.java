package org.hmmlab.dsl.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hmmlab.dsl.Scenario;
import org.hmmlab.dsl.js.JsLab;
import org.hmmlab.dsl.json.ScenarioJson;
import org.hmmlab.dsl.script.JsScript;
import org.hmmlab.dsl.script.ScriptLimits;

/**
 * The same small scenario (the CPU writes "x", a GPU kernel reads it, the CPU reads it back) written through the
 * JSON and the JavaScript front end with a policy given in that front end's words, for tests that compare them
 * with the Java DSL.
 */
final class FrontEnds {

    private FrontEnds() {
    }

    /** The scenario read from JSON whose {@code "policy"} is {@code policyJson}. */
    static Scenario json(String policyJson) {
        return ScenarioJson.read("""
                {"name": "s", "policy": %s,
                 "allocations": [{"name": "x", "size": "4MiB"}],
                 "phases": [
                   {"name": "init", "agent": "cpu", "allocation": "x", "pattern": {"kind": "sequential"},
                    "footprint": "4MiB", "work": 1024, "concurrency": 16, "accessSize": "4KiB", "writeFraction": 1.0},
                   {"name": "k", "agent": "gpu0", "allocation": "x", "pattern": {"kind": "sequential"},
                    "footprint": "4MiB", "work": 2048, "concurrency": 64, "accessSize": "4KiB", "writeFraction": 0.0},
                   {"name": "check", "agent": "cpu", "allocation": "x", "pattern": {"kind": "sequential"},
                    "footprint": "4MiB", "work": 1024, "concurrency": 16, "accessSize": "4KiB", "writeFraction": 0.0}]}
                """.formatted(policyJson));
    }

    /** The scenario a script builds with {@code calls} (JavaScript, starting with a dot) on its policy. */
    static Scenario js(String calls) {
        List<Object> shown = new ArrayList<>();
        String script = "lab.show(lab.scenario('s').alloc('x', '4MiB')" + calls
                + ".cpu(lab.phase('init').writes('x').threads(16))"
                + ".gpu(lab.kernel('k').reads('x').passes(2).warps(64))"
                + ".cpu(lab.phase('check').reads('x').threads(16)))";
        JsScript.load("s.js", script, Map.of("lab", new JsLab(shown::add)), ScriptLimits.DEFAULT, System.out).close();
        return ((JsLab.JsScenario) shown.get(0)).scenario();
    }
}
