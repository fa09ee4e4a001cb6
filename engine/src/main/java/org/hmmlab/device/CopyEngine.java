package org.hmmlab.device;

import java.util.ArrayDeque;

import org.hmmlab.pcie.PcieLink;
import org.hmmlab.sim.EventHandler;
import org.hmmlab.sim.EventPhase;
import org.hmmlab.sim.Simulator;
import org.hmmlab.units.Bandwidth;
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
 *
 * <p>A host-to-device copy from pageable memory ({@link #submitPageable}) cannot be read by DMA where it
 * lies: the driver copies it with the CPU, piece by piece, into pinned staging memory and the engine DMAs
 * what has been staged (up to a 2 MiB granule per read), so the CPU's copy of the next piece overlaps the
 * DMA of the ones before (CUDA runtime API, "API synchronization behavior": a pageable host-to-device copy
 * returns once the data is in staging memory). Pieces become available at the CPU's memcpy rate; when that
 * is below the link's, the engine waits on the CPU and the copy's GPU-side duration stretches to the memcpy
 * time; when it is above, the engine finds many pieces staged at each read and the copy approaches a pinned
 * one. Staging memory is taken as large enough never to stall the CPU.
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
    private final EventHandler staged = this::onStaged;

    private Copy current;
    private long currentSeq;
    private long stagedWakeAt = -1;
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
        queue.add(new Copy(toDevice, size.bytes(), granule.bytes(), done, arg, 0, null, 0));
        if (current == null) {
            startNext();
        }
    }

    /**
     * Queues a host-to-device copy of {@code size} bytes from pageable memory: from now on the CPU copies it
     * into pinned staging memory in pieces of {@code chunk} bytes at {@code memcpy}, and the engine DMAs what
     * is staged, piece by piece or many at once. The copy reaches the engine (its set-up starts) when the first piece is staged;
     * {@code done} runs when the last piece has landed.
     */
    public void submitPageable(Bytes size, Bytes chunk, Bandwidth memcpy, EventHandler done, long arg) {
        if (size.bytes() <= 0) {
            throw new IllegalArgumentException("copy size must be > 0 bytes; got " + size);
        }
        if (chunk.bytes() <= 0 || chunk.bytes() > (1L << 30)) {
            throw new IllegalArgumentException("staging chunk must be between 1 B and 1 GiB; got " + chunk);
        }
        queue.add(new Copy(true, size.bytes(), GRANULE_2M.bytes(), done, arg, sim.nowNanos(), memcpy, chunk.bytes()));
        if (current == null) {
            startNext();
        }
    }

    /** When a pageable copy's first {@code bytes} are in staging memory. */
    private static long stagedAt(Copy c, long bytes) {
        return c.submitted + c.memcpy.timeToTransfer(Bytes.of(bytes)).nanos();
    }

    /** Bytes of a pageable copy staged by {@code now}: whole pieces only, or all of it. */
    private static long stagedBy(Copy c, long now) {
        long copied = c.memcpy.bytesIn(SimDuration.ns(now - c.submitted)).bytes();
        return copied >= c.size ? c.size : copied / c.chunk * c.chunk;
    }

    private void startNext() {
        current = queue.poll();
        if (current == null) {
            return;
        }
        currentSeq++;
        stagedWakeAt = -1;
        issuedBytes = 0;
        inflight = 0;
        long start = sim.nowNanos();
        if (current.memcpy != null) {
            start = Math.max(start, stagedAt(current, Math.min(current.chunk, current.size)));
        }
        sim.scheduleAtNanos(start + setup, EventPhase.DEVICE, setupDone, 0);
    }

    private void onStaged(long seq) {
        stagedWakeAt = -1;
        if (seq == currentSeq && current != null) {
            issue();
        }
    }

    private void issue() {
        Copy c = current;
        while (inflight < inflightLimit && issuedBytes < c.size) {
            long g = Math.min(c.granule, c.size - issuedBytes);
            if (c.memcpy != null) {
                // the engine reads whatever is staged, up to a granule; nothing staged yet: wait for the next piece
                g = Math.min(g, stagedBy(c, sim.nowNanos()) - issuedBytes);
                if (g <= 0) {
                    long ready = stagedAt(c, Math.min(c.size, (issuedBytes / c.chunk + 1) * c.chunk));
                    if (stagedWakeAt != ready) {
                        stagedWakeAt = ready;
                        sim.scheduleAtNanos(ready, EventPhase.DEVICE, staged, currentSeq);
                    }
                    return;
                }
            }
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

    /**
     * A queued copy; {@code memcpy} is null for pinned memory, else the CPU rate staging it in {@code chunk}
     * pieces from {@code submitted}.
     */
    private record Copy(boolean toDevice, long size, long granule, EventHandler done, long arg, long submitted,
                        Bandwidth memcpy, long chunk) {
    }
}
