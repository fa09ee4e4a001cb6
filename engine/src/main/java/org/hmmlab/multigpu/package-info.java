/**
 * Several GPUs, and a CPU and GPU coherent over a chip-to-chip link: a page-granular model of the UVM driver's
 * residency decisions across processors ({@link org.hmmlab.multigpu.MultiGpuModel}), with copies and remote
 * accesses charged to the path they take (each GPU's PCIe link, PCIe peer-to-peer, NVLink, NVLink-C2C).
 *
 * <p>Like {@link org.hmmlab.run.ResidencyModel}, decisions and counts are exact and time is a serial sum of
 * charged costs; the batched, contended clock of the timing engine drives one GPU only.
 */
package org.hmmlab.multigpu;
