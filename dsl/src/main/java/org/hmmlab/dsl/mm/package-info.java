/**
 * The kernel-level API: the HMM mechanism one call at a time, for tutorials. A {@link org.hmmlab.dsl.mm.Machine}
 * holds physical memory; a {@link org.hmmlab.dsl.mm.Task} (a process) maps memory and touches it from the CPU; a
 * {@link org.hmmlab.dsl.mm.Mirror} is a device driver's mirror of a range: it registers an MMU interval notifier,
 * calls {@code hmm_range_fault()} in the driver's retry loop and keeps a device page table; a
 * {@link org.hmmlab.dsl.mm.Device} has device-private memory that pages migrate to (migrate_vma_*).
 *
 * <pre>{@code
 * var p = machine().process();
 * var buf = p.mmap(pages(4));
 * p.touch(buf.page(0), READ);                        // maps the shared zero page
 * var gpu = p.mirror(buf);                           // mmu_interval_notifier_insert()
 * gpu.hmmRangeFault(buf.page(0), REQ_FAULT, REQ_WRITE) // COW break invalidates: -EBUSY, then 0
 * gpu.pageTables()                                   // CPU and device entries side by side
 * }</pre>
 *
 * <p>Everything here drives the engine's functional core (org.hmmlab.mm): the same page tables, faults and
 * notifiers the conformance suite checks against the kernel's selftests. Results are tables.
 */
package org.hmmlab.dsl.mm;
