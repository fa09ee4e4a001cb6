package org.hmmlab.pcie;

import org.hmmlab.units.Bandwidth;
import org.hmmlab.units.SimDuration;

/**
 * The negotiated configuration of one PCIe link: generation, width, payload and read-request limits,
 * optional end-to-end CRC and the round-trip latency of a small DMA read.
 *
 * <p>From these the model derives, from first principles, the bandwidth left for TLPs in each direction
 * and the bytes each transfer puts on the wire; effective bandwidth versus transfer size falls out of that
 * arithmetic rather than a lookup table.
 *
 * @param gen               the generation (3..6)
 * @param lanes             link width: 1, 2, 4, 8 or 16
 * @param maxPayload        MPS in bytes: 128, 256, 512, 1024, 2048 or 4096
 * @param maxReadRequest    MRRS in bytes: 128, 256, 512, 1024, 2048 or 4096
 * @param ecrc              whether each TLP carries a 4-byte ECRC digest
 * @param roundTripLatency  time from a device's read request to the first completion byte for a tiny
 *                          read, including the host's memory access (a posted write or a message takes half)
 * @param readTags          read requests the device may have outstanding at once (its usable tags): 32 with
 *                          5-bit tags, 256 with the Extended Tag Field enabled, up to 768 with 10-bit tags
 *                          (PCIe 4.0 and later); with MRRS and the round trip it bounds the device's read rate
 */
public record PcieLinkConfig(PcieGen gen, int lanes, int maxPayload, int maxReadRequest, boolean ecrc,
                             SimDuration roundTripLatency, int readTags) {

    /** Per-TLP data-link and physical framing outside FLIT mode: 2 B sequence, 4 B LCRC, 2 B start/end. */
    public static final int TLP_FRAMING_BYTES = 8;
    /** An ACK or flow-control-update DLLP on the wire (2 B framing + 4 B DLLP + 2 B CRC). */
    public static final int DLLP_BYTES = 8;
    /** SKP ordered sets for clock compensation: 4 bytes every 1538 bytes on every lane. */
    public static final int SKP_BYTES = 4;
    public static final int SKP_INTERVAL = 1538;

    /**
     * Outstanding read requests of a requester with the Extended Tag Field enabled: 8-bit tags, 256 [S]
     * (PCIe Base Specification, Tag field; Linux enables Extended Tags on every device that supports them,
     * pci_configure_extended_tags() in drivers/pci/probe.c).
     */
    public static final int EXTENDED_TAGS = 256;
    /** Most outstanding requests one requester can name: 10-bit tags leave 768 usable values [S]. */
    public static final int MAX_READ_TAGS = 768;

    private static final int[] LANES = {1, 2, 4, 8, 16};
    private static final int[] SIZES = {128, 256, 512, 1024, 2048, 4096};

    /**
     * Bytes of TLP traffic between two ACK DLLPs (and, with the same values, between two flow-control
     * updates) for Gen3 to Gen5, by lane count (rows x1..x16) and MPS (columns 128..4096). Source: PCIe Base
     * Specification 5.0, Tables 3-7..3-9 and 2-46..2-48, as tabulated in pcie-bench/pcie-model model/pcie.py.
     */
    private static final int[][] ACK_INTERVAL = {
            {333, 512, 655, 1167, 2191, 4239},
            {224, 313, 385, 641, 1153, 2177},
            {169, 214, 250, 378, 634, 1146},
            {163, 203, 182, 246, 374, 630},
            {144, 168, 182, 246, 374, 630},
    };

    public PcieLinkConfig {
        if (gen == null) {
            throw new IllegalArgumentException("link.gen must be one of 3, 4, 5, 6; got none");
        }
        if (indexOf(LANES, lanes) < 0) {
            throw new IllegalArgumentException("link.lanes must be one of 1, 2, 4, 8, 16; got " + lanes);
        }
        if (indexOf(SIZES, maxPayload) < 0) {
            throw new IllegalArgumentException(
                    "link.maxPayload must be one of 128, 256, 512, 1024, 2048, 4096 bytes; got " + maxPayload);
        }
        if (indexOf(SIZES, maxReadRequest) < 0) {
            throw new IllegalArgumentException(
                    "link.maxReadRequest must be one of 128, 256, 512, 1024, 2048, 4096 bytes; got " + maxReadRequest);
        }
        if (roundTripLatency == null) {
            throw new IllegalArgumentException("link.roundTripLatency must be given (>= 0 ns)");
        }
        if (roundTripLatency.nanos() > 1_000_000) {
            throw new IllegalArgumentException("link.roundTripLatency must be between 0 ns and 1 ms; got "
                    + roundTripLatency);
        }
        if (readTags < 1 || readTags > MAX_READ_TAGS) {
            throw new IllegalArgumentException("link.readTags must be between 1 and " + MAX_READ_TAGS + "; got "
                    + readTags);
        }
    }

    /** A link whose device uses 8-bit (extended) tags, {@link #EXTENDED_TAGS} outstanding reads. */
    public PcieLinkConfig(PcieGen gen, int lanes, int maxPayload, int maxReadRequest, boolean ecrc,
                          SimDuration roundTripLatency) {
        this(gen, lanes, maxPayload, maxReadRequest, ecrc, roundTripLatency, EXTENDED_TAGS);
    }

    /** Gen{@code gen} x{@code lanes} with MPS 256, MRRS 512, no ECRC: the common server configuration. */
    public static PcieLinkConfig of(PcieGen gen, int lanes, SimDuration roundTripLatency) {
        return new PcieLinkConfig(gen, lanes, 256, 512, false, roundTripLatency);
    }

    /**
     * This link trained to another generation and width, its payload and read-request limits, ECRC, round trip
     * and tags kept: {@code link.withGenAndLanes(PcieGen.GEN5, new Lanes(16))}.
     */
    public PcieLinkConfig withGenAndLanes(PcieGen g, Lanes width) {
        if (width == null) {
            throw new IllegalArgumentException("link.lanes must be one of 1, 2, 4, 8, 16; got none");
        }
        return new PcieLinkConfig(g, width.count(), maxPayload, maxReadRequest, ecrc, roundTripLatency, readTags);
    }

    /** This link with the device allowed {@code tags} outstanding read requests. */
    public PcieLinkConfig withReadTags(int tags) {
        return new PcieLinkConfig(gen, lanes, maxPayload, maxReadRequest, ecrc, roundTripLatency, tags);
    }

    /** Line rate of the whole link in one direction after line coding, before protocol overhead. */
    public double rawBytesPerSecond() {
        return gen.rawBytesPerSecondPerLane() * lanes;
    }

    /**
     * The fraction of raw bandwidth left for TLPs in one direction. Outside FLIT mode, ACK and flow-control
     * DLLPs at the specification's recommended intervals and SKP ordered sets are deducted, as a steady tax
     * on each direction under load (the same approach as Neugebauer et al., SIGCOMM 2018). In FLIT mode,
     * ACKs and credits ride in the flit's data-link bytes, so only the flit's TLP share (236/256) and SKP remain.
     */
    public double tlpShare() {
        double skp = (double) SKP_BYTES / SKP_INTERVAL;
        if (gen.flit()) {
            return (double) PcieGen.FLIT_TLP_BYTES / PcieGen.FLIT_BYTES * (1.0 - skp);
        }
        int interval = ACK_INTERVAL[indexOf(LANES, lanes)][indexOf(SIZES, maxPayload)];
        double dllp = 2.0 * DLLP_BYTES / interval; // one ACK plus one FC update per interval
        return 1.0 - dllp - skp;
    }

    /** Bandwidth available to TLP bytes (headers, framing and payload) in each direction. */
    public Bandwidth tlpBandwidth() {
        return Bandwidth.bytesPerSecond((long) Math.floor(rawBytesPerSecond() * tlpShare()));
    }

    /** Bytes on the wire besides payload for one TLP of {@code kind}: header, framing, optional ECRC. */
    public int tlpOverhead(TlpKind kind) {
        return kind.headerBytes() + (gen.flit() ? 0 : TLP_FRAMING_BYTES) + (ecrc ? 4 : 0);
    }

    /** Wire bytes of a stream of posted writes carrying {@code payload} bytes from an aligned start. */
    public long writeWireBytes(long payload) {
        return payload + Math.ceilDiv(payload, maxPayload) * (long) tlpOverhead(TlpKind.MEMORY_WRITE);
    }

    /** Wire bytes of the read requests for {@code payload} bytes (no data; they go the other way). */
    public long readRequestWireBytes(long payload) {
        return Math.ceilDiv(payload, maxReadRequest) * (long) tlpOverhead(TlpKind.MEMORY_READ);
    }

    /**
     * Wire bytes of the completions that return {@code payload} bytes: each read request of at most MRRS
     * bytes is answered by completions of at most MPS bytes.
     */
    public long readCompletionWireBytes(long payload) {
        long fullRequests = payload / maxReadRequest;
        long rest = payload % maxReadRequest;
        long completions = fullRequests * Math.ceilDiv(maxReadRequest, maxPayload) + Math.ceilDiv(rest, maxPayload);
        return payload + completions * tlpOverhead(TlpKind.COMPLETION_DATA);
    }

    /**
     * The most completion wire bytes per second the device's reads can draw, whatever the link's width: a
     * requester holds a tag from its read request until the request's last completion has arrived, so by
     * Little's law at most {@code readTags} requests of MRRS bytes complete per round trip plus the time to
     * receive one request's completions (Intel AN 683504, "Throughput for Reads": outstanding reads are
     * limited by the header tags and the maximum read request size). When this is above
     * {@link #tlpBandwidth()} the link, not the tags, limits reads; with no round trip there is no bound.
     */
    public Bandwidth readWindowWireBandwidth() {
        long rate = tlpBandwidth().bytesPerSecond();
        long cplWire = readCompletionWireBytes(maxReadRequest);
        double cycleNanos = roundTripLatency.nanos() + cplWire * 1e9 / rate;
        double cap = readTags * (double) cplWire * 1e9 / cycleNanos;
        return Bandwidth.bytesPerSecond(cap >= Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, (long) Math.floor(cap)));
    }

    /**
     * The most data bytes per second reads in requests of {@code requestBytes} (at most MRRS) can bring in
     * through the tag window: readTags x requestBytes per (round trip + one request's completion wire time).
     */
    public Bandwidth readWindowBandwidth(int requestBytes) {
        if (requestBytes < 1 || requestBytes > maxReadRequest) {
            throw new IllegalArgumentException("read request size must be between 1 B and MRRS (" + maxReadRequest
                    + " B); got " + requestBytes);
        }
        double cycleNanos = roundTripLatency.nanos()
                + readCompletionWireBytes(requestBytes) * 1e9 / tlpBandwidth().bytesPerSecond();
        return Bandwidth.bytesPerSecond(Math.max(1, (long) Math.floor(readTags * (double) requestBytes * 1e9 / cycleNanos)));
    }

    /**
     * The payload rate of a long read stream: the lesser of the link's completion throughput and the tag
     * window {@link #readWindowWireBandwidth()}, both counted in data bytes.
     */
    public Bandwidth readStreamBandwidth() {
        long wireCap = Math.min(tlpBandwidth().bytesPerSecond(), readWindowWireBandwidth().bytesPerSecond());
        return Bandwidth.bytesPerSecond((long) Math.floor(
                wireCap * (double) maxReadRequest / readCompletionWireBytes(maxReadRequest)));
    }

    /** Half the round trip: the latency of a posted write or a message. */
    public SimDuration oneWayLatency() {
        return SimDuration.ns(roundTripLatency.nanos() / 2);
    }

    @Override
    public String toString() {
        return "Gen" + gen.number() + " x" + lanes + " (MPS " + maxPayload + ", MRRS " + maxReadRequest
                + (ecrc ? ", ECRC" : "") + ", RTT " + roundTripLatency
                + (readTags == EXTENDED_TAGS ? "" : ", " + readTags + " read tags") + ")";
    }

    private static int indexOf(int[] values, int v) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == v) {
                return i;
            }
        }
        return -1;
    }
}
