package org.hmmlab.pcie;

import org.hmmlab.sim.EventHandler;

/**
 * The PCIe Page Request Interface on one link: how a device asks the host to make a page present.
 *
 * <p>Step 3 of the seeds' four steps: after a Translation Completion says the page is not present, the
 * device sends a Page Request message (the page address and access rights ride in the header, no data);
 * the host's IOMMU driver queues it to the fault handler (for a mirrored process, the kernel's
 * handle_mm_fault through iommu_sva; for a device driver using HMM, hmm_range_fault or a migration) and
 * answers the Page Request Group with a PRG Response message; the device then retries the translation.
 */
public final class Pri {

    private final PcieLink link;
    private long pageRequests;

    public Pri(PcieLink link) {
        this.link = link;
    }

    /** Sends a Page Request upstream; {@code arrivedAtHost} runs when the host's IOMMU has it. */
    public void pageRequest(EventHandler arrivedAtHost, long arg) {
        pageRequests++;
        link.message(false, TlpKind.MESSAGE, 0, arrivedAtHost, arg);
    }

    /** Sends the PRG Response downstream; {@code arrivedAtDevice} runs when the device has it. */
    public void pageResponse(EventHandler arrivedAtDevice, long arg) {
        link.message(true, TlpKind.MESSAGE, 0, arrivedAtDevice, arg);
    }

    public long pageRequests() {
        return pageRequests;
    }
}
