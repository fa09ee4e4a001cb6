package org.hmmlab.dsl.script;

import org.graalvm.polyglot.Value;

/**
 * A JavaScript function of a {@link JsScript}, called from Java under the script's budgets.
 *
 * <p>Arguments pass as GraalVM host values: numbers and strings as themselves, exported host objects by
 * reference. Results come back converted to what the caller asks for, with an error naming the script
 * when the function returned something else.
 */
public final class JsFunction {

    private final JsScript script;
    private final String name;
    private final Value fn;

    JsFunction(JsScript script, String name, Value fn) {
        this.script = script;
        this.name = name;
        this.fn = fn;
    }

    public String name() {
        return name;
    }

    /** Calls the function and returns its raw polyglot result (valid while the script is open). */
    public Value call(Object... args) {
        return script.enter(() -> fn.execute(args));
    }

    /** Calls the function and expects a number. */
    public double callDouble(Object... args) {
        Value v = call(args);
        if (!v.isNumber()) {
            throw wrongType("a number", v);
        }
        return v.asDouble();
    }

    /** Calls the function and expects a whole number that fits a long. */
    public long callLong(Object... args) {
        Value v = call(args);
        if (!v.isNumber() || !v.fitsInLong()) {
            throw wrongType("a whole number", v);
        }
        return v.asLong();
    }

    /** Calls the function and expects true or false. */
    public boolean callBoolean(Object... args) {
        Value v = call(args);
        if (!v.isBoolean()) {
            throw wrongType("true or false", v);
        }
        return v.asBoolean();
    }

    /** Calls the function and expects a string. */
    public String callString(Object... args) {
        Value v = call(args);
        if (!v.isString()) {
            throw wrongType("a string", v);
        }
        return v.asString();
    }

    private ScriptException wrongType(String wanted, Value got) {
        return new ScriptException(script.name(), 0, "function " + name + "() must return " + wanted + ", returned " + got, null);
    }

    @Override
    public String toString() {
        return script.name() + ": " + name + "()";
    }
}
