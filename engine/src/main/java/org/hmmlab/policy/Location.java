package org.hmmlab.policy;

/**
 * Where a page's data lives, as an {@code int} code: {@link #UNPOPULATED}, {@link #HOST}, or a GPU index
 * {@code >= 0}.
 *
 * <p>Mirrors the UVM driver's processor ids ({@code uvm_processor_id_t}: the CPU and each GPU) plus "not yet
 * populated". An {@code int} keeps per-page residency in primitive arrays on the hot path; {@link #name(int)} is
 * the readable view.
 */
public final class Location {

    /** Never touched: no frame backs the page yet. */
    public static final int UNPOPULATED = -2;
    /** Host (CPU) memory. */
    public static final int HOST = -1;

    private Location() {
    }

    /** The code of GPU {@code index}. */
    public static int gpu(int index) {
        if (index < 0 || index > 63) {
            throw new IllegalArgumentException("gpu index must be in [0, 63], got " + index);
        }
        return index;
    }

    public static boolean isGpu(int location) {
        return location >= 0;
    }

    /** {@code unpopulated}, {@code host} or {@code gpuN}. */
    public static String name(int location) {
        return switch (location) {
            case UNPOPULATED -> "unpopulated";
            case HOST -> "host";
            default -> location >= 0 ? "gpu" + location : "invalid(" + location + ")";
        };
    }
}
