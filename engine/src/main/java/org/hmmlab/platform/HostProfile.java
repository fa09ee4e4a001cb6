package org.hmmlab.platform;


import org.hmmlab.units.Bandwidth;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * The host's costs for servicing device faults and keeping the device's view of memory coherent.
 *
 * <p>Each cost stands for a kernel or driver step; the stage it is charged to is named in brackets.
 *
 * @param name              a label, for example {@code "Xeon, Linux 6.x"}
 * @param faultEntry        interrupt delivery to the fault handler's bottom half running and fetching the
 *                          batch [FAULT_ENTRY]; nvidia-uvm's replayable-fault ISR plus its bottom half
 * @param batchOverhead     fixed work per fault batch: reading the buffer pointers, sorting, deduplicating,
 *                          flushing the buffer before replay [FAULT_ENTRY]
 * @param perFaultOverhead  per unique fault in a batch: looking up its VA block and policy decisions [FAULT_ENTRY]
 * @param rangeFaultWalk    one hmm_range_fault() (or migrate_vma_setup) page-table walk, whatever its length [RANGE_FAULT]
 * @param rangeFaultPerPage each 4 KiB entry the walk visits and records [RANGE_FAULT]
 * @param blockOverhead     servicing one 2 MiB VA block: locking, block state, the copy push and its tracker
 *                          [MIGRATION_COPY]
 * @param populatePerPage   a page allocated for the CPU (a CPU fault or hmm_range_fault populating it), or the
 *                          per-page bookkeeping of a migration (collecting, unmapping, the destination page)
 *                          [MIGRATION_COPY]
 * @param dmaMapPerPage     DMA-mapping one page for the copy engine [MIGRATION_COPY]
 * @param pteUpdatePerPage  writing one device PTE [PTE_UPDATE]
 * @param ptePushOverhead   pushing a batch of PTE writes to the GPU and waiting for its membar [PTE_UPDATE]
 * @param tlbShootdown      a CPU TLB shootdown round (IPIs to the CPUs that ran the process) when CPU
 *                          mappings change [TLB_INVALIDATION]
 * @param iommuWalk         the IOMMU walking the CPU page table to answer an ATS translation request
 * @param priDispatch       the IOMMU driver taking a PRI page request off its queue and calling the fault
 *                          handler (iommu_sva, handle_mm_fault or the driver's HMM path) [FAULT_ENTRY]
 * @param memoryBandwidth   host DRAM bandwidth, a ceiling for copies to and from host memory
 * @param stagingChunk      the piece a pageable host-to-device copy is staged in: the driver copies the pageable
 *                          source piece by piece into pinned staging memory with the CPU, and the copy engine
 *                          reads the staged pieces while the CPU stages the next
 * @param memcpyBandwidth   one CPU thread's memcpy rate, the rate at which the driver fills staging memory
 */
public record HostProfile(String name, SimDuration faultEntry, SimDuration batchOverhead,
                          SimDuration perFaultOverhead, SimDuration rangeFaultWalk, SimDuration rangeFaultPerPage,
                          SimDuration blockOverhead, SimDuration populatePerPage,
                          SimDuration dmaMapPerPage, SimDuration pteUpdatePerPage, SimDuration ptePushOverhead,
                          SimDuration tlbShootdown, SimDuration iommuWalk, SimDuration priDispatch,
                          Bandwidth memoryBandwidth, Bytes stagingChunk, Bandwidth memcpyBandwidth) {


    private static final SimDuration MAX = SimDuration.ms(100);
    private static final Bytes MIN_CHUNK = Bytes.of(256);
    private static final Bytes MAX_CHUNK = Bytes.MiB(64);

    public HostProfile {
        Check.notNull("host.name", name);
        Check.atMost("host.faultEntry", faultEntry, MAX);
        Check.atMost("host.batchOverhead", batchOverhead, MAX);
        Check.atMost("host.perFaultOverhead", perFaultOverhead, MAX);
        Check.atMost("host.rangeFaultWalk", rangeFaultWalk, MAX);
        Check.atMost("host.rangeFaultPerPage", rangeFaultPerPage, MAX);
        Check.atMost("host.blockOverhead", blockOverhead, MAX);
        Check.atMost("host.populatePerPage", populatePerPage, MAX);
        Check.atMost("host.dmaMapPerPage", dmaMapPerPage, MAX);
        Check.atMost("host.pteUpdatePerPage", pteUpdatePerPage, MAX);
        Check.atMost("host.ptePushOverhead", ptePushOverhead, MAX);
        Check.atMost("host.tlbShootdown", tlbShootdown, MAX);
        Check.atMost("host.iommuWalk", iommuWalk, MAX);
        Check.atMost("host.priDispatch", priDispatch, MAX);
        Check.notNull("host.memoryBandwidth", memoryBandwidth);
        Check.bytesRange("host.stagingChunk", stagingChunk, MIN_CHUNK, MAX_CHUNK);
        Check.bandwidthRange("host.memcpyBandwidth", memcpyBandwidth, "1MB/s", "10TB/s");
    }

    /** This host with pageable copies staged in {@code chunk} pieces at {@code memcpy} per CPU thread. */
    public HostProfile withStaging(Bytes chunk, Bandwidth memcpy) {
        return new HostProfile(name, faultEntry, batchOverhead, perFaultOverhead, rangeFaultWalk, rangeFaultPerPage,
                blockOverhead, populatePerPage, dmaMapPerPage, pteUpdatePerPage, ptePushOverhead, tlbShootdown,
                iommuWalk, priDispatch, memoryBandwidth, chunk, memcpy);
    }

    /** This host with a per-batch fixed cost of {@code overhead} (the driver's work for any batch, whatever it holds). */
    public HostProfile withBatchOverhead(SimDuration overhead) {
        return new HostProfile(name, faultEntry, overhead, perFaultOverhead, rangeFaultWalk, rangeFaultPerPage,
                blockOverhead, populatePerPage, dmaMapPerPage, pteUpdatePerPage, ptePushOverhead, tlbShootdown,
                iommuWalk, priDispatch, memoryBandwidth, stagingChunk, memcpyBandwidth);
    }

    /** This host under another name. */
    public HostProfile named(String newName) {
        return new HostProfile(newName, faultEntry, batchOverhead, perFaultOverhead, rangeFaultWalk, rangeFaultPerPage,
                blockOverhead, populatePerPage, dmaMapPerPage, pteUpdatePerPage, ptePushOverhead, tlbShootdown,
                iommuWalk, priDispatch, memoryBandwidth, stagingChunk, memcpyBandwidth);
    }
}
