package org.hmmlab.platform;

import org.hmmlab.units.Bandwidth;
import org.hmmlab.units.SimDuration;

/**
 * NVLink between two GPUs of a platform: a link type of its own beside PCIe peer-to-peer, with a bandwidth per
 * direction (the generation's per-link rate times the links bonded between the pair) and a latency.
 *
 * <p>The latency is a named parameter without a published per-access figure: {@link #DEFAULT_LATENCY} is the
 * PCIe DMA round trip of the ready profiles [A], an upper bound to change when a measurement is at hand (the
 * smallest peer cudaMemcpy on a 4-GPU NVLink box, 1.8-2.3 us with P2P writes [M] cuda-samples issue #230,
 * includes the CUDA software path and bounds it from above).
 *
 * @param a          one GPU's index
 * @param b          the other GPU's index, not {@code a}
 * @param generation the NVLink generation
 * @param links      links bonded between the pair, 1 to the generation's {@link NvLinkGen#maxLinks()}
 * @param latency    one access's latency over the link
 */
public record NvLink(int a, int b, NvLinkGen generation, int links, SimDuration latency) {

    /** The latency of an NVLink access when none is given: {@link Platforms#DMA_ROUND_TRIP} [A]. */
    public static final SimDuration DEFAULT_LATENCY = Platforms.DMA_ROUND_TRIP;

    public NvLink {
        if (a == b) {
            throw new IllegalArgumentException("nvlink(" + a + ", " + b + "): a GPU cannot have NVLink to itself"
                    + " (gpu" + a + " to gpu" + b + "); name two different GPUs");
        }
        if (a < 0 || b < 0) {
            throw new IllegalArgumentException("nvlink(" + a + ", " + b + "): GPU indices must be >= 0");
        }
        Check.notNull("nvlink.generation", generation);
        Check.range("nvlink.links", links, 1, generation.maxLinks());
        Check.atMost("nvlink.latency", latency, SimDuration.ms(1));
    }

    /** {@code links} links of {@code generation} between GPUs {@code a} and {@code b}, {@link #DEFAULT_LATENCY}. */
    public static NvLink of(int a, int b, NvLinkGen generation, int links) {
        return new NvLink(a, b, generation, links, DEFAULT_LATENCY);
    }

    /** Whether this link joins {@code x} and {@code y}, in either order. */
    public boolean joins(int x, int y) {
        return (a == x && b == y) || (a == y && b == x);
    }

    /** The bandwidth in each direction. */
    public Bandwidth bandwidth() {
        return generation.bandwidth(links);
    }
}
