package org.hmmlab.device;

import java.util.ArrayList;
import java.util.List;

import org.hmmlab.mm.notifier.MmuNotifyEvent;

/**
 * A minimal host address space for the timing layer: anonymous private mappings whose pages are unpopulated,
 * mapped read-only to the shared zero page after a read fault, or mapped writable after a write fault.
 *
 * <p>The interim path until the functional core (MmStruct, Hmm.rangeFault, MMU interval notifiers) is used
 * directly: it keeps one byte of state per page and follows the kernel's rules that matter for timing. A read
 * fault on an untouched anonymous page maps the zero page; the first write replaces it with a fresh page and,
 * because the pfn changes, notifies mirrors (MMU_NOTIFY_CLEAR), as do_wp_page() does. hmm_range_fault with
 * REQ_WRITE write-faults, without it read-faults.
 */
public final class InterimHostMemory implements HostMemory {

    private static final byte UNPOPULATED = 0;
    private static final byte ZERO_PAGE = 1;
    private static final byte WRITABLE = 2;
    /** No VMA: the page was unmapped. */
    private static final byte UNMAPPED = 3;
    /** First page of the mmap area, as on x86-64 with a low mmap base; allocations start on 2 MiB blocks. */
    public static final long FIRST_PAGE = 0x10000;

    private byte[] state = new byte[0];
    private long nextPage = FIRST_PAGE;
    private final List<long[]> mirrorRanges = new ArrayList<>();
    private final List<Invalidator> mirrors = new ArrayList<>();

    @Override
    public long mapAnonymous(String name, long pages) {
        if (pages <= 0) {
            throw new IllegalArgumentException("mapping '" + name + "' must have > 0 pages; got " + pages);
        }
        long first = nextPage;
        nextPage = Math.ceilDiv(first + pages, 512) * 512;
        long span = nextPage - FIRST_PAGE;
        if (span > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("mappings exceed 8 TiB in total");
        }
        state = java.util.Arrays.copyOf(state, (int) span);
        return first;
    }

    /** munmap: mirrors get an MMU_NOTIFY_UNMAP invalidation, then the pages have no VMA. */
    @Override
    public void unmap(long firstPage, long pages) {
        for (int m = 0; m < mirrors.size(); m++) {
            long[] r = mirrorRanges.get(m);
            long first = Math.max(firstPage, r[0]);
            long end = Math.min(firstPage + pages, r[1]);
            if (end > first) {
                mirrors.get(m).invalidate(first, end - first, MmuNotifyEvent.UNMAP);
            }
        }
        for (long p = firstPage; p < firstPage + pages; p++) {
            int i = index(p);
            if (i >= 0) {
                state[i] = UNMAPPED;
            }
        }
    }

    @Override
    public void mirror(long firstPage, long pages, Invalidator device) {
        mirrorRanges.add(new long[] {firstPage, firstPage + pages});
        mirrors.add(device);
    }

    @Override
    public long rangeFault(long firstPage, long pages, boolean write) {
        long faulted = 0;
        for (long p = firstPage; p < firstPage + pages; p++) {
            int i = index(p);
            if (i < 0) {
                return -14; // -EFAULT: no VMA
            }
            if (state[i] == UNPOPULATED || (write && state[i] == ZERO_PAGE)) {
                fault(p, write);
                faulted++;
            }
        }
        return faulted;
    }

    @Override
    public boolean present(long page, boolean write) {
        int i = index(page);
        return i >= 0 && (write ? state[i] == WRITABLE : state[i] != UNPOPULATED);
    }

    @Override
    public boolean cpuAccess(long page, boolean write) {
        int i = index(page);
        if (i < 0) {
            throw new IllegalArgumentException("CPU access to unmapped page " + page);
        }
        if (state[i] == UNPOPULATED || (write && state[i] == ZERO_PAGE)) {
            fault(page, write);
            return true;
        }
        return false;
    }

    private void fault(long page, boolean write) {
        int i = index(page);
        if (state[i] == ZERO_PAGE && write) {
            notifyMirrors(page, MmuNotifyEvent.CLEAR); // the zero page is replaced: mirrors must drop the old pfn
        }
        state[i] = write ? WRITABLE : ZERO_PAGE;
    }

    private void notifyMirrors(long page, MmuNotifyEvent reason) {
        for (int m = 0; m < mirrors.size(); m++) {
            long[] r = mirrorRanges.get(m);
            if (page >= r[0] && page < r[1]) {
                mirrors.get(m).invalidate(page, 1, reason);
            }
        }
    }

    private int index(long page) {
        long i = page - FIRST_PAGE;
        return i >= 0 && i < state.length && state[(int) i] != UNMAPPED ? (int) i : -1;
    }
}
