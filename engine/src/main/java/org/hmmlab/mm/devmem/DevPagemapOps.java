package org.hmmlab.mm.devmem;

import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.Vma;

/**
 * The driver callbacks of a device pagemap.
 *
 * <p>Mirrors struct dev_pagemap_ops: {@code migrate_to_ram} runs when the CPU touches a device-private entry and must
 * bring the page back with migrate_vma; {@code folio_free} hands an idle device page back to the driver.
 */
public interface DevPagemapOps {
    /**
     * The CPU faulted on the device-private page {@code pfn} mapped at {@code addr}; returns a {@link
     * org.hmmlab.mm.VmFault} code (0 when the page is back in system memory).
     */
    int migrateToRam(MmStruct mm, Vma vma, long addr, long pfn, boolean write);

    /** The device page(s) starting at {@code pfn} have no user left. */
    void folioFree(DevPagemap pgmap, long pfn, int npages);
}
