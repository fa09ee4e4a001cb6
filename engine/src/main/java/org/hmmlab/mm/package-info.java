/**
 * The memory-management core: physical frames, process address spaces, CPU page tables and faults.
 *
 * <p>Mirrors mm/ of the Linux kernel for what HMM depends on: {@link org.hmmlab.mm.Frames} (struct page metadata and
 * the page allocator), {@link org.hmmlab.mm.MmStruct} (mm_struct with mmap, munmap, mprotect, madvise, fork and
 * handle_mm_fault), {@link org.hmmlab.mm.PageTable} and {@link org.hmmlab.mm.Pte} (the 4-level radix of
 * {@code long} entries), {@link org.hmmlab.mm.Errno} (errors as values). No notion of time: the timing layer puts
 * these operations on a clock.
 */
package org.hmmlab.mm;
