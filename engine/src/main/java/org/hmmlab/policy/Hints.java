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
 * <p>Advice is given on an address range, or on an allocation by name (as a program advises the pointer that
 * {@code cudaMallocManaged()} returned): named advice covers no page until the engine maps the allocation and calls
 * {@link #bind}. Each call returns new hints; later advice on an overlapping range wins for the same kind. Hints
 * with named advice hold the run's binding, so build them per run like the rest of a {@link MigrationPolicy};
 * hints on addresses only never change. Lookups scan the (few) ranges in order and allocate nothing.
 */
public final class Hints {

    /** Returned by {@link #preferredLocation(long)} for pages with no preference. */
    public static final int NO_PREFERENCE = Integer.MIN_VALUE;

    private static final byte PREFERRED = 0;
    private static final byte ACCESSED_BY = 1;
    private static final byte READ_MOSTLY = 2;

    private static final Hints NONE = new Hints(new long[0], new long[0], new byte[0], new int[0], new String[0]);

    private final long[] first;
    private final long[] end;
    private final byte[] kind;
    private final int[] value;
    /** The allocation each entry names, or null for advice on an address range. */
    private final String[] allocation;

    private Hints(long[] first, long[] end, byte[] kind, int[] value, String[] allocation) {
        this.first = first;
        this.end = end;
        this.kind = kind;
        this.value = value;
        this.allocation = allocation;
    }

    /** No advice. */
    public static Hints none() {
        return NONE;
    }

    /** Prefer {@code location} ({@link Location#HOST} or a GPU index) for {@code [address, address + size)}. */
    public Hints preferredLocation(long address, Bytes size, int location) {
        return with(address, size, PREFERRED, checkLocation(location));
    }

    /** Prefer {@code location} ({@link Location#HOST} or a GPU index) for all of allocation {@code name}. */
    public Hints preferredLocation(String name, int location) {
        return named(name, PREFERRED, checkLocation(location));
    }

    /** GPU {@code gpu} maps allocation {@code name} wherever it lives, without migrating it. */
    public Hints accessedBy(String name, int gpu) {
        return named(name, ACCESSED_BY, Location.gpu(gpu));
    }

    /** Allocation {@code name} is mostly read: read faults duplicate instead of migrating. */
    public Hints readMostly(String name) {
        return named(name, READ_MOSTLY, 1);
    }

    private static int checkLocation(int location) {
        if (location != Location.HOST && location < 0) {
            throw new IllegalArgumentException("preferred location must be host (-1) or a gpu index >= 0, got "
                    + location);
        }
        return location;
    }

    /**
     * Points the advice on allocation {@code name} at its pages {@code [firstPage, firstPage + pages)}, once the
     * engine has mapped it (the address {@code cudaMallocManaged()} would return). Advice on other allocations
     * and on addresses is untouched.
     */
    public void bind(String name, long firstPage, long pages) {
        if (firstPage < 0 || pages < 0) {
            throw new IllegalArgumentException("advice binding of '" + name + "': firstPage and pages must be >= 0, got "
                    + firstPage + " and " + pages);
        }
        for (int i = 0; i < allocation.length; i++) {
            if (name.equals(allocation[i])) {
                first[i] = firstPage;
                end[i] = firstPage + pages;
            }
        }
    }

    private Hints named(String name, byte k, int v) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("advice allocation must be non-empty text, got '" + name + "'");
        }
        Hints h = append(0, 0, k, v); // covers no page until bound
        h.allocation[h.allocation.length - 1] = name;
        return h;
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
        long page = address >>> Pages.PAGE_SHIFT;
        return append(page, page + size.pagesCeil(), k, v);
    }

    private Hints append(long firstPage, long endPage, byte k, int v) {
        int n = first.length;
        long[] f = Arrays.copyOf(first, n + 1);
        long[] e = Arrays.copyOf(end, n + 1);
        byte[] kd = Arrays.copyOf(kind, n + 1);
        int[] val = Arrays.copyOf(value, n + 1);
        String[] names = Arrays.copyOf(allocation, n + 1);
        f[n] = firstPage;
        e[n] = endPage;
        kd[n] = k;
        val[n] = v;
        return new Hints(f, e, kd, val, names);
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
