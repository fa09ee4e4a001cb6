package org.hmmlab.calibrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.hmmlab.platform.Platform;

/**
 * One document of the CUDA microbenchmarks in {@code calibrate/cuda/}: the machine it was measured on and its
 * results, which {@link #cases(Platform)} sets beside the model.
 *
 * @param name           where the document came from (its file name), for the citation
 * @param benchmark      {@code copy} or {@code ondemand}: the program that wrote it
 * @param memory         {@code device} (copies), {@code managed} or {@code system} (malloc memory: HMM)
 * @param machine        the device, driver, CUDA and kernel versions in one line, for the citation
 * @param synthetic      empty for a measurement; otherwise why the file is not one (an example made up for
 *                       tests and docs): its cases are tagged {@link SourceTag#UNVERIFIED} and say so
 * @param pcieGeneration the PCIe generation the device's link reports (its fastest), 0 where unknown
 * @param results        the measurements, in the document's order
 * @param skipped        what the benchmark skipped and why, as "kind: reason"
 * @param error          why the benchmark stopped early, or empty
 */
public record MeasuredRun(String name, String benchmark, String memory, String machine, String synthetic,
                          int pcieGeneration, List<Measured> results, List<String> skipped, String error) {

    public MeasuredRun {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(benchmark, "benchmark");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(machine, "machine");
        Objects.requireNonNull(synthetic, "synthetic");
        Objects.requireNonNull(error, "error");
        results = List.copyOf(results);
        skipped = List.copyOf(skipped);
    }

    /** Whether the document is a made-up example rather than a measurement. */
    public boolean isSynthetic() {
        return !synthetic.isEmpty();
    }

    /** The tag of this document's cases: measured, or unverified for a synthetic example. */
    public SourceTag tag() {
        return isSynthetic() ? SourceTag.UNVERIFIED : SourceTag.MEASURED;
    }

    /**
     * The citation of this document's cases (without its tag): the file, and the device where known;
     * {@link #machine()} gives the driver, CUDA and kernel versions.
     */
    public String source() {
        String s = "calibrate/cuda " + name;
        return isSynthetic() ? "SYNTHETIC, not a measurement: " + s : s;
    }

    /** Every result beside the model on {@code platform}, in the document's order. */
    public List<CalibrationCase> cases(Platform platform) {
        Objects.requireNonNull(platform, "platform");
        List<CalibrationCase> out = new ArrayList<>(results.size());
        for (Measured m : results) {
            out.addAll(m.against(platform, memory, tag(), source()));
        }
        return out;
    }
}
