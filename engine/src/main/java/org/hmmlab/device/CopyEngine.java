package org.hmmlab.device;

import java.util.ArrayDeque;

import org.hmmlab.pcie.PcieLink;
import org.hmmlab.sim.EventHandler;
import org.hmmlab.sim.EventPhase;
import org.hmmlab.sim.Simulator;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * A GPU DMA copy engine: executes copies between host and device memory one after another, each split
 * into granules that cross the PCIe link as DMA reads (host to device) or posted writes (device to host).
 *
 * <p>This is the engine migrate_vma's copy step drives (the driver's copy between the src and dst pfns)
 * and cudaMemcpy uses. A copy costs its set-up (the push reaching the engine) and then its granules, of
 * which the engine keeps a bounded number in flight; each granule is its own DMA with its own round trip,
 * so small granules pay latency that large ones hide, and engines contend with each other and with
 * everything else on the link through the link's shared directions.
 */
public final class CopyEngine {

    /** The granules UVM and HMM drivers copy in: a base page, a big page, a 2 MiB block. */
    public static final Bytes GRANULE_4K = Bytes.KiB(4);
    public static final Bytes GRANULE_64K = Bytes.KiB(64);
    public static final Bytes GRANULE_2M = Bytes.MiB(2);

    private final Simulator sim;
    private final PcieLink link;
    private final int index;
    private final long setup;
    private final int inflightLimit;
    private final ArrayDeque<Copy> queue = new ArrayDeque<>();
    private final EventHandler granuleDone = a -> onGranuleDone();
    private final EventHandler setupDone = a -> issue();

    private Copy current;
    private long issuedBytes;
    private int inflight;
    private long copies;
    private long bytesCopied;

    public CopyEngine(Simulator sim, PcieLink link, int index, SimDuration setup, int inflightGranules) {
        if (inflightGranules < 1) {
            throw new IllegalArgumentException("inflightGranules must be >= 1; got " + inflightGranules);
        }
        this.sim = sim;
        this.link = link;
        this.index = index;
        this.setup = setup.nanos();
        this.inflightLimit = inflightGranules;
    }

    public int index() {
        return index;
    }

    /** Copies queued or running on this engine. */
    public int queued() {
        return queue.size() + (current == null ? 0 : 1);
    }

    public long copies() {
        return copies;
    }

    public long bytesCopied() {
        return bytesCopied;
    }

    /**
     * Queues a copy of {@code size} bytes, host to device if {@code toDevice}, in granules of
     * {@code granule} bytes; {@code done} (may be null) runs with {@code arg} when the last granule has landed.
     */
    public void submit(boolean toDevice, Bytes size, Bytes granule, EventHandler done, long arg) {
        if (size.bytes() <= 0) {
            throw new IllegalArgumentException("copy size must be > 0 bytes; got " + size);
        }
        if (granule.bytes() <= 0 || granule.bytes() > (1L << 30)) {
            throw new IllegalArgumentException("copy granule must be between 1 B and 1 GiB; got " + granule);
        }
        queue.add(new Copy(toDevice, size.bytes(), granule.bytes(), done, arg));
        if (current == null) {
            startNext();
        }
    }

    private void startNext() {
        current = queue.poll();
        if (current == null) {
            return;
        }
        issuedBytes = 0;
        inflight = 0;
        sim.scheduleAtNanos(sim.nowNanos() + setup, EventPhase.DEVICE, setupDone, 0);
    }

    private void issue() {
        Copy c = current;
        while (inflight < inflightLimit && issuedBytes < c.size) {
            long g = Math.min(c.granule, c.size - issuedBytes);
            issuedBytes += g;
            inflight++;
            if (c.toDevice) {
                link.dmaRead(g, granuleDone, 0);
            } else {
                link.dmaWrite(g, granuleDone, 0);
            }
        }
    }

    private void onGranuleDone() {
        inflight--;
        Copy c = current;
        if (issuedBytes < c.size) {
            issue();
        } else if (inflight == 0) {
            copies++;
            bytesCopied += c.size;
            current = null;
            if (c.done != null) {
                sim.scheduleAtNanos(sim.nowNanos(), EventPhase.DEVICE, c.done, c.arg);
            }
            startNext();
        }
    }

    private record Copy(boolean toDevice, long size, long granule, EventHandler done, long arg) {
    }
}
