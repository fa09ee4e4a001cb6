package org.hmmlab.cli;

import java.util.Map;
import org.hmmlab.dsl.js.JsLab;
import org.hmmlab.dsl.script.JsScript;
import org.hmmlab.dsl.script.ScriptLimits;

/**
 * Runs a {@code .js} scenario in the DSL's JavaScript sandbox with the global {@code lab} ({@link JsLab});
 * {@code lab.show(x)} prints results. The whole script runs under a generous budget (a scenario runs
 * simulations, not one policy decision).
 */
final class JsScenarioRunner {

    /** Ten minutes and 10^10 statements for the whole script. */
    static final ScriptLimits SCRIPT_LIMITS = new ScriptLimits(10_000_000_000L, java.time.Duration.ofMinutes(10));

    private JsScenarioRunner() {
    }

    static void run(String name, String source, RunCommand.Output output) {
        JsLab lab = new JsLab(output::show, output::progress);
        // With --json stdout carries only JSON, so the script's own print() lines go to stderr.
        JsScript.load(name, source, Map.of("lab", lab), SCRIPT_LIMITS, output.json ? output.err : output.out,
                org.hmmlab.dsl.Cancellation.current()).close();
    }
}
