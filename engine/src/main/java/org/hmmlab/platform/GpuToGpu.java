package org.hmmlab.platform;

/**
 * How a page moves from one GPU's memory to another's.
 *
 * <p>{@link #DRIVER}: what the UVM driver does. It registers every GPU's device-private memory under one pgmap
 * owner ({@code &g_uvm_global} in uvm_hmm.c), so migrate_vma_setup() with MIGRATE_VMA_SELECT_DEVICE_PRIVATE
 * collects a page on any of its GPUs, and the driver copies it itself: directly when the destination can copy
 * from the source (peers: the {@code can_copy_from} mask, uvm_va_space.c), and otherwise staged through a system
 * memory page, one copy down and one up ({@code pages_staged} in block_populate_pages(), uvm_va_block.c).
 *
 * <p>{@link #THROUGH_SYSTEM_MEMORY}: the core kernel's path for another owner's page, whatever the links. When each
 * GPU's pages have an owner of their own (two drivers, or the test driver's dmirror devices), migrate_vma_setup()
 * skips a device-private page whose {@code pgmap->owner} is not the caller's (migrate_vma_collect_pmd(),
 * mm/migrate_device.c), and hmm_range_fault() with HMM_PFN_REQ_FAULT faults it back to system memory through its
 * owner's migrate_to_ram (hmm_vma_handle_pte(), mm/hmm.c, then do_swap_page()): a CPU-side fault, a copy down, then
 * the new owner's migration up. Comparing it with {@link #DRIVER} on peers is what a peer copy saves.
 */
public enum GpuToGpu {
    DRIVER,
    THROUGH_SYSTEM_MEMORY
}
