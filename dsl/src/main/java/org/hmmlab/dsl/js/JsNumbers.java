package org.hmmlab.dsl.js;

import org.graalvm.polyglot.Value;

/**
 * Whole numbers from a script. JavaScript has one number type, so {@code passes(2.5)} or {@code seed(1e300)} reach
 * Java as doubles; a parameter that counts something is refused unless the number is whole, never truncated, and
 * the message names the call as the script wrote it ({@code passes(n): n must be a whole number, got 2.5}). The
 * range itself is the spec's to check, after this.
 */
final class JsNumbers {

    private JsNumbers() {
    }

    /** {@code v} as a long, or an error naming {@code call} and {@code param}. */
    static long whole(String call, String param, Value v) {
        if (v == null || !v.isNumber() || !v.fitsInLong()) {
            throw new IllegalArgumentException(call + ": " + param + " must be a whole number, got " + shown(v));
        }
        return v.asLong();
    }

    /** {@code v} as an int, or an error naming {@code call} and {@code param}. */
    static int wholeInt(String call, String param, Value v) {
        long n = whole(call, param, v);
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(call + ": " + param + " must be a whole number within 32 bits ("
                    + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE + "), got " + n);
        }
        return (int) n;
    }

    private static String shown(Value v) {
        if (v == null || v.isNull()) {
            return "undefined";
        }
        return v.isString() ? "\"" + v.asString() + "\"" : v.toString();
    }
}
