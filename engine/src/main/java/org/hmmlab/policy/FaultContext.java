package org.hmmlab.policy;

import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimTime;
import org.hmmlab.workload.AccessType;

/**
 * What the driver knows when it services one fault (or one remote access): the faulting address, the access
 * type, the faulting processor, the clock, where pages live and how much device memory is free.
 *
 * <p>Mirrors the inputs the UVM driver's service path reads ({@code uvm_fault_buffer_entry_t}: address, access
 * type, GPU; the VA block's residency masks; the PMM's free-chunk state) and, for HMM, the device fault handler's
 * view before it calls {@code hmm_range_fault()} or {@code migrate_vma_setup()}.
 *
 * <p>The timing layer implements it as a flyweight it refills before each call: a context is valid only during
 * the call it is passed to, and a policy must not keep it. Nothing here allocates.
 */
public interface FaultContext {

    /** The faulting (or accessed) virtual byte address. */
    long address();

    /** The faulting virtual page number. */
    default long page() {
        return address() >>> Pages.PAGE_SHIFT;
    }

    /** Read, write or atomic. */
    AccessType access();

    /** The processor that faulted: a GPU index {@code >= 0}, or {@link Location#HOST} for a CPU fault. */
    int processor();

    /** Simulated time of the service, in nanoseconds (hot-path form of {@link #now()}). */
    long nowNanos();

    default SimTime now() {
        return SimTime.at(nowNanos());
    }

    /**
     * Where {@code page}'s data lives now: {@link Location#UNPOPULATED}, {@link Location#HOST} or a GPU index.
     * For a read-duplicated page, the location of the master copy (host).
     */
    int residency(long page);

    /** Free 4 KiB pages in the faulting GPU's memory (for a CPU fault: in the memory of the GPU holding the page). */
    long deviceFreePages();

    /** Capacity of that GPU's memory in 4 KiB pages. */
    long deviceCapacityPages();

    default Bytes deviceFree() {
        return Bytes.pages(deviceFreePages());
    }
}
