package org.hmmlab.platform;

/**
 * What the GPUs of a platform sit behind on PCIe, which decides the path of a peer-to-peer transfer.
 *
 * <p>{@link #ROOT_COMPLEX}: each GPU on a root port of its own; a peer transfer goes up one GPU's link, through the
 * root complex and down the other's. {@link #SWITCH}: the GPUs share a PCIe switch; a peer transfer turns in the
 * switch and never reaches the root complex. The model charges a peer access through the root complex two link
 * round trips and one through a switch one [A]: no published per-access figure separates the two.
 */
public enum PeerFabric {
    ROOT_COMPLEX,
    SWITCH
}
