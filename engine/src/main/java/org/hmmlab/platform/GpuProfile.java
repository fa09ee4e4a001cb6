package org.hmmlab.platform;


import org.hmmlab.units.Bandwidth;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * A GPU as the timing model sees it: its parallelism, local memory, device TLB (ATC), fault hardware and
 * copy engines.
 *
 * @param name                  a label, for example {@code "A100-40GB"}
 * @param sms                   streaming multiprocessors (1..1024)
 * @param warpsPerSm            resident warps per SM that issue accesses (1..64)
 * @param vram                  device memory capacity
 * @param localBandwidth        device memory bandwidth
 * @param localLatency          device memory access latency as a warp sees it
 * @param tlbEntries            entries of the device's last-level TLB (ATC)
 * @param tlbPageSize           bytes one TLB entry maps (4 KiB, 64 KiB or 2 MiB); entries x page size = reach
 * @param tlbHitLatency         added latency of a TLB hit
 * @param pageWalkLatency       device page-table walk on a TLB miss that finds a valid entry
 * @param faultReport           writing a fault-buffer entry and raising the interrupt (or, on the ATS path,
 *                              the ATC's own processing before the request leaves)
 * @param faultBufferEntries    replayable fault buffer size in entries
 * @param faultBatchCount       faults fetched and serviced as one batch (uvm_perf_fault_batch_count)
 * @param utlbOutstandingFaults faults one uTLB can have outstanding before it stops issuing more
 * @param copyEngines           DMA copy engines available for migration
 * @param copySetup             pushing a copy to a copy engine until its first request leaves
 * @param copyInflightGranules  granules one copy engine keeps in flight
 * @param atcInvalidate         the device flushing ATC entries for an invalidation before it answers
 * @param replayLatency         the replay (or PRG response) reaching the stalled uTLBs and their retry
 * @param accessCounterBufferEntries access-counter notification buffer size in entries: a ring of its own, apart
 *                              from the fault buffer (the driver reads its size from the GPU at start-up,
 *                              uvm_gpu_access_counters.c {@code max_notifications})
 * @param accessCounterBatchCount notifications fetched and serviced as one batch
 *                              (uvm_perf_access_counter_batch_count, capped at the buffer's entries as the driver
 *                              caps it)
 * @param faultMaxBatchesPerService fault batches one run of the fault handler's bottom half services before it yields
 *                              the GPU's bottom-half queue (uvm_perf_fault_max_batches_per_service), at least 1
 * @param faultMaxThrottlePerService batches with throttled (thrashing) faults one run services before it yields
 *                              (uvm_perf_fault_max_throttle_per_service), at least 1
 */
public record GpuProfile(String name, int sms, int warpsPerSm, Bytes vram, Bandwidth localBandwidth,
                         SimDuration localLatency, int tlbEntries, Bytes tlbPageSize, SimDuration tlbHitLatency,
                         SimDuration pageWalkLatency, SimDuration faultReport, int faultBufferEntries,
                         int faultBatchCount, int utlbOutstandingFaults, int copyEngines, SimDuration copySetup,
                         int copyInflightGranules, SimDuration atcInvalidate, SimDuration replayLatency,
                         int accessCounterBufferEntries, int accessCounterBatchCount, int faultMaxBatchesPerService,
                         int faultMaxThrottlePerService) {


    /** The x86-64 user address space with 4-level paging (128 TiB); no TLB can reach further. */
    public static final Bytes ADDRESS_SPACE = Bytes.of(1L << 47);
    private static final SimDuration MAX = SimDuration.ms(10);
    /** Device memory comes in whole big pages (64 KiB). */
    private static final long BIG_PAGE = 64 * 1024;

    public GpuProfile {
        Check.notNull("gpu.name", name);
        Check.range("gpu.sms", sms, 1, 1024);
        Check.range("gpu.warpsPerSm", warpsPerSm, 1, 64);
        Check.bytesRange("gpu.vram", vram, Bytes.MiB(2), Bytes.of(1L << 44));
        // 64 KiB big pages, not 2 MiB chunks: the peer's oversubscription experiments size device memory as the
        // working set / ratio (Ganguly et al. ISCA'19), which for a 4 MiB benchmark at 110 % is 3.6 MiB
        if (vram.bytes() % BIG_PAGE != 0) {
            throw new IllegalArgumentException("gpu.vram must be a whole number of 64 KiB big pages; got " + vram);
        }
        Check.notNull("gpu.localBandwidth", localBandwidth);
        Check.atMost("gpu.localLatency", localLatency, MAX);
        Check.range("gpu.tlbEntries", tlbEntries, 1, 1 << 30);
        Check.notNull("gpu.tlbPageSize", tlbPageSize);
        if (tlbPageSize.bytes() != 4096 && tlbPageSize.bytes() != 65536 && tlbPageSize.bytes() != (2L << 20)) {
            throw new IllegalArgumentException("gpu.tlbPageSize must be one of 4 KiB, 64 KiB, 2 MiB; got " + tlbPageSize);
        }
        if ((double) tlbEntries * tlbPageSize.bytes() > ADDRESS_SPACE.bytes()) {
            throw new IllegalArgumentException("gpu.tlbEntries x gpu.tlbPageSize (TLB reach) must be at most the "
                    + ADDRESS_SPACE + " address space; got " + tlbEntries + " x " + tlbPageSize);
        }
        Check.atMost("gpu.tlbHitLatency", tlbHitLatency, MAX);
        Check.atMost("gpu.pageWalkLatency", pageWalkLatency, MAX);
        Check.atMost("gpu.faultReport", faultReport, MAX);
        Check.range("gpu.faultBufferEntries", faultBufferEntries, 1, 1 << 20);
        Check.range("gpu.faultBatchCount", faultBatchCount, 1, faultBufferEntries);
        Check.range("gpu.utlbOutstandingFaults", utlbOutstandingFaults, 1, 4096);
        Check.range("gpu.copyEngines", copyEngines, 1, 64);
        Check.atMost("gpu.copySetup", copySetup, MAX);
        Check.range("gpu.copyInflightGranules", copyInflightGranules, 1, 1024);
        Check.atMost("gpu.atcInvalidate", atcInvalidate, MAX);
        Check.atMost("gpu.replayLatency", replayLatency, MAX);
        Check.range("gpu.accessCounterBufferEntries", accessCounterBufferEntries, 1, 1 << 20);
        Check.range("gpu.accessCounterBatchCount", accessCounterBatchCount, 1, accessCounterBufferEntries);
        // 0 would make the handler return before its first batch, leaving faults unserviced for good
        Check.range("gpu.faultMaxBatchesPerService", faultMaxBatchesPerService, 1, Integer.MAX_VALUE);
        Check.range("gpu.faultMaxThrottlePerService", faultMaxThrottlePerService, 1, Integer.MAX_VALUE);
    }

    /** Bytes the TLB maps when full: entries x page size. */
    public Bytes tlbReach() {
        return Bytes.of((long) tlbEntries * tlbPageSize.bytes());
    }

    /** Warps the device can run at once. */
    public int warps() {
        return sms * warpsPerSm;
    }

    /** A copy of this profile with {@code vram} of device memory. */
    public GpuProfile withVram(Bytes v) {
        return new GpuProfile(name, sms, warpsPerSm, v, localBandwidth, localLatency, tlbEntries, tlbPageSize,
                tlbHitLatency, pageWalkLatency, faultReport, faultBufferEntries, faultBatchCount,
                utlbOutstandingFaults, copyEngines, copySetup, copyInflightGranules, atcInvalidate, replayLatency,
                accessCounterBufferEntries, accessCounterBatchCount, faultMaxBatchesPerService,
                faultMaxThrottlePerService);
    }

    /** A copy of this profile with {@code batch} faults per batch. */
    public GpuProfile withFaultBatchCount(int batch) {
        return new GpuProfile(name, sms, warpsPerSm, vram, localBandwidth, localLatency, tlbEntries, tlbPageSize,
                tlbHitLatency, pageWalkLatency, faultReport, Math.max(faultBufferEntries, batch), batch,
                utlbOutstandingFaults, copyEngines, copySetup, copyInflightGranules, atcInvalidate, replayLatency,
                accessCounterBufferEntries, accessCounterBatchCount, faultMaxBatchesPerService,
                faultMaxThrottlePerService);
    }

    /**
     * A copy of this profile with an access-counter notification buffer of {@code entries} entries serviced in
     * batches of {@code batch} notifications ({@code 1 <= batch <= entries}).
     */
    public GpuProfile withAccessCounterBuffer(int entries, int batch) {
        return new GpuProfile(name, sms, warpsPerSm, vram, localBandwidth, localLatency, tlbEntries, tlbPageSize,
                tlbHitLatency, pageWalkLatency, faultReport, faultBufferEntries, faultBatchCount,
                utlbOutstandingFaults, copyEngines, copySetup, copyInflightGranules, atcInvalidate, replayLatency,
                entries, batch, faultMaxBatchesPerService, faultMaxThrottlePerService);
    }

    /**
     * A copy of this profile whose fault handler services at most {@code batches} fault batches, and at most
     * {@code throttled} batches with throttled faults, per run of its bottom half (both at least 1).
     */
    public GpuProfile withFaultBatchesPerService(int batches, int throttled) {
        return new GpuProfile(name, sms, warpsPerSm, vram, localBandwidth, localLatency, tlbEntries, tlbPageSize,
                tlbHitLatency, pageWalkLatency, faultReport, faultBufferEntries, faultBatchCount,
                utlbOutstandingFaults, copyEngines, copySetup, copyInflightGranules, atcInvalidate, replayLatency,
                accessCounterBufferEntries, accessCounterBatchCount, batches, throttled);
    }
}
