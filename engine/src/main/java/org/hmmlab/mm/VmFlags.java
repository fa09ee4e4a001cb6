package org.hmmlab.mm;

/**
 * Flags of a virtual memory area, packed in a {@code long}.
 *
 * <p>Mirrors the VM_* flags of include/linux/mm.h (same names; values are this engine's own). {@link Vma#flagNames()}
 * gives a readable view.
 */
public final class VmFlags {
    public static final long VM_READ = 1L;
    public static final long VM_WRITE = 1L << 1;
    public static final long VM_EXEC = 1L << 2;
    public static final long VM_SHARED = 1L << 3;
    public static final long VM_IO = 1L << 4;
    public static final long VM_PFNMAP = 1L << 5;
    public static final long VM_MIXEDMAP = 1L << 6;
    public static final long VM_HUGETLB = 1L << 7;
    public static final long VM_HUGEPAGE = 1L << 8;
    public static final long VM_NOHUGEPAGE = 1L << 9;
    public static final long VM_DONTEXPAND = 1L << 10;
    public static final long VM_DONTCOPY = 1L << 11;

    /** Mappings that migration and THP never touch (VM_SPECIAL). */
    public static final long VM_SPECIAL = VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP;

    private static final String[] NAMES = {"read", "write", "exec", "shared", "io", "pfnmap", "mixedmap", "hugetlb",
        "hugepage", "nohugepage", "dontexpand", "dontcopy"};

    private VmFlags() {
    }

    /** The VM_READ/VM_WRITE/VM_EXEC bits for a PROT_* value. */
    public static long fromProt(int prot) {
        long f = 0;
        if ((prot & Mman.PROT_READ) != 0) {
            f |= VM_READ;
        }
        if ((prot & Mman.PROT_WRITE) != 0) {
            f |= VM_WRITE;
        }
        if ((prot & Mman.PROT_EXEC) != 0) {
            f |= VM_EXEC;
        }
        return f;
    }

    public static String toString(long flags) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < NAMES.length; i++) {
            if ((flags & (1L << i)) != 0) {
                if (!sb.isEmpty()) {
                    sb.append('|');
                }
                sb.append(NAMES[i]);
            }
        }
        return sb.toString();
    }
}
