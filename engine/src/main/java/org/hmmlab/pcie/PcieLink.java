package org.hmmlab.pcie;

import org.hmmlab.metrics.BandwidthSeries;
import org.hmmlab.sim.EventHandler;
import org.hmmlab.sim.Simulator;
import org.hmmlab.units.Bandwidth;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * A PCIe link between the host and one device: two independent directions, each a shared resource that
 * DMA copies, remote (zero-copy) accesses, ATS and PRI messages all cross.
 *
 * <p>Every operation is described by the TLPs it puts on each direction: a device DMA read sends read
 * requests towards the host and receives completions with data; a device DMA write sends posted writes;
 * ATS and PRI exchanges are single request and response packets ({@link Ats}, {@link Pri}). Latency is the
 * configured round trip for reads and half of it for writes and messages. The device's reads hold one tag
 * per outstanding request for its round trip, so reads of MRRS-sized requests together draw at most
 * {@link PcieLinkConfig#readWindowWireBandwidth()} of the downstream direction, and smaller requests less.
 */
public final class PcieLink {

    private final PcieLinkConfig config;
    private final LinkDirection hostToDevice;
    private final LinkDirection deviceToHost;
    private final long roundTrip;
    private final long oneWay;
    /**
     * The last read size and its requests' and completions' wire bytes and tag load, worked out once per size (a
     * phase's reads mostly have one size): three divisions and a floating-point division a read otherwise.
     */
    private long readBytes = -1;
    private long readRequestWire;
    private long readCompletionWire;
    private double readTagNanos;

    public PcieLink(Simulator sim, PcieLinkConfig config) {
        this.config = config;
        this.hostToDevice = new LinkDirection(sim, "host-to-device", config.tlpBandwidth());
        this.deviceToHost = new LinkDirection(sim, "device-to-host", config.tlpBandwidth());
        this.hostToDevice.setWindowTags(config.readTags());
        this.roundTrip = config.roundTripLatency().nanos();
        this.oneWay = config.oneWayLatency().nanos();
    }

    public PcieLinkConfig config() {
        return config;
    }

    /** The downstream direction: data the device reads from host memory, host messages to the device. */
    public LinkDirection hostToDevice() {
        return hostToDevice;
    }

    /** The upstream direction: data the device writes to host memory, device requests to the host. */
    public LinkDirection deviceToHost() {
        return deviceToHost;
    }

    /** Records delivered payload per direction into the two series. */
    public void recordInto(BandwidthSeries h2d, BandwidthSeries d2h) {
        hostToDevice.recordInto(h2d);
        deviceToHost.recordInto(d2h);
    }

    /**
     * The device reads {@code bytes} of host memory (a host-to-device copy or a remote read): read requests
     * go upstream, completions with the data come downstream; {@code onDone} runs when the last completion
     * has arrived. The round trip is charged after the data drains rather than before; alone the two orders
     * give the same time (round trip + wire time), under contention they differ by at most one round trip.
     * All reads in flight share the device's tags: a request holds one for the round trip plus its
     * completions' wire time, so small requests get fewer bytes through the window than MRRS-sized ones.
     */
    public void dmaRead(long bytes, EventHandler onDone, long arg) {
        requirePositive(bytes);
        if (bytes != readBytes) {
            readRequestWire = config.readRequestWireBytes(bytes);
            readCompletionWire = config.readCompletionWireBytes(bytes);
            readTagNanos = tagNanosPerWireByte(bytes, readCompletionWire);
            readBytes = bytes;
        }
        deviceToHost.start(readRequestWire, 0, 0, null, 0);
        hostToDevice.start(readCompletionWire, bytes, roundTrip, onDone, arg, readTagNanos);
    }

    /**
     * The device writes {@code bytes} into host memory (a device-to-host copy or a remote write) as posted
     * writes; {@code onDone} runs when the last write has reached the host.
     */
    public void dmaWrite(long bytes, EventHandler onDone, long arg) {
        requirePositive(bytes);
        deviceToHost.start(config.writeWireBytes(bytes), bytes, oneWay, onDone, arg);
    }

    /**
     * Tag-nanoseconds one completion wire byte of a read of {@code bytes} holds: its requests' average cycle
     * (round trip plus one request's completion wire time at the link's rate) over their average wire bytes.
     */
    private double tagNanosPerWireByte(long bytes, long cplWire) {
        double perRequest = (double) cplWire / Math.ceilDiv(bytes, config.maxReadRequest());
        double cycle = roundTrip + perRequest * 1e9 / config.tlpBandwidth().bytesPerSecond();
        return cycle / perRequest;
    }

    /**
     * Sends one message TLP of {@code kind} carrying {@code payload} bytes in {@code toDevice} direction;
     * {@code onDone} runs when it has arrived.
     */
    public void message(boolean toDevice, TlpKind kind, int payload, EventHandler onDone, long arg) {
        long wire = (long) config.tlpOverhead(kind) + payload;
        (toDevice ? hostToDevice : deviceToHost).start(wire, payload, oneWay, onDone, arg);
    }

    /**
     * Time a lone DMA read of {@code bytes} takes on an idle link: round trip plus completion wire time at
     * the lesser of the link's rate and what the tag window lets its requests draw.
     */
    public SimDuration idleReadTime(long bytes) {
        long cplWire = config.readCompletionWireBytes(bytes);
        double window = config.readTags() * 1e9 / tagNanosPerWireByte(bytes, cplWire);
        long rate = config.tlpBandwidth().bytesPerSecond();
        long r = window >= rate ? rate : Math.max(1, (long) Math.floor(window));
        return SimDuration.ns(roundTrip + Bandwidth.bytesPerSecond(r)
                .timeToTransfer(Bytes.of(cplWire)).nanos());
    }

    /** Time a lone DMA write of {@code bytes} takes on an idle link: wire time plus one-way latency. */
    public SimDuration idleWriteTime(long bytes) {
        return SimDuration.ns(oneWay + config.tlpBandwidth()
                .timeToTransfer(Bytes.of(config.writeWireBytes(bytes))).nanos());
    }

    private static void requirePositive(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("transfer size must be > 0 bytes; got " + bytes);
        }
    }
}
