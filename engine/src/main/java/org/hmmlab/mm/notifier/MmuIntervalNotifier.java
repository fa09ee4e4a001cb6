package org.hmmlab.mm.notifier;

import java.util.ArrayList;
import java.util.List;
import org.hmmlab.mm.Mman;
import org.hmmlab.mm.MmStruct;

/**
 * A subscription to invalidations of one range of an address space, with the sequence number a mirror uses to
 * detect that its snapshot of the CPU page table went stale.
 *
 * <p>Mirrors struct mmu_interval_notifier and mm/mmu_notifier.c's interval tree: the address space keeps an
 * invalidation counter that is odd while an invalidation touching some notifier is running and even when idle;
 * each notifier stores the (odd) value of the last invalidation that hit it. {@link #readBegin()} and
 * {@link #readRetry(long)} are mmu_interval_read_begin()/mmu_interval_read_retry(): a device fills its page table
 * only if no invalidation hit the notifier in between. The engine is single-threaded, so an invalidation is "in
 * progress" only while the callbacks run; {@code readBegin} from inside a callback of the same invalidation would
 * sleep forever in the kernel and is refused here.
 */
public final class MmuIntervalNotifier {
    private final Subscriptions subs;
    private final long start;
    private final long last;
    private final MmuIntervalNotifierOps ops;
    private long invalidateSeq;
    private boolean removed;

    private MmuIntervalNotifier(Subscriptions subs, long start, long last, MmuIntervalNotifierOps ops) {
        this.subs = subs;
        this.start = start;
        this.last = last;
        this.ops = ops;
    }

    /**
     * Subscribes {@code ops} to invalidations of {@code [start, start + length)} of {@code mm}. Mirrors
     * mmu_interval_notifier_insert(). A notifier inserted while an invalidation runs counts as already invalidated.
     */
    public static MmuIntervalNotifier insert(MmStruct mm, long start, long length, MmuIntervalNotifierOps ops) {
        if (length <= 0 || start < 0 || start + length < start) {
            throw new IllegalArgumentException("length must be > 0 and start + length must not overflow, got start=0x"
                    + Long.toHexString(start) + " length=0x" + Long.toHexString(length));
        }
        Subscriptions s = mm.notifierSubscriptions();
        MmuIntervalNotifier sub = new MmuIntervalNotifier(s, start, start + length - 1, ops);
        sub.invalidateSeq = s.active > 0 ? s.seq : s.seq - 1;
        s.list.add(sub);
        return sub;
    }

    /** The whole user address space, as dmirror subscribes: start 0, length ULONG_MAX &amp; PAGE_MASK. */
    public static MmuIntervalNotifier insertWholeSpace(MmStruct mm, MmuIntervalNotifierOps ops) {
        return insert(mm, 0, Long.MAX_VALUE & ~(Mman.PAGE_SIZE - 1), ops);
    }

    /** Unsubscribes. Mirrors mmu_interval_notifier_remove(); must not be called from the callback. */
    public void remove() {
        if (subs.active > 0 && subs.inCallback) {
            throw new IllegalStateException("mmu_interval_notifier_remove() from an invalidate callback deadlocks");
        }
        removed = true;
        subs.list.remove(this);
    }

    /**
     * Returns the sequence to pass to {@link #readRetry} after collecting page-table state. Mirrors
     * mmu_interval_read_begin().
     */
    public long readBegin() {
        if (subs.active > 0 && invalidateSeq == subs.seq) {
            throw new IllegalStateException(
                    "mmu_interval_read_begin() while an invalidation of this notifier runs would sleep forever");
        }
        return invalidateSeq;
    }

    /** True when an invalidation hit the notifier since {@code seq}; call under the driver lock. */
    public boolean readRetry(long seq) {
        return invalidateSeq != seq;
    }

    /** The lockless form of {@link #readRetry}; hmm_range_fault() checks it before each walk. */
    public boolean checkRetry(long seq) {
        return invalidateSeq != seq;
    }

    /** Records the sequence of the invalidation now running; drivers call it from their callback. */
    public void setSeq(long curSeq) {
        invalidateSeq = curSeq;
    }

    public MmStruct mm() {
        return subs.mm;
    }

    public long start() {
        return start;
    }

    /** The last byte covered (inclusive), as the kernel's interval tree stores it. */
    public long last() {
        return last;
    }

    public boolean isRemoved() {
        return removed;
    }

    /**
     * The notifier state of one address space. Mirrors struct mmu_notifier_subscriptions (invalidate_seq,
     * active_invalidate_ranges, the interval tree); engine-internal, used by {@link MmStruct}.
     */
    public static final class Subscriptions {
        private final MmStruct mm;
        private final List<MmuIntervalNotifier> list = new ArrayList<>();
        private long seq = 2;
        private int active;
        private boolean inCallback;

        public Subscriptions(MmStruct mm) {
            this.mm = mm;
        }

        /** The current invalidation counter (odd while an invalidation that hit a notifier runs). */
        public long seq() {
            return seq;
        }

        public int size() {
            return list.size();
        }

        /**
         * Starts an invalidation: marks the counter odd if any notifier overlaps, then calls each overlapping
         * notifier's callback in insertion order. Mirrors mn_itree_invalidate().
         *
         * @return false if a callback refused a non-blockable range
         */
        public boolean invalidateStart(MmuNotifierRange range) {
            active++;
            boolean ok = true;
            boolean any = false;
            for (int i = 0; i < list.size(); i++) {
                MmuIntervalNotifier n = list.get(i);
                if (n.start < range.end() && n.last >= range.start()) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return true;
            }
            seq |= 1;
            Object[] snapshot = list.toArray();
            inCallback = true;
            try {
                for (Object o : snapshot) {
                    MmuIntervalNotifier n = (MmuIntervalNotifier) o;
                    if (n.removed || n.start >= range.end() || n.last < range.start()) {
                        continue;
                    }
                    if (!n.ops.invalidate(n, range, seq)) {
                        if (range.isBlockable()) {
                            throw new IllegalStateException("an interval notifier refused a blockable invalidation");
                        }
                        ok = false;
                    }
                }
            } finally {
                inCallback = false;
            }
            return ok;
        }

        /** Ends an invalidation; the last one to end makes the counter even. Mirrors mn_itree_inv_end(). */
        public void invalidateEnd() {
            if (active <= 0) {
                throw new IllegalStateException("invalidate end without start");
            }
            if (--active == 0 && (seq & 1) != 0) {
                seq++;
            }
        }
    }
}
