package org.hmmlab.dsl.script;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.graalvm.polyglot.Value;
import org.hmmlab.policy.Decision;
import org.hmmlab.policy.FaultContext;
import org.hmmlab.policy.Location;
import org.hmmlab.policy.MigrationCause;
import org.hmmlab.policy.Placement;
import org.hmmlab.units.SimDuration;

/**
 * A placement policy written in JavaScript: the script's {@code onDeviceFault(fault)} says where a faulting
 * page goes.
 *
 * <p>The script returns one of the decision names {@value #DECISIONS_TEXT}; {@code migrate-64KiB} and
 * {@code migrate-2MiB} migrate the aligned big page or 2 MiB block around the fault, as the UVM driver
 * grows faults. Optional functions: {@code onRemoteAccess(access)} (an access-counter notification,
 * returning {@code "none"} or a migration) and {@code onMigrated(firstPage, pages, from, to, cause, nowNs)}
 * to keep the script's own state. Mirrors the residency choice of {@code uvm_va_block_select_residency()},
 * like every {@link Placement}.
 *
 * <pre>{@code
 * function onDeviceFault(fault) {
 *   return fault.access() === "read" ? "map-remote" : "migrate-2MiB";
 * }
 * }</pre>
 *
 * <p>A script keeps state between calls (its globals), so build a fresh placement for each run; scripts are
 * sandboxed and budgeted as {@link JsScript} describes.
 */
public final class JsPlacement implements Placement, AutoCloseable {

    static final String DECISIONS_TEXT = "none, map-remote, migrate, migrate-64KiB, migrate-2MiB, duplicate";

    private static final List<String> DECISIONS = List.of(DECISIONS_TEXT.split(", "));

    private final String name;
    private final JsScript script;
    private final JsFunction onDeviceFault;
    private final JsFunction onRemoteAccess;
    private final JsFunction onMigrated;
    private final SimDuration decisionCost;
    private final JsFault view = new JsFault();

    private JsPlacement(String name, JsScript script, SimDuration decisionCost) {
        this.name = name;
        this.script = script;
        this.onDeviceFault = script.function("onDeviceFault");
        this.onRemoteAccess = script.hasFunction("onRemoteAccess") ? script.function("onRemoteAccess") : null;
        this.onMigrated = script.hasFunction("onMigrated") ? script.function("onMigrated") : null;
        this.decisionCost = decisionCost;
    }

    /**
     * Loads a placement from JavaScript source.
     *
     * @param name the policy's name in tables and the script's name in error messages
     * @throws ScriptException when the script does not parse or defines no {@code onDeviceFault}
     */
    public static JsPlacement load(String name, String source, ScriptLimits limits, SimDuration decisionCost) {
        Objects.requireNonNull(decisionCost, "decisionCost");
        JsScript script = JsScript.load(name, source, Map.of(), limits);
        try {
            return new JsPlacement(name, script, decisionCost);
        } catch (RuntimeException e) {
            script.close();
            throw e;
        }
    }

    /** Loads a placement with the default limits and no decision cost. */
    public static JsPlacement load(String name, String source) {
        return load(name, source, ScriptLimits.DEFAULT, SimDuration.ZERO);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SimDuration decisionCost() {
        return decisionCost;
    }

    @Override
    public Decision onDeviceFault(FaultContext fault) {
        return ask(onDeviceFault, fault);
    }

    @Override
    public Decision onRemoteAccess(FaultContext access) {
        return onRemoteAccess == null ? Decision.NONE : ask(onRemoteAccess, access);
    }

    @Override
    public void onMigrated(long firstPage, long pages, int from, int to, MigrationCause cause, long nowNanos) {
        if (onMigrated != null) {
            onMigrated.call((double) firstPage, (double) pages, Location.name(from), Location.name(to),
                    cause.name().toLowerCase(java.util.Locale.ROOT), (double) nowNanos);
        }
    }

    private Decision ask(JsFunction fn, FaultContext fault) {
        view.set(fault);
        try {
            return decode(fn, fn.call(view));
        } finally {
            view.set(null);
        }
    }

    private Decision decode(JsFunction fn, Value v) {
        if (v.isString()) {
            switch (v.asString()) {
                case "none":
                    return Decision.NONE;
                case "map-remote":
                    return Decision.MAP_REMOTE;
                case "migrate":
                    return Decision.MIGRATE_PAGE;
                case "migrate-64KiB":
                    return Decision.MIGRATE_BIG_PAGE;
                case "migrate-2MiB":
                    return Decision.MIGRATE_BLOCK;
                case "duplicate":
                    return Decision.DUPLICATE_PAGE;
                default:
                    break;
            }
        }
        throw new ScriptException(script.name(), 0, fn.name() + "() returned " + v + "; it must return one of "
                + String.join(", ", DECISIONS), null);
    }

    /** Frees the script's context. */
    @Override
    public void close() {
        script.close();
    }

    @Override
    public String toString() {
        return "JavaScript placement " + name;
    }
}
