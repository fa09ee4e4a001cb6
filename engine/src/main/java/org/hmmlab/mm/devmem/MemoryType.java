package org.hmmlab.mm.devmem;

/**
 * The kind of device memory a pagemap describes.
 *
 * <p>Mirrors enum memory_type's MEMORY_DEVICE_PRIVATE and MEMORY_DEVICE_COHERENT (include/linux/memremap.h).
 * Private memory is not addressable by the CPU (pages appear as non-present device-private entries); coherent memory
 * is mapped by ordinary present entries.
 */
public enum MemoryType {
    DEVICE_PRIVATE,
    DEVICE_COHERENT
}
