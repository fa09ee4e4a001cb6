package org.hmmlab.mm.migrate;

import java.util.EnumSet;
import java.util.Set;

/**
 * One entry of {@link MigrateVma#src} or {@link MigrateVma#dst}: a frame number shifted by 6 with flag bits.
 *
 * <p>Mirrors MIGRATE_PFN_* of include/linux/migrate.h (VALID 1, MIGRATE 2, WRITE 8, COMPOUND 16,
 * MIGRATE_PFN_SHIFT 6) and the MIGRATE_VMA_SELECT_* selection flags. {@link #flags(long)} is the readable view.
 */
public final class MigratePfn {
    public static final long VALID = 1L;
    public static final long MIGRATE = 1L << 1;
    public static final long WRITE = 1L << 3;
    /** The entry stands for a whole 2 MiB folio; the next 511 entries are 0 (6.18+). */
    public static final long COMPOUND = 1L << 4;
    public static final int SHIFT = 6;

    public static final int SELECT_SYSTEM = 1;
    public static final int SELECT_DEVICE_PRIVATE = 2;
    public static final int SELECT_DEVICE_COHERENT = 4;
    public static final int SELECT_COMPOUND = 8;

    /** The readable view of the flag bits. */
    public enum Flag { VALID, MIGRATE, WRITE, COMPOUND }

    private MigratePfn() {
    }

    /** The entry for frame {@code pfn}. Mirrors migrate_pfn(). */
    public static long of(long pfn) {
        return (pfn << SHIFT) | VALID;
    }

    /** The frame number, or -1 when the entry has none (a hole). Mirrors migrate_pfn_to_page(). */
    public static long pfn(long entry) {
        return (entry & VALID) == 0 ? -1 : entry >>> SHIFT;
    }

    public static boolean isMigrate(long entry) {
        return (entry & MIGRATE) != 0;
    }

    public static Set<Flag> flags(long entry) {
        EnumSet<Flag> s = EnumSet.noneOf(Flag.class);
        if ((entry & VALID) != 0) {
            s.add(Flag.VALID);
        }
        if ((entry & MIGRATE) != 0) {
            s.add(Flag.MIGRATE);
        }
        if ((entry & WRITE) != 0) {
            s.add(Flag.WRITE);
        }
        if ((entry & COMPOUND) != 0) {
            s.add(Flag.COMPOUND);
        }
        return s;
    }
}
