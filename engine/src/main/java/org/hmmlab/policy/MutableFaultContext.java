package org.hmmlab.policy;

import java.util.function.LongSupplier;
import java.util.function.LongToIntFunction;

import org.hmmlab.workload.AccessType;

/**
 * A fault the driver is about to hand to its policy, refilled in place before each call: the fault's own fields
 * (address, access, processor, time) are set by {@link #fill}, while residency and free device memory are live
 * views of whoever owns the pages.
 *
 * <p>Mirrors UVM's fault service loop, which fills one {@code uvm_fault_buffer_entry_t} per fetched entry and
 * passes it down while it consults the VA block's residency and the PMM's free state. One instance serves a
 * whole run: nothing is allocated per fault, which matters because the timing layer asks the policy on every
 * fault and on every remote access. The {@link FaultContext} contract holds: a policy must not keep it beyond
 * the call it was passed to.
 *
 * <pre>{@code
 * MutableFaultContext ctx = new MutableFaultContext(page -> Location.HOST, () -> freePages, capacityPages);
 * Decision d = placement.onDeviceFault(ctx.fill(address, AccessType.READ, 0, nowNanos));
 * }</pre>
 */
public final class MutableFaultContext implements FaultContext {

    private final LongToIntFunction residency;
    private final LongSupplier deviceFreePages;
    private final long deviceCapacityPages;
    private long address;
    private AccessType access = AccessType.READ;
    private int processor;
    private long now;

    /**
     * A context over pages whose location {@code residency} reports (a {@link Location} code per virtual page),
     * in front of device memory of {@code deviceCapacityPages} 4 KiB pages of which {@code deviceFreePages} reports
     * how many are free at the moment of the call.
     */
    public MutableFaultContext(LongToIntFunction residency, LongSupplier deviceFreePages, long deviceCapacityPages) {
        if (residency == null || deviceFreePages == null) {
            throw new IllegalArgumentException("fault context: residency and deviceFreePages must not be null");
        }
        if (deviceCapacityPages < 0) {
            throw new IllegalArgumentException("fault context: deviceCapacityPages must be >= 0, got "
                    + deviceCapacityPages);
        }
        this.residency = residency;
        this.deviceFreePages = deviceFreePages;
        this.deviceCapacityPages = deviceCapacityPages;
    }

    /**
     * Refills the fault: byte {@code address}, {@code access} type, faulting {@code processor} (a GPU index, or
     * {@link Location#HOST} for a CPU fault) at simulated time {@code nowNanos}. Returns this context.
     */
    public MutableFaultContext fill(long address, AccessType access, int processor, long nowNanos) {
        this.address = address;
        this.access = access;
        this.processor = processor;
        this.now = nowNanos;
        return this;
    }

    @Override
    public long address() {
        return address;
    }

    @Override
    public AccessType access() {
        return access;
    }

    @Override
    public int processor() {
        return processor;
    }

    @Override
    public long nowNanos() {
        return now;
    }

    @Override
    public int residency(long page) {
        return residency.applyAsInt(page);
    }

    @Override
    public long deviceFreePages() {
        return deviceFreePages.getAsLong();
    }

    @Override
    public long deviceCapacityPages() {
        return deviceCapacityPages;
    }
}
