package org.hmmlab.platform;

import org.hmmlab.pcie.PcieGen;
import org.hmmlab.pcie.PcieLinkConfig;
import org.hmmlab.units.Bandwidth;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * Ready platform profiles for real systems. Every number names its source; tags as in
 * shared/reference/perf-figures.md: [M] measured, [S] specification or datasheet, [P] a driver or simulator
 * parameter, [D] derived from cited numbers (arithmetic given), [2nd] via a secondary summary,
 * [U] a datasheet value not checked in perf-figures.md, [A] an assumption: no public measurement exists
 * (perf-figures.md section 1d and 5 list these gaps), chosen as a round number of the right order.
 */
public final class Platforms {

    private Platforms() {
    }

    /**
     * A two-socket x86-64 server running Linux 6.x with nvidia-uvm or an HMM driver; the same host sits
     * under each ready GPU so that differences between profiles come from the link and the GPU.
     */
    public static final HostProfile X86_SERVER = new HostProfile(
            "x86-64 server, Linux 6.x",
            SimDuration.us(5),          // faultEntry [A] ISR + bottom-half wake-up; no published figure
            SimDuration.us(10),         // batchOverhead [A] buffer pointers, sort, flush before replay
            SimDuration.ns(550),        // perFaultOverhead [D] Kim et al. ASPLOS'20 [2nd]: median 140 us of
                                        //   driver pre-processing per batch / 256 faults per batch = 0.55 us
            SimDuration.ns(350),        // rangeFaultWalk [D] "over 1000 CPU cycles" per walk (Penttila,
                                        //   migrate-on-fault v5 cover letter) at ~3 GHz
            SimDuration.ns(20),         // rangeFaultPerPage [A] one PTE read and one pfn recorded
            SimDuration.us(8),          // blockOverhead [A] per VA block; ARIADNE [M] reports "tens of us" per
                                        //   block and ~20 us for a single 2 MB block (see the calibration table)
            SimDuration.ns(100),        // populatePerPage [A] page allocation / migrate_vma bookkeeping per page;
                                        //   device pages come from 2 MiB PMA chunks and are zeroed by a copy engine
            SimDuration.ns(100),        // dmaMapPerPage [A]
            SimDuration.ns(10),         // pteUpdatePerPage [A] one 8-byte PTE write in a pushed batch
            SimDuration.us(2),          // ptePushOverhead [A] push + GPU membar
            SimDuration.us(3),          // tlbShootdown [A] one IPI round; seeds call it "brutally expensive"
            SimDuration.ns(500),        // iommuWalk [A] 4-level walk, partly cached
            SimDuration.us(3),          // priDispatch [A] IOMMU PRI queue to the fault handler
            Bandwidth.GBps(170),        // memoryBandwidth [D] 8 x DDR4-2666 channels x 21.3 GB/s (perf-figures 4)
            Bytes.KiB(4),               // stagingChunk [A] one page: the pageable path is described as a page-by-page
                                        //   copy into a pinned buffer handed to DMA (Stack Overflow q. 5736968, repeated
                                        //   in NVIDIA forum thread 268474); no NVIDIA document gives the piece size. The
                                        //   CUDA C Programming Guide's list of host-asynchronous calls ("memory copies
                                        //   from host to device of a memory block of 64 KB or less", read via
                                        //   translations [2nd]) only says staging memory holds at least 64 KB. The
                                        //   calibration's 64 KB and 1 MB pageable cases test the value
            Bandwidth.GBps(5.56));      // memcpyBandwidth [M] one thread's memcpy of 25 MB on Broadwell-E, 4.5 ms
                                        //   (Stack Overflow q. 39260020), the same core and uncore as the Broadwell
                                        //   Xeon E5 v4 behind DMA_ROUND_TRIP; one thread's copy is bounded by its
                                        //   outstanding L1 misses, not by the DRAM channels (J. McCalpin, quoted on
                                        //   pinkiguana2.wordpress.com "Memcpy Speed" [2nd]), hence far below
                                        //   memoryBandwidth

    /**
     * One thread's memcpy on a Skylake client (desktop) CPU: 25 MB in 2.2 ms = 11.4 GB/s [M] (Stack Overflow
     * q. 39260020, same program and DDR4-2133 as the Broadwell-E figure above). A GeForce card such as the
     * GTX 1080 Ti of the UVMSmart copy trace sits in such a desktop; the calibration uses it for that trace.
     */
    public static final Bandwidth CLIENT_MEMCPY = Bandwidth.GBps(11.36);

    /**
     * Round trip of a small device DMA read of host memory: 534 ns [D] from the 546 ns median for 64 B reads
     * on a Broadwell Xeon with a warm cache [M] (pcie-bench/data lat_dma_sizes.dat, Gen3 x8) minus this
     * model's 12 ns of wire time for one 64 B completion on Gen3 x8. Used for Gen4 and Gen5 too [A]: the
     * round trip is dominated by the root complex and DRAM, not by the line rate.
     */
    public static final SimDuration DMA_ROUND_TRIP = SimDuration.ns(534);

    /**
     * Copy-engine start-up: 335 ns [D] from the GPU-side duration of a 4 KB cudaMemcpy on Gen3 x16,
     * 1.18 us [M] (UVMSmart transferBandwidth.cu), minus this model's round trip (534 ns) and the 4 KiB
     * completion wire time at Gen3 x16 (311 ns). The calibration table marks that case as the fit.
     */
    public static final SimDuration COPY_SETUP = SimDuration.ns(335);

    /** Tesla V100 16 GB on PCIe Gen3 x16. */
    public static final Platform V100_PCIE3 = new Platform("V100 on PCIe Gen3 x16", X86_SERVER,
            new PcieLinkConfig(PcieGen.GEN3, 16,
                    256,                // MPS [S] typical server value (perf-figures 1b)
                    512,                // MRRS [S] typical server value (perf-figures 1b)
                    false, DMA_ROUND_TRIP),
            gpu("V100-16GB",
                    80,                 // SMs [U] datasheet
                    Bytes.GiB(16),      // [S] gpu_catalog.json (perf-figures 4)
                    Bandwidth.GBps(900)));  // HBM2 [S] same

    /** A100 40 GB on PCIe Gen4 x16. */
    public static final Platform A100_PCIE4 = new Platform("A100 on PCIe Gen4 x16", X86_SERVER,
            new PcieLinkConfig(PcieGen.GEN4, 16, 256, 512, false, DMA_ROUND_TRIP),
            gpu("A100-40GB",
                    108,                // SMs [U] datasheet
                    Bytes.GiB(40),      // [S] perf-figures 4
                    Bandwidth.GBps(1555))); // [S] gpu_catalog.json, cloud-atlas (perf-figures 4)

    /** H100 80 GB on a PCIe Gen5 x16 host link. */
    public static final Platform H100_PCIE5 = new Platform("H100 on PCIe Gen5 x16", X86_SERVER,
            new PcieLinkConfig(PcieGen.GEN5, 16, 256, 512, false, DMA_ROUND_TRIP),
            gpu("H100-80GB",
                    132,                // SMs [U] datasheet (SXM5)
                    Bytes.GiB(80),      // [U] datasheet
                    Bandwidth.GBps(3350))); // [S] tritonbench issue #78 (perf-figures 4)

    /**
     * AMD Instinct MI100 32 GB on PCIe Gen4 x16, driven by AMD's SVM driver (amdkfd) with XNACK on. Datasheet values
     * [U]: AMD Instinct MI100 accelerator datasheet (120 compute units, 32 GB HBM2 at 1.2288 TB/s, PCIe Gen4 x16).
     */
    public static final Platform MI100_PCIE4 = new Platform("MI100 on PCIe Gen4 x16", X86_SERVER,
            new PcieLinkConfig(PcieGen.GEN4, 16, 256, 512, false, DMA_ROUND_TRIP),
            amdGpu("MI100-32GB", 120, Bytes.GiB(32), Bandwidth.GBps(1228.8)),
            org.hmmlab.pcie.IommuConfig.OFF, AmdSvm.defaults());

    /**
     * AMD Instinct MI210 64 GB on PCIe Gen4 x16 (PCIe card), AMD's SVM driver with XNACK on. Datasheet values [U]:
     * AMD Instinct MI210 accelerator datasheet (104 compute units, 64 GB HBM2e at 1.6384 TB/s, PCIe Gen4 x16).
     */
    public static final Platform MI210_PCIE4 = new Platform("MI210 on PCIe Gen4 x16", X86_SERVER,
            new PcieLinkConfig(PcieGen.GEN4, 16, 256, 512, false, DMA_ROUND_TRIP),
            amdGpu("MI210-64GB", 104, Bytes.GiB(64), Bandwidth.GBps(1638.4)),
            org.hmmlab.pcie.IommuConfig.OFF, AmdSvm.defaults());

    /**
     * AMD Instinct MI300X 192 GB on its PCIe Gen5 x16 host link, AMD's SVM driver with XNACK on. Datasheet values
     * [U]: AMD Instinct MI300X accelerator datasheet (304 compute units, 192 GB HBM3 at 5.3 TB/s, PCIe Gen5 x16 host
     * interface). The host side is the same x86 server as every profile's; its fault costs are the host's, not the GPU's.
     */
    public static final Platform MI300X_PCIE5 = new Platform("MI300X on PCIe Gen5 x16", X86_SERVER,
            new PcieLinkConfig(PcieGen.GEN5, 16, 256, 512, false, DMA_ROUND_TRIP),
            amdGpu("MI300X-192GB", 304, Bytes.GiB(192), Bandwidth.GBps(5300)),
            org.hmmlab.pcie.IommuConfig.OFF, AmdSvm.defaults());

    /**
     * An AMD Instinct GPU: the figures that differ from the NVIDIA profiles' are its compute units, wave slots,
     * memory, the IH ring that receives its retry faults and the one SDMA ring that migrations copy on; the rest are
     * the same assumptions as {@link #gpu}'s (no public figure for either vendor). The UVM-only fields (fault batch,
     * access-counter buffer) are kept at UVM's values so the UVM personality can run on this GPU as a what-if.
     */
    private static GpuProfile amdGpu(String name, int cus, Bytes vram, Bandwidth hbm) {
        return new GpuProfile(name, cus,
                32,                     // warpsPerSm [U] wave slots per CU: 4 SIMDs x 8 waves (CDNA ISA guides)
                vram, hbm,
                SimDuration.ns(400),    // localLatency [A] as the NVIDIA profiles' HBM load latency
                4096,                   // tlbEntries [A] UTCL2 size not published
                Bytes.KiB(64),          // tlbPageSize [A] amdgpu_vm_fragment_size joins contiguous pages; 64 KiB taken
                SimDuration.ns(1),      // tlbHitLatency [A]
                SimDuration.ns(68),     // pageWalkLatency [A] as the NVIDIA profiles'
                SimDuration.us(1),      // faultReport [A] UTCL2 retry fault to an IH ring entry and its interrupt
                8192,                   // faultBufferEntries [D] the IH ring: IH_RING_SIZE 256 KiB / 32-byte IV entries
                                        //   (vega20_ih.c)
                256,                    // faultBatchCount [P] UVM's, unused by AMD's driver (no batches)
                64,                     // utlbOutstandingFaults [A] UTCL1 misses outstanding per CU
                1,                      // copyEngines [P] migrations copy on one SDMA ring, adev->mman.buffer_funcs_ring
                                        //   (svm_migrate_copy_memory_gart(), kfd_migrate.c)
                COPY_SETUP,             // copySetup [D] see COPY_SETUP
                8,                      // copyInflightGranules [A]
                SimDuration.us(1),      // atcInvalidate [A] a VM TLB flush (kfd_flush_tlb())
                SimDuration.us(2),      // replayLatency [A] UVM's, unused by AMD's driver (waves retry on their own)
                8192,                   // accessCounterBufferEntries [A] UVM's, unused by AMD's driver
                256,                    // accessCounterBatchCount [P] UVM's, unused by AMD's driver
                20,                     // faultMaxBatchesPerService [P] UVM's, unused by AMD's driver
                5);                     // faultMaxThrottlePerService [P] UVM's, unused by AMD's driver
    }

    private static GpuProfile gpu(String name, int sms, Bytes vram, Bandwidth hbm) {
        return new GpuProfile(name, sms,
                64,                     // warpsPerSm [U] datasheet maximum resident warps per SM
                vram, hbm,
                SimDuration.ns(400),    // localLatency [U] typical HBM load latency seen by a warp
                4096,                   // tlbEntries [P] UVMSmart: 4096 TLB entries per SM
                Bytes.KiB(64),          // tlbPageSize [P] UVM_BIG_PAGE_SIZE, 64 KB
                SimDuration.ns(1),      // tlbHitLatency [P] UVMSmart: 1-cycle lookup
                SimDuration.ns(68),     // pageWalkLatency [P] UVMSmart: 100 cycles at 1481 MHz
                SimDuration.us(1),      // faultReport [A] fault-buffer write + interrupt
                8192,                   // faultBufferEntries [A]
                256,                    // faultBatchCount [P] uvm_perf_fault_batch_count
                56,                     // utlbOutstandingFaults [2nd] Allen & Ge SC'21: 56 per uTLB
                2,                      // copyEngines [A] one per direction, as UVM uses them
                COPY_SETUP,             // copySetup [D] see COPY_SETUP
                8,                      // copyInflightGranules [A]
                SimDuration.us(1),      // atcInvalidate [A]
                SimDuration.us(2),      // replayLatency [A]
                8192,                   // accessCounterBufferEntries [A] the driver reads the size from the GPU
                                        // (NV_..._ACCESS_COUNTER_NOTIFY_BUFFER_SIZE); no published value
                256,                    // accessCounterBatchCount [P] uvm_perf_access_counter_batch_count
                20,                     // faultMaxBatchesPerService [P] uvm_perf_fault_max_batches_per_service
                5);                     // faultMaxThrottlePerService [P] uvm_perf_fault_max_throttle_per_service
    }
}
