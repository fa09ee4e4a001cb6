package org.hmmlab.policy;

/**
 * Decides where a faulting page goes: map it remotely over the link, migrate it (or a region around it) to the
 * faulting GPU, or duplicate it read-only.
 *
 * <p>Mirrors the residency choice of the UVM driver's fault service ({@code uvm_va_block_select_residency()} in
 * {@code uvm_va_block.c}) and its access-counter service ({@code uvm_gpu_access_counters.c}), and the choice an
 * HMM driver makes between {@code hmm_range_fault()} (map in place) and {@code migrate_vma_setup()} (migrate).
 *
 * <p>A placement is consulted after the hints and the thrashing detector (see {@link MigrationPolicy}); it sees
 * only faults they left to it. Implementations must be deterministic (no wall clock, no hash-order iteration) and
 * must not allocate per call: return decisions built once.
 */
public interface Placement extends DriverPolicy, ResidencyListener {

    /**
     * Decides for a GPU fault on a page not mapped on that GPU.
     *
     * @return never null; {@link Decision.Action#THROTTLE} is the thrashing detector's business, not a placement's
     */
    Decision onDeviceFault(FaultContext fault);

    /**
     * The batch form: told about a whole fault batch once, before its faults are decided one by one with
     * {@link #onDeviceFault(FaultContext)} (in ascending page order; hints and the thrashing detector may decide some
     * of them without asking the placement). A placement for which each call is costly (a JavaScript one crosses a
     * language boundary per call) decides the batch here and answers each {@code onDeviceFault} from what it decided;
     * its decisions then see the residency as the service begins, not as the batch's earlier decisions leave it.
     * The default does nothing.
     */
    default void onFaultBatch(FaultBatch batch) {
    }

    /**
     * Told about one remote access (a GPU access over the link to a page mapped remotely); returns
     * {@link Decision#NONE} or a migration when the access crosses a counter threshold (an access-counter
     * notification). The default ignores remote accesses.
     */
    default Decision onRemoteAccess(FaultContext access) {
        return Decision.NONE;
    }
}
