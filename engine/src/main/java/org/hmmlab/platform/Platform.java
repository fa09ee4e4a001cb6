package org.hmmlab.platform;

import org.hmmlab.pcie.IommuConfig;
import org.hmmlab.pcie.Lanes;
import org.hmmlab.pcie.PcieGen;
import org.hmmlab.pcie.PcieLinkConfig;

/**
 * A host, a PCIe link and a GPU: every number the timing layer charges, in one value (as JSON through the
 * DSL's {@code org.hmmlab.dsl.json.PlatformJson}; the engine carries no JSON code).
 *
 * <p>Ready profiles for real systems are in {@link Platforms}; each of their numbers names its source. The host
 * IOMMU is off unless {@link #withIommu} turns it on: the ready profiles keep the costs they always had.
 */
public record Platform(String name, HostProfile host, PcieLinkConfig link, GpuProfile gpu, IommuConfig iommu,
                       Topology topology) {

    /** The link as a ready profile's name states it: {@code PCIe Gen4 x16}. */
    private static final java.util.regex.Pattern LINK_IN_NAME = java.util.regex.Pattern.compile("PCIe Gen[0-9]+ x[0-9]+");

    public Platform {
        Check.notNull("platform.name", name);
        Check.notNull("platform.host", host);
        Check.notNull("platform.link", link);
        Check.notNull("platform.gpu", gpu);
        Check.notNull("platform.iommu", iommu);
        Check.notNull("platform.topology", topology);
    }

    /** A platform with one GPU ({@link Topology#SINGLE}), as platforms were before several GPUs. */
    public Platform(String name, HostProfile host, PcieLinkConfig link, GpuProfile gpu, IommuConfig iommu) {
        this(name, host, link, gpu, iommu, Topology.SINGLE);
    }

    /** A platform without an IOMMU ({@link IommuConfig#OFF}). */
    public Platform(String name, HostProfile host, PcieLinkConfig link, GpuProfile gpu) {
        this(name, host, link, gpu, IommuConfig.OFF);
    }

    /**
     * This platform with the host IOMMU {@code i}, everything else kept:
     * {@code A100_PCIE4.withIommu(iommu().strict().ioPageSize(KiB(4)))}.
     */
    public Platform withIommu(IommuConfig i) {
        return new Platform(name, host, link, gpu, i, topology);
    }

    public Platform withLink(PcieLinkConfig l) {
        return new Platform(name, host, l, gpu, iommu, topology);
    }

    /**
     * This platform with its GPU on a link of another generation and width, everything else kept (payload and
     * read-request limits, round trip, tags; the round trip is the host's and the switch's, which a faster
     * signalling rate barely changes): {@code A100_PCIE4.withLink(PcieGen.GEN5, new Lanes(16))}. The name says
     * the new link ({@code A100 on PCIe Gen5 x16}).
     */
    public Platform withLink(PcieGen gen, Lanes lanes) {
        PcieLinkConfig l = link.withGenAndLanes(gen, lanes);
        String linkName = "PCIe Gen" + gen.number() + " x" + lanes.count();
        String renamed = LINK_IN_NAME.matcher(name).find() ? LINK_IN_NAME.matcher(name).replaceAll(linkName)
                : name + " on " + linkName;
        return new Platform(renamed, host, l, gpu, iommu, topology);
    }

    public Platform withGpu(GpuProfile g) {
        return new Platform(name, host, link, g, iommu, topology);
    }

    public Platform withHost(HostProfile h) {
        return new Platform(name, h, link, gpu, iommu, topology);
    }

    /**
     * This platform with its GPUs arranged as {@code t}, everything else kept:
     * {@code A100_PCIE4.withTopology(Topology.gpus(2).withPeerAccess(true))}. Every GPU is a copy of {@link #gpu()}.
     */
    public Platform withTopology(Topology t) {
        return new Platform(name, host, link, gpu, iommu, t);
    }

    /** This platform with {@code n} GPUs (1 to 64) behind the root complex, its other topology kept. */
    public Platform withGpus(int n) {
        return withTopology(topology.withGpus(n));
    }

    /** GPUs on this platform. */
    public int gpus() {
        return topology.gpus();
    }
}
