package org.hmmlab.policy;

import java.util.Arrays;
import org.hmmlab.units.Bytes;

/**
 * Memory-use advice on address ranges: preferred location, accessed-by, read-mostly.
 *
 * <p>Mirrors {@code cudaMemAdvise()} as the UVM driver stores it per range ({@code uvm_va_policy_t}:
 * {@code preferred_location}, {@code accessed_by}, {@code read_duplication}), the madvise-style hints an HMM
 * driver can offer. How {@link MigrationPolicy} honours them on a GPU fault:
 * <ul>
 *   <li>read-mostly: a read fault duplicates the page read-only on the GPU (the host copy stays); a write
 *       migrates it, and the timing layer invalidates the other copies;</li>
 *   <li>preferred location host: the GPU maps the page remotely instead of migrating it;</li>
 *   <li>preferred location a GPU: a fault from that GPU migrates the page there;</li>
 *   <li>accessed-by a GPU: that GPU maps the page where it is, without migrating it.</li>
 * </ul>
 *
 * <p>Immutable: each call returns new hints; later advice on an overlapping range wins for the same kind.
 * Lookups scan the (few) ranges in order and allocate nothing.
 */
public final class Hints {

    /** Returned by {@link #preferredLocation(long)} for pages with no preference. */
    public static final int NO_PREFERENCE = Integer.MIN_VALUE;

    private static final byte PREFERRED = 0;
    private static final byte ACCESSED_BY = 1;
    private static final byte READ_MOSTLY = 2;

    private static final Hints NONE = new Hints(new long[0], new long[0], new byte[0], new int[0]);

    private final long[] first;
    private final long[] end;
    private final byte[] kind;
    private final int[] value;

    private Hints(long[] first, long[] end, byte[] kind, int[] value) {
        this.first = first;
        this.end = end;
        this.kind = kind;
        this.value = value;
    }

    /** No advice. */
    public static Hints none() {
        return NONE;
    }

    /** Prefer {@code location} ({@link Location#HOST} or a GPU index) for {@code [address, address + size)}. */
    public Hints preferredLocation(long address, Bytes size, int location) {
        if (location != Location.HOST && location < 0) {
            throw new IllegalArgumentException("preferred location must be host (-1) or a gpu index >= 0, got "
                    + location);
        }
        return with(address, size, PREFERRED, location);
    }

    /** GPU {@code gpu} maps {@code [address, address + size)} wherever it lives, without migrating it. */
    public Hints accessedBy(long address, Bytes size, int gpu) {
        return with(address, size, ACCESSED_BY, Location.gpu(gpu));
    }

    /** {@code [address, address + size)} is mostly read: read faults duplicate instead of migrating. */
    public Hints readMostly(long address, Bytes size) {
        return with(address, size, READ_MOSTLY, 1);
    }

    private Hints with(long address, Bytes size, byte k, int v) {
        if (address < 0 || (address & (Bytes.PAGE.bytes() - 1)) != 0) {
            throw new IllegalArgumentException("advice address must be >= 0 and 4 KiB aligned, got " + address);
        }
        if (size == null || size.bytes() < 1) {
            throw new IllegalArgumentException("advice size must be >= 1 B, got " + size);
        }
        int n = first.length;
        long[] f = Arrays.copyOf(first, n + 1);
        long[] e = Arrays.copyOf(end, n + 1);
        byte[] kd = Arrays.copyOf(kind, n + 1);
        int[] val = Arrays.copyOf(value, n + 1);
        f[n] = address >>> Pages.PAGE_SHIFT;
        e[n] = f[n] + size.pagesCeil();
        kd[n] = k;
        val[n] = v;
        return new Hints(f, e, kd, val);
    }

    /** True when no advice was given. */
    public boolean isEmpty() {
        return first.length == 0;
    }

    /** The preferred location of {@code page}, or {@link #NO_PREFERENCE}. */
    public int preferredLocation(long page) {
        for (int i = first.length - 1; i >= 0; i--) {
            if (kind[i] == PREFERRED && page >= first[i] && page < end[i]) {
                return value[i];
            }
        }
        return NO_PREFERENCE;
    }

    /** True when GPU {@code gpu} was advised to access {@code page} in place. */
    public boolean accessedBy(long page, int gpu) {
        for (int i = 0; i < first.length; i++) {
            if (kind[i] == ACCESSED_BY && value[i] == gpu && page >= first[i] && page < end[i]) {
                return true;
            }
        }
        return false;
    }

    /** True when {@code page} is advised read-mostly. */
    public boolean readMostly(long page) {
        for (int i = 0; i < first.length; i++) {
            if (kind[i] == READ_MOSTLY && page >= first[i] && page < end[i]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return isEmpty() ? "no hints" : first.length + " hint range(s)";
    }
}
