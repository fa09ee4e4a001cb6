package org.hmmlab.dsl.script;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.graalvm.polyglot.Context;
import org.hmmlab.sim.CancellationToken;
import org.hmmlab.sim.SimulationCancelledException;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.ResourceLimits;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.SourceSection;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;

/**
 * A JavaScript program loaded into its own sandboxed GraalJS context.
 *
 * <p>The sandbox: host objects are reachable only through the globals passed to {@link #load}, and of
 * those only members annotated {@code @HostAccess.Export} (plus arrays, lists and maps); no Java class
 * lookup, file or network IO, processes, threads, native access, environment variables or other
 * languages. Every entry into the script (its top level, each function call) resets a statement budget
 * and runs under a wall-clock budget ({@link ScriptLimits}). Errors become {@link ScriptException}s that
 * name the script and line.
 *
 * <p>A context is single-threaded, so a script belongs to one simulation run; calls are serialised.
 * All scripts share one GraalJS engine, which caches parsed code across contexts.
 */
public final class JsScript implements AutoCloseable {

    private static final HostAccess ACCESS = HostAccess.newBuilder(HostAccess.EXPLICIT)
            .allowArrayAccess(true)
            .allowListAccess(true)
            .allowMapAccess(true)
            .build();

    private static volatile Engine engine;

    private final String name;
    private final Context context;
    private final ScriptLimits limits;
    private volatile long callStartedNanos; // 0 when no call is running
    private volatile boolean timedOut;
    private volatile boolean cancelled;
    /** The front end's token (a notebook cell's, a command's): cancelling it stops the running call. */
    private final CancellationToken cancel;

    private JsScript(String name, Context context, ScriptLimits limits, CancellationToken cancel) {
        this.name = name;
        this.context = context;
        this.limits = limits;
        this.cancel = cancel;
    }

    /** The shared engine, created on first use (GraalJS in interpreter mode on a stock JDK: warn not). */
    static Engine engine() {
        Engine e = engine;
        if (e == null) {
            synchronized (JsScript.class) {
                e = engine;
                if (e == null) {
                    e = Engine.newBuilder("js").option("engine.WarnInterpreterOnly", "false").build();
                    engine = e;
                }
            }
        }
        return e;
    }

    /** Loads {@code source} with no globals and the default limits. */
    public static JsScript load(String name, String source) {
        return load(name, source, Map.of(), ScriptLimits.DEFAULT);
    }

    /**
     * Loads and runs the top level of {@code source} in a fresh sandbox whose global scope holds
     * {@code globals} (name to host object).
     *
     * @param name the script's name in error messages, for example {@code "policy.js"}
     * @throws ScriptException on a syntax error or an error in the top level
     */
    public static JsScript load(String name, String source, Map<String, ?> globals, ScriptLimits limits) {
        return load(name, source, globals, limits, System.out);
    }

    /**
     * As {@link #load(String, String, Map, ScriptLimits)}, with the script's {@code print(...)} and
     * {@code console.log(...)} going to {@code out} (the CLI's output stream) instead of the process's stdout.
     */
    public static JsScript load(String name, String source, Map<String, ?> globals, ScriptLimits limits,
            java.io.OutputStream out) {
        return load(name, source, globals, limits, out, new CancellationToken());
    }

    /**
     * As {@link #load(String, String, Map, ScriptLimits, java.io.OutputStream)}, stopped within a second when
     * {@code cancel} is cancelled (a notebook interrupt, Ctrl-C), at the top level or in any later call: a loop in
     * JavaScript polls no token, and the statement budget would end it only after billions of statements.
     */
    public static JsScript load(String name, String source, Map<String, ?> globals, ScriptLimits limits,
            java.io.OutputStream out, CancellationToken cancel) {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(cancel, "cancel");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("script name must be non-empty text");
        }
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(limits, "limits");
        Context ctx = Context.newBuilder("js")
                .engine(engine())
                .out(out)
                .allowHostAccess(ACCESS)
                .allowHostClassLookup(className -> false)
                .allowHostClassLoading(false)
                .allowIO(IOAccess.NONE)
                .allowCreateThread(false)
                .allowCreateProcess(false)
                .allowNativeAccess(false)
                .allowEnvironmentAccess(EnvironmentAccess.NONE)
                .allowPolyglotAccess(PolyglotAccess.NONE)
                .allowExperimentalOptions(false)
                .resourceLimits(ResourceLimits.newBuilder().statementLimit(limits.statementsPerCall(), null).build())
                .option("js.load", "false")
                .build();
        JsScript script = new JsScript(name, ctx, limits, cancel);
        cancel.onCancel(script::interruptFromOutside);
        try {
            Value bindings = ctx.getBindings("js");
            for (Map.Entry<String, ?> g : globals.entrySet()) {
                bindings.putMember(g.getKey(), g.getValue());
            }
            Source src = Source.newBuilder("js", source, name).buildLiteral();
            script.enter(() -> ctx.eval(src));
        } catch (RuntimeException e) {
            ctx.close(true);
            throw e;
        }
        return script;
    }

    /** The script's name as used in error messages. */
    public String name() {
        return name;
    }

    public ScriptLimits limits() {
        return limits;
    }

    /** Whether the script defines a global function {@code functionName}. */
    public synchronized boolean hasFunction(String functionName) {
        Value v = context.getBindings("js").getMember(functionName);
        return v != null && v.canExecute();
    }

    /**
     * The global function {@code functionName}, ready to call.
     *
     * @throws ScriptException when the script defines no such function
     */
    public synchronized JsFunction function(String functionName) {
        Value v = context.getBindings("js").getMember(functionName);
        if (v == null || !v.canExecute()) {
            throw new ScriptException(name, 0, "the script must define a function '" + functionName + "'"
                    + (v == null ? "" : "; '" + functionName + "' is " + v), null);
        }
        return new JsFunction(this, functionName, v);
    }

    /** Runs {@code call} as one entry into the script, under both budgets, translating errors. */
    synchronized Value enter(java.util.function.Supplier<Value> call) {
        context.resetLimits();
        timedOut = false;
        callStartedNanos = System.nanoTime() | 1; // never 0 while running
        if (cancel.isCancelled()) { // interrupted before the call began (while the context was being built)
            callStartedNanos = 0;
            throw new ScriptException(name, 0, "interrupted", new SimulationCancelledException());
        }
        Watchdog.watch(this);
        try {
            return call.get();
        } catch (PolyglotException e) {
            throw translate(e);
        } finally {
            callStartedNanos = 0;
        }
    }

    private ScriptException translate(PolyglotException e) {
        int line = 0;
        SourceSection where = e.getSourceLocation();
        if (where != null && where.isAvailable() && where.getSource().getName().equals(name)) {
            line = where.getStartLine();
        } else {
            for (PolyglotException.StackFrame f : e.getPolyglotStackTrace()) {
                SourceSection s = f.getSourceLocation();
                if (f.isGuestFrame() && s != null && s.isAvailable() && s.getSource().getName().equals(name)) {
                    line = s.getStartLine();
                    break;
                }
            }
        }
        String message;
        if (cancelled) {
            return new ScriptException(name, line, "interrupted", new SimulationCancelledException());
        }
        if (timedOut) {
            message = "a call ran longer than " + limits.timePerCall().toMillis() + " ms and was stopped";
        } else if (e.isResourceExhausted() || (e.isCancelled() && String.valueOf(e.getMessage()).contains("tatement"))) {
            message = "a call executed more than " + limits.statementsPerCall() + " statements and was stopped";
        } else if (e.isCancelled() || e.isInterrupted()) {
            message = "the script was stopped: " + e.getMessage();
        } else if (e.isHostException()) {
            Throwable host = e.asHostException();
            message = host.getClass().getSimpleName() + ": " + host.getMessage();
        } else {
            message = e.getMessage();
        }
        return new ScriptException(name, line, message, e);
    }

    /**
     * Stops the running call, if any, from another thread: Polyglot's {@link Context#interrupt} stops the guest code
     * and leaves the context usable; if the guest does not stop in time, {@link Context#close(boolean) close(true)}
     * cancels it for good. Runs on a thread of its own, so that the canceller does not wait.
     */
    private void interruptFromOutside() {
        cancelled = true;
        if (callStartedNanos == 0) {
            return;
        }
        Thread stopper = new Thread(() -> {
            try {
                context.interrupt(Duration.ofMillis(500));
            } catch (java.util.concurrent.TimeoutException | RuntimeException stillRunning) {
                try {
                    context.close(true);
                } catch (RuntimeException closing) {
                    // Closed already.
                }
            }
        }, "hmmlab-js-interrupt");
        stopper.setDaemon(true);
        stopper.start();
    }

    /** Whether a call has run past the wall-clock budget at {@code nowNanos}; stops it if so. */
    boolean checkOverrun(long nowNanos) {
        long started = callStartedNanos;
        if (started == 0) {
            return false;
        }
        if (nowNanos - started > limits.timePerCall().toNanos()) {
            timedOut = true;
            try {
                context.interrupt(Duration.ofSeconds(5));
            } catch (java.util.concurrent.TimeoutException | RuntimeException ignored) {
                context.close(true);
            }
            return false;
        }
        return true;
    }

    /** Frees the script's context. */
    @Override
    public void close() {
        Watchdog.forget(this);
        context.close(true);
    }

    @Override
    public String toString() {
        return "JsScript " + name;
    }

    /** One daemon thread that stops script calls that overrun their wall-clock budget. */
    static final class Watchdog {
        private static final Set<JsScript> RUNNING = ConcurrentHashMap.newKeySet();
        private static volatile Thread thread;

        static void watch(JsScript s) {
            RUNNING.add(s);
            if (thread == null) {
                synchronized (Watchdog.class) {
                    if (thread == null) {
                        Thread t = new Thread(Watchdog::loop, "hmmlab-js-watchdog");
                        t.setDaemon(true);
                        t.start();
                        thread = t;
                    }
                }
            }
        }

        static void forget(JsScript s) {
            RUNNING.remove(s);
        }

        private static void loop() {
            while (true) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                RUNNING.removeIf(s -> !s.checkOverrun(now) && s.callStartedNanos == 0);
            }
        }
    }
}
