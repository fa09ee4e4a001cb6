package org.hmmlab.pcie;

import org.hmmlab.sim.EventHandler;
import org.hmmlab.sim.EventPhase;
import org.hmmlab.sim.Simulator;
import org.hmmlab.units.SimDuration;

/**
 * PCIe Address Translation Services on one link: the device's address translation cache (ATC) asks the
 * host IOMMU for translations, and the host tells the device to drop translations it invalidated.
 *
 * <p>Each exchange is a pair of TLPs with its own cost on the link. A Translation Request is a memory read
 * request with the AT field set (no data); its Translation Completion is a completion carrying 8 bytes per
 * translation. An Invalidate Request is a message with 8 bytes of data sent downstream; the device answers,
 * after flushing the entries and any requests that used them, with an Invalidate Completion message. The
 * seeds call the invalidation round trip "brutally expensive" because the kernel waits for it during every
 * unmap and migration of a mirrored range (the IOMMU's mmu_notifier invalidate callback).
 */
public final class Ats {

    /** Bytes of translation data per entry in a Translation Completion. */
    public static final int TRANSLATION_ENTRY_BYTES = 8;
    /** Bytes of data in an Invalidate Request message (the untranslated address range). */
    public static final int INVALIDATE_REQUEST_BYTES = 8;

    private final Simulator sim;
    private final PcieLink link;
    private long translationRequests;
    private long invalidations;

    public Ats(Simulator sim, PcieLink link) {
        this.sim = sim;
        this.link = link;
    }

    /** Step 2 of the seeds' four steps: the ATC missed; send a Translation Request to the host. */
    public void translationRequest(EventHandler arrivedAtHost, long arg) {
        translationRequests++;
        link.message(false, TlpKind.MEMORY_READ, 0, arrivedAtHost, arg);
    }

    /** The host's answer with {@code entries} translations (0 when the page is not present: the device then uses PRI). */
    public void translationCompletion(int entries, EventHandler arrivedAtDevice, long arg) {
        link.message(true, TlpKind.COMPLETION_DATA, Math.max(1, entries) * TRANSLATION_ENTRY_BYTES, arrivedAtDevice, arg);
    }

    /**
     * A whole invalidation round trip: Invalidate Request downstream, {@code deviceFlush} of ATC work on the
     * device, Invalidate Completion upstream; {@code done} runs on the host when the completion arrives.
     */
    public void invalidate(SimDuration deviceFlush, EventHandler done, long arg) {
        invalidations++;
        new Invalidation(deviceFlush.nanos(), done, arg).begin();
    }

    public long translationRequests() {
        return translationRequests;
    }

    public long invalidations() {
        return invalidations;
    }

    /** The three legs of one invalidation; one small object per invalidation, not per page. */
    private final class Invalidation {
        private final long flush;
        private final EventHandler done;
        private final long arg;

        Invalidation(long flush, EventHandler done, long arg) {
            this.flush = flush;
            this.done = done;
            this.arg = arg;
        }

        void begin() {
            link.message(true, TlpKind.MESSAGE, INVALIDATE_REQUEST_BYTES, a -> flushed(), 0);
        }

        private void flushed() {
            sim.scheduleAtNanos(sim.nowNanos() + flush, EventPhase.DEVICE,
                    a -> link.message(false, TlpKind.MESSAGE, 0, done, arg), 0);
        }
    }
}
