package org.hmmlab.platform;

import org.hmmlab.units.Bandwidth;

/**
 * An NVLink generation: the bandwidth of one link in each direction and the most links a GPU of that generation
 * has. Every generation from 2 to 4 signals 25 GB/s per link per direction; what grew is the number of links.
 *
 * <p>Sources [S]: NVIDIA's datasheets and architecture whitepapers: V100 "NVLink 300 GB/s" over 6 links (Volta
 * whitepaper), A100 "600 GB/s" over 12 links (Ampere GA100 whitepaper), H100 SXM "900 GB/s" over 18 links (Hopper
 * whitepaper); each figure is the sum of both directions of every link, so one link carries 25 GB/s each way [D].
 */
public enum NvLinkGen {
    /** Volta (V100 SXM2): 6 links. */
    NVLINK2(6),
    /** Ampere (A100 SXM4): 12 links. */
    NVLINK3(12),
    /** Hopper (H100 SXM5): 18 links. */
    NVLINK4(18);

    /** One link, one direction: 25 GB/s [D] from the datasheet totals above. */
    public static final Bandwidth PER_LINK_PER_DIRECTION = Bandwidth.GBps(25);

    private final int maxLinks;

    NvLinkGen(int maxLinks) {
        this.maxLinks = maxLinks;
    }

    /** The most links one GPU of this generation has. */
    public int maxLinks() {
        return maxLinks;
    }

    /** The bandwidth of {@code links} links in one direction. */
    public Bandwidth bandwidth(int links) {
        return Bandwidth.bytesPerSecond(PER_LINK_PER_DIRECTION.bytesPerSecond() * links);
    }
}
