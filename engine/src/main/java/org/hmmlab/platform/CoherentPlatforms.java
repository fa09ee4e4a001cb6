package org.hmmlab.platform;

import org.hmmlab.units.Bandwidth;
import org.hmmlab.units.Bytes;

/**
 * Ready coherent-link platforms: a CPU and a GPU cache-coherent over a chip-to-chip link. Sources tagged as in
 * {@link Platforms}.
 */
public final class CoherentPlatforms {

    private CoherentPlatforms() {
    }

    /**
     * A Grace Hopper superchip (GH200): a Hopper GPU with 96 GB of HBM3 and a Grace CPU, coherent over NVLink-C2C
     * ({@link CoherentLink#GH200_NVLINK_C2C}, 375 GB/s host to device and 297 GB/s device to host as measured). The
     * GPU is {@link Platforms#H100_PCIE5}'s H100 with GH200's memory: 96 GiB [S] (NVIDIA, "NVIDIA Grace Hopper
     * Superchip Architecture In-Depth", developer blog, 2022) read at 3.4 TB/s [2nd] (STREAM on the Hopper in
     * Schieffer et al., ICPP 2024, as reported by HPCwire). The host profile is the x86 server's [A]: the driver's
     * software costs on a Grace core are not published separately. The PCIe link is kept for the profile's shape
     * and is not on any coherent path.
     */
    public static final Platform GH200_C2C = gh200();

    private static Platform gh200() {
        Platform h = Platforms.H100_PCIE5;
        GpuProfile g = h.gpu();
        GpuProfile hopper = new GpuProfile("GH200 H100-96GB", g.sms(), g.warpsPerSm(), Bytes.GiB(96),
                Bandwidth.GBps(3400), g.localLatency(), g.tlbEntries(), g.tlbPageSize(), g.tlbHitLatency(),
                g.pageWalkLatency(), g.faultReport(), g.faultBufferEntries(), g.faultBatchCount(),
                g.utlbOutstandingFaults(), g.copyEngines(), g.copySetup(), g.copyInflightGranules(),
                g.atcInvalidate(), g.replayLatency(), g.accessCounterBufferEntries(), g.accessCounterBatchCount(),
                g.faultMaxBatchesPerService(), g.faultMaxThrottlePerService());
        return new Platform("GH200 over NVLink-C2C", h.host(), h.link(), hopper, h.iommu(), DriverPersonality.UVM,
                Topology.SINGLE.withCoherentLink(CoherentLink.GH200_NVLINK_C2C));
    }
}
