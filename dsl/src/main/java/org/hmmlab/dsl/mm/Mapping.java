package org.hmmlab.dsl.mm;

import org.hmmlab.units.Bytes;

/**
 * A page-aligned range of one process's address space, as {@code mmap} returned it or a part of it:
 * {@code buf.page(0)}, {@code buf.pages(2, 4)}.
 *
 * <p>Mirrors the {@code [start, end)} ranges the kernel passes around (a VMA's extent, an hmm_range).
 *
 * @param process the address space the range belongs to
 * @param start the first address, page aligned
 * @param length the length in bytes, a positive multiple of the page size
 */
public record Mapping(Task process, long start, long length) {

    public Mapping {
        if (process == null) {
            throw new IllegalArgumentException("process must not be null");
        }
        if ((start & (Bytes.PAGE.bytes() - 1)) != 0 || length <= 0 || (length & (Bytes.PAGE.bytes() - 1)) != 0) {
            throw new IllegalArgumentException("a mapping is page aligned with a positive length, got start 0x"
                    + Long.toHexString(start) + " length " + length);
        }
    }

    /** One past the last address. */
    public long end() {
        return start + length;
    }

    /** Number of 4 KiB pages. */
    public int npages() {
        return (int) (length / Bytes.PAGE.bytes());
    }

    /** The size as typed bytes. */
    public Bytes size() {
        return Bytes.of(length);
    }

    /** The address of page {@code index}: {@code buf.address(3)}. */
    public long address(int index) {
        checkIndex("address(index)", index, npages());
        return start + index * Bytes.PAGE.bytes();
    }

    /** Page {@code index} alone: {@code buf.page(0)}. */
    public Mapping page(int index) {
        checkIndex("page(index)", index, npages());
        return new Mapping(process, address(index), Bytes.PAGE.bytes());
    }

    /** Pages {@code from} (inclusive) to {@code to} (exclusive): {@code buf.pages(0, 2)}. */
    public Mapping pages(int from, int to) {
        checkIndex("pages(from, to): from", from, npages());
        if (to <= from || to > npages()) {
            throw new IllegalArgumentException("pages(from, to): to must be in [" + (from + 1) + ", " + npages()
                    + "], got " + to);
        }
        return new Mapping(process, address(from), (long) (to - from) * Bytes.PAGE.bytes());
    }

    /** Whether {@code other} lies wholly inside this range of the same process. */
    public boolean contains(Mapping other) {
        return other.process == process && other.start >= start && other.end() <= end();
    }

    private static void checkIndex(String what, int index, int n) {
        if (index < 0 || index >= n) {
            throw new IllegalArgumentException(what + " must be in [0, " + (n - 1) + "], got " + index);
        }
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(start) + "-0x" + Long.toHexString(end()) + " (" + npages()
                + (npages() == 1 ? " page)" : " pages)");
    }
}
