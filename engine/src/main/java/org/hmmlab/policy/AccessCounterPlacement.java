package org.hmmlab.policy;

import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * Maps faulting pages remotely and migrates a region only once the GPU's access counters say it is used enough:
 * remote accesses before the threshold cross the link.
 *
 * <p>Mirrors access-counter-driven migration in the UVM driver ({@code uvm_gpu_access_counters.c}: a notification
 * for a region whose remote-access count reached {@code uvm_perf_access_counter_threshold} = 256 migrates it to the
 * accessing GPU; on by default only on ATS systems, {@code uvm_perf_access_counter_migration_enable} = -1) and
 * AMD's XNACK-based migration of hot ranges. The region migrated is the counter's granularity (2 MiB by default),
 * capped at 2 MiB. Per page or per region: set the granularity to 4 KiB or larger.
 *
 * <p>A what-if on x86-64 HMM: in the open-gpu-kernel-modules sources read (uvm_gpu_access_counters.c, 2024 and
 * 2025), the driver services virtual-address notifications only on kernels with 64 KiB pages (with 4 KiB pages
 * the service returns before migrating anything, TODO Bug 4299018), and the 2024 source leaves HMM blocks alone
 * for them (Bug 4309292). This placement shows what migrating on notifications would do there. The timing layer
 * delivers its decisions through the GPU's own notification buffer, apart from the fault buffer.
 */
public final class AccessCounterPlacement implements Placement {

    private final AccessCounters counters;
    private final Decision migrate;
    private final SimDuration cost;

    /**
     * @param counters the counter unit (threshold, granularity, decay)
     * @param cost     driver CPU time per fault decision and per notification, {@code >= 0}
     */
    public AccessCounterPlacement(AccessCounters counters, SimDuration cost) {
        if (counters == null) {
            throw new IllegalArgumentException("access counters must be set, got null");
        }
        this.counters = counters;
        this.migrate = new Decision(Decision.Action.MIGRATE,
                Math.min(counters.regionShift(), Pages.BLOCK_PAGE_SHIFT), SimDuration.ZERO);
        this.cost = Costs.nonNull("access-counter decision cost", cost);
    }

    /** Threshold and granularity as given, no decay, no decision cost. */
    public AccessCounterPlacement(int threshold, Bytes granularity) {
        this(new AccessCounters(threshold, granularity, SimDuration.ZERO), SimDuration.ZERO);
    }

    /** UVM's defaults: 256 accesses per 2 MiB region. */
    public AccessCounterPlacement() {
        this(new AccessCounters(), SimDuration.ZERO);
    }

    @Override
    public Decision onDeviceFault(FaultContext fault) {
        return Decision.MAP_REMOTE;
    }

    @Override
    public Decision onRemoteAccess(FaultContext access) {
        // the notification moves the sub-regions it reports accessed (expand_notification_block(),
        // uvm_gpu_access_counters.c), not its whole region; the driver does so for its 2 MiB default, and this model
        // for every region of one VA block or less (a larger region migrates block by block, whole)
        if (!counters.record(access.page(), access.nowNanos())) {
            return Decision.NONE;
        }
        return counters.regionShift() <= Pages.BLOCK_PAGE_SHIFT
                ? migrate.withSubRegions(counters.lastNotificationSubRegions()) : migrate;
    }

    /** The counter unit, for inspection. */
    public AccessCounters counters() {
        return counters;
    }

    @Override
    public SimDuration decisionCost() {
        return cost;
    }

    @Override
    public String name() {
        return "access-counters(" + counters.threshold() + ", " + counters.granularity() + ")";
    }
}
