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
                       DriverPersonality driver, Topology topology) {

    /** The link as a ready profile's name states it: {@code PCIe Gen4 x16}. */
    private static final java.util.regex.Pattern LINK_IN_NAME = java.util.regex.Pattern.compile("PCIe Gen[0-9]+ x[0-9]+");

    public Platform {
        Check.notNull("platform.name", name);
        Check.notNull("platform.host", host);
        Check.notNull("platform.link", link);
        Check.notNull("platform.gpu", gpu);
        Check.notNull("platform.iommu", iommu);
        Check.notNull("platform.driver", driver);
        Check.notNull("platform.topology", topology);
    }

    /**
     * A platform driven by nvidia-uvm ({@link DriverPersonality#UVM}) with one GPU ({@link Topology#SINGLE}), as
     * every profile was before AMD's SVM driver and several GPUs.
     */
    public Platform(String name, HostProfile host, PcieLinkConfig link, GpuProfile gpu, IommuConfig iommu) {
        this(name, host, link, gpu, iommu, DriverPersonality.UVM, Topology.SINGLE);
    }

    /** A platform driven by {@code driver} with one GPU ({@link Topology#SINGLE}). */
    public Platform(String name, HostProfile host, PcieLinkConfig link, GpuProfile gpu, IommuConfig iommu,
                    DriverPersonality driver) {
        this(name, host, link, gpu, iommu, driver, Topology.SINGLE);
    }

    /** A platform without an IOMMU ({@link IommuConfig#OFF}). */
    public Platform(String name, HostProfile host, PcieLinkConfig link, GpuProfile gpu) {
        this(name, host, link, gpu, IommuConfig.OFF, DriverPersonality.UVM, Topology.SINGLE);
    }

    /**
     * This platform with the host IOMMU {@code i}, everything else kept:
     * {@code A100_PCIE4.withIommu(iommu().strict().ioPageSize(KiB(4)))}.
     */
    public Platform withIommu(IommuConfig i) {
        return new Platform(name, host, link, gpu, i, driver, topology);
    }

    public Platform withLink(PcieLinkConfig l) {
        return new Platform(name, host, l, gpu, iommu, driver, topology);
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
        return new Platform(renamed, host, l, gpu, iommu, driver, topology);
    }

    public Platform withGpu(GpuProfile g) {
        return new Platform(name, host, link, g, iommu, driver, topology);
    }

    public Platform withHost(HostProfile h) {
        return new Platform(name, h, link, gpu, iommu, driver, topology);
    }

    /**
     * This platform with the driver personality {@code d}, everything else kept:
     * {@code MI210_PCIE4.withDriver(DriverPersonality.UVM)} (a what-if: UVM's service on an AMD GPU), or
     * {@code A100_PCIE4.withDriver(AmdSvm.defaults().xnack(false))}.
     */
    public Platform withDriver(DriverPersonality d) {
        Check.notNull("platform.driver", d);
        return new Platform(name, host, link, gpu, iommu, d, topology);
    }

    /**
     * This platform's AMD SVM driver with XNACK {@code on} or off. XNACK is an option of AMD's driver only: on a
     * platform driven by another personality the call is refused, naming the driver the platform has.
     */
    public Platform withXnack(boolean on) {
        if (!(driver instanceof AmdSvm svm)) {
            throw new IllegalArgumentException("xnack is an option of the amdSvm driver; platform '" + name
                    + "' is driven by " + driver.name() + " (personalities: " + DriverPersonality.NAMES
                    + "; choose one with .withDriver(amdSvm().xnack(" + on + ")))");
        }
        return withDriver(svm.xnack(on));
    }

    /**
     * This platform with its GPUs arranged as {@code t}, everything else kept:
     * {@code A100_PCIE4.withTopology(Topology.gpus(2).withPeerAccess(true))}. Every GPU is a copy of {@link #gpu()}.
     */
    public Platform withTopology(Topology t) {
        return new Platform(name, host, link, gpu, iommu, driver, t);
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
