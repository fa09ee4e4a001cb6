package org.hmmlab.policy;

import java.util.Arrays;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * Bookkeeping shared by the evictors: which aligned chunks hold pages resident on which GPU, how many, and a
 * dense per-GPU list of them. Subclasses order the chunks.
 *
 * <p>Mirrors the UVM physical-memory manager's view ({@code uvm_pmm_gpu.c}): a root chunk is in use while a VA
 * block has pages in it, and returns to the free list when its last page leaves. Chunk state is indexed by a slot
 * from {@link LongSlots} (key = chunk number * 64 + GPU); nothing is allocated per page or per access.
 */
abstract class ChunkEvictor implements Evictor {

    final int shift;
    private final SimDuration cost;
    final LongSlots chunks = new LongSlots();
    long[] keyOf = new long[64];
    int[] residentPages = new int[64];
    /** Position of the slot in its GPU's member list, -1 when not resident. */
    int[] position = new int[64];
    int[][] members = new int[Location.gpu(63) + 1][];
    int[] memberCount = new int[64];
    private final int[] cachedVictim = new int[64];

    ChunkEvictor(String what, Bytes granularity, SimDuration cost) {
        this.shift = Pages.regionShift(what + " granularity", granularity, Pages.BLOCK_PAGE_SHIFT);
        this.cost = Costs.nonNull(what + " decision cost", cost);
        Arrays.fill(cachedVictim, -1);
        Arrays.fill(position, -1);
    }

    @Override
    public final long chunkPages() {
        return 1L << shift;
    }

    @Override
    public final SimDuration decisionCost() {
        return cost;
    }

    /** A chunk got its first resident page on {@code gpu}. */
    abstract void added(int slot, int gpu, long nowNanos);

    /** More pages were allocated into an already resident chunk (a reference to it). */
    abstract void allocatedInto(int slot, int gpu, long nowNanos);

    /** A chunk lost its last resident page on {@code gpu}. */
    abstract void removed(int slot, int gpu);

    /** Chooses a victim among {@code gpu}'s resident chunks (there is at least one), or -1 for none eligible. */
    abstract int choose(int gpu, long nowNanos);

    @Override
    public final void onMigrated(long firstPage, long pages, int from, int to, MigrationCause cause, long nowNanos) {
        forgetVictims();
        long end = firstPage + pages;
        long p = firstPage;
        while (p < end) {
            long chunk = p >>> shift;
            long chunkEnd = Math.min(end, (chunk + 1) << shift);
            int n = (int) (chunkEnd - p);
            if (Location.isGpu(from)) {
                leave(chunk, from, n);
            }
            if (Location.isGpu(to)) {
                arrive(chunk, to, n, nowNanos);
            }
            moved(p, n, from, to, cause);
            p = chunkEnd;
        }
    }

    private int slotFor(long key) {
        int s = chunks.slot(key);
        if (s >= keyOf.length) {
            int len = LongSlots.grownLength(keyOf.length, s);
            keyOf = Arrays.copyOf(keyOf, len);
            residentPages = Arrays.copyOf(residentPages, len);
            int old = position.length;
            position = Arrays.copyOf(position, len);
            Arrays.fill(position, old, len, -1);
            grow(len);
        }
        keyOf[s] = key;
        return s;
    }

    /** Pages {@code [first, first + n)} of one chunk moved (after the bookkeeping above); nothing by default. */
    void moved(long first, int n, int from, int to, MigrationCause cause) {
    }

    /** Grows subclass per-slot arrays to {@code len}. */
    abstract void grow(int len);

    private void arrive(long chunk, int gpu, int n, long nowNanos) {
        int s = slotFor(chunk * 64 + gpu);
        boolean wasResident = residentPages[s] > 0;
        residentPages[s] = (int) Math.min(1L << shift, (long) residentPages[s] + n);
        if (!wasResident) {
            int[] list = members[gpu];
            if (list == null) {
                list = members[gpu] = new int[64];
            } else if (memberCount[gpu] == list.length) {
                list = members[gpu] = Arrays.copyOf(list, list.length * 2);
            }
            position[s] = memberCount[gpu];
            list[memberCount[gpu]++] = s;
            added(s, gpu, nowNanos);
        } else {
            allocatedInto(s, gpu, nowNanos);
        }
    }

    private void leave(long chunk, int gpu, int n) {
        int s = chunks.find(chunk * 64 + gpu);
        if (s < 0 || s >= residentPages.length || residentPages[s] == 0) {
            return;
        }
        residentPages[s] = Math.max(0, residentPages[s] - n);
        if (residentPages[s] == 0) {
            int[] list = members[gpu];
            int pos = position[s];
            int last = list[--memberCount[gpu]];
            list[pos] = last;
            position[last] = pos;
            position[s] = -1;
            if (cachedVictim[gpu] == s) {
                cachedVictim[gpu] = -1;
            }
            removed(s, gpu);
        }
    }

    @Override
    public final long pickVictim(int gpu, long nowNanos) {
        if (gpu < 0 || gpu > 63 || memberCount[gpu] == 0) {
            return -1;
        }
        int s = cachedVictim[gpu];
        if (s < 0 || residentPages[s] == 0) {
            s = choose(gpu, nowNanos);
            if (s < 0) {
                return -1; // every resident chunk is protected (see PeerEvictor)
            }
            cachedVictim[gpu] = s;
        }
        return (keyOf[s] >>> 6) << shift;
    }

    /** Drops the remembered victims: the next pick chooses afresh. */
    final void forgetVictims() {
        Arrays.fill(cachedVictim, -1);
    }

    /** Resident chunks on {@code gpu}. */
    public final int residentChunks(int gpu) {
        return memberCount[gpu];
    }

    /** The slot of the resident chunk holding {@code page} on {@code gpu}, or -1. */
    final int residentSlot(int gpu, long page) {
        int s = chunks.find((page >>> shift) * 64 + gpu);
        return s >= 0 && residentPages[s] > 0 ? s : -1;
    }

    final String granularityName() {
        return Bytes.pages(1L << shift).toString().replace(" ", "");
    }
}
