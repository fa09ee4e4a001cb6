package org.hmmlab.driver.amd;

import java.util.TreeMap;

import org.hmmlab.device.CopyEngine;
import org.hmmlab.device.DevicePageTable;
import org.hmmlab.device.DeviceTlb;
import org.hmmlab.device.FaultBuffer;
import org.hmmlab.device.HostMemory;
import org.hmmlab.device.Interrupts;
import org.hmmlab.device.WarpScheduler;
import org.hmmlab.metrics.Counters;
import org.hmmlab.metrics.RunMetrics;
import org.hmmlab.pcie.Iommu;
import org.hmmlab.platform.AmdSvm;
import org.hmmlab.platform.GpuProfile;
import org.hmmlab.platform.HostProfile;
import org.hmmlab.platform.Platform;
import org.hmmlab.policy.MigrationPolicy;
import org.hmmlab.policy.Pages;
import org.hmmlab.sim.EventHandler;
import org.hmmlab.sim.EventPhase;
import org.hmmlab.sim.Simulator;
import org.hmmlab.units.Bytes;

/**
 * AMD's SVM driver for one GPU: the process's SVM ranges ({@link SvmRangeList}), the retry-fault filter
 * ({@link GmcFaultFilter}), the interrupt handler that takes retry faults one at a time ({@link AmdgpuIh}), the range
 * service and the MMU-notifier side ({@link KfdSvm}) and migration ({@link KfdMigrate}).
 *
 * <p>Mirrors the per-device and per-process state the amdkfd SVM code reaches (struct kfd_node, struct
 * svm_range_list in kfd_svm.h, the GPU's amdgpu_gmc fault ring). Of the scenario's {@link MigrationPolicy} only the
 * evictor is used (which VRAM to give back when it is full, as TTM's LRU chooses the buffer to evict): placement
 * and prefetch are the ranges' attributes, not a policy.
 */
public final class AmdSvmGpu {

    final Simulator sim;
    final GpuProfile g;
    final HostProfile h;
    final AmdSvm options;
    final HostMemory host;
    final MigrationPolicy policy;
    final RunMetrics metrics;
    final Counters counters;
    final DevicePageTable pt;
    final DeviceTlb tlb;
    final Iommu iommu;
    final SvmRangeList ranges;
    final GmcFaultFilter filter;
    final AmdgpuIh ih;
    final KfdSvm svm;
    final KfdMigrate migrate;
    private final CopyEngine[] engines;
    private int nextEngine;
    /** The allocations by first page: their names give them their attributes. */
    final TreeMap<Long, String> allocations = new TreeMap<>();

    WarpScheduler warps;
    FaultBuffer faults;

    public AmdSvmGpu(Simulator sim, Platform platform, AmdSvm options, HostMemory host, MigrationPolicy policy,
                     RunMetrics metrics, DevicePageTable pt, DeviceTlb tlb, CopyEngine[] engines) {
        this.sim = sim;
        this.g = platform.gpu();
        this.h = platform.host();
        this.options = options;
        this.host = host;
        this.policy = policy;
        this.metrics = metrics;
        this.counters = metrics.counters();
        this.pt = pt;
        this.tlb = tlb;
        this.engines = engines;
        this.iommu = new Iommu(platform.iommu(), metrics.counters());
        this.ranges = new SvmRangeList(SvmRangeList.maxSvmRangePages(g.vram().bytes()));
        this.filter = new GmcFaultFilter(options.faultFilterRingEntries(), options.faultFilterTimeout().nanos());
        this.ih = new AmdgpuIh(this);
        this.svm = new KfdSvm(this);
        this.migrate = new KfdMigrate(this);
    }

    /** Connects the GPU's warps and the IH ring they write retry faults into. */
    public void connect(WarpScheduler warpScheduler, FaultBuffer faultBuffer) {
        this.warps = warpScheduler;
        this.faults = faultBuffer;
    }

    /** The interrupt the IH ring raises. */
    public Interrupts interrupts() {
        return ih;
    }

    /** The host IOMMU: the GPU's untranslated reads and writes of host memory look its IOTLB up. */
    public Iommu iommu() {
        return iommu;
    }

    /** The HMM side: the ranges' MMU interval notifier and the pagemap's migrate_to_ram. */
    public KfdSvm hmm() {
        return svm;
    }

    /** What hears of remote accesses: nobody; AMD's GPUs have no access counters that drive migration. */
    public WarpScheduler.RemoteAccessListener remoteAccesses() {
        return (page, write, now) -> { };
    }

    /** Mirrors allocation {@code name} of {@code pages} pages at {@code firstPage}. */
    public void attach(String name, long firstPage, long pages) {
        allocations.put(firstPage, name);
        svm.attach(name, firstPage, pages);
    }

    /** A kernel is launched at the current time: {@code start} runs when the driver lets it run. */
    public void launch(Runnable start) {
        svm.launch(start);
    }

    /** The allocation holding {@code page}, for messages. */
    String allocationOf(long page) {
        var e = allocations.floorEntry(page);
        return e == null ? "?" : e.getValue();
    }

    /** Host time to get a device TLB invalidation confirmed (kfd_flush_tlb()). */
    long invalidationCost() {
        return g.atcInvalidate().nanos();
    }

    /** Pushes a copy of {@code pages} pages at {@code at} on the SDMA ring; {@code done} runs when it lands. */
    void submitCopy(boolean toDevice, long pages, long at, EventHandler done) {
        Bytes size = Bytes.pages(pages);
        Bytes granule = pages >= Pages.PAGES_PER_BLOCK ? CopyEngine.GRANULE_2M
                : (pages % 16 == 0 ? CopyEngine.GRANULE_64K : CopyEngine.GRANULE_4K);
        CopyEngine ce = engines[nextEngine];
        nextEngine = (nextEngine + 1) % engines.length;
        sim.scheduleAtNanos(at, EventPhase.HOST, a -> ce.submit(toDevice, size, granule, done, 0), 0);
    }
}
