package org.hmmlab.dsl.mm;

import java.util.Arrays;

/**
 * The result of one pin_user_pages() call, as a value: {@code pin_user_pages(0x10000000, 2, FOLL_LONGTERM) = 2},
 * or {@code = -ENOMEM} past the pin limit. Holds the pinned frames so that {@link Task#unpinUserPages(Pins)} can
 * drop exactly these pins.
 *
 * <p>Mirrors the struct page array a driver keeps after pin_user_pages() and hands back to unpin_user_pages().
 * Simulated kernel errors are values: a refused pin pins nothing and has nothing to unpin.
 */
public final class Pins {

    private final Task task;
    private final Mapping range;
    private final long rc;
    private final long[] pfns;
    private boolean released;

    Pins(Task task, Mapping range, long rc, long[] pfns) {
        this.task = task;
        this.range = range;
        this.rc = rc;
        this.pfns = pfns;
    }

    /** The pinned page count, or {@code -errno} ({@code -ENOMEM} past the limit, {@code -EFAULT} on a hole in the mapping). */
    public long rc() {
        return rc;
    }

    /** Whether every page of the range was pinned. */
    public boolean ok() {
        return rc == range.npages();
    }

    /** The pinned range. */
    public Mapping range() {
        return range;
    }

    /** The frames pinned, one per page (empty when the pin failed). */
    public long[] pfns() {
        return Arrays.copyOf(pfns, pfns.length);
    }

    /** Whether these pins were dropped by {@link Task#unpinUserPages(Pins)}. */
    public boolean released() {
        return released;
    }

    Task task() {
        return task;
    }

    long[] frames() {
        return pfns;
    }

    void release() {
        released = true;
    }

    /** The result by name: the count, or {@code -ENOMEM}. */
    public String result() {
        return rc >= 0 ? Long.toString(rc) : org.hmmlab.mm.Errno.name(rc);
    }

    @Override
    public String toString() {
        return "pin_user_pages(" + Task.hex(range.start()) + ", " + range.npages() + ", FOLL_WRITE | FOLL_LONGTERM) = " + result()
                + (released ? " (unpinned)" : "");
    }
}
