package org.hmmlab.driver.uvm;

import java.util.ArrayList;

import org.hmmlab.device.AccessCounterBuffer;
import org.hmmlab.device.AtsPri;
import org.hmmlab.device.CopyEngine;
import org.hmmlab.device.DevicePageTable;
import org.hmmlab.device.DeviceTlb;
import org.hmmlab.device.FaultBuffer;
import org.hmmlab.device.FaultPath;
import org.hmmlab.device.HostMemory;
import org.hmmlab.device.Interrupts;
import org.hmmlab.device.WarpScheduler;
import org.hmmlab.metrics.Counters;
import org.hmmlab.metrics.RunMetrics;
import org.hmmlab.pcie.Ats;
import org.hmmlab.pcie.Iommu;
import org.hmmlab.pcie.PcieLink;
import org.hmmlab.platform.GpuProfile;
import org.hmmlab.platform.HostProfile;
import org.hmmlab.platform.Platform;
import org.hmmlab.policy.FaultBatch;
import org.hmmlab.policy.Location;
import org.hmmlab.policy.MigrationCause;
import org.hmmlab.policy.MigrationPolicy;
import org.hmmlab.policy.MutableFaultContext;
import org.hmmlab.policy.PageMask;
import org.hmmlab.sim.EventHandler;
import org.hmmlab.sim.EventPhase;
import org.hmmlab.sim.Simulator;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.AccessType;

/**
 * The driver's state for one GPU: the hardware it drives, the policy it applies, and its parts, one per UVM source
 * file: the bottom-half queue ({@link GpuIsr}), the replayable-fault handler ({@link ReplayableFaults}), the
 * access-counter handler ({@link GpuAccessCounters}), the service of one batch per VA block
 * ({@link VaBlockService}), eviction ({@link GpuPmm}) and the HMM side: MMU-notifier callbacks and migrate_to_ram
 * ({@link UvmHmm}).
 *
 * <p>Mirrors uvm_gpu_t and uvm_parent_gpu_t (uvm_gpu.c, uvm_gpu.h): the per-GPU driver state every handler reaches.
 * Every cost is charged to a resource: the link's two directions, the copy engines, the host's fault-servicing
 * thread, so contention shows up as latency.
 */
public final class UvmGpu {

    final Simulator sim;
    final GpuProfile g;
    final HostProfile h;
    /** One fault batch's fixed cost in its named parts, from {@link #h} and {@link #g}. */
    final BatchFixedCost batchCost;
    /** What the first fault in each VA block pays, and which blocks and chunks have paid it. */
    final VaBlockFirstTouch firstTouch;
    final PcieLink link;
    final Ats ats;
    final FaultPath path;
    final HostMemory host;
    final MigrationPolicy policy;
    final RunMetrics metrics;
    final Counters counters;
    final DevicePageTable pt;
    final DeviceTlb tlb;
    final MutableFaultContext ctx;
    /** The host IOMMU the driver maps and unmaps through; its costs are 0 unless it translates. */
    final Iommu iommu;
    /** The batch the placement's batch form is told about, refilled per service. */
    final FaultBatch batch = new FaultBatch();
    private final CopyEngine[] engines;
    private int nextEngine;

    // hardware connected after construction (the buffers raise this driver's interrupts)
    WarpScheduler warps;
    FaultBuffer faults;
    AccessCounterBuffer notes;
    AtsPri atsPri;

    final GpuIsr isr;
    final ReplayableFaults replayable;
    final GpuAccessCounters accessCounters;
    final GpuPmm pmm;
    final UvmHmm hmm;

    // one set of batch scratch arrays: a fault batch and a notification batch never run at once
    final long[] keys;
    final long[] uniq;
    final boolean[] uniqWrite;
    // block-wide masks of the VA block being serviced
    final long[] blockMask = PageMask.create();
    final long[] prefetchMask = PageMask.create();
    final long[] residentMask = PageMask.create();
    final long[] outMask = PageMask.create();
    /** The landings of the VA block being migrated, mapped together when its PTE update is charged. */
    final ArrayList<Landing> blockLandings = new ArrayList<>();

    public UvmGpu(Simulator sim, Platform platform, PcieLink link, Ats ats, HostMemory host, MigrationPolicy policy,
                  FaultPath path, RunMetrics metrics, DevicePageTable pt, DeviceTlb tlb, CopyEngine[] engines) {
        this.sim = sim;
        this.g = platform.gpu();
        this.h = platform.host();
        this.batchCost = BatchFixedCost.of(h, g);
        this.firstTouch = new VaBlockFirstTouch(h, g);
        this.link = link;
        this.ats = ats;
        this.path = path;
        this.host = host;
        this.policy = policy;
        this.metrics = metrics;
        this.counters = metrics.counters();
        this.pt = pt;
        this.tlb = tlb;
        this.engines = engines;
        this.iommu = new Iommu(platform.iommu(), metrics.counters());
        this.ctx = new MutableFaultContext(pt::contextResidency, pt::freePages, pt.capacityPages());
        int batch = Math.max(g.faultBatchCount(), g.accessCounterBatchCount());
        this.keys = new long[batch];
        this.uniq = new long[batch];
        this.uniqWrite = new boolean[batch];
        this.isr = new GpuIsr(this);
        this.replayable = new ReplayableFaults(this);
        this.accessCounters = new GpuAccessCounters(this);
        this.pmm = new GpuPmm(this);
        this.hmm = new UvmHmm(this);
    }

    /** Connects the GPU's warps, buffers and ATS/PRI path, built with this driver's {@link #interrupts()}. */
    public void connect(WarpScheduler warpScheduler, FaultBuffer faultBuffer, AccessCounterBuffer noteBuffer,
                        AtsPri ats) {
        this.warps = warpScheduler;
        this.faults = faultBuffer;
        this.notes = noteBuffer;
        this.atsPri = ats;
    }

    /** The top half the GPU's buffers interrupt. */
    public Interrupts interrupts() {
        return isr;
    }

    /** What hears of the GPU's completed remote accesses: the access counters. */
    public WarpScheduler.RemoteAccessListener remoteAccesses() {
        return accessCounters;
    }

    /** The host IOMMU: the GPU's untranslated reads and writes of host memory look its IOTLB up. */
    public Iommu iommu() {
        return iommu;
    }

    /** The HMM side: MMU-notifier callbacks and the CPU's migrate_to_ram. */
    public UvmHmm hmm() {
        return hmm;
    }

    /** Refills the policy's view of a fault on {@code page} by GPU 0 at {@code nowNanos}. */
    /**
     * Migrates pages [{@code firstPage}, {@code firstPage + pages}) to this GPU now, at the caller's request
     * ({@code cudaMemPrefetchAsync}); {@code done} runs once every copy has landed and been mapped.
     */
    public void migrateExplicitly(long firstPage, long pages, EventHandler done) {
        new VaBlockService(this, sim.nowNanos(), 0, false).migrateExplicitly(firstPage, pages, done);
    }

    /** Whether {@code page} is valid in this GPU's memory (resident, or a read-only duplicate). */
    public boolean validOnDevice(long page) {
        return pt.covers(page) && (pt.resid(pt.idx(page)) == DevicePageTable.R_GPU
                || pt.resid(pt.idx(page)) == DevicePageTable.R_DUP);
    }

    void fillContext(long page, boolean write, long nowNanos) {
        ctx.fill(page << 12, write ? AccessType.WRITE : AccessType.READ, 0, nowNanos);
    }

    /** Host time to get a device TLB invalidation confirmed: an ATS invalidation round trip, or a TLB flush method. */
    long invalidationCost() {
        if (path == FaultPath.ATS_PRI) {
            ats.invalidate(g.atcInvalidate(), null, 0);
            return link.config().roundTripLatency().nanos() + g.atcInvalidate().nanos();
        }
        return g.atcInvalidate().nanos();
    }

    /**
     * One page's device copy goes without a copy back, the host copy being current (a read-only duplicate dropped,
     * collapsed or evicted): the page table releases it, the residency series records the new count at {@code t},
     * and the policy hears that the page is back in host memory for the reason {@code cause}.
     */
    void dropToHost(long page, MigrationCause cause, long t) {
        pt.release(page, cause);
        pt.recordResidency(t);
        policy.onMigrated(page, 1, 0, Location.HOST, cause, t);
    }

    /** The next copy engine, in turn. */
    CopyEngine nextEngine() {
        CopyEngine ce = engines[nextEngine];
        nextEngine = (nextEngine + 1) % engines.length;
        return ce;
    }

    /** Pushes a copy of {@code pages} pages at {@code at} on the next copy engine; {@code done} runs when it lands. */
    void submitCopy(boolean toDevice, int pages, long at, EventHandler done) {
        Bytes size = Bytes.pages(pages);
        Bytes granule = pages >= org.hmmlab.policy.Pages.PAGES_PER_BLOCK ? CopyEngine.GRANULE_2M
                : (pages % 16 == 0 ? CopyEngine.GRANULE_64K : CopyEngine.GRANULE_4K);
        CopyEngine ce = nextEngine();
        sim.scheduleAtNanos(at, EventPhase.HOST, a -> ce.submit(toDevice, size, granule, done, 0), 0);
    }
}
