package org.hmmlab.device;

import org.hmmlab.workload.AccessStream;
import org.hmmlab.workload.AccessType;

/**
 * The access each issuer (a GPU warp or a CPU thread) is working on, cut into page-sized pieces: an access that
 * crosses a page boundary is issued one page at a time, because every page needs its own translation.
 *
 * <p>Mirrors what the MMU does with an access that straddles pages (each 4 KiB page is looked up in the TLB and
 * may fault on its own, as {@code handle_mm_fault()} is entered per page). Shared by {@link Gpu} and
 * {@link CpuAgent}, so both agents split accesses the same way.
 *
 * <p>On the issue hot path: two primitive arrays of byte addresses per issuer (the current piece's start and the
 * access's end) and a flag array, nothing allocated per access. An issuer has a pending access while its piece
 * start lies before the access's end.
 */
final class AccessPieces {

    private static final int PAGE_SHIFT = 12;
    private static final long PAGE_SIZE = 1L << PAGE_SHIFT;

    private long[] at = new long[0];
    private long[] end = new long[0];
    private boolean[] write = new boolean[0];

    /** Makes room for {@code issuers} issuers and clears them all: none has a pending access. */
    void reset(int issuers) {
        if (at.length < issuers) {
            at = new long[issuers];
            end = new long[issuers];
            write = new boolean[issuers];
        } else {
            java.util.Arrays.fill(at, 0, issuers, 0L);
            java.util.Arrays.fill(end, 0, issuers, 0L);
        }
    }

    /** Whether issuer {@code i} is still working through an access. */
    boolean pending(int i) {
        return at[i] < end[i];
    }

    /**
     * Issuer {@code i} takes a new access of {@code size} bytes (at least 1) at byte {@code offset} of the
     * allocation whose first page is {@code firstPage}; its first piece runs to the end of that page.
     */
    void start(int i, long firstPage, long offset, long size, boolean isWrite) {
        long a = (firstPage << PAGE_SHIFT) + offset;
        at[i] = a;
        end[i] = a + size;
        write[i] = isWrite;
    }

    /**
     * Issuer {@code i} takes the stream's next access over the allocation whose first page is {@code firstPage};
     * false when the stream is exhausted.
     */
    boolean next(int i, AccessStream stream, long firstPage) {
        if (!stream.next()) {
            return false;
        }
        start(i, firstPage, stream.offset(), stream.size(), stream.type() != AccessType.READ);
        return true;
    }

    /** The virtual page of issuer {@code i}'s current piece. */
    long page(int i) {
        return at[i] >>> PAGE_SHIFT;
    }

    /** Bytes in issuer {@code i}'s current piece: up to the end of the access or of the page, whichever is first. */
    long size(int i) {
        long a = at[i];
        return Math.min(end[i] - a, PAGE_SIZE - (a & (PAGE_SIZE - 1)));
    }

    /** Whether issuer {@code i}'s access writes (a write or an atomic). */
    boolean write(int i) {
        return write[i];
    }

    /** Issuer {@code i}'s current piece completed: move to the next page of the access, or finish it. */
    void complete(int i) {
        at[i] += size(i);
    }

    /** Issuer {@code i}'s current piece, of {@code size} bytes as {@link #size} gave it, completed. */
    void complete(int i, long size) {
        at[i] += size;
    }
}
