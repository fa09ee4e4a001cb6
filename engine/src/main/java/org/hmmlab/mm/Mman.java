package org.hmmlab.mm;

/**
 * Protection, mapping and advice constants of {@code mmap}, {@code mprotect} and {@code madvise}.
 *
 * <p>Mirrors include/uapi/asm-generic/mman-common.h and the x86-64 values of linux/mman.h, so scenarios read like
 * the C programs they reproduce.
 */
public final class Mman {
    public static final int PROT_NONE = 0;
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int PROT_EXEC = 0x4;

    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_FIXED = 0x10;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_NORESERVE = 0x4000;
    public static final int MAP_POPULATE = 0x8000;
    public static final int MAP_HUGETLB = 0x40000;

    public static final int MADV_NORMAL = 0;
    public static final int MADV_DONTNEED = 4;
    public static final int MADV_FREE = 8;
    public static final int MADV_HUGEPAGE = 14;
    public static final int MADV_NOHUGEPAGE = 15;
    public static final int MADV_COLLAPSE = 25;

    public static final int MREMAP_MAYMOVE = 1;
    public static final int MREMAP_FIXED = 2;
    public static final int MREMAP_DONTUNMAP = 4;

    /** The base page size, PAGE_SIZE on x86-64. */
    public static final long PAGE_SIZE = 4096;
    public static final int PAGE_SHIFT = 12;
    /** The PMD (transparent huge page) size, HPAGE_PMD_SIZE on x86-64. */
    public static final long PMD_SIZE = 2L << 20;
    public static final int PMD_SHIFT = 21;
    public static final int PUD_SHIFT = 30;
    /** Pages per PMD mapping (HPAGE_PMD_NR). */
    public static final int PMD_NR = 512;
    /** The highest user address plus one, TASK_SIZE with 4-level paging. */
    public static final long TASK_SIZE = 1L << 47;

    private Mman() {
    }

    public static boolean pageAligned(long addr) {
        return (addr & (PAGE_SIZE - 1)) == 0;
    }

    public static long pageAlignUp(long len) {
        return (len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    }
}
