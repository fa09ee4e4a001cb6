package org.hmmlab.kernel;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.hmmlab.dsl.js.JsLab;
import org.hmmlab.dsl.script.JsScript;
import org.hmmlab.dsl.script.ScriptException;
import org.hmmlab.dsl.script.ScriptLimits;

/**
 * {@code %%js [NAME]}: runs the cell as JavaScript in the DSL's GraalJS sandbox (no Java class lookup, files,
 * network, processes or threads), with the global {@code lab} ({@link JsLab}: the scenario API, {@code lab.show(x)}
 * displays x in the notebook, sweeps draw a progress bar), so a syntax error or a failing top level shows at the
 * cell's line. With NAME, the cell's source becomes the Java {@code String} variable NAME, ready for the
 * DSL: {@code uvmDefaults().placement(javascript("mine", NAME))}.
 */
final class JsMagic {

    /** A cell runs scenarios, not one policy decision: ten minutes and 10^10 statements, as for a .js file. */
    static final ScriptLimits CELL_LIMITS = new ScriptLimits(10_000_000_000L, Duration.ofMinutes(10));

    private static final Pattern JAVA_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
    /** Script sources waiting to be bound to a JShell variable, by a one-time key. */
    private static final Map<String, String> PENDING = new ConcurrentHashMap<>();

    private JsMagic() {
    }

    static Object run(String name, String body, Magics.Context ctx) {
        if (!name.isEmpty() && !JAVA_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("%%js NAME: NAME must be a Java identifier; got '" + name + "'");
        }
        String scriptName = ctx.cell().replace(" ", "") + (name.isEmpty() ? "" : "-" + name) + ".js";
        JsScript script;
        try {
            JsLab lab = new JsLab(value -> Notebook.display(value), label -> Notebook.progress(label));
            script = JsScript.load(scriptName, body, Map.of("lab", lab), CELL_LIMITS, System.out,
                    org.hmmlab.dsl.Cancellation.current());
        } catch (ScriptException e) {
            if (Tracebacks.isInterrupt(e)) {
                throw Tracebacks.interrupted(e);
            }
            throw Tracebacks.script(e, ctx.cell(), ctx.firstLine());
        }
        if (name.isEmpty()) {
            script.close();
            return CellEvaluator.NO_VALUE;
        }
        script.close();
        String key = name + "-" + System.identityHashCode(body);
        PENDING.put(key, body);
        ctx.evaluator().eval("String " + name + " = org.hmmlab.kernel.Notebook.takeScript(\"" + key + "\");",
                ctx.cell(), ctx.firstLine());
        return CellEvaluator.NO_VALUE;
    }

    static String take(String key) {
        String s = PENDING.remove(key);
        if (s == null) {
            throw new IllegalStateException("no JavaScript waiting under " + key);
        }
        return s;
    }
}
