package org.hmmlab.mm;

/**
 * A character device that can be mapped: its {@code mmap} file operation populates the new area.
 *
 * <p>Mirrors file_operations.mmap. The dmirror device inserts zeroed kernel pages with
 * {@link MmStruct#vmInsertPage}; an I/O device maps raw frames with {@link MmStruct#remapPfnRange}.
 */
@FunctionalInterface
public interface DeviceFile {
    /** Populates {@code vma} of {@code mm}; returns 0 or -errno (the mapping is then undone). */
    int mmap(MmStruct mm, Vma vma);
}
