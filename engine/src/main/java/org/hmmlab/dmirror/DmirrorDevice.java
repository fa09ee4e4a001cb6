package org.hmmlab.dmirror;

import org.hmmlab.mm.Frames;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.devmem.MemoryType;

/**
 * One dmirror device node ({@code /dev/hmm_dmirrorN}) with its device memory.
 *
 * <p>Mirrors struct dmirror_device of lib/test_hmm.c. The device is the pgmap owner of all its pages, so two open
 * descriptors of one device count as the same owner for hmm_range_fault() and for MIGRATE filtering. Device memory
 * is allocated in 256 MiB chunks ({@link DeviceMemory}); a coherent device has exactly one chunk.
 */
public final class DmirrorDevice {
    /** HMM_DMIRROR_MEMORY_DEVICE_PRIVATE. */
    public static final int MEMORY_DEVICE_PRIVATE = 1;
    /** HMM_DMIRROR_MEMORY_DEVICE_COHERENT. */
    public static final int MEMORY_DEVICE_COHERENT = 2;
    /** DMIRROR_NDEVICES. */
    public static final int NDEVICES = 4;

    private final Frames frames;
    private final int minor;
    private final MemoryType type;
    final DeviceMemory memory;

    private DmirrorDevice(Frames frames, int minor, MemoryType type) {
        this.frames = frames;
        this.minor = minor;
        this.type = type;
        this.memory = new DeviceMemory(this, frames);
    }

    /** One device of the given memory type; {@code minor} names it ({@code hmm_dmirror<minor>}). */
    public static DmirrorDevice create(Frames frames, int minor, MemoryType type) {
        if (minor < 0) {
            throw new IllegalArgumentException("minor must be >= 0, got " + minor);
        }
        return new DmirrorDevice(frames, minor, type);
    }

    /**
     * The four devices of the test module: minors 0 and 1 device-private, 2 and 3 device-coherent (the module loaded
     * with spm_addr_dev0/1 set). Mirrors hmm_dmirror_init().
     */
    public static DmirrorDevice[] createAll(Frames frames) {
        DmirrorDevice[] d = new DmirrorDevice[NDEVICES];
        for (int i = 0; i < NDEVICES; i++) {
            d[i] = create(frames, i, i < 2 ? MemoryType.DEVICE_PRIVATE : MemoryType.DEVICE_COHERENT);
        }
        return d;
    }

    /** Opens the device for {@code mm}: a new mirror with its own page table and notifier. Mirrors dmirror_fops_open(). */
    public Dmirror open(MmStruct mm) {
        return new Dmirror(this, mm);
    }

    public MemoryType memoryType() {
        return type;
    }

    public int minor() {
        return minor;
    }

    public Frames frames() {
        return frames;
    }

    /** Device memory statistics and allocation. */
    public DeviceMemory memory() {
        return memory;
    }

    @Override
    public String toString() {
        return "hmm_dmirror" + minor;
    }
}
