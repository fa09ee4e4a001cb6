/**
 * A PCI Express link modelled from first principles: generation and line coding
 * ({@link org.hmmlab.pcie.PcieGen}), width, MPS/MRRS, TLP headers, framing and DLLP overheads
 * ({@link org.hmmlab.pcie.PcieLinkConfig}), two independent directions that concurrent transfers share
 * ({@link org.hmmlab.pcie.LinkDirection}, {@link org.hmmlab.pcie.PcieLink}), and the ATS and PRI messages a
 * device uses to translate addresses and request pages ({@link org.hmmlab.pcie.Ats}, {@link org.hmmlab.pcie.Pri}).
 *
 * <p>Effective bandwidth versus transfer size is not a table: it is what the packet arithmetic gives.
 */
package org.hmmlab.pcie;
