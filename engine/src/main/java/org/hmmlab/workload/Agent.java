package org.hmmlab.workload;

import java.util.Locale;

/**
 * Who issues a phase's accesses: the host CPU or one GPU.
 *
 * <p>The CPU is one agent whatever its thread count (the phase's concurrency says how many threads); GPUs are
 * numbered from 0 as the platform lists them.
 */
public record Agent(Kind kind, int index) {

    /** The processor kind. */
    public enum Kind { CPU, GPU }

    /** Highest GPU index accepted. */
    public static final int MAX_GPU = 63;

    private static final Agent CPU = new Agent(Kind.CPU, 0);

    public Agent {
        if (kind == null) {
            throw new IllegalArgumentException("agent kind must be CPU or GPU, got null");
        }
        if (kind == Kind.CPU && index != 0) {
            throw new IllegalArgumentException("cpu agent index must be 0, got " + index);
        }
        if (index < 0 || index > MAX_GPU) {
            throw new IllegalArgumentException("gpu index must be in [0, " + MAX_GPU + "], got " + index);
        }
    }

    /** The host CPU. */
    public static Agent cpu() {
        return CPU;
    }

    /** GPU number {@code index}, 0 to {@value #MAX_GPU}. */
    public static Agent gpu(int index) {
        return new Agent(Kind.GPU, index);
    }

    public boolean isCpu() {
        return kind == Kind.CPU;
    }

    /**
     * Parses {@code cpu}, {@code gpu} (GPU 0) or {@code gpuN}, case-insensitively.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static Agent parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("cpu")) {
            return CPU;
        }
        if (t.equals("gpu")) {
            return gpu(0);
        }
        if (t.startsWith("gpu") && t.length() <= 5 && t.substring(3).chars().allMatch(Character::isDigit)) {
            return gpu(Integer.parseInt(t.substring(3)));
        }
        throw new IllegalArgumentException("agent '" + text + "' must be cpu, gpu or gpu0..gpu" + MAX_GPU);
    }

    @Override
    public String toString() {
        return isCpu() ? "cpu" : "gpu" + index;
    }
}
