package org.hmmlab.device;

/** How a device learns about and recovers from a missing translation. */
public enum FaultPath {
    /**
     * NVIDIA-UVM style: the GPU MMU writes a fault entry into a replayable fault buffer and stalls the warp; the
     * host fetches faults in batches, deduplicates and groups them by 2 MiB block, services them, flushes the
     * buffer and issues one replay for all stalled uTLBs.
     */
    REPLAYABLE_BUFFER,
    /**
     * PCIe ATS/PRI, the seeds' four steps: the ATC misses, a Translation Request goes to the IOMMU; if the page
     * is not present the device sends a PRI Page Request, the host resolves it (hmm_range_fault or a migration)
     * and answers with a PRG Response; the device retries the translation. One request at a time per page,
     * duplicates filtered, no batching (as AMD's SVM path services faults).
     */
    ATS_PRI
}
