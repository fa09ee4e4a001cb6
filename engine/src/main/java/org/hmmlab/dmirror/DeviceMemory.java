package org.hmmlab.dmirror;

import org.hmmlab.mm.Frames;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.VmFault;
import org.hmmlab.mm.Vma;
import org.hmmlab.mm.devmem.DevPagemap;
import org.hmmlab.mm.devmem.DevPagemapOps;

/**
 * The memory of one dmirror device: its pagemap, its chunks and free lists, and the pagemap callbacks.
 *
 * <p>Mirrors the devmem part of lib/test_hmm.c (dmirror_allocate_chunk, dmirror_devmem_alloc_page,
 * dmirror_devmem_free, dmirror_devmem_fault).
 */
public final class DeviceMemory implements DevPagemapOps {
    private final DmirrorDevice device;
    private final Frames frames;
    private DevPagemap pagemap;

    DeviceMemory(DmirrorDevice device, Frames frames) {
        this.device = device;
        this.frames = frames;
    }

    /** The device's pagemap (created with the first chunk). */
    public DevPagemap pagemap() {
        if (pagemap == null) {
            pagemap = DevPagemap.create(frames, device.memoryType(), device, this);
        }
        return pagemap;
    }

    @Override
    public int migrateToRam(MmStruct mm, Vma vma, long addr, long pfn, boolean write) {
        return VmFault.SIGBUS;
    }

    @Override
    public void folioFree(DevPagemap pgmap, long pfn, int npages) {
    }
}
