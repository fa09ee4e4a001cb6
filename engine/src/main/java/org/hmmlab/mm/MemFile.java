package org.hmmlab.mm;

import java.util.Arrays;

/**
 * A file with its page cache: the pages of a regular (tmpfs-like) file, or the shmem object behind a shared
 * anonymous mapping.
 *
 * <p>Mirrors struct address_space of a shmem/tmpfs inode: page-cache pages are system frames flagged
 * {@link Frames#F_PAGECACHE}, held by the cache (one reference) and by every mapping of them. {@code pread}/{@code
 * pwrite} go through the same pages, so a device write through a shared mapping is visible to {@code pread}, as in
 * the selftest {@code file_write}.
 */
public final class MemFile {
    private final Frames frames;
    private final boolean writable;
    private long size;
    private long[] pages = new long[0];

    private MemFile(Frames frames, long size, boolean writable) {
        this.frames = frames;
        this.size = size;
        this.writable = writable;
    }

    /**
     * A zero-filled temporary file of {@code size} bytes, opened read-write: {@code open(O_TMPFILE)} followed by
     * {@code ftruncate(size)}, as hmm_create_file() does.
     */
    public static MemFile createTemp(Frames frames, long size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, got " + size);
        }
        return new MemFile(frames, size, true);
    }

    static MemFile shmem(Frames frames, long size) {
        return new MemFile(frames, size, true);
    }

    public long size() {
        return size;
    }

    public boolean writable() {
        return writable;
    }

    /** Number of pages currently in the page cache. */
    public long cachedPages() {
        long n = 0;
        for (long p : pages) {
            if (p != 0) {
                n++;
            }
        }
        return n;
    }

    /** The page-cache frame of page {@code index}, or -1 when not cached. */
    public long cachedPfn(long index) {
        return index < pages.length && pages[(int) index] != 0 ? pages[(int) index] - 1 : -1;
    }

    /**
     * The page-cache frame of page {@code index}, read in (zero-filled) when absent; -1 when RAM is exhausted, -2
     * when the index is past the end of the file. Mirrors filemap_fault()/shmem_get_folio().
     */
    public long getPage(long index) {
        if (index < 0 || index >= (size + Mman.PAGE_SIZE - 1) / Mman.PAGE_SIZE) {
            return -2;
        }
        if (index >= pages.length) {
            pages = Arrays.copyOf(pages, (int) Math.max(index + 1, pages.length * 2L));
        }
        long e = pages[(int) index];
        if (e != 0) {
            return e - 1;
        }
        long pfn = frames.allocPage(Frames.F_PAGECACHE);
        if (pfn < 0) {
            return -1;
        }
        pages[(int) index] = pfn + 1;
        return pfn;
    }

    /** Writes {@code data} at byte {@code offset}, growing the file; returns the count or -errno. Mirrors pwrite(2). */
    public long pwrite(byte[] data, long offset) {
        if (offset < 0) {
            return -Errno.EINVAL;
        }
        long end = offset + data.length;
        if (end > size) {
            size = end;
        }
        int done = 0;
        while (done < data.length) {
            long pos = offset + done;
            long pfn = getPage(pos / Mman.PAGE_SIZE);
            if (pfn < 0) {
                return done > 0 ? done : -Errno.ENOMEM;
            }
            int in = (int) (pos % Mman.PAGE_SIZE);
            int n = Math.min(data.length - done, (int) Mman.PAGE_SIZE - in);
            frames.write(pfn, in, data, done, n);
            done += n;
        }
        return done;
    }

    /** Reads up to {@code dst.length} bytes at {@code offset}; returns the count. Mirrors pread(2). */
    public long pread(byte[] dst, long offset) {
        if (offset < 0) {
            return -Errno.EINVAL;
        }
        long n = Math.max(0, Math.min(dst.length, size - offset));
        int done = 0;
        while (done < n) {
            long pos = offset + done;
            int in = (int) (pos % Mman.PAGE_SIZE);
            int k = (int) Math.min(n - done, Mman.PAGE_SIZE - in);
            long pfn = cachedPfn(pos / Mman.PAGE_SIZE);
            if (pfn < 0) {
                Arrays.fill(dst, done, done + k, (byte) 0);
            } else {
                frames.read(pfn, in, dst, done, k);
            }
            done += k;
        }
        return done;
    }

    /** Drops the page cache (the file is closed and unlinked with no mapping left). */
    void evictAll() {
        for (int i = 0; i < pages.length; i++) {
            if (pages[i] != 0) {
                frames.put(pages[i] - 1);
                pages[i] = 0;
            }
        }
    }
}
