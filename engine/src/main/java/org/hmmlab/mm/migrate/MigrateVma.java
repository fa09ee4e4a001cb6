package org.hmmlab.mm.migrate;

import java.util.ArrayList;
import java.util.List;
import org.hmmlab.mm.Mman;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.mm.Vma;

/**
 * One migration of a range of one area: the source entries collected by {@link Migrate#vmaSetup}, the destination
 * entries the driver fills, and the counts.
 *
 * <p>Mirrors struct migrate_vma: {@code vma}, {@code src[]}, {@code dst[]}, {@code cpages} and {@code npages}
 * (outputs), {@code start}, {@code end}, {@code pgmap_owner}, {@code flags} (MIGRATE_VMA_SELECT_*),
 * {@code fault_page} (-1 for none). Mutable like the C struct, so a driver reuses the arrays.
 */
public final class MigrateVma {
    public Vma vma;
    public long[] src;
    public long[] dst;
    public long cpages;
    public long npages;
    public long start;
    public long end;
    public Object pgmapOwner;
    public int flags;
    public long faultPage = -1;

    /** Mappings of collected pages in other address spaces, unmapped by try_to_migrate (engine-internal). */
    final List<Remote> remote = new ArrayList<>();
    boolean setUp;

    record Remote(MmStruct mm, long addr, long pfn, boolean write) {
    }

    public MigrateVma() {
    }

    public MigrateVma(Vma vma, long start, long end, long[] src, long[] dst, Object pgmapOwner, int flags) {
        this.vma = vma;
        this.start = start;
        this.end = end;
        this.src = src;
        this.dst = dst;
        this.pgmapOwner = pgmapOwner;
        this.flags = flags;
    }

    /** Entries in the range. */
    public int entries() {
        return (int) ((end - start) >>> Mman.PAGE_SHIFT);
    }
}
