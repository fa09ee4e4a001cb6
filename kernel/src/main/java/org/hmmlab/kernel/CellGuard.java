package org.hmmlab.kernel;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * What the code of a cell calls instead of the calls that would end the kernel, and where its loops stop when the
 * user interrupts: the run-time half of {@link CellBytecode}, which rewrites every class JShell compiles from a cell
 * to call in here.
 *
 * <p>Refused: ending the JVM ({@code System.exit}, {@code Runtime.exit}, {@code Runtime.halt}, directly, by
 * reflection, through a method handle or a method reference), raising a signal at the kernel
 * ({@code sun.misc.Signal.raise}), and the doors to memory outside the Java heap ({@code sun.misc.Unsafe}, the
 * native linker, {@code MemorySegment.reinterpret}, {@code System.load}), where one wrong address ends the process
 * as surely as {@code halt}. Each throws {@link CellRefusedException} at the call, so a cell that only mentions
 * one in a branch it never takes still runs.
 *
 * <p>Stoppable: every loop back-edge and every method entry of cell code calls {@link #poll()}. It costs one
 * volatile read while nothing is being stopped. After an interrupt the kernel marks the cells up to the current
 * one as stopping ({@link #stopThrough(long)}), and any thread running their code (the cell's own thread, and the
 * threads it started, which inherit its cell number) throws {@link CellStoppedError} at its next poll, an
 * {@code Error} so that a {@code catch (Exception e)} inside the loop does not swallow it. JDK 20 and later can
 * no longer stop a thread from outside ({@code Thread.stop} throws), so the loop has to stop itself.
 */
public final class CellGuard {

    /** How long after an interrupt the threads of interrupted cells keep being stopped at their polls. */
    static final long STOP_WINDOW_MS = 5_000;

    /** The cell whose code the current thread runs; threads a cell starts inherit it. 0 for kernel threads. */
    private static final InheritableThreadLocal<long[]> CELL = new InheritableThreadLocal<>() {
        @Override
        protected long[] initialValue() {
            return new long[] {0};
        }

        @Override
        protected long[] childValue(long[] parent) {
            return new long[] {parent[0]};
        }
    };

    private static volatile boolean stopping;
    private static volatile long stopThrough;
    private static volatile long stopUntilMillis;

    private CellGuard() {
    }

    /**
     * Makes a thread that a cell started and the guard stopped end quietly: without this, the JVM's default handler
     * prints a stack trace of the {@link CellStoppedError} to the kernel's log. Other uncaught exceptions print as
     * before.
     */
    static void installQuietStops() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (e instanceof CellStoppedError) {
                return;
            }
            if (previous != null) {
                previous.uncaughtException(thread, e);
            } else {
                System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                e.printStackTrace(System.err);
            }
        });
    }

    // --- stopping ------------------------------------------------------------------------------------------

    /** Marks the current thread as running cell {@code cell} (1, 2, ...); the threads it starts inherit that. */
    static void enterCell(long cell) {
        CELL.get()[0] = cell;
    }

    /** Asks every thread running code of cells up to {@code cell} to stop at its next poll, for a while. */
    static void stopThrough(long cell) {
        stopThrough = Math.max(stopThrough, cell);
        stopUntilMillis = System.currentTimeMillis() + STOP_WINDOW_MS;
        stopping = true;
    }

    /**
     * Called by cell code at each loop back-edge and method entry: throws {@link CellStoppedError} if the cell
     * this thread runs for was interrupted.
     */
    public static void poll() {
        if (stopping) {
            slowPoll();
        }
    }

    private static void slowPoll() {
        if (System.currentTimeMillis() > stopUntilMillis) {
            stopping = false;
            return;
        }
        long cell = CELL.get()[0];
        if (cell != 0 && cell <= stopThrough) {
            throw new CellStoppedError();
        }
    }

    // --- refusals ------------------------------------------------------------------------------------------

    /** Throws the refusal for {@code what} (a call {@link CellBytecode} found in a cell). */
    public static void refuse(String what) {
        throw new CellRefusedException(what);
    }

    /** {@link Method#invoke} for cell code: the same call, unless the method is one a cell may not call. */
    public static Object invoke(Method method, Object target, Object[] args)
            throws IllegalAccessException, InvocationTargetException {
        String refused = refusedMember(method.getDeclaringClass(), method.getName());
        if (refused != null) {
            refuse(refused);
        }
        return method.invoke(target, args);
    }

    /** {@link MethodHandles.Lookup#findStatic} for cell code, refusing the calls a cell may not make. */
    public static MethodHandle findStatic(MethodHandles.Lookup lookup, Class<?> refc, String name, MethodType type)
            throws NoSuchMethodException, IllegalAccessException {
        check(refc, name);
        return lookup.findStatic(refc, name, type);
    }

    /** {@link MethodHandles.Lookup#findVirtual} for cell code, refusing the calls a cell may not make. */
    public static MethodHandle findVirtual(MethodHandles.Lookup lookup, Class<?> refc, String name, MethodType type)
            throws NoSuchMethodException, IllegalAccessException {
        check(refc, name);
        return lookup.findVirtual(refc, name, type);
    }

    /** {@link MethodHandles.Lookup#findSpecial} for cell code, refusing the calls a cell may not make. */
    public static MethodHandle findSpecial(MethodHandles.Lookup lookup, Class<?> refc, String name, MethodType type,
            Class<?> specialCaller) throws NoSuchMethodException, IllegalAccessException {
        check(refc, name);
        return lookup.findSpecial(refc, name, type, specialCaller);
    }

    /** {@link MethodHandles.Lookup#unreflect} for cell code, refusing the calls a cell may not make. */
    public static MethodHandle unreflect(MethodHandles.Lookup lookup, Method method) throws IllegalAccessException {
        check(method.getDeclaringClass(), method.getName());
        return lookup.unreflect(method);
    }

    private static void check(Class<?> owner, String name) {
        String refused = refusedMember(owner, name);
        if (refused != null) {
            refuse(refused);
        }
    }

    /**
     * The call a cell may not make, as the refusal names it, if {@code owner.name} is one; else {@code null}.
     * Reflection on reflection (a {@code Method} for {@code Method.invoke}) is refused too, or it would route around
     * this check.
     */
    static String refusedMember(Class<?> owner, String name) {
        return CellBytecode.refusedCall(owner.getName().replace('.', '/'), name);
    }
}
