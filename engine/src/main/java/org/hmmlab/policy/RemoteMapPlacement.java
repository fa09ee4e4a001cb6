package org.hmmlab.policy;

import org.hmmlab.units.SimDuration;

/**
 * Never migrates: every GPU fault maps the page where it lives (host memory) into the GPU's page table, so all
 * GPU accesses cross the link (zero-copy).
 *
 * <p>Mirrors the outcome of {@code hmm_range_fault()} followed by a device mapping of system memory (the
 * {@code dmirror} test driver's default path in {@code lib/test_hmm.c}), and UVM's remote mapping of pages whose
 * preferred location is the CPU.
 */
public final class RemoteMapPlacement implements Placement {

    private final SimDuration cost;

    /** @param cost driver CPU time per decision, {@code >= 0} */
    public RemoteMapPlacement(SimDuration cost) {
        this.cost = Costs.nonNull("remote-map decision cost", cost);
    }

    public RemoteMapPlacement() {
        this(SimDuration.ZERO);
    }

    @Override
    public Decision onDeviceFault(FaultContext fault) {
        return Decision.MAP_REMOTE;
    }

    @Override
    public SimDuration decisionCost() {
        return cost;
    }

    @Override
    public String name() {
        return "remote-map";
    }
}
