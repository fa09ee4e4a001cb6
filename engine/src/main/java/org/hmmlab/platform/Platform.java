package org.hmmlab.platform;

import org.hmmlab.pcie.PcieGen;
import org.hmmlab.pcie.PcieLinkConfig;

/**
 * A host, a PCIe link and a GPU: every number the timing layer charges, in one value (as JSON through the
 * DSL's {@code org.hmmlab.dsl.json.PlatformJson}; the engine carries no JSON code).
 *
 * <p>Ready profiles for real systems are in {@link Platforms}; each of their numbers names its source.
 */
public record Platform(String name, HostProfile host, PcieLinkConfig link, GpuProfile gpu) {

    public Platform {
        Check.notNull("platform.name", name);
        Check.notNull("platform.host", host);
        Check.notNull("platform.link", link);
        Check.notNull("platform.gpu", gpu);
    }

    public Platform withLink(PcieLinkConfig l) {
        return new Platform(name, host, l, gpu);
    }

    public Platform withGpu(GpuProfile g) {
        return new Platform(name, host, link, g);
    }

    public Platform withHost(HostProfile h) {
        return new Platform(name, h, link, gpu);
    }
}
