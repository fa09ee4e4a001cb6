package org.hmmlab.kernel;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl.ClassBytecodes;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Runs JShell snippets in the kernel's own JVM, on a cell thread, and keeps the value of the latest snippet as a
 * live object so the kernel can render a chart or a table rather than its {@code toString()}.
 *
 * <p>JShell's execution engines report values as strings only. This engine hands JShell a key instead and keeps
 * the object under that key until the next snippet runs ({@link #takeValue(String)}). It also keeps the real
 * exception a snippet threw ({@link #takeThrown()}), which JShell would otherwise flatten into a class name and a
 * message.
 *
 * <p>Every class JShell compiles from a cell passes through {@link CellBytecode} on its way in: calls that would end
 * the JVM are refused, and loops poll {@link CellGuard}. An interrupt cancels the engine's token (the simulator
 * polls it) and interrupts the cell thread (sleeps and waits end); if the cell still runs after
 * {@link #STOP_AFTER_MS}, the guard stops the cell's code at its next loop back-edge or method entry, on the cell
 * thread and on every thread the cell started. Only a cell stuck inside library code that ignores interrupts
 * (no cell code on its stack runs again) outlives {@link #ABANDON_AFTER_MS}: the kernel then abandons that thread
 * and answers the user, who keeps a working kernel.
 */
final class CellExecutionControl extends DirectExecutionControl {

    /** How long an interrupted cell may take to end by itself before the guard stops its loops. */
    static final long STOP_AFTER_MS = 250;

    /** How long an interrupted cell may take to notice before the kernel stops waiting for it. */
    static final long ABANDON_AFTER_MS = 3_000;

    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    private final AtomicLong valueKeys = new AtomicLong();
    private volatile String valueKey;
    private volatile Object value;
    private volatile Throwable thrown;

    private volatile ExecutorService cellThread = newCellThread();
    private volatile long interruptedAtMillis;
    private volatile Thread runningThread;
    private volatile long cellNumber;

    /** The value a snippet produced, if {@code key} is the key JShell reported for it; else {@code null}. */
    Object takeValue(String key) {
        if (key == null || !key.equals(valueKey)) {
            return null;
        }
        Object v = value;
        value = null;
        valueKey = null;
        return v;
    }

    /** The exception the latest snippet threw, once; {@code null} if none. */
    Throwable takeThrown() {
        Throwable t = thrown;
        thrown = null;
        return t;
    }

    /** Forgets the interrupt of a previous cell; called when a cell starts. */
    void beginCell() {
        cellNumber++;
        interruptedAtMillis = 0;
        thrown = null;
        value = null;
        valueKey = null;
    }

    /**
     * Interrupts the cell thread (ends sleeps and waits) and starts the grace periods before stopping its loops and
     * abandoning it. With no cell running, stops at once the threads that earlier cells started and left running.
     */
    void interruptCell() {
        interruptedAtMillis = System.currentTimeMillis();
        Thread running = runningThread;
        if (running != null) {
            running.interrupt();
        } else {
            CellGuard.stopThrough(cellNumber);
        }
    }

    /** Loads the classes of a snippet, rewritten by {@link CellBytecode} first. */
    @Override
    public void load(ClassBytecodes[] cbcs) throws ClassInstallException, NotImplementedException, EngineTerminationException {
        ClassBytecodes[] guarded = new ClassBytecodes[cbcs.length];
        for (int i = 0; i < cbcs.length; i++) {
            guarded[i] = new ClassBytecodes(cbcs[i].name(), CellBytecode.rewrite(cbcs[i].bytecodes()));
        }
        super.load(guarded);
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        long cell = cellNumber;
        Future<Object> run = cellThread.submit(() -> {
            Thread me = Thread.currentThread();
            CellGuard.enterCell(cell);
            runningThread = me;
            try {
                return doitMethod.invoke(null);
            } finally {
                if (runningThread == me) {
                    runningThread = null;
                }
            }
        });
        Object result = await(run);
        return remember(result);
    }

    @Override
    public String varValue(String className, String varName) throws RunException, EngineTerminationException, InternalException {
        Object v;
        try {
            Class<?> klass = findClass(className);
            Field field = klass.getDeclaredField(varName);
            field.setAccessible(true);
            v = field.get(null);
        } catch (Throwable ex) {
            throw new InternalException(ex.toString());
        }
        return remember(v);
    }

    @Override
    protected String throwConvertedInvocationException(Throwable cause) throws RunException, InternalException {
        thrown = cause;
        return super.throwConvertedInvocationException(cause);
    }

    @Override
    public void stop() {
        interruptCell();
    }

    @Override
    public void close() {
        cellThread.shutdownNow();
    }

    private String remember(Object v) {
        String key = "hmmlab-value-" + valueKeys.incrementAndGet();
        value = v;
        valueKey = key;
        return key;
    }

    private Object await(Future<Object> run) throws Exception {
        while (true) {
            try {
                return run.get(50, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillRunning) {
                long since = interruptedAtMillis;
                if (since != 0 && System.currentTimeMillis() - since > STOP_AFTER_MS) {
                    CellGuard.stopThrough(cellNumber);
                }
                if (since != 0 && System.currentTimeMillis() - since > ABANDON_AFTER_MS) {
                    // The cell ignores the interrupt (a busy loop in the cell itself). Leave its thread behind.
                    ExecutorService abandoned = cellThread;
                    cellThread = newCellThread();
                    abandoned.shutdown();
                    throw new InvocationTargetException(new CellInterruptedException(true));
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception ex) {
                    throw ex;
                }
                throw new InvocationTargetException(cause);
            }
        }
    }

    private static ExecutorService newCellThread() {
        return Executors.newSingleThreadExecutor(new CellThreadFactory());
    }

    /** Names the cell threads and makes them daemons, so a kernel restart is never held up by one. */
    private static final class CellThreadFactory implements ThreadFactory {
        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "hmmlab-cell-" + THREAD_IDS.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }

    /** Hands JShell the one {@link CellExecutionControl} of this kernel. */
    static final class Provider implements ExecutionControlProvider {
        private final CellExecutionControl control;

        Provider(CellExecutionControl control) {
            this.control = control;
        }

        @Override
        public String name() {
            return "hmmlab-cell";
        }

        @Override
        public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
            return control;
        }
    }
}
