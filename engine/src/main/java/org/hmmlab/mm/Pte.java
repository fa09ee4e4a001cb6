package org.hmmlab.mm;

/**
 * Encodes and decodes CPU page-table entries packed in a {@code long}.
 *
 * <p>Mirrors the x86-64 pte_t/pmd_t layout of arch/x86/include/asm/pgtable_types.h and the non-present "swap"
 * entries of include/linux/swapops.h: a present entry carries PRESENT, WRITE, YOUNG (accessed), DIRTY, HUGE (PSE, a
 * PMD leaf) and SPECIAL (no struct page behind it: the zero page, a PFNMAP) with the frame number at bit 12; a
 * non-present entry carries a type (device-private, migration, device-exclusive) and the frame number, plus the
 * writable bit at the same position as a present entry's. 0 is pte_none. Packed longs keep the walk allocation free;
 * {@link #describe(long)} is the readable view.
 */
public final class Pte {
    public static final long PRESENT = 1L;
    public static final long WRITE = 1L << 1;
    public static final long YOUNG = 1L << 5;
    public static final long DIRTY = 1L << 6;
    public static final long HUGE = 1L << 7;
    public static final long SPECIAL = 1L << 9;

    public static final int PFN_SHIFT = 12;
    public static final long PFN_MAX = (1L << 40) - 1;
    private static final long PFN_FIELD = PFN_MAX << PFN_SHIFT;

    private static final int TYPE_SHIFT = 2;
    private static final long TYPE_FIELD = 0x7L << TYPE_SHIFT;
    /** Non-present type: a device-private page (readable, writable per the WRITE bit). */
    public static final int SWP_DEVICE_PRIVATE = 1;
    /** Non-present type: a page under migration. */
    public static final int SWP_MIGRATION = 2;
    /** Non-present type: a page held exclusively by a device for atomics. */
    public static final int SWP_DEVICE_EXCLUSIVE = 3;

    private Pte() {
    }

    public static boolean isNone(long e) {
        return e == 0;
    }

    public static boolean isPresent(long e) {
        return (e & PRESENT) != 0;
    }

    public static boolean isWrite(long e) {
        return (e & WRITE) != 0;
    }

    public static boolean isHuge(long e) {
        return (e & HUGE) != 0;
    }

    public static boolean isSpecial(long e) {
        return (e & SPECIAL) != 0;
    }

    public static long pfn(long e) {
        return (e & PFN_FIELD) >>> PFN_SHIFT;
    }

    /** A present entry for frame {@code pfn}. */
    public static long mk(long pfn, boolean write, boolean dirty) {
        long e = PRESENT | YOUNG | (pfn << PFN_SHIFT);
        if (write) {
            e |= WRITE;
        }
        if (dirty) {
            e |= DIRTY;
        }
        return e;
    }

    /** The swap type of a non-present entry (0 for none or present entries). */
    public static int swpType(long e) {
        if (e == 0 || isPresent(e)) {
            return 0;
        }
        return (int) ((e & TYPE_FIELD) >>> TYPE_SHIFT);
    }

    /** A non-present entry of {@code type} for {@code pfn}. */
    public static long mkSwp(int type, long pfn, boolean write) {
        long e = ((long) type << TYPE_SHIFT) | (pfn << PFN_SHIFT);
        return write ? e | WRITE : e;
    }

    public static boolean isDevicePrivate(long e) {
        return swpType(e) == SWP_DEVICE_PRIVATE;
    }

    public static boolean isMigration(long e) {
        return swpType(e) == SWP_MIGRATION;
    }

    public static boolean isDeviceExclusive(long e) {
        return swpType(e) == SWP_DEVICE_EXCLUSIVE;
    }

    public static long wrprotect(long e) {
        return e & ~WRITE;
    }

    /** A readable description, for dumps and messages. */
    public static String describe(long e) {
        if (e == 0) {
            return "none";
        }
        String huge = isHuge(e) ? " huge" : "";
        if (isPresent(e)) {
            return "present pfn=" + pfn(e) + (isWrite(e) ? " write" : " read") + ((e & DIRTY) != 0 ? " dirty" : "")
                    + ((e & YOUNG) != 0 ? " young" : "") + (isSpecial(e) ? " special" : "") + huge;
        }
        String type = switch (swpType(e)) {
            case SWP_DEVICE_PRIVATE -> "device-private";
            case SWP_MIGRATION -> "migration";
            case SWP_DEVICE_EXCLUSIVE -> "device-exclusive";
            default -> "swap-type-" + swpType(e);
        };
        return type + " pfn=" + pfn(e) + (isWrite(e) ? " write" : " read") + huge;
    }
}
