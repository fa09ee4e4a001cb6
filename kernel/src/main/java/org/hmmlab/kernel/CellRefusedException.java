package org.hmmlab.kernel;

/**
 * Thrown where a cell calls something that would end or corrupt the kernel's JVM ({@code System.exit},
 * {@code Runtime.halt}, {@code sun.misc.Unsafe}, ...): see {@link CellGuard}.
 */
public final class CellRefusedException extends SecurityException {

    CellRefusedException(String what) {
        super(what + " is refused in a notebook cell: it would end the kernel and every variable with it."
                + " To start afresh, restart the kernel (Kernel > Restart).");
    }
}
