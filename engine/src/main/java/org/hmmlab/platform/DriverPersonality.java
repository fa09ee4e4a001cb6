package org.hmmlab.platform;

/**
 * The driver that services the GPU's faults on the one HMM core: NVIDIA's nvidia-uvm ({@link #UVM}, every ready
 * profile's default, {@code org.hmmlab.driver.uvm}) or AMD's amdkfd SVM ({@link AmdSvm}, {@code org.hmmlab.driver.amd}).
 * Chosen on the platform: {@code MI210_PCIE4.withDriver(AmdSvm.defaults().xnack(false))}; any personality runs on
 * any GPU profile, so one workload on one GPU compares the two drivers.
 */
public sealed interface DriverPersonality permits DriverPersonality.Uvm, AmdSvm {

    /** The personality as the JSON and JavaScript front ends name it: {@code uvm}, {@code amdSvm}. */
    String name();

    /** NVIDIA's nvidia-uvm: replayable fault buffer, batches, per-VA-block service (no options of its own here). */
    record Uvm() implements DriverPersonality {
        @Override
        public String name() {
            return "uvm";
        }
    }

    /** The nvidia-uvm personality, the default of every platform. */
    Uvm UVM = new Uvm();

    /** The names of the personalities, for messages: {@code uvm, amdSvm}. */
    String NAMES = "uvm, amdSvm";
}
