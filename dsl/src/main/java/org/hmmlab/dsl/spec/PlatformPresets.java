package org.hmmlab.dsl.spec;

import java.util.List;
import org.hmmlab.platform.CoherentPlatforms;
import org.hmmlab.platform.Platform;
import org.hmmlab.platform.Platforms;

/** The ready platform profiles by the name JSON and JavaScript give them: {@code "A100_PCIE4"}. */
public final class PlatformPresets {

    /** The names: NVIDIA's data-centre GPUs oldest first, GPGPU-Sim UVMSmart's GTX 1080 Ti, then AMD's (SVM driver). */
    public static final List<String> NAMES = List.of("V100_PCIE3", "A100_PCIE4", "H100_PCIE5", "GTX1080TI_PCIE3",
            "MI100_PCIE4", "MI210_PCIE4", "MI300X_PCIE5");

    /**
     * The names a scenario may run on: the PCIe presets and the coherent {@code GH200_C2C}, which only the
     * multi-GPU model runs (so the calibration, which times single GPUs on PCIe, keeps {@link #NAMES}).
     */
    public static final List<String> SCENARIO_NAMES = java.util.stream.Stream.concat(NAMES.stream(),
            java.util.stream.Stream.of("GH200_C2C")).toList();

    private PlatformPresets() {
    }

    /** The preset called {@code name}, or an error naming {@code parameter} and the names allowed. */
    public static Platform named(String parameter, String name) {
        return switch (name == null ? "" : name) {
            case "V100_PCIE3" -> Platforms.V100_PCIE3;
            case "A100_PCIE4" -> Platforms.A100_PCIE4;
            case "H100_PCIE5" -> Platforms.H100_PCIE5;
            case "GTX1080TI_PCIE3" -> Platforms.GTX1080TI_PCIE3;
            case "MI100_PCIE4" -> Platforms.MI100_PCIE4;
            case "MI210_PCIE4" -> Platforms.MI210_PCIE4;
            case "MI300X_PCIE5" -> Platforms.MI300X_PCIE5;
            default -> throw new SpecException(parameter, parameter + " must be one of " + String.join(", ", NAMES)
                    + ", got '" + name + "'");
        };
    }

    /** The name of a preset equal to {@code p}, or null for a platform of one's own. */
    public static String nameOf(Platform p) {
        for (String n : NAMES) {
            if (named("platform", n).equals(p)) {
                return n;
            }
        }
        return null;
    }

    /** The scenario preset called {@code name} ({@link #SCENARIO_NAMES}), or an error naming {@code parameter} and them. */
    public static Platform scenarioPlatform(String parameter, String name) {
        if ("GH200_C2C".equals(name)) {
            return CoherentPlatforms.GH200_C2C;
        }
        if (!NAMES.contains(name)) {
            throw new SpecException(parameter, parameter + " must be one of " + String.join(", ", SCENARIO_NAMES)
                    + ", got '" + name + "'");
        }
        return named(parameter, name);
    }

    /** The name of a scenario preset equal to {@code p}, or null. */
    public static String scenarioNameOf(Platform p) {
        return CoherentPlatforms.GH200_C2C.equals(p) ? "GH200_C2C" : nameOf(p);
    }
}
