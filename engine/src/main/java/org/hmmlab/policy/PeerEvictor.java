package org.hmmlab.policy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * The eviction policies of GPGPU-Sim UVMSmart (Ganguly et al. ISCA'19), with its options: LRU at 2 MiB, 64 KiB
 * (sequential-local) or 4 KiB, LFU at 2 MiB, and random 4 KiB.
 *
 * <p>Mirrors {@code gmmu_t::page_eviction_procedure()} and {@code sort_valid_pages()} ({@code gpu-sim.cc}): the
 * resident chunks sit in a list refreshed on every access ({@code refresh_valid_pages()}, called from the
 * shader's TLB hit path and on each page's arrival), which is then ordered by the policy:
 * <ul>
 *   <li>{@link Order#LRU}: by last use, oldest first ({@code LRU}, {@code LRU4K});</li>
 *   <li>{@link Order#BLOCK_LRU}: 64 KiB leaves grouped by their 2 MiB large page, the large pages by their most
 *       recent use, oldest first, the leaves inside by last use ({@code SEQUENTIAL_LOCAL} and {@code TBN});</li>
 *   <li>{@link Order#LFU}: by access count, then clean before written ({@code RW}), then last use
 *       ({@code LFU}); counts persist across evictions as the peer's large-page tree keeps them;</li>
 *   <li>{@link Order#RANDOM}: a uniformly drawn position of the LRU order ({@code RANDOM}), drawn from the run's
 *       evictor seed.</li>
 * </ul>
 * The search starts past the reserved {@link PeerEvictionOptions#reservePercent()} of the list and skips chunks
 * that are not evictable ({@code is_block_evictable()}): a chunk holding a page with an access in flight
 * ({@code reserve_pages_check()}: here the page of the fault being serviced and the chunk its pages are arriving
 * in) is never chosen, and a chunk already queued for write-back is gone from the list (the timing layers evict
 * synchronously). With nothing evictable, there is no victim.
 *
 * <p>Where this differs from the peer: the peer's {@code RW} flag is never cleared, so a chunk written once stays
 * "dirty" after its write-back; here a chunk is clean again once it has left the GPU, since its host copy is then
 * current. Per-slot state lives in primitive arrays; nothing is allocated per access. A choice costs O(1) for LRU
 * and random without a reserve; with one it walks the reserved part of the order, and the LFU and block-grouped
 * orders scan the resident chunks (2 MiB and 64 KiB chunks keep them few).
 */
public class PeerEvictor extends ChunkEvictor {

    /** How the resident chunks are ordered for eviction. */
    public enum Order { LRU, BLOCK_LRU, LFU, RANDOM }

    private static final int LEAVES_PER_BLOCK = 32;

    private final Order order;
    final PeerEvictionOptions options;
    private final String label;
    private long stamp;
    private long[] lastUse = new long[64];
    private long[] uses = new long[64];
    private boolean[] written = new boolean[64];
    private final SlotRecencyList list = new SlotRecencyList();
    /** The chunk (number) of the latest page to arrive on each GPU, and of the latest faulted page: in flight. */
    private final long[] arriving = new long[64];
    private final long[] faulting = new long[64];
    private SplittableRandom random;
    int lastChosen = -1;
    private int[] scratch = new int[64];
    private final LongSlots blockSlots = new LongSlots();
    private int[] blockSeen = new int[64];
    private long[] blockOrder = new long[64];
    private int epoch;

    /**
     * @param label       the name in tables ({@code lru-2MiB})
     * @param order       how resident chunks are ordered
     * @param granularity chunk size, a power of two from 4 KiB to 2 MiB ({@link Order#BLOCK_LRU}: 64 KiB)
     * @param options     reserve, free-page buffer, drop clean
     * @param cost        driver CPU time per victim choice, {@code >= 0}
     */
    public PeerEvictor(String label, Order order, Bytes granularity, PeerEvictionOptions options, SimDuration cost) {
        super(label, granularity, cost);
        if (order == null || options == null) {
            throw new IllegalArgumentException(label + " order and options must be set, got null");
        }
        if (order == Order.BLOCK_LRU && granularity.bytes() != Pages.BIG_PAGE.bytes()) {
            throw new IllegalArgumentException(label + " granularity must be 64 KiB for a block-grouped order, got "
                    + granularity);
        }
        this.order = order;
        this.options = options;
        this.label = label;
        Arrays.fill(arriving, -1);
        Arrays.fill(faulting, -1);
    }

    /** The peer's LRU at {@code granularity} (2 MiB: its default; 4 KiB: {@code LRU4K}). */
    public static PeerEvictor lru(Bytes granularity, PeerEvictionOptions options) {
        return new PeerEvictor("uvmsmart-lru-" + Bytes.of(granularity.bytes()).toString().replace(" ", ""),
                Order.LRU, granularity, options, SimDuration.ZERO);
    }

    /** The peer's sequential-local eviction: the least recently used 64 KiB leaf of the LRU large page. */
    public static PeerEvictor sequentialLocal(PeerEvictionOptions options) {
        return new PeerEvictor("sequential-local", Order.BLOCK_LRU, Pages.BIG_PAGE, options, SimDuration.ZERO);
    }

    /** The peer's LFU over 2 MiB large pages. */
    public static PeerEvictor lfu(PeerEvictionOptions options) {
        return new PeerEvictor("uvmsmart-lfu-2MiB", Order.LFU, Pages.BLOCK, options, SimDuration.ZERO);
    }

    /** The peer's random eviction at {@code granularity} (its own: 4 KiB). */
    public static PeerEvictor random(Bytes granularity, PeerEvictionOptions options) {
        return new PeerEvictor("uvmsmart-random-" + granularity.toString().replace(" ", ""), Order.RANDOM,
                granularity, options, SimDuration.ZERO);
    }

    public final PeerEvictionOptions options() {
        return options;
    }

    @Override
    public void seedFrom(long evictorSeed) {
        random = new SplittableRandom(evictorSeed);
    }

    @Override
    void grow(int len) {
        lastUse = Arrays.copyOf(lastUse, len);
        uses = Arrays.copyOf(uses, len);
        written = Arrays.copyOf(written, len);
        list.grow(len);
        scratch = Arrays.copyOf(scratch, Math.max(scratch.length, len));
    }

    // --- the recency list (SlotRecencyList) ---------------------------------------------------------------------

    private void use(int s, int gpu) {
        lastUse[s] = ++stamp;
        list.moveToTail(s, gpu);
    }

    @Override
    void added(int slot, int gpu, long nowNanos) {
        lastUse[slot] = ++stamp;
        written[slot] = false;
        list.append(slot, gpu);
    }

    @Override
    void allocatedInto(int slot, int gpu, long nowNanos) {
        use(slot, gpu); // refresh_valid_pages() on each page's arrival
    }

    @Override
    void removed(int slot, int gpu) {
        list.unlink(slot, gpu);
        written[slot] = false;
    }

    @Override
    void moved(long first, int n, int from, int to, MigrationCause cause) {
        if (Location.isGpu(to) && to < 64) {
            arriving[to] = first >>> shift;
            if (cause == MigrationCause.DEVICE_FAULT) {
                faulting[to] = first >>> shift;
            }
        }
    }

    @Override
    public void onDeviceAccess(int gpu, long page, boolean write, boolean faulted, long nowNanos) {
        int s = residentSlot(gpu, page);
        if (s < 0) {
            return;
        }
        uses[s]++;
        written[s] |= write;
        use(s, gpu);
        forgetVictims();
    }

    @Override
    public void onDeviceAccess(int gpu, long page, long nowNanos) {
        onDeviceAccess(gpu, page, false, false, nowNanos);
    }

    @Override
    public boolean wantsAccesses() {
        return true;
    }

    // --- the options -----------------------------------------------------------------------------------------

    @Override
    public long headroomPages(long capacityPages) {
        return options.headroomPages(capacityPages);
    }

    @Override
    public boolean dropsVictimClean(int gpu) {
        return options.dropClean() && lastChosen >= 0 && !written[lastChosen];
    }

    /** True when the chunk in slot {@code s} was written on the GPU since it arrived. */
    final boolean written(int s) {
        return written[s];
    }

    /** True when the chunk in slot {@code s} may be evicted from {@code gpu} now. */
    boolean evictable(int s, int gpu) {
        long chunk = keyOf[s] >>> 6;
        return chunk != arriving[gpu] && chunk != faulting[gpu];
    }

    /** How many of {@code n} ordered chunks the reserve spares ({@code eviction_start}). */
    private int reserved(int n) {
        return (int) ((long) n * options.reservePercent() / 100);
    }

    // --- the choice ------------------------------------------------------------------------------------------

    @Override
    int choose(int gpu, long nowNanos) {
        int s = switch (order) {
            case LRU -> firstEvictable(gpu, list.head(gpu), reserved(memberCount[gpu]));
            case BLOCK_LRU -> blockLru(gpu);
            case LFU -> lfu(gpu);
            case RANDOM -> randomPosition(gpu);
        };
        lastChosen = s;
        return s;
    }

    /** Walks the recency list from {@code from}, skipping {@code skip} chunks, to the first evictable one. */
    private int firstEvictable(int gpu, int from, int skip) {
        int s = from;
        for (int i = 0; i < skip && s >= 0; i++) {
            s = list.next(s);
        }
        while (s >= 0 && !evictable(s, gpu)) {
            s = list.next(s);
        }
        return s;
    }

    private int randomPosition(int gpu) {
        if (random == null) {
            throw new IllegalStateException(label + ": not seeded; the engine calls seedFrom(evictorSeed) before the"
                    + " run, a caller of its own must too");
        }
        int n = memberCount[gpu];
        int k = reserved(n);
        if (k >= n) {
            return -1;
        }
        // rand() % (size * (1 - reserve)) past eviction_start, then on to the first evictable; with nothing
        // reserved every chunk is as likely, so the draw indexes the member list instead of walking the order
        if (k == 0) {
            int s = members[gpu][random.nextInt(n)];
            if (evictable(s, gpu)) {
                return s;
            }
            int t = firstEvictable(gpu, s, 0);
            return t >= 0 ? t : firstEvictable(gpu, list.head(gpu), 0);
        }
        return firstEvictable(gpu, list.head(gpu), k + random.nextInt(n - k));
    }

    private int lfu(int gpu) {
        int n = 0;
        for (int s = list.head(gpu); s >= 0; s = list.next(s)) {
            scratch[n++] = s;
        }
        // a stable insertion into (count, written, last use) order; 2 MiB chunks keep n small
        for (int i = 1; i < n; i++) {
            int x = scratch[i];
            int j = i - 1;
            while (j >= 0 && lfuBefore(x, scratch[j])) {
                scratch[j + 1] = scratch[j];
                j--;
            }
            scratch[j + 1] = x;
        }
        for (int i = reserved(n); i < n; i++) {
            if (evictable(scratch[i], gpu)) {
                return scratch[i];
            }
        }
        return -1;
    }

    private boolean lfuBefore(int a, int b) {
        if (uses[a] != uses[b]) {
            return uses[a] < uses[b];
        }
        if (written[a] != written[b]) {
            return !written[a];
        }
        return lastUse[a] < lastUse[b];
    }

    /** The leaves of each 2 MiB block together, blocks by their latest use, leaves by theirs (oldest first). */
    private int blockLru(int gpu) {
        // blocks in the order of their most recent leaf: walk the recency list from the newest end, and keep
        // each block at its first sighting
        epoch++;
        int blocks = 0;
        if (blockOrder.length < memberCount[gpu]) {
            blockOrder = new long[memberCount[gpu]];
        }
        for (int s = list.tail(gpu); s >= 0; s = list.prev(s)) {
            long block = (keyOf[s] >>> 6) / LEAVES_PER_BLOCK;
            int b = blockSlots.slot(block);
            if (b >= blockSeen.length) {
                blockSeen = Arrays.copyOf(blockSeen, LongSlots.grownLength(blockSeen.length, b));
            }
            if (blockSeen[b] != epoch) {
                blockSeen[b] = epoch;
                blockOrder[blocks++] = block;
            }
        }
        int skip = reserved(memberCount[gpu]);
        for (int b = blocks - 1; b >= 0; b--) {
            // the block's resident leaves by last use, oldest first
            int m = 0;
            for (int leaf = 0; leaf < LEAVES_PER_BLOCK; leaf++) {
                int s = residentSlot(gpu, (blockOrder[b] * LEAVES_PER_BLOCK + leaf) << shift);
                if (s >= 0) {
                    int j = m++;
                    while (j > 0 && lastUse[scratch[j - 1]] > lastUse[s]) {
                        scratch[j] = scratch[j - 1];
                        j--;
                    }
                    scratch[j] = s;
                }
            }
            for (int i = 0; i < m; i++) {
                if (skip > 0) {
                    skip--;
                } else if (evictable(scratch[i], gpu)) {
                    return scratch[i];
                }
            }
        }
        return -1;
    }

    @Override
    public String name() {
        return label + options.suffix();
    }
}
