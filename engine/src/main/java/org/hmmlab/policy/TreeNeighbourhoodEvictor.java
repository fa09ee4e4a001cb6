package org.hmmlab.policy;

import java.util.Arrays;
import org.hmmlab.units.SimDuration;

/**
 * Tree-based neighbourhood pre-eviction (GPGPU-Sim UVMSmart, Ganguly et al. ISCA'19): evict the least recently
 * used 64 KiB leaf, then the rest of every node of its 2 MiB tree that falls below half valid, contiguous leaves in
 * one write-back.
 *
 * <p>Mirrors the {@code TBN} branch of {@code gmmu_t::page_eviction_procedure()} ({@code gpu-sim.cc}): the victim
 * leaf is the least recently used 64 KiB basic block of the least recently used large page (the order of
 * {@code sort_valid_pages()}, {@link PeerEvictor.Order#BLOCK_LRU}); with the leaf gone,
 * {@code traverse_and_remove_lp_tree()} walks the tree bottom-up and, for each node whose valid size is neither 0
 * nor at least half, {@code remove_lp_tree()} schedules every still-valid, evictable leaf below it; the scheduled
 * leaves, the victim included, are grouped into contiguous runs ({@code all_basic_blocks}), each one write-back.
 * Here the leaves are queued: {@link #pickVictim} returns the first run, {@link #victimPages} its length, and
 * {@link #hasQueuedVictims} tells the timing layer to evict the rest now, whether or not it needs the room. A
 * queued leaf that the GPU accesses before it leaves is rescued, as {@code check_write_stage_queue()} takes it off
 * the write-back queue.
 */
public final class TreeNeighbourhoodEvictor extends PeerEvictor {

    private static final int LEAVES = 32;

    private long[] queue = new long[LEAVES];
    private int queued;
    private int queueGpu;
    private final boolean[] valid = new boolean[LEAVES];

    /** @param options reserve, free-page buffer, drop clean */
    public TreeNeighbourhoodEvictor(PeerEvictionOptions options) {
        super("tree-based-neighbourhood", Order.BLOCK_LRU, Pages.BIG_PAGE, options, SimDuration.ZERO);
    }

    @Override
    int choose(int gpu, long nowNanos) {
        dropGone(gpu);
        if (queued == 0) {
            int s = super.choose(gpu, nowNanos);
            if (s < 0) {
                return -1;
            }
            plan(gpu, keyOf[s] >>> 6);
        }
        lastChosen = residentSlot(gpu, queue[0] << shift);
        return lastChosen;
    }

    @Override
    public boolean dropsVictimClean(int gpu) {
        if (!options.dropClean() || queued == 0) {
            return false;
        }
        long run = victimPages(gpu) >>> shift;
        for (int i = 0; i < run; i++) {
            int s = residentSlot(gpu, queue[i] << shift);
            if (s >= 0 && written(s)) {
                return false;
            }
        }
        return true;
    }

    /** Queues leaf {@code victim} and the leaves of every node of its tree that falls below half valid without it. */
    private void plan(int gpu, long victim) {
        long block = victim / LEAVES;
        for (int leaf = 0; leaf < LEAVES; leaf++) {
            valid[leaf] = residentSlot(gpu, (block * LEAVES + leaf) << shift) >= 0;
        }
        valid[(int) (victim % LEAVES)] = false;
        queueGpu = gpu;
        queued = 0;
        boolean[] scheduled = new boolean[LEAVES];
        scheduled[(int) (victim % LEAVES)] = true;
        for (int size = 2; size <= LEAVES; size <<= 1) {
            for (int first = 0; first < LEAVES; first += size) {
                int count = 0;
                for (int leaf = first; leaf < first + size; leaf++) {
                    count += valid[leaf] ? 1 : 0;
                }
                if (count != 0 && count < size / 2) {
                    for (int leaf = first; leaf < first + size; leaf++) {
                        int s = valid[leaf] ? residentSlot(gpu, (block * LEAVES + leaf) << shift) : -1;
                        if (s >= 0 && evictable(s, gpu)) {
                            valid[leaf] = false;
                            scheduled[leaf] = true;
                        }
                    }
                }
            }
        }
        for (int leaf = 0; leaf < LEAVES; leaf++) {
            if (scheduled[leaf]) {
                queue[queued++] = block * LEAVES + leaf;
            }
        }
    }

    /** Forgets queued leaves that are no longer resident (evicted, or freed). */
    private void dropGone(int gpu) {
        int k = 0;
        for (int i = 0; i < queued; i++) {
            if (residentSlot(gpu, queue[i] << shift) >= 0) {
                queue[k++] = queue[i];
            }
        }
        queued = k;
    }

    @Override
    public long victimPages(int gpu) {
        if (queued == 0) {
            return chunkPages();
        }
        int run = 1;
        while (run < queued && queue[run] == queue[0] + run) {
            run++;
        }
        return (long) run << shift;
    }

    @Override
    public boolean hasQueuedVictims(int gpu) {
        if (gpu != queueGpu) {
            return false;
        }
        dropGone(gpu);
        return queued > 0;
    }

    @Override
    public void onDeviceAccess(int gpu, long page, boolean write, boolean faulted, long nowNanos) {
        long leaf = page >>> shift;
        for (int i = 0; i < queued; i++) {
            if (queue[i] == leaf) {
                System.arraycopy(queue, i + 1, queue, i, queued - i - 1);
                queued--;
                break;
            }
        }
        super.onDeviceAccess(gpu, page, write, faulted, nowNanos);
    }

    /** The leaves queued for write-back, first pages ascending (for tests and traces). */
    public long[] queuedFirstPages() {
        long[] out = Arrays.copyOf(queue, queued);
        for (int i = 0; i < out.length; i++) {
            out[i] <<= shift;
        }
        return out;
    }
}
