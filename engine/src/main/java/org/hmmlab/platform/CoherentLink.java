package org.hmmlab.platform;

import org.hmmlab.units.Bandwidth;
import org.hmmlab.units.SimDuration;

/**
 * A cache-coherent chip-to-chip link between the CPU and the GPU (NVIDIA NVLink-C2C on Grace Hopper): the GPU
 * translates through ATS against the CPU's own page table and reaches system memory without faulting, its own
 * memory is a NUMA node of system RAM (no device-private pages), and the CPU loads and stores GPU memory in place.
 *
 * @param name        a label
 * @param hostToDevice bandwidth of the link from CPU memory to the GPU
 * @param deviceToHost bandwidth of the link from the GPU to CPU memory
 * @param latency     one access's latency over the link
 */
public record CoherentLink(String name, Bandwidth hostToDevice, Bandwidth deviceToHost, SimDuration latency) {

    /**
     * GH200's NVLink-C2C as measured: 375 GB/s host to device and 297 GB/s device to host [M] (Schieffer, Wahlgren,
     * Ren, Faj, Peng, "Harnessing Integrated CPU-GPU System Memory for HPC: a first look into Grace Hopper",
     * ICPP 2024, arXiv:2407.07850; GH200 with 480 GB LPDDR5X and 96 GB HBM3, CUDA 12.4), against 450 GB/s per
     * direction in the specification [S] (NVIDIA Grace Hopper Superchip architecture whitepaper). No per-access
     * latency was found published: {@link Platforms#DMA_ROUND_TRIP} [A], a PCIe figure and so an upper bound.
     */
    public static final CoherentLink GH200_NVLINK_C2C = new CoherentLink("NVLink-C2C", Bandwidth.GBps(375),
            Bandwidth.GBps(297), Platforms.DMA_ROUND_TRIP);

    public CoherentLink {
        Check.notNull("coherentLink.name", name);
        Check.bandwidthRange("coherentLink.hostToDevice", hostToDevice, "1MB/s", "10TB/s");
        Check.bandwidthRange("coherentLink.deviceToHost", deviceToHost, "1MB/s", "10TB/s");
        Check.atMost("coherentLink.latency", latency, SimDuration.ms(1));
    }
}
