package org.hmmlab.policy;

import java.util.Arrays;
import org.hmmlab.units.SimDuration;

/**
 * Detects pages that migrate back and forth (or are evicted and faulted back) faster than a lapse, and mitigates
 * by throttling the faulting processor, then pinning the page in host memory so that GPUs map it remotely.
 *
 * <p>Mirrors {@code uvm_perf_thrashing.c} of the NVIDIA UVM driver, with its defaults (perf-figures.md section 2):
 * a move of a page less than {@code lapse} (500 us, {@code uvm_perf_thrashing_lapse_usec}) after its previous
 * move is a thrashing event; after {@code threshold} (3, at most 7, {@code uvm_perf_thrashing_threshold})
 * consecutive events the page is thrashing; each fault on it then throttles the processor for {@code nap}
 * (500 us = 1 lapse, {@code uvm_perf_thrashing_nap}) and, after {@code pinThreshold} (10,
 * {@code uvm_perf_thrashing_pin_threshold}) throttles, pins it for {@code pinDuration} (150 ms = 300 lapses,
 * {@code uvm_perf_thrashing_pin}; zero pins forever). A page quiet for {@code epoch} (1 s = 2000 lapses,
 * {@code uvm_perf_thrashing_epoch}) forgets its history.
 *
 * <p>A page is thrashing from the move that brings its consecutive events to {@code threshold}
 * ({@code thrashing_detected()}) until its history resets; while thrashing (pinned or not) it is left out of fault
 * growth and prefetch ({@link #isThrashing}). Mitigation {@link Mitigation#NONE} detects and counts only, and marks
 * nothing.
 *
 * <p>Simplifications, stated: a move later than the lapse but within the epoch neither counts nor resets the
 * consecutive count (so a throttled page, whose moves are a nap apart, keeps its state until pinned); the pin
 * location is always host memory (HMM's device-private pages cannot be mapped by the CPU remotely); the
 * per-VA-block reset budget ({@code uvm_perf_thrashing_max_resets}) is not modelled.
 */
public final class UvmThrashingDetector implements ThrashingDetector, Decision.NapCache {

    /** How the detector reacts to a thrashing page. */
    public enum Mitigation {
        /** Detect and count only. */
        NONE,
        /** Throttle on every fault on a thrashing page, never pin. */
        THROTTLE,
        /** Pin at once. */
        PIN,
        /** Throttle, and pin after {@code pinThreshold} throttles (UVM). */
        THROTTLE_THEN_PIN
    }

    public static final int DEFAULT_THRESHOLD = 3;
    public static final int MAX_THRESHOLD = 7;
    public static final SimDuration DEFAULT_LAPSE = SimDuration.us(500);
    public static final int DEFAULT_PIN_THRESHOLD = 10;

    private final int threshold;
    private final long lapse;
    private final long nap;
    private final int pinThreshold;
    private final long pinDuration;
    private final long epoch;
    private final Mitigation mitigation;
    private final SimDuration cost;
    private final Decision throttleDecision;

    private final LongSlots pages = new LongSlots();
    private long[] lastMove = new long[64];
    private byte[] events = new byte[64];
    private int[] throttles = new int[64];
    private long[] throttleUntil = new long[64];
    private long[] pinnedUntil = new long[64];
    private boolean[] thrashing = new boolean[64];
    /** Pages marked thrashing; 0 lets callers skip the per-page checks. */
    private int thrashingPages;
    private long mitigations;

    /**
     * @param threshold    consecutive thrashing events before mitigation, 1 to 7
     * @param lapse        two moves closer than this are a thrashing event, 1 ns to 1 s
     * @param nap          how long a throttled processor is kept off the page, 1 ns to 1 s
     * @param pinThreshold throttles before pinning, 1 to 1000
     * @param pinDuration  how long a page stays pinned, 0 (forever) to 1 hour
     * @param epoch        quiet time after which a page's history resets, {@code >= lapse}, at most 1 hour
     * @param mitigation   what to do about thrashing pages
     * @param cost         driver CPU time per hint, {@code >= 0}
     */
    public UvmThrashingDetector(int threshold, SimDuration lapse, SimDuration nap, int pinThreshold,
                                SimDuration pinDuration, SimDuration epoch, Mitigation mitigation, SimDuration cost) {
        this.threshold = (int) Costs.inRange("thrashing threshold", threshold, 1, MAX_THRESHOLD);
        this.lapse = Costs.inRange("thrashing lapse (ns)", Costs.nonNull("thrashing lapse", lapse).nanos(), 1,
                1_000_000_000L);
        this.nap = Costs.inRange("thrashing nap (ns)", Costs.nonNull("thrashing nap", nap).nanos(), 1,
                1_000_000_000L);
        this.pinThreshold = (int) Costs.inRange("thrashing pinThreshold", pinThreshold, 1, 1000);
        this.pinDuration = Costs.inRange("thrashing pin duration (ns)",
                Costs.nonNull("thrashing pin duration", pinDuration).nanos(), 0, 3_600_000_000_000L);
        this.epoch = Costs.inRange("thrashing epoch (ns)", Costs.nonNull("thrashing epoch", epoch).nanos(),
                this.lapse, 3_600_000_000_000L);
        if (mitigation == null) {
            throw new IllegalArgumentException("thrashing mitigation must be NONE, THROTTLE, PIN or THROTTLE_THEN_PIN");
        }
        this.mitigation = mitigation;
        this.cost = Costs.nonNull("thrashing decision cost", cost);
        this.throttleDecision = Decision.throttle(SimDuration.ns(this.nap));
        Arrays.fill(lastMove, Long.MIN_VALUE);
    }

    /** UVM's defaults with the given mitigation. */
    public UvmThrashingDetector(Mitigation mitigation) {
        this(DEFAULT_THRESHOLD, DEFAULT_LAPSE, DEFAULT_LAPSE, DEFAULT_PIN_THRESHOLD,
                DEFAULT_LAPSE.times(300), DEFAULT_LAPSE.times(2000), mitigation, SimDuration.ZERO);
    }

    /** UVM's defaults: 3 events within 500 us, nap 500 us, pin after 10 throttles for 150 ms, epoch 1 s. */
    public UvmThrashingDetector() {
        this(Mitigation.THROTTLE_THEN_PIN);
    }

    private int slot(long page) {
        int s = pages.slot(page);
        if (s >= lastMove.length) {
            int len = LongSlots.grownLength(lastMove.length, s);
            int old = lastMove.length;
            lastMove = Arrays.copyOf(lastMove, len);
            events = Arrays.copyOf(events, len);
            throttles = Arrays.copyOf(throttles, len);
            throttleUntil = Arrays.copyOf(throttleUntil, len);
            pinnedUntil = Arrays.copyOf(pinnedUntil, len);
            thrashing = Arrays.copyOf(thrashing, len);
            Arrays.fill(lastMove, old, len, Long.MIN_VALUE);
        }
        return s;
    }

    @Override
    public void onMigrated(long firstPage, long count, int from, int to, MigrationCause cause, long nowNanos) {
        if (from == Location.UNPOPULATED || from == to) {
            return;
        }
        if (cause == MigrationCause.UNMAP) {
            // the range was freed: its history goes with it (UVM frees the va_block's perf data with the range)
            for (long p = firstPage; p < firstPage + count; p++) {
                int s = pages.find(p);
                if (s >= 0 && s < lastMove.length) {
                    lastMove[s] = Long.MIN_VALUE;
                    events[s] = 0;
                    throttles[s] = 0;
                    throttleUntil[s] = 0;
                    pinnedUntil[s] = 0;
                    unmark(s);
                }
            }
            return;
        }
        for (long p = firstPage; p < firstPage + count; p++) {
            int s = slot(p);
            long last = lastMove[s];
            if (last != Long.MIN_VALUE) {
                long gap = nowNanos - last;
                if (gap < lapse) {
                    if (events[s] < Byte.MAX_VALUE) {
                        events[s]++;
                    }
                    if (events[s] >= threshold && mitigation != Mitigation.NONE && !thrashing[s]) {
                        thrashing[s] = true; // thrashing_detected()
                        thrashingPages++;
                    }
                } else if (gap > epoch) {
                    events[s] = 0;
                    throttles[s] = 0;
                    unmark(s);
                }
            }
            lastMove[s] = nowNanos;
        }
    }

    @Override
    public ThrashingHint hint(FaultContext fault) {
        int s = pages.find(fault.page());
        if (s < 0 || s >= lastMove.length) {
            return ThrashingHint.NONE;
        }
        long now = fault.nowNanos();
        boolean gpu = Location.isGpu(fault.processor());
        if (pinnedUntil[s] != 0 && (pinnedUntil[s] == Long.MAX_VALUE || now < pinnedUntil[s])) {
            return gpu ? ThrashingHint.PIN_HOST : ThrashingHint.NONE;
        }
        if (throttleUntil[s] != 0) {
            if (now < throttleUntil[s]) {
                return ThrashingHint.THROTTLE;
            }
            throttleUntil[s] = 0;
            return ThrashingHint.NONE; // the throttled fault is serviced after its nap
        }
        if (events[s] < threshold || mitigation == Mitigation.NONE) {
            if (events[s] >= threshold && mitigation == Mitigation.NONE) {
                mitigations++;
                events[s] = 0;
            }
            return ThrashingHint.NONE;
        }
        if (mitigation == Mitigation.PIN
                || (mitigation == Mitigation.THROTTLE_THEN_PIN && throttles[s] >= pinThreshold)) {
            pinnedUntil[s] = pinDuration == 0 ? Long.MAX_VALUE : now + pinDuration;
            events[s] = 0;
            throttles[s] = 0;
            mitigations++;
            return gpu ? ThrashingHint.PIN_HOST : ThrashingHint.NONE;
        }
        throttles[s]++;
        throttleUntil[s] = now + nap;
        mitigations++;
        return ThrashingHint.THROTTLE;
    }

    private void unmark(int s) {
        if (thrashing[s]) {
            thrashing[s] = false;
            thrashingPages--;
        }
    }

    /**
     * Marked thrashing and not quiet for an epoch since its last move (the driver resets a block's thrashing state
     * an epoch after its last thrashing event, unless pages are pinned), or pinned.
     */
    @Override
    public boolean isThrashing(long page, long nowNanos) {
        int s = pages.find(page);
        if (s < 0 || s >= thrashing.length || !thrashing[s]) {
            return false;
        }
        return isPinned(page, nowNanos) || nowNanos - lastMove[s] <= epoch;
    }

    @Override
    public boolean anyThrashing() {
        return thrashingPages > 0;
    }

    @Override
    public boolean isPinned(long page, long nowNanos) {
        int s = pages.find(page);
        return s >= 0 && s < pinnedUntil.length && pinnedUntil[s] != 0
                && (pinnedUntil[s] == Long.MAX_VALUE || nowNanos < pinnedUntil[s]);
    }

    @Override
    public SimDuration nap() {
        return throttleDecision.delay();
    }

    @Override
    public Decision throttleDecision() {
        return throttleDecision;
    }

    /** Throttles and pins started so far (with {@link Mitigation#NONE}: thrashing detections). */
    @Override
    public long thrashingEvents() {
        return mitigations;
    }

    @Override
    public SimDuration decisionCost() {
        return cost;
    }

    @Override
    public String name() {
        return "thrashing(" + mitigation.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ")";
    }
}
