package org.hmmlab.dsl.script;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.graalvm.polyglot.Value;
import org.hmmlab.policy.Decision;
import org.hmmlab.policy.FaultBatch;
import org.hmmlab.policy.FaultContext;
import org.hmmlab.policy.Location;
import org.hmmlab.policy.MigrationCause;
import org.hmmlab.policy.Placement;
import org.hmmlab.units.SimDuration;
import org.hmmlab.workload.AccessType;

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
 * <p>The batch form: a script may define {@code onDeviceFaults(faults)} instead, called once per fault batch, which
 * gives each fault its decision with {@code faults.decide(i, name)} (see {@link JsFaultBatch}). It crosses the
 * Java/JavaScript boundary once per batch rather than once per fault; its decisions see residency as the service
 * begins. Where no batch is at hand (the residency-only engine), each fault comes as a batch of one.
 *
 * <pre>{@code
 * function onDeviceFaults(faults) {
 *   const pages = faults.pages(), writes = faults.writes();   // arrays: cheaper than a call per fault
 *   for (let i = 0; i < pages.length; i++) {
 *     faults.decide(i, writes[i] ? "migrate-2MiB" : "map-remote");
 *   }
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
    /** The script's batch form, or null. */
    private final JsFunction onDeviceFaults;
    private final JsFaultBatch batchView = new JsFaultBatch();
    /** The fault batch the script decided last, or null; a fault outside it comes as a batch of one. */
    private FaultBatch decided;
    private final FaultBatch single = new FaultBatch();
    private final long[] singlePage = new long[1];
    private final boolean[] singleWrite = new boolean[1];

    private JsPlacement(String name, JsScript script, SimDuration decisionCost) {
        this.name = name;
        this.script = script;
        this.onDeviceFaults = script.hasFunction("onDeviceFaults") ? script.function("onDeviceFaults") : null;
        if (onDeviceFaults == null && !script.hasFunction("onDeviceFault")) {
            throw new ScriptException(name, 0, "the script must define a function 'onDeviceFault' (or"
                    + " 'onDeviceFaults' to decide whole fault batches)", null);
        }
        this.onDeviceFault = onDeviceFaults == null ? script.function("onDeviceFault") : null;
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
    public void onFaultBatch(FaultBatch batch) {
        if (onDeviceFaults != null) {
            decideBatch(batch);
        }
    }

    @Override
    public Decision onDeviceFault(FaultContext fault) {
        if (onDeviceFaults == null) {
            return ask(onDeviceFault, fault);
        }
        long page = fault.page();
        int i = decided == null ? -1 : decided.indexOf(page);
        boolean alone = i < 0;
        if (alone) {
            // no batch holds it (the residency-only engine asks fault by fault): a batch of one, forgotten after
            singlePage[0] = page;
            singleWrite[0] = fault.access() != AccessType.READ;
            decideBatch(single.fill(singlePage, singleWrite, 1, fault));
            i = 0;
        }
        Decision d = batchView.decision(i);
        if (alone) {
            decided = null;
        }
        if (d == null) {
            throw new ScriptException(script.name(), 0, "onDeviceFaults() gave fault " + i + " (page " + page
                    + ") no decision; call faults.decide(i, name) for every fault, name one of "
                    + String.join(", ", DECISIONS), null);
        }
        return d;
    }

    /** Asks the script's batch form about {@code batch}; its decisions stay readable until the next batch. */
    private void decideBatch(FaultBatch batch) {
        batchView.set(batch);
        decided = batch;
        onDeviceFaults.call(batchView);
    }

    /** The decision called {@code name}, one of {@value #DECISIONS_TEXT}. */
    static Decision decisionNamed(String name) {
        Decision d = name == null ? null : switch (name) {
            case "none" -> Decision.NONE;
            case "map-remote" -> Decision.MAP_REMOTE;
            case "migrate" -> Decision.MIGRATE_PAGE;
            case "migrate-64KiB" -> Decision.MIGRATE_BIG_PAGE;
            case "migrate-2MiB" -> Decision.MIGRATE_BLOCK;
            case "duplicate" -> Decision.DUPLICATE_PAGE;
            default -> null;
        };
        if (d == null) {
            throw new IllegalArgumentException("decision must be one of " + DECISIONS_TEXT + "; got " + name);
        }
        return d;
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
