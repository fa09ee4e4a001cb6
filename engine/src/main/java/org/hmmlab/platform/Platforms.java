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
     * The desktop under the GTX 1080 Ti of GPGPU-Sim UVMSmart's nvprof traces: the server host's driver costs,
     * pageable copies staged at a client CPU's one-thread memcpy ({@link #CLIENT_MEMCPY}), and a per-batch fixed
     * cost fit to the traces.
     *
     * <p>batchOverhead 4 us [D] from micro-benchmarks/getHWPrefetcherP1.cu, the fault group of 64 KiB block 1
     * (25.216 us, nvprof): the model with the server's 10 us [A] spends 31.3 us from the batch's fetch to the last
     * map, so the fixed part is 6 us too long; the larger groups of the same trace (128 KiB to 1 MiB, prefetched by
     * the density tree) then land within 7 % without further change (calibration rows "UVMSmart P1 ..."). The
     * trace pins the sum of the fixed costs of one 64 KiB group, not its parts; the batch overhead is the
     * assumption among them chosen to carry it.
     */
    public static final HostProfile DESKTOP = X86_SERVER.named("x86-64 desktop, Linux")
            .withStaging(X86_SERVER.stagingChunk(), CLIENT_MEMCPY)
            .withBatchOverhead(SimDuration.us(4));

    /**
     * GeForce GTX 1080 Ti (Pascal GP102, 11 GB GDDR5X) on PCIe Gen3 x16 in a desktop: the GPU of GPGPU-Sim
     * UVMSmart's config (configs/GeForceGTX1080Ti/gpgpusim.config) and of its nvprof traces (micro-benchmarks/).
     */
    public static final Platform GTX1080TI_PCIE3 = new Platform("GTX 1080 Ti on PCIe Gen3 x16", DESKTOP,
            new PcieLinkConfig(PcieGen.GEN3, 16,
                    256,                // MPS [A] typical value, as the V100 profile (perf-figures 1b)
                    512,                // MRRS [A] same
                    false, DMA_ROUND_TRIP),
            gpu("GTX-1080-Ti",
                    28,                 // SMs [P] UVMSmart config -gpgpu_n_clusters 28 x 1 core per cluster (GP102)
                    Bytes.GiB(11),      // [U] datasheet 11 GB GDDR5X (the simulator's -gddr_size 1GB is a
                                        //   simulation choice, not the card)
                    Bandwidth.GBps(484))); // [U] datasheet: 352-bit GDDR5X at 11 Gbps

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
