package org.hmmlab.platform;

/**
 * The attributes AMD's SVM API sets on a range of virtual addresses (the KFD_IOCTL_SVM_ATTR_* of
 * include/uapi/linux/kfd_ioctl.h, applied by svm_range_apply_attrs() in drivers/gpu/drm/amd/amdkfd/kfd_svm.c), here
 * on one allocation: {@code SvmAttributes.DEFAULT.preferredLoc(SvmAttributes.Location.GPU).granularity(9)}.
 *
 * <p>The driver's defaults (svm_range_set_default_attributes()): no preferred and no prefetch location
 * ({@code KFD_IOCTL_SVM_LOCATION_UNDEFINED}), granularity {@code svm_default_granularity} (9, 2 MiB), and with XNACK
 * on the GPU may access the range ({@code bitmap_access} copied from the supported GPUs in svm_range_new()). The lab
 * gives an allocation GPU access with XNACK off too, as the HIP runtime's managed allocations set it
 * (KFD_IOCTL_SVM_ATTR_ACCESS); {@link Access#NO_ACCESS} takes it away.
 *
 * @param preferredLoc where a GPU retry fault restores the range (svm_range_best_restore_location())
 * @param prefetchLoc  where the range is migrated before the first kernel, as by hipMemPrefetchAsync
 *                     (KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, svm_range_trigger_migration())
 * @param access       whether the GPU may map the range, and whether it migrates it or maps it in place
 * @param granularity  log2 of the pages migrated and mapped together around a fault, 0..63 (the driver clamps the
 *                     attribute to 0x3F), or {@link #INHERIT} for the driver's {@code svm_default_granularity}
 */
public record SvmAttributes(Location preferredLoc, Location prefetchLoc, Access access, int granularity) {

    /** Granularity taken from the driver's default ({@link AmdSvm#granularity()}). */
    public static final int INHERIT = -1;
    /** The largest granularity: svm_range_apply_attrs() clamps KFD_IOCTL_SVM_ATTR_GRANULARITY to 0x3F. */
    public static final int MAX_GRANULARITY = 0x3F;

    /** The driver's defaults: no preferred or prefetch location, access, the default granularity. */
    public static final SvmAttributes DEFAULT = new SvmAttributes(Location.UNDEFINED, Location.UNDEFINED,
            Access.ACCESS, INHERIT);

    /** A location as KFD_IOCTL_SVM_ATTR_PREFERRED_LOC and _PREFETCH_LOC take it. */
    public enum Location {
        /** KFD_IOCTL_SVM_LOCATION_UNDEFINED: no choice made. */
        UNDEFINED,
        /** KFD_IOCTL_SVM_LOCATION_SYSMEM: system memory. */
        SYSMEM,
        /** The GPU's id: its VRAM. */
        GPU
    }

    /** The GPU's access, as KFD_IOCTL_SVM_ATTR_ACCESS, _ACCESS_IN_PLACE and _NO_ACCESS set it. */
    public enum Access {
        /** The GPU may access the range; a retry fault migrates it to the GPU unless a preferred location says otherwise. */
        ACCESS,
        /** The GPU may access the range where it is, without migrating it (bitmap_aip). */
        ACCESS_IN_PLACE,
        /** The GPU may not access the range: a fault on it cannot be recovered. */
        NO_ACCESS
    }

    public SvmAttributes {
        Check.notNull("svm.preferredLoc", preferredLoc);
        Check.notNull("svm.prefetchLoc", prefetchLoc);
        Check.notNull("svm.access", access);
        if (granularity != INHERIT) {
            Check.range("svm.granularity (log2 of pages)", granularity, 0, MAX_GRANULARITY);
        }
    }

    public SvmAttributes preferredLoc(Location l) {
        return new SvmAttributes(l, prefetchLoc, access, granularity);
    }

    public SvmAttributes prefetchLoc(Location l) {
        return new SvmAttributes(preferredLoc, l, access, granularity);
    }

    public SvmAttributes access(Access a) {
        return new SvmAttributes(preferredLoc, prefetchLoc, a, granularity);
    }

    /** Log2 of the pages migrated and mapped together, 0 (4 KiB) to 63; 9 is 2 MiB. */
    public SvmAttributes granularity(int log2Pages) {
        return new SvmAttributes(preferredLoc, prefetchLoc, access, log2Pages);
    }

    /** Preferred location the GPU's VRAM: {@code preferredLoc(Location.GPU)}. */
    public SvmAttributes preferGpu() {
        return preferredLoc(Location.GPU);
    }

    /** Preferred location system memory: {@code preferredLoc(Location.SYSMEM)}. */
    public SvmAttributes preferSysmem() {
        return preferredLoc(Location.SYSMEM);
    }

    /** Prefetched to the GPU's VRAM before the first kernel: {@code prefetchLoc(Location.GPU)}. */
    public SvmAttributes prefetchToGpu() {
        return prefetchLoc(Location.GPU);
    }

    /** The GPU maps the range where it is: {@code access(Access.ACCESS_IN_PLACE)}. */
    public SvmAttributes accessInPlace() {
        return access(Access.ACCESS_IN_PLACE);
    }

    /** The GPU may not access the range: {@code access(Access.NO_ACCESS)}. */
    public SvmAttributes noAccess() {
        return access(Access.NO_ACCESS);
    }
}
