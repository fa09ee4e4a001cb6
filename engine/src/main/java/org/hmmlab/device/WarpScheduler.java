package org.hmmlab.device;

import java.util.Arrays;

import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.Counters;
import org.hmmlab.metrics.RunMetrics;
import org.hmmlab.metrics.Stage;
import org.hmmlab.metrics.TraceEvent;
import org.hmmlab.pcie.Iommu;
import org.hmmlab.pcie.PcieLink;
import org.hmmlab.platform.GpuProfile;
import org.hmmlab.platform.HostProfile;
import org.hmmlab.policy.Evictor;
import org.hmmlab.sim.EventHandler;
import org.hmmlab.sim.EventPhase;
import org.hmmlab.sim.Simulator;
import org.hmmlab.workload.AccessStream;
import org.hmmlab.workload.AccessType;
import org.hmmlab.workload.ThreadBlockStream;

/**
 * The GPU's warps running a phase: each takes the stream's accesses in turn (or, when the phase is a grid of thread
 * blocks, its resident block's, each block on its own part of the data), translates them through its SM's
 * micro-TLB, the device TLB and the device page table, and either completes them (device memory, or host memory
 * over the link) or stalls on a fault, which the MMU writes into the {@link FaultBuffer} (or, on the ATS path,
 * turns into a translation request).
 *
 * <p>Warps are simulated in quanta: within one event the runnable warps issue accesses on their own clocks up to
 * {@link RunAhead#QUANTUM_NS} ahead, so TLB hits cost no event at all; faults, remote accesses and replays are
 * events. A faulting warp stalls; the others keep running. Nothing is allocated per access.
 *
 * <p>The run-ahead never crosses an event: a quantum ends before the next pending event of the simulator and before
 * the earliest moment an access issued inside it could change a translation (its own fault's service, an ATS
 * translation it requested). So an invalidation at time T (a migration, an eviction, a CPU write collapsing a
 * duplicate, any MMU-notifier callback) finds no warp that has already used the old translation after T, as in the
 * kernel, where mmu_interval_notifier's invalidate must stop device access before the range changes
 * (include/linux/mmu_notifier.h, mm/hmm.c).
 */
public final class WarpScheduler {

    /** Warp state: runnable. */
    public static final byte RUN = 0;
    /** Warp state: stalled on a fault reported to the fault buffer (or merged into one its uTLB reported). */
    public static final byte FAULTED = 1;
    /** Warp state: stalled on a fault that was not reported (uTLB cap, buffer full); it retries at the next replay. */
    public static final byte WAIT_REPLAY = 2;
    /** Warp state: waiting for a remote access over the link. */
    public static final byte REMOTE = 3;
    /** Warp state: no access left in the phase. */
    public static final byte DONE = 4;
    /** Warp state: waiting for an ATS translation. */
    public static final byte TRANSLATING = 5;
    /** Warp state: waiting for the response to its PRI page request. */
    public static final byte WAIT_PRI = 6;
    /** Warp state: held back by the driver's thrashing throttle until a set time. */
    public static final byte THROTTLED = 7;

    private static final int STAGES = Stage.values().length;

    /** What a remote access that completed tells the GPU's access counters. */
    @FunctionalInterface
    public interface RemoteAccessListener {

        /** Warp access to host-resident {@code page} completed over the link at {@code nowNanos}. */
        void remoteAccessDone(long page, boolean write, long nowNanos);
    }

    private final Simulator sim;
    private final GpuProfile g;
    private final PcieLink link;
    private final FaultPath path;
    private final DevicePageTable pt;
    private final DeviceTlb tlb;
    private final MicroTlb utlb;
    private final FaultBuffer faults;
    private final Counters counters;
    private final RunMetrics metrics;
    /** The evictor when it wants to hear of device-memory accesses (an LRU), else null. */
    private final Evictor accessObserver;
    /** Device memory's bandwidth over simulated time. */
    private final BandwidthSlots memory;
    private final long tlbHitNanos;
    private final long walkNanos;
    private final long localLatencyNanos;
    /** The quantum, shortened to the lookahead when an access could change a translation sooner. */
    private final long quantumNanos;
    private final RunAhead runAhead;
    private final EventHandler remoteStart = this::onRemoteStart;
    private final EventHandler remoteDone = this::onRemoteDone;
    private final EventHandler remoteIssue = this::issueRemote;
    /** The host IOMMU when it translates, else null: the device's untranslated requests look its IOTLB up. */
    private Iommu iommu;
    private EventHandler atsStart;
    private RemoteAccessListener remoteListener;

    private int warps;
    private long[] ready = new long[0];
    private byte[] wstate = new byte[0];
    private final AccessPieces pieces = new AccessPieces();
    private long[] faultAt = new long[0];
    private long[] faultPage = new long[0];
    private boolean[] inBuffer = new boolean[0];
    /**
     * Whether the warp's current access is the retry of one that faulted (or needed a translation): when it
     * completes in device memory it is the page's insertion, not a re-reference, and the evictor is not told.
     */
    private boolean[] retrying = new boolean[0];
    private int[] runQueue = new int[0];
    private int runHead;
    private int runCount;
    private AccessStream stream;
    /**
     * When the phase is a grid of thread blocks: one cursor per resident block, warp {@code w} belonging to block
     * {@code w / warpsPerBlock}; else null, and every warp takes the next access of the one {@link #stream}.
     */
    private ThreadBlockStream[] blocks;
    private int warpsPerBlock;
    private long accessesPerBlock;
    private long gridAccesses;
    /** The grid's next thread block to launch when a resident block has issued all of its accesses. */
    private long nextBlock;
    private long phaseBase;
    private int doneWarps;
    private long lastFinish;
    private EventHandler phaseDone;
    private final long[] stageScratch = new long[STAGES];
    /** Warps stalled on a replayable fault (FAULTED or WAIT_REPLAY), one bit each: a replay visits only these. */
    private long[] stalled = new long[0];
    /** The latencies of the faults one replay completes, recorded together. */
    private long[] replayed = new long[0];

    WarpScheduler(Simulator sim, GpuProfile g, HostProfile h, PcieLink link, FaultPath path, DevicePageTable pt,
                  DeviceTlb tlb, FaultBuffer faults, RunMetrics metrics, Evictor accessObserver) {
        this.sim = sim;
        this.g = g;
        this.link = link;
        this.path = path;
        this.pt = pt;
        this.tlb = tlb;
        this.utlb = new MicroTlb(g.sms(), g.utlbOutstandingFaults());
        this.faults = faults;
        this.metrics = metrics;
        this.counters = metrics.counters();
        this.accessObserver = accessObserver;
        this.memory = new BandwidthSlots(g.localBandwidth());
        this.tlbHitNanos = g.tlbHitLatency().nanos();
        this.walkNanos = g.pageWalkLatency().nanos();
        this.localLatencyNanos = g.localLatency().nanos();
        this.quantumNanos = Math.max(1, Math.min(RunAhead.QUANTUM_NS, lookaheadNanos(h)));
        this.runAhead = new RunAhead(sim, EventPhase.DEVICE, this::onIssue);
    }

    /** Where translation misses on the ATS path go, and who hears of completed remote accesses. */
    void connect(EventHandler atsStartHandler, RemoteAccessListener remote) {
        this.atsStart = atsStartHandler;
        this.remoteListener = remote;
    }

    /** The device's reads and writes of host memory pass through {@code translating}'s IOTLB. */
    void throughIommu(Iommu translating) {
        this.iommu = translating;
    }

    /**
     * Runs a GPU phase: {@code concurrency} warps (at most the GPU's resident warps) take the stream's accesses in
     * turn; the allocation starts at {@code allocationFirstPage}. {@code done} runs when the last access has
     * completed.
     */
    void runPhase(AccessStream accesses, long allocationFirstPage, int concurrency, EventHandler done) {
        this.stream = accesses;
        this.phaseBase = allocationFirstPage;
        this.phaseDone = done;
        this.warps = Math.max(1, Math.min(concurrency, g.warps()));
        if (ready.length < warps) {
            ready = new long[warps];
            wstate = new byte[warps];
            faultAt = new long[warps];
            faultPage = new long[warps];
            runQueue = new int[warps];
            inBuffer = new boolean[warps];
            retrying = new boolean[warps];
            stalled = new long[(warps + 63) >>> 6];
            replayed = new long[warps];
        }
        Arrays.fill(stalled, 0);
        dealThreadBlocks(accesses);
        utlb.ensureWarps(warps, warpsPerBlock);
        long now = sim.nowNanos();
        runHead = 0;
        runCount = 0;
        pieces.reset(warps);
        for (int w = 0; w < warps; w++) {
            ready[w] = now;
            wstate[w] = RUN;
            utlb.forget(w);
            inBuffer[w] = false;
            runQueue[runCount++] = w;
        }
        doneWarps = 0;
        lastFinish = now;
        runAhead.schedule(now);
    }

    /**
     * A grid of thread blocks gets as many resident blocks as the phase's warps hold, each with its own cursor on
     * the grid's blocks 0, 1, 2 ... in launch order; any other stream is shared by all warps, in blocks of
     * {@link MicroTlb#WARPS_PER_BLOCK} warps for the SMs' micro-TLBs. Mirrors the CUDA block scheduler: blocks are
     * dispatched in launch order while an SM has room, and a finished block's room goes to the next one.
     */
    private void dealThreadBlocks(AccessStream accesses) {
        if (!(accesses instanceof ThreadBlockStream grid)) {
            blocks = null;
            warpsPerBlock = MicroTlb.WARPS_PER_BLOCK;
            return;
        }
        warpsPerBlock = Math.min(grid.warpsPerBlock(), warps);
        accessesPerBlock = grid.accessesPerBlock();
        gridAccesses = grid.length();
        int resident = Math.ceilDiv(warps, warpsPerBlock);
        blocks = new ThreadBlockStream[resident];
        for (int b = 0; b < resident; b++) {
            blocks[b] = b == 0 ? grid : grid.fork();
            blocks[b].seek(blockStart(b), blockStart(b + 1L));
        }
        nextBlock = resident;
    }

    /** The grid's first access of thread block {@code b}, or the grid's end when there is no such block. */
    private long blockStart(long b) {
        return b >= Math.ceilDiv(gridAccesses, accessesPerBlock) ? gridAccesses : b * accessesPerBlock;
    }

    /**
     * Warp {@code w} takes its next access: from its thread block's cursor, which moves to the grid's next block
     * when its own has none left; or from the shared stream. False when nothing is left for it.
     */
    private boolean nextAccess(int w) {
        if (blocks == null) {
            return pieces.next(w, stream, phaseBase);
        }
        ThreadBlockStream s = blocks[w / warpsPerBlock];
        while (!s.next()) {
            long first = blockStart(nextBlock);
            if (first >= gridAccesses) {
                return false;
            }
            nextBlock++;
            s.seek(first, blockStart(nextBlock));
        }
        pieces.start(w, phaseBase, s.offset(), s.size(), s.type() != AccessType.READ);
        return true;
    }

    /** Warp {@code w} stalls on a replayable fault in state {@code s} (FAULTED or WAIT_REPLAY). */
    private void stall(int w, byte s) {
        wstate[w] = s;
        stalled[w >>> 6] |= 1L << w;
    }

    /** Warp {@code w} leaves any stall for state {@code s}. */
    private void unstall(int w, byte s) {
        wstate[w] = s;
        stalled[w >>> 6] &= ~(1L << w);
    }

    private void enqueue(int w) {
        int tail = runHead + runCount;
        runQueue[tail >= warps ? tail - warps : tail] = w;
        runCount++;
    }

    /** Warp {@code w} becomes runnable at {@code at}. */
    public void wake(int w, long at) {
        unstall(w, RUN);
        ready[w] = at;
        enqueue(w);
        runAhead.schedule(at);
    }

    /** Warp {@code w} stays held back until {@code until} by the driver's throttle, then runs. */
    public void throttle(int w, long until) {
        unstall(w, THROTTLED);
        sim.scheduleAtNanos(until, EventPhase.DEVICE, a -> wake(w, sim.nowNanos()), 0);
    }

    /** Warps of the running phase. */
    public int warps() {
        return warps;
    }

    public byte state(int w) {
        return wstate[w];
    }

    /** Warp {@code w} waits for the response to its PRI page request. */
    void waitPri(int w) {
        wstate[w] = WAIT_PRI;
    }

    /** Whether warp {@code w}'s current access writes. */
    public boolean writes(int w) {
        return pieces.write(w);
    }

    /** The page warp {@code w} last faulted on (or asked a translation for). */
    public long faultPage(int w) {
        return faultPage[w];
    }

    /** When warp {@code w} last faulted (or asked a translation). */
    long faultAt(int w) {
        return faultAt[w];
    }

    /** Warp {@code w}'s fault entry left the fault buffer (fetched or flushed). */
    public void leftBuffer(int w) {
        inBuffer[w] = false;
    }

    private void onIssue(long gen) {
        if (!runAhead.begin(gen)) {
            return;
        }
        long limit = runAhead.limit(sim.nowNanos(), quantumNanos);
        long nextReady = Long.MAX_VALUE;
        int n = runCount;
        long accesses = 0;
        long hits = 0;
        long misses = 0;
        for (int k = 0; k < n; k++) {
            int w = runQueue[runHead];
            runHead = runHead + 1 == warps ? 0 : runHead + 1;
            runCount--;
            // the warp's clock, kept in a local while the warp issues and written back wherever it stops
            long clock = ready[w];
            while (true) {
                if (clock >= limit) {
                    ready[w] = clock;
                    enqueue(w);
                    nextReady = Math.min(nextReady, clock);
                    break;
                }
                // an access that spans pages is issued one page-sized piece at a time
                if (!pieces.pending(w) && !nextAccess(w)) {
                    ready[w] = clock;
                    wstate[w] = DONE;
                    doneWarps++;
                    lastFinish = Math.max(lastFinish, clock);
                    break;
                }
                // --- one access ---
                long page = pieces.page(w);
                int i = pt.idx(page);
                byte e = pt.pte(i);
                boolean write = pieces.write(w);
                long t = clock;
                boolean mapped = DevicePageTable.allows(e, write);
                long tag = tlb.tagOf(page);
                // the SM's micro-TLB holds the warp's last translation until the next invalidation
                boolean warpHit = utlb.holds(w, tag, tlb.epoch());
                boolean hit = warpHit || tlb.lookup(page);
                boolean local = (e & DevicePageTable.LOCAL) != 0;
                if (mapped && (hit || local || path == FaultPath.REPLAYABLE_BUFFER)) {
                    if (hit) {
                        hits++;
                        t += tlbHitNanos;
                    } else {
                        misses++;
                        t += walkNanos;
                        tlb.insert(page);
                    }
                    if (!warpHit) {
                        utlb.remember(w, tag, tlb.epoch()); // a micro-TLB hit holds this translation already
                    }
                    accesses++;
                    if (local) {
                        long size = pieces.size(w);
                        clock = memory.reserveStart(t, size) + localLatencyNanos;
                        pieces.complete(w, size);
                        if (accessObserver != null) {
                            accessObserver.onDeviceAccess(0, page, write, retrying[w], t);
                        }
                        retrying[w] = false;
                        continue;
                    }
                    // mapped to host memory: a remote (zero-copy) access over the link
                    ready[w] = clock;
                    wstate[w] = REMOTE;
                    sim.scheduleAtNanos(t, EventPhase.DEVICE, remoteStart, w);
                    break;
                }
                ready[w] = clock;
                if (!hit) {
                    misses++;
                }
                if (path == FaultPath.ATS_PRI && !local) {
                    // ATC miss (or a stale cached translation): ask the IOMMU
                    wstate[w] = TRANSLATING;
                    retrying[w] = true;
                    faultAt[w] = t;
                    faultPage[w] = page;
                    sim.scheduleAtNanos(t, EventPhase.DEVICE, atsStart, w);
                    break;
                }
                raiseReplayableFault(w, page, write, t + walkNanos);
                break;
            }
        }
        counters.add(Counter.ACCESSES, accesses);
        counters.add(Counter.TLB_HITS, hits);
        counters.add(Counter.TLB_MISSES, misses);
        if (runCount > 0) {
            runAhead.schedule(Math.max(nextReady, limit));
        } else if (doneWarps == warps) {
            EventHandler d = phaseDone;
            phaseDone = null;
            if (d != null) {
                sim.scheduleAtNanos(Math.max(lastFinish, sim.nowNanos()), EventPhase.DEVICE, d, 0);
            }
        }
    }

    /**
     * The shortest time from an access issued in a quantum to the first event it causes that can change a
     * translation other warps read: a fault reaches the host's service a walk, a fault report and the handler's
     * entry later; a remote access completes at least a one-way link latency later and may then queue an
     * access-counter notification, serviced after the handler's entry; on the ATS path an ATS translation writes
     * the device PTE after a request, the IOMMU walk and a completion. Events an access schedules sooner (starting
     * its own remote transfer or ATS request) touch only the link and the warp itself.
     */
    private long lookaheadNanos(HostProfile h) {
        long oneWay = link.config().oneWayLatency().nanos();
        long entry = path == FaultPath.REPLAYABLE_BUFFER ? h.faultEntry().nanos() : h.priDispatch().nanos();
        long lookahead = Math.min(walkNanos + g.faultReport().nanos() + entry, oneWay + entry);
        if (path == FaultPath.ATS_PRI) {
            lookahead = Math.min(lookahead, 2 * oneWay + h.iommuWalk().nanos());
        }
        return lookahead;
    }

    // --- remote accesses ----------------------------------------------------------------------------------------

    private void onRemoteStart(long w) {
        // an untranslated request (the fault-buffer path's GPUs send no ATS requests) is translated by the host
        // IOMMU on its way to memory: an IOTLB miss adds its walk. On the ATS path the request carries the
        // translation the ATC holds and skips the IOMMU's
        if (iommu != null && path == FaultPath.REPLAYABLE_BUFFER) {
            long walk = iommu.deviceAccess(pieces.page((int) w));
            if (walk > 0) {
                sim.scheduleAtNanos(sim.nowNanos() + walk, EventPhase.DEVICE, remoteIssue, w);
                return;
            }
        }
        issueRemote(w);
    }

    private void issueRemote(long w) {
        int wi = (int) w;
        if (pieces.write(wi)) {
            link.dmaWrite(pieces.size(wi), remoteDone, w);
        } else {
            link.dmaRead(pieces.size(wi), remoteDone, w);
        }
    }

    private void onRemoteDone(long w) {
        int wi = (int) w;
        counters.increment(Counter.REMOTE_ACCESSES); // already counted in ACCESSES when it was issued
        long page = pieces.page(wi);
        pieces.complete(wi);
        retrying[wi] = false;
        remoteListener.remoteAccessDone(page, pieces.write(wi), sim.nowNanos());
        wake(wi, sim.nowNanos());
    }

    // --- replayable faults ----------------------------------------------------------------------------------------

    private void raiseReplayableFault(int w, long page, boolean write, long t) {
        retrying[w] = true;
        faultAt[w] = t;
        faultPage[w] = page;
        int sm = utlb.smOf(w);
        if (utlb.faultOutstanding(sm, page)) {
            stall(w, FAULTED); // the uTLB already has this page's fault outstanding: wait for its replay
            inBuffer[w] = false;
            counters.increment(Counter.UTLB_MERGED_FAULTS);
            return;
        }
        if (!utlb.report(sm, page)) {
            stall(w, WAIT_REPLAY); // the uTLB stops reporting; the warp retries at the next replay
            return;
        }
        stall(w, FAULTED);
        counters.increment(Counter.FAULTS);
        if (metrics.tracing()) {
            metrics.trace(new TraceEvent.FaultRaised(t, w, page, write));
        }
        // the entry becomes visible to the host faultReport later; the handler only takes arrived entries
        if (writeFault(page, write, w, t + g.faultReport().nanos())) {
            return;
        }
        stall(w, WAIT_REPLAY); // buffer overflow: the fault is lost and replayed later
    }

    /** The MMU writes warp {@code w}'s fault into the fault buffer; false when the buffer is full. */
    boolean writeFault(long page, boolean write, int w, long arrive) {
        if (!faults.write(page, write, w, arrive)) {
            return false;
        }
        inBuffer[w] = true;
        return true;
    }

    /**
     * A replay reaches the GPU at {@code now}: every stalled warp retries. Those whose page is now mapped record their
     * fault with the servicing batch's {@code stage} times; those whose entry is still queued stay stalled (their
     * uTLB reports it again); a page the driver throttled holds its warps back until the throttle ends.
     */
    public void replay(long now, long[] stage) {
        utlb.clearOutstanding();
        int completed = 0;
        boolean anyThrottle = pt.latestThrottle() > now; // else no page is held back now

        // the stalled warps in ascending order, as a scan of every warp would meet them; a visit changes only the
        // visited warp's state
        for (int word = 0; word < stalled.length; word++) {
            long bits = stalled[word];
            while (bits != 0) {
                int w = (word << 6) + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                byte st = wstate[w];
                if (st != FAULTED && st != WAIT_REPLAY) {
                    stalled[word] &= ~(1L << w); // left its stall another way
                    continue;
                }
                long page = pieces.page(w);
                int i = pt.idx(page);
                boolean mapped = DevicePageTable.allows(pt.pte(i), pieces.write(w));
                long throttle = anyThrottle ? pt.throttleUntil(i) : 0;
                if (st == FAULTED && !mapped && throttle <= now && inBuffer[w]) {
                    utlb.report(utlb.smOf(w), page); // its entry is still queued: it stays stalled
                    continue;
                }
                if (st == FAULTED && mapped) {
                    long total = now - faultAt[w];
                    replayed[completed++] = total;
                    if (metrics.tracing()) {
                        metrics.trace(new TraceEvent.Replayed(now, w, faultPage[w], total));
                    }
                }
                if (throttle > now) {
                    throttle(w, throttle);
                } else {
                    wake(w, now);
                }
            }
        }
        if (completed > 0) {
            metrics.faults().record(replayed, completed, faultStages(stage), Stage.QUEUEING);
        }
    }

    /** The servicing batch's {@code stage} times plus the fault report's transport: what every fault it serves shares. */
    private long[] faultStages(long[] stage) {
        System.arraycopy(stage, 0, stageScratch, 0, STAGES);
        long transport = path == FaultPath.REPLAYABLE_BUFFER ? g.faultReport().nanos() : 0;
        stageScratch[Stage.FAULT_TRANSPORT.ordinal()] += transport;
        return stageScratch;
    }

    /**
     * Warp {@code w}'s fault completed at {@code now}: its latency goes into the fault histogram, split by the
     * servicing batch's {@code stage} times plus the report's transport, the rest counted as queueing.
     */
    void recordFault(int w, long now, long[] stage) {
        long total = now - faultAt[w];
        replayed[0] = total;
        metrics.faults().record(replayed, 1, faultStages(stage), Stage.QUEUEING);
        if (metrics.tracing()) {
            metrics.trace(new TraceEvent.Replayed(now, w, faultPage[w], total));
        }
    }
}
