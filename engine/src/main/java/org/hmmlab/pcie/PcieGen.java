package org.hmmlab.pcie;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A PCI Express generation: its signalling rate and how many of the transferred bits carry data.
 *
 * <p>Gen3 to Gen5 use 128b/130b line coding (2 framing bits per 128) and frame each TLP with its own
 * sequence number and LCRC. Gen6 signals PAM4 at 64 GT/s without a line code and runs in FLIT mode: the
 * link carries fixed 256-byte flits of which 236 bytes are TLP space (6 bytes data-link payload, 8 bytes CRC,
 * 6 bytes FEC), so per-TLP framing and separate ACK/flow-control DLLPs disappear into the flit.
 * Source: PCIe Base Specification (rates, encodings, flit layout), as tabulated in pcie-bench/pcie-model
 * model/pcie.py and shared/reference/perf-figures.md section 1a.
 */
public enum PcieGen {
    GEN3(3, 8_000_000_000L, 128, 130, false),
    GEN4(4, 16_000_000_000L, 128, 130, false),
    GEN5(5, 32_000_000_000L, 128, 130, false),
    GEN6(6, 64_000_000_000L, 1, 1, true);

    /** TLP bytes per 256-byte flit in FLIT mode (256 - 6 DLP - 8 CRC - 6 FEC). */
    public static final int FLIT_TLP_BYTES = 236;
    public static final int FLIT_BYTES = 256;

    private final int number;
    private final long transfersPerSecond;
    private final int encodingData;
    private final int encodingTotal;
    private final boolean flit;

    PcieGen(int number, long transfersPerSecond, int encodingData, int encodingTotal, boolean flit) {
        this.number = number;
        this.transfersPerSecond = transfersPerSecond;
        this.encodingData = encodingData;
        this.encodingTotal = encodingTotal;
        this.flit = flit;
    }

    /** The generation number, 3 to 6. */
    public int number() {
        return number;
    }

    /** Signalling rate per lane in transfers (bits) per second. */
    public long transfersPerSecond() {
        return transfersPerSecond;
    }

    /** Whether the link runs in FLIT mode (mandatory at 64 GT/s). */
    public boolean flit() {
        return flit;
    }

    /** Bytes per second per lane after line coding, before any protocol overhead. */
    public double rawBytesPerSecondPerLane() {
        return transfersPerSecond * (double) encodingData / encodingTotal / 8.0;
    }

    /** The generation with number {@code n}, or an error naming the allowed range. */
    public static PcieGen of(int n) {
        for (PcieGen g : values()) {
            if (g.number == n) {
                return g;
            }
        }
        throw new IllegalArgumentException("link.gen must be one of " + Arrays.stream(values())
                .map(g -> Integer.toString(g.number)).collect(Collectors.joining(", ")) + "; got " + n);
    }
}
