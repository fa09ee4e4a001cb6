package org.hmmlab.device;

import org.hmmlab.driver.amd.AmdSvmGpu;
import org.hmmlab.driver.uvm.UvmGpu;
import org.hmmlab.metrics.RunMetrics;
import org.hmmlab.pcie.Ats;
import org.hmmlab.pcie.PcieLink;
import org.hmmlab.pcie.Pri;
import org.hmmlab.platform.AmdSvm;
import org.hmmlab.platform.GpuProfile;
import org.hmmlab.platform.Platform;
import org.hmmlab.policy.MigrationPolicy;
import org.hmmlab.policy.UserPrefetchPlan;
import org.hmmlab.sim.EventHandler;
import org.hmmlab.sim.Simulator;
import org.hmmlab.workload.AccessStream;

/**
 * A GPU attached over PCIe that mirrors a process's address space, with its driver: the wiring of the hardware
 * (this package: {@link WarpScheduler}, {@link MicroTlb}, {@link DeviceTlb}, {@link DevicePageTable},
 * {@link FaultBuffer}, {@link AccessCounterBuffer}, {@link AtsPri}, {@link CopyEngine}) to the driver software that
 * services it ({@link org.hmmlab.driver.uvm}: batches, decisions, migration, eviction, replay).
 *
 * <p>Plays the role of an HMM device and its driver (the kernel's lib/test_hmm.c dmirror, nouveau's SVM,
 * nvidia-uvm's HMM mode): it mirrors the CPU page table through {@link HostMemory#mirror} (an MMU interval notifier)
 * and {@link HostMemory#rangeFault} (hmm_range_fault), and migrates pages into its memory when the
 * {@link MigrationPolicy} says so. The fault path ({@link FaultPath}) is the NVIDIA-UVM replayable fault buffer
 * with batching, or PCIe ATS/PRI.
 *
 * <p>The platform's {@link Platform#driver() driver personality} chooses the software: nvidia-uvm
 * ({@link org.hmmlab.driver.uvm}) or AMD's SVM driver ({@link org.hmmlab.driver.amd}), whose retry faults arrive in
 * the same ring (the IH ring) and are handled one at a time; it always takes the fault-buffer path.
 */
public final class Gpu {

    private final HostMemory host;
    private final DevicePageTable pt;
    private final WarpScheduler warps;
    /** The driver's HMM side: its MMU interval notifier and its pagemap's migrate_to_ram. */
    private final HostMemory.Invalidator mirror;
    private final HostMemory.DeviceDriver hostSide;
    /** AMD's SVM driver when it is the platform's personality, else null. */
    private final AmdSvmGpu amd;
    /** NVIDIA's UVM driver when it is the platform's personality, else null. */
    private final UvmGpu uvm;

    public Gpu(Simulator sim, Platform platform, PcieLink link, HostMemory host, MigrationPolicy policy,
               FaultPath path, RunMetrics metrics) {
        GpuProfile g = platform.gpu();
        this.host = host;
        Ats ats = new Ats(sim, link);
        CopyEngine[] engines = new CopyEngine[g.copyEngines()];
        for (int i = 0; i < engines.length; i++) {
            engines[i] = new CopyEngine(sim, link, i, g.copySetup(), g.copyInflightGranules());
        }
        DeviceTlb tlb = new DeviceTlb(g.tlbEntries(), Long.numberOfTrailingZeros(g.tlbPageSize().bytes() >>> 12));
        this.pt = new DevicePageTable(g.vram().bytes() >>> 12, metrics.deviceResidency());
        if (platform.driver() instanceof AmdSvm svm) {
            if (path != FaultPath.REPLAYABLE_BUFFER) {
                throw new IllegalArgumentException("faultPath " + path + " is not a path of the amdSvm driver, whose"
                        + " retry faults arrive in the IH ring: use faultPath REPLAYABLE_BUFFER (the default)");
            }
            this.uvm = null;
            this.amd = new AmdSvmGpu(sim, platform, svm, host, policy, metrics, pt, tlb, engines);
            this.mirror = amd.hmm();
            this.hostSide = amd.hmm();
            metrics.listIommu(platform.iommu().translates());
            FaultBuffer ih = new FaultBuffer(g.faultBufferEntries(), amd.interrupts());
            this.warps = new WarpScheduler(sim, g, platform.host(), link, FaultPath.REPLAYABLE_BUFFER, pt, tlb, ih,
                    metrics, policy.evictor().wantsAccesses() ? policy.evictor() : null);
            AtsPri atsPri = new AtsPri(sim, platform.host(), ats, new Pri(link), host, pt, tlb, warps, metrics);
            warps.connect(atsPri::onAtsStart, amd.remoteAccesses());
            if (amd.iommu().translates()) {
                warps.throughIommu(amd.iommu());
            }
            amd.connect(warps, ih);
            host.driver(hostSide);
            return;
        }
        this.amd = null;
        UvmGpu driver = new UvmGpu(sim, platform, link, ats, host, policy, path, metrics, pt, tlb, engines);
        this.uvm = driver;
        this.mirror = driver.hmm();
        this.hostSide = driver.hmm();
        metrics.listIommu(platform.iommu().translates());
        FaultBuffer faults = new FaultBuffer(path == FaultPath.REPLAYABLE_BUFFER ? g.faultBufferEntries() : 1 << 16,
                driver.interrupts());
        AccessCounterBuffer notes = new AccessCounterBuffer(g.accessCounterBufferEntries(), pt, metrics,
                driver.interrupts());
        this.warps = new WarpScheduler(sim, g, platform.host(), link, path, pt, tlb, faults, metrics,
                policy.evictor().wantsAccesses() ? policy.evictor() : null);
        AtsPri atsPri = new AtsPri(sim, platform.host(), ats, new Pri(link), host, pt, tlb, warps, metrics);
        warps.connect(atsPri::onAtsStart, driver.remoteAccesses());
        if (driver.iommu().translates()) {
            warps.throughIommu(driver.iommu());
        }
        driver.connect(warps, faults, notes, atsPri);
        host.driver(hostSide);
    }

    /** Pages held in device memory. */
    public long residentPages() {
        return pt.residentPages();
    }

    /** Mirrors a managed allocation of {@code pages} pages that starts at {@code firstPage}. */
    public void attach(long firstPage, long pages) {
        attach(null, firstPage, pages);
    }

    /**
     * Mirrors allocation {@code name} of {@code pages} pages that starts at {@code firstPage}; the name gives it the
     * SVM attributes the AMD personality was told of (null: none).
     */
    public void attach(String name, long firstPage, long pages) {
        if (amd != null) {
            amd.attach(name, firstPage, pages);
            return;
        }
        pt.attach(firstPage, pages);
        host.mirror(firstPage, pages, mirror);
    }

    /** Where {@code page} lives, as a {@link org.hmmlab.policy.Location} code. */
    public int residency(long page) {
        return pt.residency(page);
    }

    /**
     * Runs a GPU phase: {@code concurrency} warps (at most the GPU's resident warps) take the stream's accesses in
     * turn; the allocation starts at {@code allocationFirstPage}. {@code done} runs when the last access has
     * completed.
     */
    public void runPhase(AccessStream accesses, long allocationFirstPage, int concurrency, EventHandler done) {
        if (amd != null) {
            // the driver maps (XNACK off) and prefetches what the ranges' attributes ask before the kernel runs
            amd.launch(() -> warps.runPhase(accesses, allocationFirstPage, concurrency, done));
            return;
        }
        warps.runPhase(accesses, allocationFirstPage, concurrency, done);
    }

    /**
     * An explicit prefetch to this GPU ({@code cudaMemPrefetchAsync}) of the allocation that starts at
     * {@code allocationFirstPage}, pages [{@code firstPage}, {@code firstPage + pages}): cut into transfers as
     * GPGPU-Sim UVMSmart does ({@link UserPrefetchPlan}, planned when the step starts), each migrated when the one
     * before it has landed; {@code done} runs after the last. Only the UVM personality takes it: AMD's SVM driver
     * prefetches through its ranges' {@code prefetchLoc}.
     */
    public void userPrefetch(long allocationFirstPage, long firstPage, long pages, EventHandler done) {
        if (uvm == null) {
            throw new IllegalArgumentException("prefetch: an explicit prefetch step needs the uvm driver; the amdSvm"
                    + " driver prefetches a range through its prefetchLoc attribute");
        }
        long[][] transfers = UserPrefetchPlan.transfers(firstPage, pages, allocationFirstPage, uvm::validOnDevice);
        int[] k = {0};
        EventHandler[] next = new EventHandler[1];
        next[0] = a -> {
            if (k[0] == transfers.length) {
                done.handle(a);
                return;
            }
            long[] tr = transfers[k[0]++];
            uvm.migrateExplicitly(tr[0], tr[1], next[0]);
        };
        next[0].handle(0);
    }

    // --- the CPU side, served by the driver ---------------------------------------------------------------------

    /** Takes the invalidation time accumulated by notifier callbacks since the last call. */
    public long takeInvalidationCost() {
        return hostSide.takeInvalidationCost();
    }
}
