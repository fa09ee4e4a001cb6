package org.hmmlab.device;

import java.util.Arrays;

import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.Counters;
import org.hmmlab.metrics.RunMetrics;
import org.hmmlab.metrics.Stage;
import org.hmmlab.metrics.TraceEvent;
import org.hmmlab.pcie.Ats;
import org.hmmlab.pcie.PcieLink;
import org.hmmlab.pcie.Pri;
import org.hmmlab.platform.GpuProfile;
import org.hmmlab.platform.HostProfile;
import org.hmmlab.platform.Platform;
import org.hmmlab.policy.Decision;
import org.hmmlab.policy.Location;
import org.hmmlab.policy.MigrationCause;
import org.hmmlab.policy.MigrationPolicy;
import org.hmmlab.policy.MutableFaultContext;
import org.hmmlab.policy.PageMask;
import org.hmmlab.policy.Pages;
import org.hmmlab.sim.EventHandler;
import org.hmmlab.sim.EventPhase;
import org.hmmlab.sim.Simulator;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.AccessStream;
import org.hmmlab.workload.AccessType;

/**
 * A GPU attached over PCIe that mirrors a process's address space: warps issuing accesses, a device page table
 * kept in step with the CPU's, a device TLB (ATC), device memory with its bandwidth, and the two fault paths
 * ({@link FaultPath}): the NVIDIA-UVM replayable fault buffer with batching, and PCIe ATS/PRI.
 *
 * <p>Plays the role of an HMM device driver (the kernel's lib/test_hmm.c dmirror, nouveau's SVM, nvidia-uvm's
 * HMM mode): it mirrors the CPU page table through {@link HostMemory#mirror} (an MMU interval notifier) and
 * {@link HostMemory#rangeFault} (hmm_range_fault), and migrates pages into its memory when the
 * {@link MigrationPolicy} says so. Every cost is charged to a resource: the link's two directions, the copy
 * engines, the host's fault-servicing thread, device memory; so contention shows up as latency.
 *
 * <p>Access-counter notifications (a placement such as {@code AccessCounterPlacement} deciding to migrate after
 * remote accesses) have a notification buffer of their own, as in nvidia-uvm: they never count as faults, the
 * fault buffer's flush leaves them alone, and they are serviced in batches of their own by the same host thread,
 * in the order the two bottom halves were queued.
 *
 * <p>Warps are simulated in quanta: within one event the runnable warps issue accesses on their own clocks up to
 * {@link #QUANTUM_NS} ahead, so TLB hits cost no event at all; faults, remote accesses and replays are events.
 * A faulting warp stalls; the others keep running. Per-page state lives in primitive arrays; nothing is
 * allocated per access.
 *
 * <p>The run-ahead never crosses an event: a quantum ends before the next pending event of the simulator and
 * before the earliest moment an access issued inside it could change a translation (its own fault's service, an
 * ATS translation it requested). So an invalidation at time T (a migration, an eviction, a CPU write collapsing a
 * duplicate, any MMU-notifier callback) finds no warp that has already used the old translation after T, as in the
 * kernel, where mmu_interval_notifier's invalidate must stop device access before the range changes
 * (include/linux/mmu_notifier.h, mm/hmm.c).
 */
public final class Gpu {

    /** How far warps may run ahead of the event clock within one issue event. */
    public static final long QUANTUM_NS = 2_000;

    /**
     * Warps per thread block: the block scheduler deals whole blocks to the SMs in turn, so warps {@code 0..7} share
     * SM 0's micro-TLB, {@code 8..15} SM 1's. 8 warps are a 256-thread block, the most common CUDA launch shape [A].
     */
    static final int WARPS_PER_BLOCK = 8;

    // device PTE bits
    static final byte VALID = 1;
    static final byte WRITE = 2;
    static final byte LOCAL = 4;
    // residency codes
    static final byte R_UNPOPULATED = 0;
    static final byte R_HOST = 1;
    static final byte R_GPU = 2;
    /** Read-mostly duplicate: the master copy stays in host memory (still mapped by the CPU), a read-only copy is
     * in device memory. A write by either side collapses it. */
    static final byte R_DUP = 3;
    // warp states
    private static final byte RUN = 0;
    private static final byte FAULTED = 1;
    private static final byte WAIT_REPLAY = 2;
    private static final byte REMOTE = 3;
    private static final byte DONE = 4;
    private static final byte TRANSLATING = 5;
    private static final byte WAIT_PRI = 6;
    private static final byte THROTTLED = 7;
    private static final byte IDLE = 8;

    private static final int STAGES = Stage.values().length;

    private final Simulator sim;
    private final GpuProfile g;
    private final HostProfile h;
    private final PcieLink link;
    private final Ats ats;
    private final Pri pri;
    private final CopyEngine[] engines;
    private final DeviceTlb tlb;
    private final HostMemory host;
    private final MigrationPolicy policy;
    private final FaultPath path;
    private final RunMetrics metrics;
    private final Counters counters;
    private final MutableFaultContext ctx;

    // page space: [basePage, basePage + span)
    private long basePage = -1;
    private int span;
    private byte[] pte = new byte[0];
    private byte[] resid = new byte[0];
    private long[] throttleUntil = new long[0];
    /**
     * The pending device mapping of each page: the id of the {@link Landing} that will map it once its copy has
     * landed, 0 when none. A page with a landing pending is resident on the device for the driver and for the CPU's
     * page table, but the device cannot use it yet: its PTE is written by a push ordered after the copy.
     */
    private int[] landing = new int[0];
    private int landingSeq;
    /** The landings of the VA block a service is migrating, mapped together when its PTE update is charged. */
    private Landing[] blockLandings = new Landing[8];
    private int blockLandingCount;
    /** CPU threads waiting on a page's migration entry until its landing: page, resume handler, argument. */
    private long[] waitPage = new long[4];
    private EventHandler[] waitHandler = new EventHandler[4];
    private long[] waitArg = new long[4];
    private int waiters;
    /**
     * Access-counter notifications queued and not yet serviced, indexed by the first page of the notified region
     * (within its 2 MiB block): the policy's prebuilt decision. Until the host has serviced a notification its
     * counter is not re-armed (the driver clears the counters of a batch only after servicing it,
     * access_counter_clear_notifications() in uvm_gpu_access_counters.c), so the region raises no second
     * notification meanwhile.
     */
    private Decision[] notified = new Decision[0];
    private long[] allocFirst = new long[0];
    private long[] allocEnd = new long[0];
    private final long capacityPages;
    private long usedPages;

    // warps of the running GPU phase
    private int warps;
    private long[] ready = new long[0];
    private byte[] wstate = new byte[0];
    private final AccessPieces pieces = new AccessPieces();
    private long[] faultAt = new long[0];
    private long[] faultPage = new long[0];
    private int[] faultBatch = new int[0];
    private boolean[] inBuffer = new boolean[0];
    private long[] utlbTag = new long[0];
    private long[] utlbEpoch = new long[0];
    private int[] smOutstanding;
    private long[] smPages;
    private int[] runQueue = new int[0];
    private int runHead;
    private int runCount;
    private AccessStream stream;
    private long phaseBase;
    private int doneWarps;
    private long lastFinish;
    private EventHandler phaseDone;
    private long issueGen;
    private long nextIssueAt = Long.MAX_VALUE;
    private final EventHandler issueHandler = this::onIssue;
    private final EventHandler remoteStart = this::onRemoteStart;
    private final EventHandler remoteDone = this::onRemoteDone;
    private final EventHandler atsStart = this::onAtsStart;
    /** Device memory's bandwidth over simulated time. */
    private final BandwidthSlots memory;
    private final long tlbHitNanos;
    private final long walkNanos;
    private final long localLatencyNanos;
    /** The quantum, shortened to the lookahead when an access could change a translation sooner. */
    private final long quantumNanos;
    private final boolean evictorWantsAccesses;

    // fault buffer (replayable path) or PRI queue (ATS path): a ring of entries
    private final int bufCapacity;
    private final long[] bufPage;
    private final boolean[] bufWrite;
    private final int[] bufWarp;
    private final long[] bufArrive;
    private int bufHead;
    private int bufCount;
    /** The host's fault-servicing thread (the GPU's one bottom-half queue, "UVM GPU%u BH") is taken. */
    private boolean hostBusy;
    /** A fault batch has been serviced and its replay has not reached the GPU yet: the fault buffer waits for it. */
    private boolean replayPending;
    /** Fault batches, and batches with throttled faults, serviced in the fault handler's current run. */
    private int runBatches;
    private int runThrottled;
    /** When the fault handler last ended a run with faults left: its bottom half queued again then. */
    private long faultRequeuedAt;
    /** When the last batch's BATCH_FLUSH flushed the fault buffer: entries that arrived later survive the flush. */
    private long flushedAt;
    private int batchSeq;
    private long[] keys;
    private long[] uniq;
    private boolean[] uniqWrite;
    private long[] uniqArrive;
    // access-counter notification buffer: a ring of its own, apart from the fault buffer (uvm_gpu_access_counters.c)
    private final int noteCapacity;
    private final long[] notePage;
    private final long[] noteArrive;
    private int noteHead;
    private int noteCount;
    // ATS path: per-page outstanding page request, and its arrival at the host
    private boolean[] priPending = new boolean[0];

    private final long[] blockMask = PageMask.create();
    private final long[] prefetchMask = PageMask.create();
    private final long[] residentMask = PageMask.create();
    private final long[] outMask = PageMask.create();
    private int nextEngine;

    public Gpu(Simulator sim, Platform platform, PcieLink link, HostMemory host, MigrationPolicy policy,
               FaultPath path, RunMetrics metrics) {
        this.sim = sim;
        this.g = platform.gpu();
        this.h = platform.host();
        this.link = link;
        this.ats = new Ats(sim, link);
        this.pri = new Pri(link);
        this.host = host;
        this.policy = policy;
        this.path = path;
        this.metrics = metrics;
        this.counters = metrics.counters();
        this.engines = new CopyEngine[g.copyEngines()];
        for (int i = 0; i < engines.length; i++) {
            engines[i] = new CopyEngine(sim, link, i, g.copySetup(), g.copyInflightGranules());
        }
        this.tlb = new DeviceTlb(g.tlbEntries(), Long.numberOfTrailingZeros(g.tlbPageSize().bytes() >>> 12));
        this.capacityPages = g.vram().bytes() >>> 12;
        this.ctx = new MutableFaultContext(this::contextResidency, () -> capacityPages - usedPages, capacityPages);
        this.memory = new BandwidthSlots(g.localBandwidth());
        this.evictorWantsAccesses = policy.evictor().wantsAccesses();
        this.tlbHitNanos = g.tlbHitLatency().nanos();
        this.walkNanos = g.pageWalkLatency().nanos();
        this.localLatencyNanos = g.localLatency().nanos();
        this.quantumNanos = Math.max(1, Math.min(QUANTUM_NS, lookaheadNanos()));
        this.smOutstanding = new int[g.sms()];
        this.smPages = new long[g.sms() * g.utlbOutstandingFaults()];
        this.bufCapacity = path == FaultPath.REPLAYABLE_BUFFER ? g.faultBufferEntries() : 1 << 16;
        this.bufPage = new long[bufCapacity];
        this.bufWrite = new boolean[bufCapacity];
        this.bufWarp = new int[bufCapacity];
        this.bufArrive = new long[bufCapacity];
        this.noteCapacity = g.accessCounterBufferEntries();
        this.notePage = new long[noteCapacity];
        this.noteArrive = new long[noteCapacity];
        // one set of batch scratch arrays: a fault batch and a notification batch never run at once
        int batch = Math.max(g.faultBatchCount(), g.accessCounterBatchCount());
        this.keys = new long[batch];
        this.uniq = new long[batch];
        this.uniqWrite = new boolean[batch];
        this.uniqArrive = new long[batch];
    }

    public FaultPath path() {
        return path;
    }

    public Ats ats() {
        return ats;
    }

    public long residentPages() {
        return usedPages;
    }

    // ---------------------------------------------------------------------------------------------------------
    // address space

    /** Mirrors a managed allocation of {@code pages} pages that starts at {@code firstPage}. */
    public void attach(long firstPage, long pages) {
        long end = firstPage + pages;
        long newBase = basePage < 0 ? firstPage : Math.min(basePage, firstPage);
        long newEnd = Math.max(basePage < 0 ? end : basePage + span, end);
        // round the page space out to whole 2 MiB blocks so that block-wide masks index safely
        newBase &= -(long) Pages.PAGES_PER_BLOCK;
        newEnd = Math.ceilDiv(newEnd, Pages.PAGES_PER_BLOCK) * Pages.PAGES_PER_BLOCK;
        if (newEnd - newBase > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("mirrored allocations span more than 8 TiB");
        }
        int newSpan = (int) (newEnd - newBase);
        int shift = basePage < 0 ? 0 : (int) (basePage - newBase);
        pte = grow(pte, shift, newSpan);
        resid = grow(resid, shift, newSpan);
        long[] t = new long[newSpan];
        System.arraycopy(throttleUntil, 0, t, shift, throttleUntil.length);
        throttleUntil = t;
        int[] l = new int[newSpan];
        System.arraycopy(landing, 0, l, shift, landing.length);
        landing = l;
        Decision[] nd = new Decision[newSpan];
        System.arraycopy(notified, 0, nd, shift, notified.length);
        notified = nd;
        boolean[] p = new boolean[newSpan];
        System.arraycopy(priPending, 0, p, shift, priPending.length);
        priPending = p;
        basePage = newBase;
        span = newSpan;
        allocFirst = Arrays.copyOf(allocFirst, allocFirst.length + 1);
        allocEnd = Arrays.copyOf(allocEnd, allocEnd.length + 1);
        allocFirst[allocFirst.length - 1] = firstPage;
        allocEnd[allocEnd.length - 1] = end;
        host.mirror(firstPage, pages, this::invalidate);
    }

    private static byte[] grow(byte[] old, int shift, int size) {
        byte[] b = new byte[size];
        System.arraycopy(old, 0, b, shift, old.length);
        return b;
    }

    private int idx(long page) {
        return (int) (page - basePage);
    }

    /** Where {@code page} lives, as a {@link Location} code. */
    public int residency(long page) {
        return switch (resid[idx(page)]) {
            case R_GPU -> 0;
            case R_HOST, R_DUP -> Location.HOST;
            default -> Location.UNPOPULATED;
        };
    }

    /** The allocation bounds [first, end) containing {@code page}, packed as first in [0], end in [1]. */
    private boolean allocBounds(long page, long[] out) {
        for (int i = 0; i < allocFirst.length; i++) {
            if (page >= allocFirst[i] && page < allocEnd[i]) {
                out[0] = allocFirst[i];
                out[1] = allocEnd[i];
                return true;
            }
        }
        return false;
    }

    /**
     * The host invalidated [firstPage, firstPage + pages) (an MMU notifier callback): drop device PTEs that
     * point at host pages and the TLB entries over them. Pages in device memory are device-private and not
     * affected by CPU page-table changes. Returns the time the host must wait for the device to confirm.
     */
    long invalidateDevice(long firstPage, long pages, String reason) {
        boolean any = false;
        for (long p = firstPage; p < firstPage + pages; p++) {
            int i = idx(p);
            if (i >= 0 && i < span && (pte[i] & VALID) != 0 && (pte[i] & LOCAL) == 0) {
                pte[i] = 0;
                any = true;
            }
        }
        if (!any) {
            return 0;
        }
        tlb.invalidate(firstPage, pages);
        counters.increment(Counter.INVALIDATIONS);
        if (metrics.tracing()) {
            metrics.trace(new TraceEvent.Invalidated(sim.nowNanos(), firstPage, pages, reason));
        }
        return invalidationCost();
    }

    private long pendingInvalidationCost;

    private void invalidate(long firstPage, long pages, String reason) {
        pendingInvalidationCost += UNMAP.equals(reason) ? unmapDevice(firstPage, pages)
                : invalidateDevice(firstPage, pages, reason);
    }

    /** The reason the host gives for an MMU_NOTIFY_UNMAP invalidation. */
    private static final String UNMAP = "unmap";

    /**
     * The host unmapped [firstPage, firstPage + pages) (munmap, free, cudaFree): every device PTE and TLB entry over
     * it goes, device-resident pages and read-only duplicates are released without a copy back (their data died
     * with the mapping), device residency drops by as many pages, queued access-counter notifications for the range
     * are dropped, and the range leaves the mirrored allocations. Returns the time the host waits for the device to
     * confirm the TLB invalidation, charged like any other invalidation.
     *
     * <p>Mirrors a driver's invalidate callback for MMU_NOTIFY_UNMAP (mmu_notifier_invalidate_range_start() from
     * munmap) followed by the zap freeing device-private pages through dev_pagemap_ops.page_free (mm/memremap.c;
     * lib/test_hmm.c dmirror_devmem_free puts the page back on the device's free list); UVM likewise destroys the
     * va_range of a freed managed allocation and frees its GPU chunks (uvm_va_range_destroy()).
     */
    private long unmapDevice(long firstPage, long pages) {
        long now = sim.nowNanos();
        long released = 0;
        long runFirst = -1;
        for (long p = firstPage; p <= firstPage + pages; p++) {
            int i = p - basePage >= 0 && p - basePage < span ? idx(p) : -1;
            boolean resident = p < firstPage + pages && i >= 0 && (resid[i] == R_GPU || resid[i] == R_DUP);
            if (i >= 0 && p < firstPage + pages) {
                pte[i] = 0;
                resid[i] = R_UNPOPULATED;
                notified[i] = null;
                throttleUntil[i] = 0;
                priPending[i] = false;
                landing[i] = 0; // a copy still in flight lands on a freed page: it is never mapped
            }
            if (runFirst >= 0 && (!resident || (p & (Pages.PAGES_PER_BLOCK - 1)) == 0)) {
                // the pages are gone from every place: the policies forget them, one report per 2 MiB block
                policy.onMigrated(runFirst, p - runFirst, 0, Location.UNPOPULATED, MigrationCause.UNMAP, now);
                runFirst = -1;
            }
            if (resident) {
                released++;
                if (runFirst < 0) {
                    runFirst = p;
                }
            }
        }
        if (released > 0) {
            usedPages -= released;
            metrics.deviceResidency().record(now, usedPages);
        }
        for (int a = 0; a < allocFirst.length; a++) {
            if (allocFirst[a] >= firstPage && allocEnd[a] <= firstPage + pages) {
                allocFirst[a] = allocEnd[a] = -1; // no longer a mirrored allocation: allocBounds() never matches
            }
        }
        tlb.invalidate(firstPage, pages);
        counters.increment(Counter.INVALIDATIONS);
        if (metrics.tracing()) {
            metrics.trace(new TraceEvent.Invalidated(now, firstPage, pages, UNMAP));
        }
        return invalidationCost();
    }

    /** Host time to get a device TLB invalidation confirmed: an ATS invalidation round trip, or a TLB flush method. */
    private long invalidationCost() {
        if (path == FaultPath.ATS_PRI) {
            ats.invalidate(g.atcInvalidate(), null, 0);
            return link.config().roundTripLatency().nanos() + g.atcInvalidate().nanos();
        }
        return g.atcInvalidate().nanos();
    }

    /** Takes the invalidation time accumulated by notifier callbacks since the last call. */
    public long takeInvalidationCost() {
        long c = pendingInvalidationCost;
        pendingInvalidationCost = 0;
        return c;
    }

    // ---------------------------------------------------------------------------------------------------------
    // running a GPU phase

    /**
     * Runs a GPU phase: {@code concurrency} warps (at most the GPU's resident warps) take the stream's accesses in
     * turn; the allocation starts at {@code allocationFirstPage}. {@code done} runs when the last access has
     * completed.
     */
    public void runPhase(AccessStream accesses, long allocationFirstPage, int concurrency, EventHandler done) {
        this.stream = accesses;
        this.phaseBase = allocationFirstPage;
        this.phaseDone = done;
        this.warps = Math.max(1, Math.min(concurrency, g.warps()));
        if (ready.length < warps) {
            ready = new long[warps];
            wstate = new byte[warps];
            faultAt = new long[warps];
            faultPage = new long[warps];
            faultBatch = new int[warps];
            runQueue = new int[warps];
            utlbTag = new long[warps];
            utlbEpoch = new long[warps];
            inBuffer = new boolean[warps];
        }
        long now = sim.nowNanos();
        runHead = 0;
        runCount = 0;
        pieces.reset(warps);
        for (int w = 0; w < warps; w++) {
            ready[w] = now;
            wstate[w] = RUN;
            faultBatch[w] = -1;
            utlbTag[w] = -1;
            inBuffer[w] = false;
            runQueue[runCount++] = w;
        }
        doneWarps = 0;
        lastFinish = now;
        scheduleIssue(now);
    }

    private void scheduleIssue(long at) {
        if (at < nextIssueAt) {
            nextIssueAt = at;
            sim.scheduleAtNanos(Math.max(at, sim.nowNanos()), EventPhase.DEVICE, issueHandler, ++issueGen);
        }
    }

    private void enqueue(int w) {
        runQueue[(runHead + runCount) % warps] = w;
        runCount++;
    }

    private void wake(int w, long at) {
        wstate[w] = RUN;
        ready[w] = at;
        enqueue(w);
        scheduleIssue(at);
    }

    private void onIssue(long gen) {
        if (gen != issueGen) {
            return;
        }
        nextIssueAt = Long.MAX_VALUE;
        long limit = runAheadLimit(sim.nowNanos());
        long nextReady = Long.MAX_VALUE;
        int n = runCount;
        long accesses = 0;
        long hits = 0;
        long misses = 0;
        for (int k = 0; k < n; k++) {
            int w = runQueue[runHead];
            runHead = (runHead + 1) % warps;
            runCount--;
            while (true) {
                if (ready[w] >= limit) {
                    enqueue(w);
                    nextReady = Math.min(nextReady, ready[w]);
                    break;
                }
                if (!pieces.pending(w)) {
                    if (!stream.next()) {
                        wstate[w] = DONE;
                        doneWarps++;
                        lastFinish = Math.max(lastFinish, ready[w]);
                        break;
                    }
                    // an access that spans pages is issued one page-sized piece at a time
                    pieces.start(w, phaseBase, stream.offset(), stream.size(), stream.type() != AccessType.READ);
                }
                // --- one access ---
                long page = pieces.page(w);
                int i = idx(page);
                byte e = pte[i];
                boolean write = pieces.write(w);
                long t = ready[w];
                boolean mapped = (e & VALID) != 0 && (!write || (e & WRITE) != 0);
                long tag = tlb.tagOf(page);
                // the SM's micro-TLB holds the warp's last translation until the next invalidation
                boolean hit = (utlbTag[w] == tag && utlbEpoch[w] == tlb.epoch()) || tlb.lookup(page);
                if (mapped && (hit || (e & LOCAL) != 0 || path == FaultPath.REPLAYABLE_BUFFER)) {
                    if (hit) {
                        hits++;
                        t += tlbHitNanos;
                    } else {
                        misses++;
                        t += walkNanos;
                        tlb.insert(page);
                    }
                    utlbTag[w] = tag;
                    utlbEpoch[w] = tlb.epoch();
                    accesses++;
                    if ((e & LOCAL) != 0) {
                        long size = pieces.size(w);
                        long moved = memory.reserve(t, size);
                        ready[w] = Math.max(t, moved - memory.transferNanos(size)) + localLatencyNanos;
                        pieces.complete(w);
                        if (evictorWantsAccesses) {
                            policy.evictor().onDeviceAccess(0, page, t);
                        }
                        continue;
                    }
                    // mapped to host memory: a remote (zero-copy) access over the link
                    wstate[w] = REMOTE;
                    sim.scheduleAtNanos(t, EventPhase.DEVICE, remoteStart, w);
                    break;
                }
                if (!hit) {
                    misses++;
                }
                if (path == FaultPath.ATS_PRI && (e & LOCAL) == 0) {
                    // ATC miss (or a stale cached translation): ask the IOMMU
                    wstate[w] = TRANSLATING;
                    faultAt[w] = t;
                    faultPage[w] = page;
                    sim.scheduleAtNanos(t, EventPhase.DEVICE, atsStart, w);
                    break;
                }
                raiseReplayableFault(w, page, write, t + g.pageWalkLatency().nanos());
                break;
            }
        }
        counters.add(Counter.ACCESSES, accesses);
        counters.add(Counter.TLB_HITS, hits);
        counters.add(Counter.TLB_MISSES, misses);
        if (runCount > 0) {
            scheduleIssue(Math.max(nextReady, limit));
        } else if (doneWarps == warps) {
            EventHandler d = phaseDone;
            phaseDone = null;
            if (d != null) {
                sim.scheduleAtNanos(Math.max(lastFinish, sim.nowNanos()), EventPhase.DEVICE, d, 0);
            }
        }
    }

    /**
     * The end (exclusive) of the run-ahead of an issue event at {@code now}: warps issue accesses at times before it.
     * A quantum, cut at the simulator's next pending event, so that whatever that event changes (a fault service
     * migrating or evicting pages, a CPU access taking a page back, an invalidation) finds no warp that already
     * issued past it. At least one nanosecond, so accesses due at {@code now} go ahead: device work at an instant
     * precedes host work at that instant ({@link EventPhase}), and the issue event always makes progress.
     */
    private long runAheadLimit(long now) {
        return Math.max(now + 1, Math.min(now + quantumNanos, sim.nextEventNanos()));
    }

    /**
     * The shortest time from an access issued in a quantum to the first event it causes that can change a
     * translation other warps read: a fault reaches the host's service a walk, a fault report and the handler's
     * entry later; a remote access completes at least a one-way link latency later and may then queue an
     * access-counter notification, serviced after the handler's entry; on the ATS path an ATS translation writes
     * the device PTE after a request, the IOMMU walk and a completion. Events an access schedules sooner (starting
     * its own remote transfer or ATS request) touch only the link and the warp itself.
     */
    private long lookaheadNanos() {
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
        fillContext(page, pieces.write(wi), sim.nowNanos());
        Decision d = policy.onRemoteAccess(ctx);
        if (d.action() == Decision.Action.MIGRATE) {
            // the counter reached its threshold: the GPU writes a notification (and raises the interrupt) as it
            // writes a fault-buffer entry, but into its own buffer; one per counter region until it is serviced
            long region = Math.max(d.regionFirstPage(page), page & -(long) Pages.PAGES_PER_BLOCK);
            if (notified[idx(region)] == null) {
                raiseNotification(region, d, sim.nowNanos() + g.faultReport().nanos());
            }
        }
        wake(wi, sim.nowNanos());
    }

    // --- access-counter notification buffer -----------------------------------------------------------------------

    /**
     * Queues an access-counter notification for the region starting at {@code page}, visible to the host at
     * {@code arrive}; the service carries out {@code d} rather than asking the placement again (which would map
     * remotely again). A full buffer drops the notification and counts it; the region's count was already
     * cleared, so enough further remote accesses notify it again.
     *
     * <p>Mirrors the GPU's access-counter notification buffer as nvidia-uvm drains it (uvm_gpu_access_counters.c):
     * a ring of {@code max_notifications} entries apart from the replayable fault buffer, with its own interrupt and
     * bottom half, which the fault buffer's flush never touches. No warp waits on a notification, so nothing is
     * replayed. The driver has no overflow handling for this buffer (it only spins on each entry's valid bit), so
     * what a full buffer does is this model's choice: the newest notification is lost.
     */
    private void raiseNotification(long page, Decision d, long arrive) {
        if (noteCount == noteCapacity) {
            counters.increment(Counter.ACCESS_COUNTER_NOTIFICATIONS_DROPPED);
            return;
        }
        counters.increment(Counter.ACCESS_COUNTER_NOTIFICATIONS);
        if (metrics.tracing()) {
            metrics.trace(new TraceEvent.NotificationRaised(arrive, page));
        }
        notified[idx(page)] = d;
        int slot = (noteHead + noteCount) % noteCapacity;
        notePage[slot] = page;
        noteArrive[slot] = arrive;
        noteCount++;
        if (!hostBusy) {
            hostBusy = true;
            long entry = h.faultEntry().nanos();
            sim.scheduleAtNanos(Math.max(arrive, sim.nowNanos()) + entry, EventPhase.HOST,
                    a -> startNotificationBatch(entry), 0);
        }
    }

    /**
     * The access-counter bottom half fetches the next batch: up to {@code accessCounterBatchCount} notifications
     * that have landed, oldest first, and services them as one batch.
     *
     * <p>Mirrors uvm_parent_gpu_service_access_counters() (uvm_gpu_access_counters.c): fetch_access_counter_buffer_
     * entries() in NOTIFICATION_FETCH_MODE_BATCH_READY takes at most {@code max_batch_size} entries (the module
     * parameter uvm_perf_access_counter_batch_count, 256, capped at the buffer's size) and stops at the first one
     * not written yet once it has one; the batch is sorted by address, notifications that fall in one VA block are
     * serviced together (service_virt_notifications_in_block()), pages already resident on the GPU are skipped as
     * stale, and the serviced notifications' counters are cleared afterwards, which re-arms them. The clear is a
     * pushed method the driver does not wait for, so it costs the host nothing here.
     */
    private void startNotificationBatch(long entryCharged) {
        long now = sim.nowNanos();
        if (noteCount == 0) {
            hostFree(now);
            return;
        }
        if (noteArrive[noteHead] > now) {
            sim.scheduleAtNanos(noteArrive[noteHead], EventPhase.HOST, a -> startNotificationBatch(entryCharged), 0);
            return;
        }
        int limit = Math.min(noteCount, g.accessCounterBatchCount());
        int n = 0;
        while (n < limit && noteArrive[(noteHead + n) % noteCapacity] <= now) {
            n++;
        }
        for (int k = 0; k < n; k++) {
            keys[k] = notePage[noteHead];
            noteHead = (noteHead + 1) % noteCapacity;
            noteCount--;
        }
        Arrays.sort(keys, 0, n);
        for (int k = 0; k < n; k++) {
            uniq[k] = keys[k]; // one notification per region at most: its counter is not re-armed before service
            uniqWrite[k] = false;
        }
        counters.increment(Counter.ACCESS_COUNTER_BATCHES);
        if (metrics.tracing()) {
            metrics.trace(new TraceEvent.NotificationBatchStarted(now, n));
        }
        new Service(-1, now, entryCharged, true).run(n);
    }

    /**
     * A notification batch is done: the bottom half fetches again while landed notifications remain, as
     * uvm_parent_gpu_service_access_counters() loops until a fetch comes back empty; then the host thread is free.
     */
    private void notificationBatchDone(long now) {
        if (noteCount > 0 && noteArrive[noteHead] <= now) {
            sim.scheduleAtNanos(now, EventPhase.HOST, a -> startNotificationBatch(0), 0);
        } else {
            hostFree(now);
        }
    }

    /**
     * The host thread finished a bottom half at {@code now}: it takes the one queued first. Both bottom halves run
     * on the GPU's one kthread queue, in the order their interrupts queued them; when both buffers have work from
     * the same moment, the fault path goes first. The fault handler holds the thread through up to
     * {@code faultMaxBatchesPerService} batches and their replays ({@link #continueRun}); when a run ends with
     * faults left, its bottom half is queued again at that moment, behind a notification batch queued during the
     * run.
     *
     * <p>Mirrors uvm_isr_top_half() (uvm_gpu_isr.c): it schedules the replayable-fault handler, then the
     * non-replayable one, then the access-counter one, each onto {@code parent_gpu->isr.bottom_half_q}, a single
     * nv_kthread_q that runs its items one at a time in order.
     */
    private void hostFree(long now) {
        hostBusy = false;
        boolean faults = bufCount > 0 && !replayPending;
        boolean notes = noteCount > 0;
        if (faults && (!notes || Math.max(bufArrive[bufHead], faultRequeuedAt) <= noteArrive[noteHead])) {
            hostBusy = true;
            long entry = path == FaultPath.REPLAYABLE_BUFFER ? h.faultEntry().nanos() : h.priDispatch().nanos();
            sim.scheduleAtNanos(Math.max(now, bufArrive[bufHead]) + entry, EventPhase.HOST,
                    a -> startService(entry), 0);
        } else if (notes) {
            hostBusy = true;
            long entry = h.faultEntry().nanos();
            sim.scheduleAtNanos(Math.max(now, noteArrive[noteHead]) + entry, EventPhase.HOST,
                    a -> startNotificationBatch(entry), 0);
        }
    }

    // --- replayable fault buffer ---------------------------------------------------------------------------------

    private void raiseReplayableFault(int w, long page, boolean write, long t) {
        faultAt[w] = t;
        faultPage[w] = page;
        int sm = smOf(w);
        if (utlbHolds(sm, page)) {
            wstate[w] = FAULTED; // the uTLB already has this page's fault outstanding: wait for its replay
            inBuffer[w] = false;
            counters.increment(Counter.UTLB_MERGED_FAULTS);
            return;
        }
        if (!utlbReport(sm, page)) {
            wstate[w] = WAIT_REPLAY; // the uTLB stops reporting; the warp retries at the next replay
            return;
        }
        wstate[w] = FAULTED;
        counters.increment(Counter.FAULTS);
        if (metrics.tracing()) {
            metrics.trace(new TraceEvent.FaultRaised(t, w, page, write));
        }
        // the entry becomes visible to the host faultReport later; the handler only takes arrived entries
        if (!pushEntry(page, write, w, t + g.faultReport().nanos())) {
            wstate[w] = WAIT_REPLAY; // buffer overflow: the fault is lost and replayed later
        }
    }

    /** Whether SM {@code sm}'s micro-TLB has a fault on {@code page} outstanding. */
    private boolean utlbHolds(int sm, long page) {
        int cap = g.utlbOutstandingFaults();
        for (int k = sm * cap, end = k + smOutstanding[sm]; k < end; k++) {
            if (smPages[k] == page) {
                return true;
            }
        }
        return false;
    }

    /** Records {@code page} as outstanding in SM {@code sm}'s micro-TLB; false when it already holds its cap. */
    private boolean utlbReport(int sm, long page) {
        int cap = g.utlbOutstandingFaults();
        if (smOutstanding[sm] >= cap) {
            return false;
        }
        smPages[sm * cap + smOutstanding[sm]++] = page;
        return true;
    }

    /** The SM a warp runs on: thread blocks of {@link #WARPS_PER_BLOCK} warps are dealt to the SMs in turn. */
    private int smOf(int w) {
        return (w / WARPS_PER_BLOCK) % smOutstanding.length;
    }

    private boolean pushEntry(long page, boolean write, int warp, long arrive) {
        if (bufCount == bufCapacity) {
            return false;
        }
        int slot = (bufHead + bufCount) % bufCapacity;
        bufPage[slot] = page;
        bufWrite[slot] = write;
        bufWarp[slot] = warp;
        bufArrive[slot] = arrive;
        bufCount++;
        inBuffer[warp] = true;
        if (!hostBusy) {
            hostBusy = true;
            long entry = path == FaultPath.REPLAYABLE_BUFFER ? h.faultEntry().nanos() : h.priDispatch().nanos();
            sim.scheduleAtNanos(Math.max(arrive, sim.nowNanos()) + entry, EventPhase.HOST, a -> startService(entry), 0);
        }
        return true;
    }

    /** The host's fault handler takes the next batch (or, on the ATS path, the next page request). */
    private void startService(long entryCharged) {
        long now = sim.nowNanos();
        if (bufCount == 0) {
            hostFree(now);
            return;
        }
        if (bufArrive[bufHead] > now) {
            // the oldest entry is still on its way: look again when it lands
            sim.scheduleAtNanos(bufArrive[bufHead], EventPhase.HOST, a -> startService(entryCharged), 0);
            return;
        }
        int batchId = batchSeq++;
        int limit = path == FaultPath.REPLAYABLE_BUFFER ? Math.min(bufCount, g.faultBatchCount()) : 1;
        int n = 0;
        while (n < limit && bufArrive[(bufHead + n) % bufCapacity] <= now) {
            n++;
        }
        long earliestArrive = Long.MAX_VALUE;
        for (int k = 0; k < n; k++) {
            int slot = bufHead;
            bufHead = (bufHead + 1) % bufCapacity;
            bufCount--;
            keys[k] = (bufPage[slot] << 1) | (bufWrite[slot] ? 1 : 0);
            earliestArrive = Math.min(earliestArrive, bufArrive[slot]);
            int w = bufWarp[slot];
            inBuffer[w] = false;
            if (wstate[w] == FAULTED) {
                faultBatch[w] = batchId;
            }
        }
        Arrays.sort(keys, 0, n);
        int u = 0;
        for (int k = 0; k < n; k++) {
            long page = keys[k] >>> 1;
            boolean write = (keys[k] & 1) != 0;
            if (u > 0 && uniq[u - 1] == page) {
                uniqWrite[u - 1] |= write;
            } else {
                uniq[u] = page;
                uniqWrite[u] = write;
                u++;
            }
        }
        counters.add(Counter.DUPLICATE_FAULTS, n - u);
        if (path == FaultPath.REPLAYABLE_BUFFER) {
            counters.increment(Counter.FAULT_BATCHES);
            counters.add(Counter.FAULTS_SERVICED, u);
            if (metrics.tracing()) {
                metrics.trace(new TraceEvent.BatchStarted(sim.nowNanos(), u, n - u));
            }
        }
        Service s = new Service(batchId, sim.nowNanos(), entryCharged, false);
        s.run(u);
    }

    /**
     * One host service: a fault batch, one PRI page request, or an access-counter notification batch. Charges the
     * host thread's timeline.
     */
    private final class Service {
        final int id;
        /** An access-counter notification batch: decisions come from the notifications, nothing is replayed. */
        final boolean notifications;
        final long start;
        final long[] stage = new long[STAGES];
        long page0;
        long t;
        long cpuDone;
        boolean cpuReached;
        int copiesOutstanding;
        /** A fault of the batch was throttled (the driver's has_throttled_faults). */
        boolean throttled;

        final long entryAtStart;

        Service(int id, long start, long entryCharged, boolean notifications) {
            this.id = id;
            this.notifications = notifications;
            this.start = start;
            this.t = start;
            this.entryAtStart = entryCharged;
            stage[Stage.FAULT_ENTRY.ordinal()] += entryCharged;
        }

        /** The service's stages from the moment the handler runs (the interrupt before it is not batch time). */
        private long[] stageWithoutEntry() {
            long[] v = stage.clone();
            v[Stage.FAULT_ENTRY.ordinal()] -= entryAtStart;
            return v;
        }

        void run(int u) {
            page0 = uniq[0];
            long entry = (path == FaultPath.REPLAYABLE_BUFFER || notifications ? h.batchOverhead().nanos() : 0)
                    + u * (h.perFaultOverhead().nanos() + policy.deviceFaultCost().nanos());
            charge(Stage.FAULT_ENTRY, entry);
            boolean ptesWritten = false;
            int k = 0;
            while (k < u) {
                long block = uniq[k] >>> Pages.BLOCK_PAGE_SHIFT;
                PageMask.clearAll(blockMask);
                PageMask.clearAll(prefetchMask);
                int end = k;
                while (end < u && (uniq[end] >>> Pages.BLOCK_PAGE_SHIFT) == block) {
                    end++;
                }
                if (path == FaultPath.REPLAYABLE_BUFFER && !notifications) {
                    counters.increment(Counter.VA_BLOCKS_SERVICED);
                }
                for (int j = k; j < end; j++) {
                    ptesWritten |= decide(uniq[j], uniqWrite[j]);
                }
                if (PageMask.count(blockMask) > 0) {
                    prefetch(block);
                    migrateBlock(block);
                    ptesWritten = true;
                }
                k = end;
            }
            if (ptesWritten) {
                charge(Stage.PTE_UPDATE, h.ptePushOverhead().nanos());
            }
            cpuDone = t;
            sim.scheduleAtNanos(t, EventPhase.HOST, a -> {
                cpuReached = true;
                finishIfDone();
            }, 0);
        }

        void charge(Stage s, long nanos) {
            stage[s.ordinal()] += nanos;
            t += nanos;
        }

        /** Applies the policy to one unique faulting page; returns whether a PTE was written. */
        private boolean decide(long page, boolean write) {
            int i = idx(page);
            fillContext(page, write, t);
            Decision d;
            if (notifications) {
                d = notified[i];
                notified[i] = null; // serviced: the driver clears the counter, which re-arms it
                if (d == null) {
                    return false; // the region was unmapped since the notification: nothing left to migrate
                }
            } else {
                d = policy.onDeviceFault(ctx);
            }
            switch (d.action()) {
                case MAP_REMOTE -> {
                    if (landing[i] != 0 && resid[i] != R_DUP) {
                        // under a migration entry: hmm_range_fault() would wait for it; the warp refaults
                        return false;
                    }
                    long r = host.rangeFault(page, 1, write);
                    if (r < 0) {
                        throw new IllegalStateException("hmm_range_fault failed with errno " + r + " on page " + page);
                    }
                    charge(Stage.RANGE_FAULT, h.rangeFaultWalk().nanos() + h.rangeFaultPerPage().nanos()
                            + r * h.populatePerPage().nanos());
                    charge(Stage.TLB_INVALIDATION, takeInvalidationCost()); // e.g. COW of the zero page
                    if (resid[i] == R_DUP) {
                        landing[i] = 0;
                        usedPages--; // the read-only duplicate gives way to a mapping of the host copy
                        metrics.deviceResidency().record(t, usedPages);
                        tlb.invalidate(page, 1);
                        policy.onMigrated(page, 1, 0, Location.HOST, MigrationCause.DEVICE_FAULT, t);
                    }
                    if (resid[i] != R_GPU) {
                        resid[i] = R_HOST;
                        pte[i] = (byte) (VALID | (host.present(page, true) ? WRITE : 0));
                        charge(Stage.PTE_UPDATE, h.pteUpdatePerPage().nanos());
                        return true;
                    }
                    return false;
                }
                case DUPLICATE -> {
                    return duplicate(page, d);
                }
                case MIGRATE -> {
                    long first = Math.max(d.regionFirstPage(page), page & -(long) Pages.PAGES_PER_BLOCK);
                    long last = Math.min(first + d.regionPages(), (page | (Pages.PAGES_PER_BLOCK - 1)) + 1);
                    long[] b = bounds;
                    allocBounds(page, b);
                    first = Math.max(first, b[0]);
                    last = Math.min(last, b[1]);
                    for (long p = first; p < last; p++) {
                        int pi = idx(p);
                        if (landing[pi] == 0 && ((pte[pi] & LOCAL) == 0 || resid[pi] == R_DUP)) {
                            PageMask.set(blockMask, Pages.indexInBlock(p));
                        }
                    }
                    return false;
                }
                case THROTTLE -> {
                    throttleUntil[i] = t + d.delay().nanos();
                    throttled = true;
                    return false;
                }
                default -> {
                    return false;
                }
            }
        }

        private final long[] bounds = new long[2];

        /**
         * Read duplication (UVM's read-mostly advice): copies the region's host pages read-only into device memory
         * and keeps the host copy mapped for the CPU. Returns whether a PTE was written.
         */
        private boolean duplicate(long page, Decision d) {
            long first = Math.max(d.regionFirstPage(page), page & -(long) Pages.PAGES_PER_BLOCK);
            long last = Math.min(first + d.regionPages(), (page | (Pages.PAGES_PER_BLOCK - 1)) + 1);
            allocBounds(page, bounds);
            first = Math.max(first, bounds[0]);
            last = Math.min(last, bounds[1]);
            boolean written = false;
            for (long q = first; q < last; q++) {
                int i = idx(q);
                if ((pte[i] & LOCAL) != 0 || landing[i] != 0) {
                    continue;
                }
                long r = host.rangeFault(q, 1, false);
                if (r < 0) {
                    throw new IllegalStateException("hmm_range_fault failed with errno " + r + " on page " + q);
                }
                charge(Stage.RANGE_FAULT, h.rangeFaultWalk().nanos() + h.rangeFaultPerPage().nanos()
                        + r * h.populatePerPage().nanos());
                makeRoom(1);
                charge(Stage.MIGRATION_COPY, h.populatePerPage().nanos() + h.dmaMapPerPage().nanos());
                // read-only: a device write faults and collapses the duplicate. Until the copy lands the device keeps
                // whatever mapping of the host copy it had: the host copy stays current
                Landing l = new Landing(q, 1, (byte) (VALID | LOCAL), this);
                submitCopy(true, 1, t, l.expectCopy());
                counters.add(Counter.BYTES_TO_DEVICE, 1L << 12);
                counters.add(Counter.PAGES_TO_DEVICE, 1);
                resid[i] = R_DUP;
                usedPages++;
                metrics.deviceResidency().record(t, usedPages);
                charge(Stage.PTE_UPDATE, h.pteUpdatePerPage().nanos());
                l.mapAt(t);
                policy.onMigrated(q, 1, Location.HOST, 0, MigrationCause.DEVICE_FAULT, t);
                written = true;
            }
            return written;
        }

        private void prefetch(long block) {
            long firstPage = block << Pages.BLOCK_PAGE_SHIFT;
            PageMask.clearAll(residentMask);
            for (int p = 0; p < Pages.PAGES_PER_BLOCK; p++) {
                long page = firstPage + p;
                int i = idx(page);
                if (i >= 0 && i < span && ((pte[i] & LOCAL) != 0 || landing[i] != 0)) {
                    PageMask.set(residentMask, p);
                }
            }
            policy.prefetcher().prefetch(block, residentMask, blockMask, outMask);
            PageMask.andNot(outMask, residentMask);
            PageMask.andNot(outMask, blockMask);
            // only pages inside a mirrored allocation
            for (int p = 0; p < Pages.PAGES_PER_BLOCK; p++) {
                if (PageMask.test(outMask, p)) {
                    long page = firstPage + p;
                    if (allocBounds(page, bounds)) {
                        PageMask.set(prefetchMask, p);
                    }
                }
            }
        }

        private void migrateBlock(long block) {
            long firstPage = block << Pages.BLOCK_PAGE_SHIFT;
            int n = PageMask.count(blockMask) + PageMask.count(prefetchMask);
            int dups = 0;
            for (int p = 0; p < Pages.PAGES_PER_BLOCK; p++) {
                if (PageMask.test(blockMask, p) && resid[idx(firstPage + p)] == R_DUP) {
                    dups++; // collapsing a duplicate: its device copy becomes the only one
                }
            }
            makeRoom(n - dups);
            // migrate_vma_setup: one walk collects and unmaps the source pages
            charge(Stage.RANGE_FAULT, h.rangeFaultWalk().nanos() + n * h.rangeFaultPerPage().nanos());
            charge(Stage.MIGRATION_COPY, h.blockOverhead().nanos()
                    + n * (h.populatePerPage().nanos() + h.dmaMapPerPage().nanos()));
            boolean cpuMapped = false;
            boolean deviceMapped = false;
            for (int p = 0; p < Pages.PAGES_PER_BLOCK; p++) {
                if (PageMask.test(blockMask, p) || PageMask.test(prefetchMask, p)) {
                    int i = idx(firstPage + p);
                    cpuMapped |= resid[i] == R_HOST || resid[i] == R_DUP;
                    deviceMapped |= (pte[i] & VALID) != 0;
                }
            }
            if (cpuMapped) {
                charge(Stage.TLB_INVALIDATION, h.tlbShootdown().nanos());
                counters.increment(Counter.TLB_SHOOTDOWNS);
            }
            if (deviceMapped) {
                charge(Stage.TLB_INVALIDATION, invalidationCost());
                tlb.invalidate(firstPage, Pages.PAGES_PER_BLOCK);
                counters.increment(Counter.INVALIDATIONS);
            }
            long copyAt = t;
            // contiguous runs: one copy per run of host-resident pages, granule by run size
            int p = 0;
            while (p < Pages.PAGES_PER_BLOCK) {
                boolean in = PageMask.test(blockMask, p) || PageMask.test(prefetchMask, p);
                if (!in) {
                    p++;
                    continue;
                }
                int runStart = p;
                byte from = resid[idx(firstPage + p)];
                boolean prefetched = PageMask.test(prefetchMask, p);
                while (p < Pages.PAGES_PER_BLOCK && (PageMask.test(blockMask, p) || PageMask.test(prefetchMask, p))
                        && resid[idx(firstPage + p)] == from && PageMask.test(prefetchMask, p) == prefetched) {
                    p++;
                }
                int runPages = p - runStart;
                long runFirst = firstPage + runStart;
                host.migrateToDevice(runFirst, runPages);
                // pages that could not migrate (pinned, extra references) stay where they are: end the run there
                int moved = 0;
                while (moved < runPages && host.onDevice(runFirst + moved, true)) {
                    moved++;
                }
                if (moved < runPages) {
                    // the seeds' advice: if migration fails, fall back to reading over PCIe. The pages that stayed
                    // (pinned, busy) are faulted in with hmm_range_fault and mapped remotely; the rest of the run
                    // is tried again by the next fault
                    counters.increment(Counter.MIGRATION_FAILURES);
                    long stay = runFirst + moved;
                    long r = host.rangeFault(stay, 1, true);
                    charge(Stage.RANGE_FAULT, h.rangeFaultWalk().nanos() + h.rangeFaultPerPage().nanos()
                            + Math.max(0, r) * h.populatePerPage().nanos());
                    int si = idx(stay);
                    if (resid[si] == R_DUP) {
                        usedPages--; // its read-only duplicate gives way to the remote mapping
                        metrics.deviceResidency().record(t, usedPages);
                        policy.onMigrated(stay, 1, 0, Location.HOST, MigrationCause.DEVICE_FAULT, t);
                    }
                    resid[si] = R_HOST;
                    landing[si] = 0;
                    pte[si] = (byte) (VALID | (host.present(stay, true) ? WRITE : 0));
                    p = runStart + moved + 1;
                    runPages = moved;
                    if (runPages == 0) {
                        continue;
                    }
                }
                // resident on the device from here on (the CPU's page table already says so), mapped for the device
                // only when the copy has landed: a read-only duplicate keeps its mapping until then, a page that
                // was mapped remotely lost it when migrate_vma_setup unmapped the source
                Landing l = new Landing(runFirst, runPages, (byte) (VALID | WRITE | LOCAL), this);
                if (blockLandingCount == blockLandings.length) {
                    blockLandings = Arrays.copyOf(blockLandings, blockLandingCount * 2);
                }
                blockLandings[blockLandingCount++] = l;
                for (long q = runFirst; q < runFirst + runPages; q++) {
                    int i = idx(q);
                    if (from != R_DUP) {
                        pte[i] = 0;
                    }
                    resid[i] = R_GPU;
                }
                if (from == R_HOST) {
                    submitCopy(true, runPages, copyAt, l.expectCopy());
                    counters.add(Counter.BYTES_TO_DEVICE, (long) runPages << 12);
                }
                if (from != R_DUP) {
                    usedPages += runPages;
                    metrics.deviceResidency().record(t, usedPages);
                }
                counters.add(Counter.PAGES_TO_DEVICE, runPages);
                policy.onMigrated(runFirst, runPages, from == R_UNPOPULATED ? Location.UNPOPULATED : Location.HOST, 0,
                        prefetched ? MigrationCause.PREFETCH
                                : notifications ? MigrationCause.ACCESS_COUNTER : MigrationCause.DEVICE_FAULT, copyAt);
                if (metrics.tracing()) {
                    metrics.trace(new TraceEvent.Migrated(copyAt, runFirst, runPages, true));
                }
            }
            charge(Stage.PTE_UPDATE, n * h.pteUpdatePerPage().nanos());
            for (int k = 0; k < blockLandingCount; k++) {
                blockLandings[k].mapAt(t);
                blockLandings[k] = null;
            }
            blockLandingCount = 0;
        }

        /** Evicts chunks chosen by the evictor until {@code n} more pages fit in device memory. */
        private void makeRoom(int n) {
            int guard = 0;
            while (usedPages + n > capacityPages) {
                long victim = policy.evictor().pickVictim(0, t);
                if (victim < 0 || ++guard > 1_000_000) {
                    throw new IllegalStateException("device memory full (" + usedPages + " of " + capacityPages
                            + " pages) and the evictor '" + policy.evictor().name() + "' offers no victim");
                }
                long chunk = policy.evictor().chunkPages();
                long evicted = 0;
                long q = victim;
                while (q < victim + chunk) {
                    int i = q - basePage >= 0 && q - basePage < span ? idx(q) : -1;
                    if (i >= 0 && resid[i] == R_DUP) {
                        // a read-only duplicate is dropped, not copied: the host copy is current
                        resid[i] = R_HOST;
                        pte[i] = 0;
                        landing[i] = 0;
                        usedPages--;
                        metrics.deviceResidency().record(t, usedPages);
                        evicted++;
                        policy.onMigrated(q, 1, 0, Location.HOST, MigrationCause.EVICTION, t);
                        q++;
                        continue;
                    }
                    if (i < 0 || resid[i] != R_GPU) {
                        q++;
                        continue;
                    }
                    long runFirst = q;
                    while (q < victim + chunk && q - basePage < span && resid[idx(q)] == R_GPU) {
                        int j = idx(q);
                        resid[j] = R_HOST;
                        pte[j] = 0;
                        landing[j] = 0;
                        q++;
                    }
                    int runPages = (int) (q - runFirst);
                    host.migrateToHost(runFirst, runPages);
                    copiesOutstanding++;
                    submitCopy(false, runPages, t, copyDoneHandler);
                    usedPages -= runPages;
                    metrics.deviceResidency().record(t, usedPages);
                    evicted += runPages;
                    counters.add(Counter.BYTES_TO_HOST, (long) runPages << 12);
                    policy.onMigrated(runFirst, runPages, 0, Location.HOST, MigrationCause.EVICTION, t);
                    if (metrics.tracing()) {
                        metrics.trace(new TraceEvent.Migrated(t, runFirst, runPages, false));
                    }
                }
                tlb.invalidate(victim, chunk);
                counters.add(Counter.EVICTIONS, evicted);
                counters.add(Counter.PAGES_TO_HOST, evicted);
                charge(Stage.MIGRATION_COPY, evicted * (h.populatePerPage().nanos() + h.dmaMapPerPage().nanos()));
                charge(Stage.PTE_UPDATE, evicted * h.pteUpdatePerPage().nanos());
                charge(Stage.TLB_INVALIDATION, g.atcInvalidate().nanos());
                if (evicted == 0) {
                    throw new IllegalStateException("evictor '" + policy.evictor().name() + "' chose chunk at page "
                            + victim + " which holds no device-resident page");
                }
            }
        }

        final EventHandler copyDoneHandler = a -> copyDone();

        void copyDone() {
            copiesOutstanding--;
            finishIfDone();
        }

        private void finishIfDone() {
            if (!cpuReached || copiesOutstanding > 0) {
                return;
            }
            long now = sim.nowNanos();
            stage[Stage.MIGRATION_COPY.ordinal()] += now - cpuDone; // waiting for copies beyond the CPU work
            if (notifications) {
                metrics.accessCounterBatches().record(now - start, stageWithoutEntry());
                notificationBatchDone(now);
                return;
            }
            metrics.batches().record(now - start, stageWithoutEntry());
            if (path == FaultPath.REPLAYABLE_BUFFER) {
                // BATCH_FLUSH: flush the buffer, push the replay and wait for it (uvm_tracker_wait() on the replay
                // tracker); the handler's run goes on from the replay
                long replayAt = now + g.replayLatency().nanos();
                stage[Stage.REPLAY.ordinal()] += g.replayLatency().nanos();
                replayPending = true;
                flushedAt = now;
                sim.scheduleAtNanos(replayAt, EventPhase.DEVICE, a -> replay(this), 0);
                return;
            }
            long page = page0;
            priPending[idx(page)] = false;
            long sentAt = now;
            pri.pageResponse(a -> priResponded(page, this, sentAt), 0);
            hostFree(now);
        }
    }

    private void submitCopy(boolean toDevice, int pages, long at, EventHandler done) {
        Bytes size = Bytes.pages(pages);
        Bytes granule = pages >= Pages.PAGES_PER_BLOCK ? CopyEngine.GRANULE_2M
                : (pages % 16 == 0 ? CopyEngine.GRANULE_64K : CopyEngine.GRANULE_4K);
        CopyEngine ce = engines[nextEngine];
        nextEngine = (nextEngine + 1) % engines.length;
        sim.scheduleAtNanos(at, EventPhase.HOST, a -> ce.submit(toDevice, size, granule, done, 0), 0);
    }

    /**
     * The device mapping of one run of pages a service migrated (or duplicated) into device memory, waiting for its
     * copy: the PTEs are written when the copy has landed and the service's CPU work has reached the block's PTE
     * update, whichever is later; until then a device access to the run faults, and a CPU access waits as on a
     * migration entry. The service counts it as outstanding, so its replay follows the mapping.
     *
     * <p>Mirrors the driver's ordering: nvidia-uvm pushes the GPU PTE writes of a serviced VA block after its copies
     * on the block's tracker (uvm_va_block_service_locked(): make resident, then map, uvm_va_block.c), and the
     * kernel maps the destination of a migration only after the copy (migrate_vma_pages(), then
     * migrate_vma_finalize() removing the migration entries, mm/migrate_device.c).
     */
    private final class Landing implements EventHandler {
        private static final long COPY_LANDED = 0;
        private static final long APPLY = 1;
        final int id;
        final long first;
        final int pages;
        final byte bits;
        final Service service;
        private boolean copying;
        private long mapAt = -1;

        Landing(long first, int pages, byte bits, Service service) {
            this.id = ++landingSeq == 0 ? ++landingSeq : landingSeq;
            this.first = first;
            this.pages = pages;
            this.bits = bits;
            this.service = service;
            service.copiesOutstanding++;
            for (long q = first; q < first + pages; q++) {
                landing[idx(q)] = id;
            }
        }

        /** A copy brings the run's data: the mapping waits for it; returns the copy's completion handler. */
        EventHandler expectCopy() {
            copying = true;
            return this;
        }

        @Override
        public void handle(long what) {
            if (what == COPY_LANDED) {
                copyLanded();
            } else {
                apply();
            }
        }

        /** The service's CPU work has written the PTEs at {@code at}; with no copy they take effect then. */
        void mapAt(long at) {
            mapAt = at;
            if (!copying) {
                sim.scheduleAtNanos(at, EventPhase.HOST, this, APPLY);
            }
        }

        private void copyLanded() {
            copying = false;
            long now = sim.nowNanos();
            if (now >= mapAt) {
                apply();
            } else {
                sim.scheduleAtNanos(mapAt, EventPhase.HOST, this, APPLY);
            }
        }

        private void apply() {
            long now = sim.nowNanos();
            int mapped = 0;
            for (long q = first; q < first + pages; q++) {
                int i = idx(q);
                if (landing[i] == id) {
                    landing[i] = 0;
                    pte[i] = bits;
                    mapped++;
                }
            }
            if (mapped > 0 && metrics.tracing()) {
                metrics.trace(new TraceEvent.Mapped(now, first, pages));
            }
            wakeCpuWaiters(now);
            service.copyDone();
        }
    }

    /**
     * Whether {@code page} is migrating, its copy still on the way: to device memory after a device fault or an
     * access-counter notification, or back to host memory after a CPU fault. The CPU's page table holds a migration
     * entry for it. A read-only duplicate being copied is not migrating: the CPU keeps its host copy mapped.
     */
    boolean migrating(long page) {
        int i = idx(page);
        return i >= 0 && i < span && landing[i] != 0 && resid[i] != R_DUP;
    }

    /**
     * A CPU thread found {@code page} under migration: it sleeps until the page has landed, then {@code resume} runs
     * with {@code arg} and the thread retries its access. Mirrors migration_entry_wait() (mm/migrate.c): a CPU fault
     * on a migration entry waits for the migration to finish rather than acting on a page half-moved.
     */
    void waitForLanding(long page, EventHandler resume, long arg) {
        if (waiters == waitPage.length) {
            waitPage = Arrays.copyOf(waitPage, waiters * 2);
            waitHandler = Arrays.copyOf(waitHandler, waiters * 2);
            waitArg = Arrays.copyOf(waitArg, waiters * 2);
        }
        waitPage[waiters] = page;
        waitHandler[waiters] = resume;
        waitArg[waiters] = arg;
        waiters++;
    }

    private void wakeCpuWaiters(long now) {
        int kept = 0;
        for (int k = 0; k < waiters; k++) {
            if (migrating(waitPage[k])) {
                waitPage[kept] = waitPage[k];
                waitHandler[kept] = waitHandler[k];
                waitArg[kept] = waitArg[k];
                kept++;
            } else {
                sim.scheduleAtNanos(now, EventPhase.HOST, waitHandler[k], waitArg[k]);
            }
        }
        for (int k = kept; k < waiters; k++) {
            waitHandler[k] = null;
        }
        waiters = kept;
    }

    /**
     * UVM's BATCH_FLUSH replay policy: before the replay the handler flushes the buffer, and every stalled uTLB
     * retries. A flushed fault whose page is now mapped simply succeeds; one whose page is still missing faults
     * again and reaches the buffer a walk and a fault report after the replay. Rather than dropping such entries
     * and re-raising them warp by warp (the same outcome, at a host cost per warp), the entry is kept and its
     * arrival moved to when the re-raised fault would land; it counts as a new fault. The flush happens when the
     * batch's service ends, before the replay is pushed: entries written while the handler waits for the replay
     * are not flushed and stay ahead of the re-raised ones, for the run's next fetch. Access-counter notifications
     * are in a buffer of their own, which this flush leaves alone.
     */
    private void flushAndRequeue(long now) {
        long rearrive = now + g.pageWalkLatency().nanos() + g.faultReport().nanos();
        int kept = 0;
        int refaults = 0;
        boolean survivorBehindRefault = false;
        for (int k = 0; k < bufCount; k++) {
            int slot = (bufHead + k) % bufCapacity;
            long page = bufPage[slot];
            boolean write = bufWrite[slot];
            byte e = pte[idx(page)];
            boolean mapped = (e & VALID) != 0 && (!write || (e & WRITE) != 0);
            int w = bufWarp[slot];
            if (mapped || wstate[w] != FAULTED) {
                inBuffer[w] = false;
                continue;
            }
            // an entry written after the flush stays in the buffer as it is, for the next fetch; a flushed one is
            // the warp's fault raised again after the replay
            boolean survivor = bufArrive[slot] > flushedAt;
            survivorBehindRefault |= survivor && refaults > 0;
            int to = (bufHead + kept) % bufCapacity;
            bufPage[to] = page;
            bufWrite[to] = write;
            bufWarp[to] = w;
            bufArrive[to] = survivor ? bufArrive[slot] : rearrive;
            kept++;
            if (!survivor) {
                refaults++;
            }
        }
        counters.add(Counter.FAULTS, refaults);
        bufCount = kept;
        if (survivorBehindRefault) {
            survivorsFirst(rearrive);
        }
    }

    /**
     * Reorders the buffer, keeping each group's order, so that the entries that survived a flush and land before
     * {@code rearrive} come before the faults raised again at {@code rearrive}: a fetch takes entries in order
     * and stops at the first that has not landed.
     */
    private void survivorsFirst(long rearrive) {
        if (flushPage.length < bufCount) {
            flushPage = new long[bufCapacity];
            flushWrite = new boolean[bufCapacity];
            flushWarp = new int[bufCapacity];
            flushArrive = new long[bufCapacity];
        }
        int n = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (int k = 0; k < bufCount; k++) {
                int slot = (bufHead + k) % bufCapacity;
                if ((bufArrive[slot] < rearrive) == (pass == 0)) {
                    flushPage[n] = bufPage[slot];
                    flushWrite[n] = bufWrite[slot];
                    flushWarp[n] = bufWarp[slot];
                    flushArrive[n] = bufArrive[slot];
                    n++;
                }
            }
        }
        for (int k = 0; k < n; k++) {
            int to = (bufHead + k) % bufCapacity;
            bufPage[to] = flushPage[k];
            bufWrite[to] = flushWrite[k];
            bufWarp[to] = flushWarp[k];
            bufArrive[to] = flushArrive[k];
        }
    }

    // the entries a flush dropped whose warps fault again at the replay
    private long[] flushPage = new long[0];
    private boolean[] flushWrite = new boolean[0];
    private int[] flushWarp = new int[0];
    private long[] flushArrive = new long[0];

    private final long[] stageScratch = new long[STAGES];

    /** The replay reaches the GPU: every stalled warp retries; those whose page is now mapped record their fault. */
    private void replay(Service s) {
        long now = sim.nowNanos();
        counters.increment(Counter.REPLAYS);
        replayPending = false;
        flushAndRequeue(now);
        Arrays.fill(smOutstanding, 0);
        for (int w = 0; w < warps; w++) {
            byte st = wstate[w];
            if (st != FAULTED && st != WAIT_REPLAY) {
                continue;
            }
            long page = pieces.page(w);
            int i = idx(page);
            byte e = pte[i];
            boolean mapped = (e & VALID) != 0 && (!pieces.write(w) || (e & WRITE) != 0);
            long throttle = throttleUntil[i];
            if (st == FAULTED && !mapped && throttle <= now && inBuffer[w]) {
                utlbReport(smOf(w), page); // its entry is still queued: it stays stalled
                continue;
            }
            if (st == FAULTED && mapped) {
                recordFault(w, now, s);
            }
            faultBatch[w] = -1;
            if (throttle > now) {
                wstate[w] = THROTTLED;
                int wi = w;
                sim.scheduleAtNanos(throttle, EventPhase.DEVICE, a -> wake(wi, sim.nowNanos()), 0);
            } else {
                wake(w, now);
            }
        }
        continueRun(s, now);
    }

    /**
     * The replay of a fault batch has completed: the handler's run fetches the next batch at once if faults are
     * ready and the run has batches left, or else ends and frees the bottom-half queue, where an access-counter
     * bottom half queued meanwhile goes before the fault handler's next run.
     *
     * <p>Mirrors the loop of uvm_parent_gpu_service_replayable_faults() (uvm_gpu_replayable_faults.c): it breaks when
     * {@code num_throttled >= uvm_perf_fault_max_throttle_per_service} or {@code num_batches >=
     * uvm_perf_fault_max_batches_per_service} (5 and 20), or when a fetch in FAULT_FETCH_MODE_BATCH_READY finds no
     * entry; each serviced batch counts, and a batch with throttled faults counts as throttled as well. A run that
     * ends with faults left re-enables the interrupt, which queues the bottom half again behind whatever the queue
     * holds (uvm_gpu_isr.c).
     */
    private void continueRun(Service s, long now) {
        runBatches++;
        if (s.throttled) {
            runThrottled++;
        }
        if (runBatches < g.faultMaxBatchesPerService() && runThrottled < g.faultMaxThrottlePerService()
                && bufCount > 0 && bufArrive[bufHead] <= now) {
            startService(0);
            return;
        }
        runBatches = 0;
        runThrottled = 0;
        faultRequeuedAt = now;
        hostFree(now);
    }

    private void recordFault(int w, long now, Service s) {
        long total = now - faultAt[w];
        System.arraycopy(s.stage, 0, stageScratch, 0, STAGES);
        long transport = path == FaultPath.REPLAYABLE_BUFFER ? g.faultReport().nanos() : 0;
        stageScratch[Stage.FAULT_TRANSPORT.ordinal()] += transport;
        long known = 0;
        for (long v : stageScratch) {
            known += v;
        }
        stageScratch[Stage.QUEUEING.ordinal()] += Math.max(0, total - known);
        metrics.faults().record(total, stageScratch);
        if (metrics.tracing()) {
            metrics.trace(new TraceEvent.Replayed(now, w, faultPage[w], total));
        }
    }

    // --- ATS / PRI ----------------------------------------------------------------------------------------------

    private void onAtsStart(long w) {
        counters.increment(Counter.ATS_TRANSLATIONS);
        int wi = (int) w;
        ats.translationRequest(a -> sim.scheduleAtNanos(sim.nowNanos() + h.iommuWalk().nanos(), EventPhase.HOST,
                b -> hostTranslates(wi), 0), 0);
    }

    private void hostTranslates(int w) {
        long page = faultPage[w];
        boolean ok = host.present(page, pieces.write(w));
        ats.translationCompletion(ok ? 1 : 0, a -> translated(w, ok), 0);
    }

    private void translated(int w, boolean present) {
        long page = faultPage[w];
        int i = idx(page);
        long now = sim.nowNanos();
        if (present || (pte[i] & LOCAL) != 0) {
            if ((pte[i] & LOCAL) == 0) {
                pte[i] = (byte) (VALID | (host.present(page, true) ? WRITE : 0));
                resid[i] = R_HOST;
            }
            tlb.insert(page);
            wake(w, now);
            return;
        }
        // not present: a page request (step 3 of the seeds' four steps)
        wstate[w] = WAIT_PRI;
        if (priPending[i]) {
            counters.increment(Counter.DUPLICATE_FAULTS);
            return;
        }
        priPending[i] = true;
        counters.increment(Counter.FAULTS);
        counters.increment(Counter.PRI_REQUESTS);
        if (metrics.tracing()) {
            metrics.trace(new TraceEvent.FaultRaised(faultAt[w], w, page, pieces.write(w)));
        }
        boolean write = pieces.write(w);
        pri.pageRequest(a -> {
            if (!pushEntry(page, write, w, sim.nowNanos())) {
                throw new IllegalStateException("PRI queue overflow");
            }
        }, 0);
    }

    private void priResponded(long page, Service s, long sentAt) {
        long now = sim.nowNanos();
        s.stage[Stage.REPLAY.ordinal()] += now - sentAt;
        for (int w = 0; w < warps; w++) {
            if (wstate[w] == WAIT_PRI && faultPage[w] == page) {
                recordFault(w, now, s);
                long throttle = throttleUntil[idx(page)];
                if (throttle > now) {
                    wstate[w] = THROTTLED;
                    int wi = w;
                    sim.scheduleAtNanos(throttle, EventPhase.DEVICE, a -> wake(wi, sim.nowNanos()), 0);
                } else {
                    wake(w, now);
                }
            }
        }
        counters.increment(Counter.REPLAYS);
    }

    // --- CPU side: migrate_to_ram -------------------------------------------------------------------------------

    /**
     * A CPU access hit a page in device memory: migrate the region the policy chooses back to host memory
     * (dev_pagemap_ops.migrate_to_ram) and run {@code done} when the copy has landed. Returns the CPU time the
     * faulting thread spends before waiting for the copy.
     */
    long migrateToRam(long page, boolean write, long now, EventHandler done, long arg) {
        fillContext(page, write, now);
        Decision d = policy.onHostFault(ctx);
        if (d.action() == Decision.Action.THROTTLE) {
            sim.scheduleAtNanos(now + d.delay().nanos(), EventPhase.HOST, done, arg);
            return 0;
        }
        long first = Math.max(d.regionFirstPage(page), page & -(long) Pages.PAGES_PER_BLOCK);
        long last = Math.min(first + Math.max(1, d.regionPages()), (page | (Pages.PAGES_PER_BLOCK - 1)) + 1);
        long[] b = new long[2];
        allocBounds(page, b);
        first = Math.max(first, b[0]);
        last = Math.min(last, b[1]);
        int moved = 0;
        // the moved pages stay under their migration entries until the copy has landed: the device's fault handler
        // cannot take them back meanwhile, and the faulting thread retries when the copy is done
        int toHost = ++landingSeq == 0 ? ++landingSeq : landingSeq;
        long runStart = first;
        for (long q = first; q <= last; q++) {
            // a page whose migration to the device is still under way has a migration entry, which
            // migrate_vma_setup() does not collect: it stays, and the runs around it move
            if (q == last || landing[idx(q)] != 0) {
                if (q > runStart) {
                    host.migrateToHost(runStart, q - runStart);
                }
                runStart = q + 1;
                continue;
            }
            int i = idx(q);
            if (resid[i] == R_GPU) {
                resid[i] = R_HOST;
                pte[i] = 0;
                landing[i] = toHost;
                moved++;
            }
        }
        usedPages -= moved;
        metrics.deviceResidency().record(now, usedPages);
        tlb.invalidate(first, last - first);
        counters.add(Counter.PAGES_TO_HOST, moved);
        counters.add(Counter.BYTES_TO_HOST, (long) moved << 12);
        counters.increment(Counter.INVALIDATIONS);
        long cpu = h.rangeFaultWalk().nanos() + h.blockOverhead().nanos()
                + moved * (h.populatePerPage().nanos() + h.dmaMapPerPage().nanos() + h.pteUpdatePerPage().nanos())
                + invalidationCost();
        // the policy hears of the pages that moved, run by run: not of the region's pages that were never here
        for (long q = first; q < last; ) {
            if (landing[idx(q)] != toHost) {
                q++;
                continue;
            }
            long run = q;
            while (q < last && landing[idx(q)] == toHost) {
                q++;
            }
            policy.onMigrated(run, q - run, 0, Location.HOST, MigrationCause.HOST_FAULT, now + cpu);
        }
        if (metrics.tracing()) {
            metrics.trace(new TraceEvent.Migrated(now + cpu, first, moved, false));
        }
        CopyEngine ce = engines[nextEngine];
        nextEngine = (nextEngine + 1) % engines.length;
        Bytes size = Bytes.pages(Math.max(1, moved));
        long from = first;
        long to = last;
        EventHandler landed = x -> {
            for (long q = from; q < to; q++) {
                if (landing[idx(q)] == toHost) {
                    landing[idx(q)] = 0;
                }
            }
            wakeCpuWaiters(sim.nowNanos());
            done.handle(arg);
        };
        sim.scheduleAtNanos(now + cpu, EventPhase.HOST,
                a -> ce.submit(false, size, CopyEngine.GRANULE_4K, landed, 0), 0);
        return cpu;
    }

    /**
     * A CPU write to a read-duplicated page invalidates the device copy (the host copy is the master); returns the
     * host time to get the device TLB invalidation confirmed, 0 when the page had no duplicate.
     */
    long cpuWrite(long page, long now) {
        int i = idx(page);
        if (i < 0 || i >= span || resid[i] != R_DUP) {
            return 0;
        }
        resid[i] = R_HOST;
        pte[i] = 0;
        landing[i] = 0; // a duplicate still being copied is dropped before it is ever mapped
        usedPages--;
        metrics.deviceResidency().record(now, usedPages);
        tlb.invalidate(page, 1);
        counters.increment(Counter.INVALIDATIONS);
        policy.onMigrated(page, 1, 0, Location.HOST, MigrationCause.HOST_FAULT, now);
        return invalidationCost();
    }

    /** Whether {@code page} is resident in device memory. */
    boolean onDevice(long page) {
        return resid[idx(page)] == R_GPU;
    }

    /** Marks {@code page} populated in host memory (a CPU fault or hmm_range_fault populated it). */
    void populatedOnHost(long page) {
        int i = idx(page);
        if (resid[i] == R_UNPOPULATED) {
            resid[i] = R_HOST;
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Refills the policy's view of a fault on {@code page} by GPU 0 at {@code nowNanos}. */
    private void fillContext(long page, boolean write, long nowNanos) {
        ctx.fill(page << 12, write ? AccessType.WRITE : AccessType.READ, 0, nowNanos);
    }

    /** Where {@code page} lives as the policy sees it: unpopulated outside the mirrored allocations. */
    private int contextResidency(long page) {
        long i = page - basePage;
        return i >= 0 && i < span ? residency(page) : Location.UNPOPULATED;
    }
}
