package org.hmmlab.policy;

import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * Migrates on first touch: every GPU fault migrates the aligned region around the faulting page to that GPU.
 *
 * <p>Mirrors the UVM driver's default residency choice for a replayable fault with no advice and no thrashing
 * (the faulting processor becomes the new residency, {@code uvm_va_block_select_residency()}), and HMM drivers
 * that call {@code migrate_vma_setup()} on every device fault (nouveau, amdgpu SVM). The region defaults to the
 * 4 KiB page: UVM grows faults to 64 KiB big pages and beyond in its prefetcher, which is a separate policy here
 * ({@link DensityPrefetcher}), so the two can be studied apart.
 */
public final class FirstTouchPlacement implements Placement {

    private final Decision decision;
    private final SimDuration cost;

    /**
     * @param region power of two, 4 KiB to 2 MiB: the aligned region migrated per fault
     * @param cost   driver CPU time per decision, {@code >= 0}
     */
    public FirstTouchPlacement(Bytes region, SimDuration cost) {
        this.decision = new Decision(Decision.Action.MIGRATE,
                Pages.regionShift("first-touch region", region, Pages.BLOCK_PAGE_SHIFT), SimDuration.ZERO);
        this.cost = Costs.nonNull("first-touch decision cost", cost);
    }

    /** Page-granular first touch, no decision cost. */
    public FirstTouchPlacement() {
        this(Bytes.PAGE, SimDuration.ZERO);
    }

    @Override
    public Decision onDeviceFault(FaultContext fault) {
        return decision;
    }

    @Override
    public SimDuration decisionCost() {
        return cost;
    }

    @Override
    public String name() {
        return decision.regionShift() == 0 ? "first-touch" : "first-touch(" + decision.region() + ")";
    }
}
