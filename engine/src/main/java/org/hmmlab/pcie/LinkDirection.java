package org.hmmlab.pcie;

import java.math.BigInteger;
import java.util.Arrays;

import org.hmmlab.metrics.BandwidthSeries;
import org.hmmlab.sim.EventHandler;
import org.hmmlab.sim.EventPhase;
import org.hmmlab.sim.Simulator;
import org.hmmlab.units.Bandwidth;

/**
 * One direction of a PCIe link as a shared resource: every transfer crossing it at the same time gets an
 * equal share of its TLP bandwidth (processor sharing), as TLPs from concurrent streams interleave.
 *
 * <p>Work is kept exactly in integer units of a billionth of a wire byte, so that a lone transfer takes
 * exactly {@code ceil(wireBytes * 1e9 / rate)} nanoseconds and two equal transfers started together each
 * take twice that. When a transfer starts or ends the direction recomputes the shares and reschedules only
 * its own next completion; a stale completion event is recognised by its generation number and ignored.
 *
 * <p>Read completions are <em>windowed</em>: the requester has {@link #windowTags()} tags, and each request
 * holds one for its cycle (round trip plus its completions' wire time). A windowed transfer that drains at
 * {@code r} wire bytes per second therefore holds {@code r * k} tags, {@code k} being its cycle per completion
 * wire byte, and all windowed transfers together may hold no more than the tags (Little's law). While their
 * equal shares would exceed that, they split the window's rate equally and the other transfers split the
 * rest, so the link stays work-conserving.
 */
public final class LinkDirection {

    private static final long WORK_PER_BYTE = 1_000_000_000L;
    private static final double TAG_LOAD_SCALE = 1e6;
    /** Largest single transfer: work must fit a {@code long}. Copy engines split larger copies. */
    public static final long MAX_TRANSFER_BYTES = Long.MAX_VALUE / WORK_PER_BYTE;

    private final Simulator sim;
    private final String name;
    private final long rate;
    private final EventHandler drainHandler = this::onDrain;
    private int windowTags;

    private long[] work = new long[16];
    private long[] workTotal = new long[16];
    private long[] payload = new long[16];
    private long[] tail = new long[16];
    private EventHandler[] done = new EventHandler[16];
    private long[] doneArg = new long[16];
    /** Per transfer: tag-nanoseconds per wire byte in millionths (0 = not windowed), exact in a long. */
    private long[] tagLoad = new long[16];
    private long tagLoadSum;
    private int active;
    private int activeWindowed;
    /**
     * The least remaining work of the active windowed transfers and of the others (Long.MAX_VALUE when none), kept
     * as transfers start, drain and advance: every transfer of a class advances by the same amount, so the least
     * stays the least and a reschedule needs no pass over the transfers.
     */
    private long minWindowed = Long.MAX_VALUE;
    private long minOther = Long.MAX_VALUE;

    private long lastUpdate;
    private long generation;
    private BandwidthSeries series;

    private long transfers;
    private long wireBytes;
    private long payloadBytes;
    private long busyNanos;

    LinkDirection(Simulator sim, String name, Bandwidth tlpBandwidth) {
        this.sim = sim;
        this.name = name;
        this.rate = tlpBandwidth.bytesPerSecond();
    }

    /** "host-to-device" or "device-to-host". */
    public String name() {
        return name;
    }

    /** TLP-layer bandwidth of this direction. */
    public Bandwidth bandwidth() {
        return Bandwidth.bytesPerSecond(rate);
    }

    /** Tags the windowed transfers share; 0 when they are unbounded. */
    public int windowTags() {
        return windowTags;
    }

    /** Gives windowed transfers {@code tags} tags to share (set before the first transfer). */
    void setWindowTags(int tags) {
        this.windowTags = tags;
    }

    /** Records delivered payload bytes over time into {@code s} (null to stop). */
    public void recordInto(BandwidthSeries s) {
        this.series = s;
    }

    /** Number of transfers in flight on this direction now. */
    public int activeTransfers() {
        return active;
    }

    public long transfers() {
        return transfers;
    }

    /** Bytes put on the wire so far (payload plus TLP headers and framing) by finished and running transfers. */
    public long wireBytes() {
        return wireBytes;
    }

    public long payloadBytes() {
        return payloadBytes;
    }

    /** Nanoseconds during which at least one transfer was draining. */
    public long busyNanos() {
        advance();
        return busyNanos;
    }

    /**
     * Starts a transfer of {@code wire} bytes (of which {@code payloadBytes} are data) now; when its last
     * byte has crossed, {@code onDone} runs {@code tailNanos} later with {@code arg}. {@code onDone} may be
     * null for traffic nobody waits on (read requests, ACKs).
     */
    public void start(long wire, long payloadOfTransfer, long tailNanos, EventHandler onDone, long arg) {
        start(wire, payloadOfTransfer, tailNanos, onDone, arg, 0);
    }

    /**
     * As {@link #start(long, long, long, EventHandler, long)}; a transfer with {@code tagNanosPerWireByte > 0}
     * is windowed: each wire byte per second it drains holds that many tag-nanoseconds of the window.
     */
    public void start(long wire, long payloadOfTransfer, long tailNanos, EventHandler onDone, long arg,
                      double tagNanosPerWireByte) {
        if (wire <= 0 || wire > MAX_TRANSFER_BYTES) {
            throw new IllegalArgumentException("transfer wire size must be between 1 and " + MAX_TRANSFER_BYTES
                    + " bytes; got " + wire);
        }
        advance();
        if (active == work.length) {
            grow();
        }
        int i = active++;
        work[i] = wire * WORK_PER_BYTE;
        workTotal[i] = work[i];
        payload[i] = payloadOfTransfer;
        tail[i] = tailNanos;
        done[i] = onDone;
        doneArg[i] = arg;
        tagLoad[i] = tagNanosPerWireByte > 0 ? Math.max(1, Math.round(tagNanosPerWireByte * TAG_LOAD_SCALE)) : 0;
        if (tagLoad[i] > 0) {
            activeWindowed++;
            tagLoadSum += tagLoad[i];
            minWindowed = Math.min(minWindowed, work[i]);
        } else {
            minOther = Math.min(minOther, work[i]);
        }
        transfers++;
        wireBytes += wire;
        payloadBytes += payloadOfTransfer;
        reschedule();
    }

    private void onDrain(long gen) {
        if (gen != generation) {
            return; // superseded by a later start or drain
        }
        advance();
        long now = sim.nowNanos();
        minWindowed = Long.MAX_VALUE;
        minOther = Long.MAX_VALUE;
        for (int i = 0; i < active; ) {
            if (work[i] <= 0) {
                if (done[i] != null) {
                    sim.scheduleAtNanos(now + tail[i], EventPhase.LINK, done[i], doneArg[i]);
                }
                if (tagLoad[i] > 0) {
                    activeWindowed--;
                    tagLoadSum -= tagLoad[i];
                }
                int last = --active;
                work[i] = work[last];
                tagLoad[i] = tagLoad[last];
                workTotal[i] = workTotal[last];
                payload[i] = payload[last];
                tail[i] = tail[last];
                done[i] = done[last];
                doneArg[i] = doneArg[last];
                done[last] = null;
            } else {
                if (tagLoad[i] > 0) {
                    minWindowed = Math.min(minWindowed, work[i]);
                } else {
                    minOther = Math.min(minOther, work[i]);
                }
                i++;
            }
        }
        reschedule();
    }

    /** Brings every active transfer's remaining work up to the current time. */
    private void advance() {
        long now = sim.nowNanos();
        long dt = now - lastUpdate;
        lastUpdate = now;
        if (dt <= 0 || active == 0) {
            return;
        }
        busyNanos += dt;
        long per;
        long perWindowed;
        long window = windowRate();
        if (window >= 0) {
            perWindowed = share(window, dt, activeWindowed);
            per = active > activeWindowed ? share(rate - window, dt, active - activeWindowed) : 0;
        } else {
            per = share(rate, dt, active);
            perWindowed = per;
        }
        double delivered = 0;
        for (int i = 0; i < active; i++) {
            long w = work[i];
            long per1 = tagLoad[i] > 0 ? perWindowed : per;
            long d = Math.min(per1, Math.max(w, 0));
            if (series != null && d > 0) {
                delivered += (double) d / workTotal[i] * payload[i];
            }
            work[i] = w - per1;
        }
        minWindowed = advanced(minWindowed, perWindowed, true);
        minOther = advanced(minOther, per, false);
        if (series != null && delivered > 0) {
            series.add(now - dt, now, delivered);
        }
    }

    /**
     * The least remaining work of one class ({@code windowed} or not) after each of its transfers got {@code per}:
     * the least minus {@code per}, unless that wraps around, when a pass over the class finds it again (each
     * transfer's own subtraction wrapped or not in {@link #advance()} alike).
     */
    private long advanced(long min, long per, boolean windowed) {
        if (min == Long.MAX_VALUE) {
            return min;
        }
        long v = min - per;
        if (((min ^ per) & (min ^ v)) >= 0) {
            return v;
        }
        long m = Long.MAX_VALUE;
        for (int i = 0; i < active; i++) {
            if ((tagLoad[i] > 0) == windowed) {
                m = Math.min(m, work[i]);
            }
        }
        return m;
    }

    /**
     * The wire bytes per second the windowed transfers get together when the tag window binds (their equal
     * shares of the direction would hold more tags than there are), or -1 when it does not.
     */
    private long windowRate() {
        if (activeWindowed == 0 || windowTags == 0) {
            return -1;
        }
        // equal shares of r bytes/s each hold r * sum(k) / 1e9 tags; at most windowTags
        double perTransfer = windowTags * 1e9 * TAG_LOAD_SCALE / tagLoadSum;
        double windowed = perTransfer * activeWindowed;
        if (windowed >= (double) rate * activeWindowed / active) {
            return -1;
        }
        return Math.max(1, (long) Math.floor(windowed));
    }

    /** Work each of {@code n} transfers sharing {@code r} bytes/s gets in {@code dt} ns: r * dt / n, in work units. */
    private static long share(long r, long dt, int n) {
        long hi = Math.multiplyHigh(r, dt);
        long lo = r * dt;
        if (hi == 0 && lo >= 0) {
            return lo / n;
        }
        BigInteger v = BigInteger.valueOf(r).multiply(BigInteger.valueOf(dt)).divide(BigInteger.valueOf(n));
        return v.bitLength() < 63 ? v.longValue() : Long.MAX_VALUE;
    }

    private void reschedule() {
        generation++;
        if (active == 0) {
            return;
        }
        long delay;
        long window = windowRate();
        if (window >= 0) {
            delay = timeToDrain(minWindowed, activeWindowed, window);
            if (active > activeWindowed) {
                delay = Math.min(delay, timeToDrain(minOther, active - activeWindowed, rate - window));
            }
        } else {
            delay = timeToDrain(Math.min(minWindowed, minOther), active, rate);
        }
        sim.scheduleAtNanos(sim.nowNanos() + delay, EventPhase.LINK, drainHandler, generation);
    }

    /** Nanoseconds until {@code w} work units drain when {@code n} transfers share {@code r} bytes/s, rounded up. */
    private static long timeToDrain(long w, int n, long r) {
        if (w <= 0) {
            return 0;
        }
        long hi = Math.multiplyHigh(w, n);
        long prod = w * n;
        if (hi == 0 && prod >= 0) {
            return Math.ceilDiv(prod, r);
        }
        BigInteger p = BigInteger.valueOf(w).multiply(BigInteger.valueOf(n));
        return p.add(BigInteger.valueOf(r - 1)).divide(BigInteger.valueOf(r)).longValueExact();
    }

    private void grow() {
        int n = work.length * 2;
        work = Arrays.copyOf(work, n);
        workTotal = Arrays.copyOf(workTotal, n);
        payload = Arrays.copyOf(payload, n);
        tail = Arrays.copyOf(tail, n);
        done = Arrays.copyOf(done, n);
        doneArg = Arrays.copyOf(doneArg, n);
        tagLoad = Arrays.copyOf(tagLoad, n);
    }

    @Override
    public String toString() {
        return name + " " + bandwidth();
    }
}
