package org.hmmlab.dsl.spec;

import java.util.List;
import org.hmmlab.platform.Platform;
import org.hmmlab.platform.Platforms;

/** The ready platform profiles by the name JSON and JavaScript give them: {@code "A100_PCIE4"}. */
public final class PlatformPresets {

    /** The names: the data-centre GPUs oldest first, then GPGPU-Sim UVMSmart's GTX 1080 Ti. */
    public static final List<String> NAMES = List.of("V100_PCIE3", "A100_PCIE4", "H100_PCIE5", "GTX1080TI_PCIE3");

    private PlatformPresets() {
    }

    /** The preset called {@code name}, or an error naming {@code parameter} and the names allowed. */
    public static Platform named(String parameter, String name) {
        return switch (name == null ? "" : name) {
            case "V100_PCIE3" -> Platforms.V100_PCIE3;
            case "A100_PCIE4" -> Platforms.A100_PCIE4;
            case "H100_PCIE5" -> Platforms.H100_PCIE5;
            case "GTX1080TI_PCIE3" -> Platforms.GTX1080TI_PCIE3;
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
}
