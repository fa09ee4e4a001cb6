package org.hmmlab.platform;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.hmmlab.units.SimDuration;

/**
 * AMD's SVM driver (amdgpu/amdkfd: drivers/gpu/drm/amd/amdkfd/kfd_svm.c, kfd_migrate.c, and the retry-fault filter of
 * drivers/gpu/drm/amd/amdgpu/amdgpu_gmc.c) as the platform's driver personality, with its options. Its software is
 * {@code org.hmmlab.driver.amd}.
 *
 * <p>With XNACK on, a GPU access to an unmapped page is a retry fault: the wave retries while the driver, one fault at
 * a time from the interrupt ring, restores the granule around it (svm_range_restore_pages()). With XNACK off there are
 * no retry faults: every range is mapped before the kernel runs, a CPU-side invalidation stops the process's queues
 * until the restore work has mapped it again, and a GPU fault is fatal.
 *
 * <p>Numbers and their sources, tags as in {@link Platforms}: {@code retryFaultPending} 2 ms [P]
 * AMDGPU_SVM_RANGE_RETRY_FAULT_PENDING (kfd_svm.c); {@code restoreDelay} 1 ms [P] AMDGPU_SVM_RANGE_RESTORE_DELAY_MS
 * (kfd_svm.c); {@code faultFilterRingEntries} 256 [P] AMDGPU_GMC_FAULT_RING_SIZE (amdgpu_gmc.h);
 * {@code faultFilterTimeout} 50 us [D] AMDGPU_GMC_FAULT_TIMEOUT = 5000 IH timestamp ticks (amdgpu_gmc.h) at a
 * 100 MHz GPU reference clock [A: the tick rate of the IH timestamp is not documented]; {@code granularity} 9 [P]
 * the amdgpu module parameter svm_default_granularity. Not published, kept as named parameters [A]:
 * {@code restoreOverhead} (svm_range_restore_pages()'s locks, range and VMA look-ups, its SMI events),
 * {@code retryInterval} (how soon a wave whose retry fault was dropped retries; the UTCL2's retry timing is not
 * documented) and {@code queueEviction} (kgd2kfd_quiesce_mm() and kgd2kfd_resume_mm(): unmapping and remapping the
 * process's user queues through the HWS).
 *
 * @param xnack                  retry faults on (HSA_XNACK=1, the process's xnack_enabled)
 * @param granularity            the driver's default granularity, log2 of pages (0..63; 9 = 2 MiB)
 * @param retryFaultPending      a fault on a range restored less than this ago is skipped as a duplicate
 * @param faultFilterTimeout     amdgpu_gmc_filter_faults(): a fault on an address seen this recently is dropped
 * @param faultFilterRingEntries amdgpu_gmc_filter_faults(): the ring of recent faults; when its oldest entry is still
 *                               within the timeout, every new fault is dropped
 * @param restoreDelay           svm_range_evict() queues svm_range_restore_work() this much later (XNACK off)
 * @param restoreOverhead        fixed host cost of one svm_range_restore_pages() call
 * @param retryInterval          a wave's next retry after its fault was dropped and its page is still unmapped
 * @param queueEviction          stopping and later resuming the process's queues (XNACK off)
 * @param ranges                 attributes per allocation name (svm set_attr on the allocation's range)
 */
public record AmdSvm(boolean xnack, int granularity, SimDuration retryFaultPending, SimDuration faultFilterTimeout,
                     int faultFilterRingEntries, SimDuration restoreDelay, SimDuration restoreOverhead,
                     SimDuration retryInterval, SimDuration queueEviction, Map<String, SvmAttributes> ranges)
        implements DriverPersonality {

    private static final SimDuration MAX = SimDuration.ms(1000);

    public AmdSvm {
        Check.range("amdSvm.granularity (log2 of pages, svm_default_granularity)", granularity, 0,
                SvmAttributes.MAX_GRANULARITY);
        Check.atMost("amdSvm.retryFaultPending", retryFaultPending, MAX);
        Check.atMost("amdSvm.faultFilterTimeout", faultFilterTimeout, MAX);
        Check.range("amdSvm.faultFilterRingEntries", faultFilterRingEntries, 1, 1 << 16);
        Check.atMost("amdSvm.restoreDelay", restoreDelay, MAX);
        Check.atMost("amdSvm.restoreOverhead", restoreOverhead, MAX);
        Check.positive("amdSvm.retryInterval", retryInterval, MAX);
        Check.atMost("amdSvm.queueEviction", queueEviction, MAX);
        Check.notNull("amdSvm.ranges", ranges);
        Map<String, SvmAttributes> copy = new LinkedHashMap<>();
        ranges.forEach((k, v) -> {
            Check.notNull("amdSvm.ranges key", k);
            Check.notNull("amdSvm.ranges['" + k + "']", v);
            copy.put(k, v);
        });
        ranges = Collections.unmodifiableMap(copy);
    }

    /** The driver's defaults: XNACK on, granularity 9, the kernel's constants, no attributes set on any range. */
    public static AmdSvm defaults() {
        return new AmdSvm(true, 9, SimDuration.ms(2), SimDuration.us(50), 256, SimDuration.ms(1), SimDuration.us(4),
                SimDuration.us(10), SimDuration.us(20), Map.of());
    }

    @Override
    public String name() {
        return "amdSvm";
    }

    /** Retry faults on ({@code true}, HSA_XNACK=1) or off. */
    public AmdSvm xnack(boolean on) {
        return new AmdSvm(on, granularity, retryFaultPending, faultFilterTimeout, faultFilterRingEntries,
                restoreDelay, restoreOverhead, retryInterval, queueEviction, ranges);
    }

    /** The default granularity, log2 of pages: 0 (4 KiB) to 63; 9 (2 MiB) is the driver's. */
    public AmdSvm granularity(int log2Pages) {
        return new AmdSvm(xnack, log2Pages, retryFaultPending, faultFilterTimeout, faultFilterRingEntries,
                restoreDelay, restoreOverhead, retryInterval, queueEviction, ranges);
    }

    /** Sets the SVM attributes of allocation {@code allocation}'s range: {@code .range("x", DEFAULT.access(NO_ACCESS))}. */
    public AmdSvm range(String allocation, SvmAttributes attributes) {
        Check.notNull("amdSvm.range allocation", allocation);
        Check.notNull("amdSvm.range attributes", attributes);
        Map<String, SvmAttributes> m = new LinkedHashMap<>(ranges);
        m.put(allocation, attributes);
        return new AmdSvm(xnack, granularity, retryFaultPending, faultFilterTimeout, faultFilterRingEntries,
                restoreDelay, restoreOverhead, retryInterval, queueEviction, m);
    }

    /** The attributes of {@code allocation}'s range: those set, or the defaults. */
    public SvmAttributes attributes(String allocation) {
        return allocation == null ? SvmAttributes.DEFAULT : ranges.getOrDefault(allocation, SvmAttributes.DEFAULT);
    }

    public AmdSvm retryFaultPending(SimDuration d) {
        return new AmdSvm(xnack, granularity, d, faultFilterTimeout, faultFilterRingEntries, restoreDelay,
                restoreOverhead, retryInterval, queueEviction, ranges);
    }

    public AmdSvm faultFilter(SimDuration timeout, int ringEntries) {
        return new AmdSvm(xnack, granularity, retryFaultPending, timeout, ringEntries, restoreDelay,
                restoreOverhead, retryInterval, queueEviction, ranges);
    }

    public AmdSvm restoreDelay(SimDuration d) {
        return new AmdSvm(xnack, granularity, retryFaultPending, faultFilterTimeout, faultFilterRingEntries, d,
                restoreOverhead, retryInterval, queueEviction, ranges);
    }

    public AmdSvm restoreOverhead(SimDuration d) {
        return new AmdSvm(xnack, granularity, retryFaultPending, faultFilterTimeout, faultFilterRingEntries,
                restoreDelay, d, retryInterval, queueEviction, ranges);
    }

    public AmdSvm retryInterval(SimDuration d) {
        return new AmdSvm(xnack, granularity, retryFaultPending, faultFilterTimeout, faultFilterRingEntries,
                restoreDelay, restoreOverhead, d, queueEviction, ranges);
    }

    public AmdSvm queueEviction(SimDuration d) {
        return new AmdSvm(xnack, granularity, retryFaultPending, faultFilterTimeout, faultFilterRingEntries,
                restoreDelay, restoreOverhead, retryInterval, d, ranges);
    }
}
