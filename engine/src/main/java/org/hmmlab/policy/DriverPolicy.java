package org.hmmlab.policy;

import org.hmmlab.units.SimDuration;

/**
 * What every pluggable driver policy shares: a name and the CPU time the driver spends each time it consults
 * the policy.
 *
 * <p>The policy-cost hook: the timing layer charges {@link #decisionCost()} to the fault-servicing CPU thread on
 * every call of the policy's decision method ({@link Placement#onDeviceFault}, {@link Prefetcher#prefetch},
 * {@link Evictor#pickVictim}, {@link ThrashingDetector#hint}), on top of the costs of what the decision does
 * (copies, page-table updates, TLB invalidations), which the timing layer charges itself. Real drivers spend
 * real time here: Kim et al. (perf-figures.md section 3a) measured a median 140 us of a 313 us batch in driver
 * pre-processing before any migration.
 */
public interface DriverPolicy {

    /** A short name for tables: {@code first-touch}, {@code lru-2MiB}. */
    String name();

    /** CPU time the driver spends per consultation of this policy; zero unless configured. */
    default SimDuration decisionCost() {
        return SimDuration.ZERO;
    }
}
