package org.hmmlab.dsl.spec;

import java.util.List;
import org.hmmlab.platform.GpuToGpu;
import org.hmmlab.platform.NvLinkGen;
import org.hmmlab.platform.PeerFabric;

/** The names JSON and JavaScript give a topology's choices, each list in its enum's declaration order. */
public final class TopologyNames {

    /** {@link PeerFabric}: {@code "root-complex"}, {@code "switch"}. */
    public static final List<String> FABRICS = List.of("root-complex", "switch");
    /** {@link NvLinkGen}: {@code "nvlink2"}, {@code "nvlink3"}, {@code "nvlink4"}. */
    public static final List<String> GENERATIONS = List.of("nvlink2", "nvlink3", "nvlink4");
    /** {@link GpuToGpu}: {@code "driver"}, {@code "through-system-memory"}. */
    public static final List<String> GPU_TO_GPU = List.of("driver", "through-system-memory");

    private TopologyNames() {
    }

    /** The generation called {@code name}, or an error naming {@code call} and the names allowed. */
    public static NvLinkGen generation(String call, String name) {
        int i = GENERATIONS.indexOf(name);
        if (i < 0) {
            throw new SpecException("generation", call + ": generation must be one of " + String.join(", ", GENERATIONS)
                    + ", got '" + name + "'");
        }
        return NvLinkGen.values()[i];
    }

    /** The GPU-to-GPU path called {@code name}, or an error naming {@code call} and the names allowed. */
    public static GpuToGpu gpuToGpu(String call, String name) {
        int i = GPU_TO_GPU.indexOf(name);
        if (i < 0) {
            throw new SpecException("path", call + ": path must be one of " + String.join(", ", GPU_TO_GPU) + ", got '"
                    + name + "'");
        }
        return GpuToGpu.values()[i];
    }
}
