package org.hmmlab.mm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The invariant checker of {@link Invariants}, paid per operation in proportion to what the operation touched rather
 * than to the size of the machine.
 *
 * <p>It keeps a shadow of what the full checker computes: for every 2 MiB region of every address space, the leaf
 * entries inside areas as of the last check, and for every frame how many of those entries name it (PTE level, PMD
 * level, migration entries). The page tables report the regions an operation may have changed (every setter and every
 * table handed out for writing, every area inserted or removed) and {@link Frames} the frames whose metadata changed.
 * A check re-reads only those regions, applies the difference to the shadow counts, checks each entry it re-read
 * with the full checker's per-entry rules, and checks every frame either side touched against the shadow counts with
 * the full checker's per-frame rules. Every {@code fullEvery} checks, when the touched set grows past its bounds, and
 * on {@link #checkFully()}, it runs the full checker (the reference) and rebuilds the shadow from the tables.
 *
 * <p>No kernel counterpart: CONFIG_DEBUG_VM asserts these rules where each change is made; this is the same idea,
 * made after the operation from what it touched.
 */
final class IncrementalInvariants {
    /** Past this many regions or frames touched since the last check, the next check is a full one. */
    private static final int MAX_REGIONS = 1 << 14;
    private static final int MAX_FRAMES = 1 << 20;
    private static final long REGION = Mman.PMD_SIZE;

    private final Frames frames;
    private final int fullEvery;
    private int sinceFull;
    private boolean needFull = true;
    private long incrementalChecks;
    private long fullChecks;

    /** Per frame, by segment: PTE-level entries, PMD-level entries, and migration entries among them. */
    private int[][] ptes = new int[0][];
    private int[][] pmds = new int[0][];
    private int[][] migs = new int[0][];

    private final Map<MmStruct, Shadow> shadows = new LinkedHashMap<>();

    private long[] dirtyFrames = new long[1024];
    private int ndirty;
    private long[][] dirtyBits = new long[0][];

    IncrementalInvariants(Frames frames, int fullEvery) {
        this.frames = frames;
        this.fullEvery = fullEvery;
        for (MmStruct mm : frames.addressSpaces()) {
            watch(mm);
        }
    }

    /** One address space's shadow: its regions as last checked, and the regions touched since. */
    private final class Shadow implements PageTable.RegionTracker {
        final MmStruct mm;
        final Map<Long, long[]> regions = new HashMap<>();
        final Set<Long> dirty = new HashSet<>();

        Shadow(MmStruct mm) {
            this.mm = mm;
        }

        @Override
        public void touched(long region) {
            if (!needFull) {
                dirty.add(region);
                if (dirty.size() > MAX_REGIONS) {
                    needFull = true;
                }
            }
        }

        @Override
        public void touchedRange(long start, long end) {
            if (needFull || end <= start) {
                return;
            }
            long first = start & -REGION;
            long last = (end - 1) & -REGION;
            if (((last - first) / REGION) > MAX_REGIONS) {
                needFull = true;
                return;
            }
            for (long r = first; r <= last; r += REGION) {
                touched(r);
            }
        }
    }

    void watch(MmStruct mm) {
        Shadow s = new Shadow(mm);
        shadows.put(mm, s);
        mm.pageTable().setTracker(s);
        if (!needFull) {
            for (Vma v : mm.vmas()) {
                s.touchedRange(v.start, v.end);
            }
        }
    }

    /** Stops watching: the page tables report to no one any more (the machine went back to the full checker). */
    void detach() {
        for (MmStruct mm : shadows.keySet()) {
            mm.pageTable().setTracker(null);
        }
        shadows.clear();
    }

    void frameTouched(long pfn, int n) {
        if (needFull) {
            return;
        }
        for (int k = 0; k < n; k++) {
            long p = pfn + k;
            int s = (int) (p >>> Frames.SEG_SHIFT);
            if (s >= dirtyBits.length) {
                dirtyBits = Arrays.copyOf(dirtyBits, Math.max(s + 1, dirtyBits.length * 2));
            }
            if (dirtyBits[s] == null) {
                dirtyBits[s] = new long[Frames.SEG_FRAMES / 64];
            }
            int i = (int) p & (Frames.SEG_FRAMES - 1);
            long bit = 1L << (i & 63);
            if ((dirtyBits[s][i >>> 6] & bit) != 0) {
                continue;
            }
            dirtyBits[s][i >>> 6] |= bit;
            if (ndirty == dirtyFrames.length) {
                if (ndirty >= MAX_FRAMES) {
                    needFull = true;
                    return;
                }
                dirtyFrames = Arrays.copyOf(dirtyFrames, ndirty * 2);
            }
            dirtyFrames[ndirty++] = p;
        }
    }

    /** One checkpoint: incremental, or full when due. Returns whether it was a full check. */
    boolean checkpoint() {
        if (needFull || ++sinceFull >= fullEvery) {
            checkFully();
            return true;
        }
        checkTouched();
        return false;
    }

    /** Runs the full checker, then rebuilds the shadow from the tables. */
    void checkFully() {
        Invariants.check(frames);
        rebuild();
        fullChecks++;
    }

    long incrementalChecks() {
        return incrementalChecks;
    }

    long fullChecks() {
        return fullChecks;
    }

    private void rebuild() {
        int nseg = frames.segments();
        ptes = new int[nseg][];
        pmds = new int[nseg][];
        migs = new int[nseg][];
        shadows.keySet().removeIf(MmStruct::isDead);
        for (MmStruct mm : frames.addressSpaces()) {
            if (!shadows.containsKey(mm)) {
                watch(mm);
            }
        }
        for (Shadow s : shadows.values()) {
            s.regions.clear();
            s.dirty.clear();
            Map<Long, List<Long>> byRegion = new HashMap<>();
            s.mm.forEachEntry((m, vma, addr, e, pmd) -> {
                byRegion.computeIfAbsent(addr & -REGION, k -> new ArrayList<>()).add(pmd ? addr | 1 : addr);
                byRegion.get(addr & -REGION).add(e);
            });
            for (Map.Entry<Long, List<Long>> r : byRegion.entrySet()) {
                long[] snap = r.getValue().stream().mapToLong(Long::longValue).toArray();
                s.regions.put(r.getKey(), snap);
                apply(snap, 1, null);
            }
        }
        clearDirtyFrames();
        sinceFull = 0;
        needFull = false;
    }

    private void checkTouched() {
        incrementalChecks++;
        List<Long> entryFrames = new ArrayList<>();
        List<MmStruct> gone = new ArrayList<>();
        for (Shadow s : shadows.values()) {
            if (s.mm.isDead()) {
                for (long[] snap : s.regions.values()) {
                    apply(snap, -1, entryFrames);
                }
                gone.add(s.mm);
                continue;
            }
            for (long region : s.dirty) {
                long[] old = s.regions.get(region);
                long[] now = read(s.mm, region);
                if (old != null) {
                    apply(old, -1, entryFrames);
                }
                apply(now, 1, entryFrames);
                if (now.length == 0) {
                    s.regions.remove(region);
                } else {
                    s.regions.put(region, now);
                }
            }
            s.dirty.clear();
        }
        for (MmStruct mm : gone) {
            shadows.remove(mm);
        }
        for (int k = 0; k < ndirty; k++) {
            checkFrame(dirtyFrames[k]);
        }
        for (long pfn : entryFrames) {
            checkFrame(pfn);
        }
        clearDirtyFrames();
    }

    /** The region's entries inside areas, each checked with the per-entry rules: {addr (| 1 for a PMD), entry}... */
    private long[] read(MmStruct mm, long region) {
        List<Long> out = new ArrayList<>();
        mm.forEachEntryIn(region, region + REGION, (m, vma, addr, e, pmd) -> {
            Invariants.checkEntry(frames, m, vma, addr, e, pmd);
            out.add(pmd ? addr | 1 : addr);
            out.add(e);
        });
        long[] r = new long[out.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = out.get(i);
        }
        return r;
    }

    /** Adds ({@code sign} 1) or removes (-1) a region snapshot's entries from the per-frame counts. */
    private void apply(long[] snap, int sign, List<Long> touched) {
        for (int i = 0; i < snap.length; i += 2) {
            boolean pmd = (snap[i] & 1) != 0;
            long e = snap[i + 1];
            if (Pte.isPresent(e) && Pte.isSpecial(e)) {
                continue;
            }
            long pfn = Pte.pfn(e);
            if (!frames.valid(pfn)) {
                continue; // reported by the per-entry rules when it was read
            }
            int s = (int) (pfn >>> Frames.SEG_SHIFT);
            int x = (int) pfn & (Frames.SEG_FRAMES - 1);
            ensure(s);
            (pmd ? pmds : ptes)[s][x] += sign;
            if (Pte.isMigration(e)) {
                migs[s][x] += sign;
            }
            if (touched != null) {
                touched.add(pfn);
            }
        }
    }

    private void ensure(int s) {
        if (s >= ptes.length) {
            int n = Math.max(s + 1, frames.segments());
            ptes = Arrays.copyOf(ptes, n);
            pmds = Arrays.copyOf(pmds, n);
            migs = Arrays.copyOf(migs, n);
        }
        if (ptes[s] == null) {
            ptes[s] = new int[Frames.SEG_FRAMES];
            pmds[s] = new int[Frames.SEG_FRAMES];
            migs[s] = new int[Frames.SEG_FRAMES];
        }
    }

    /** The full checker's rules for one frame, against the shadow counts. */
    private void checkFrame(long pfn) {
        if (!frames.valid(pfn)) {
            return;
        }
        int s = (int) (pfn >>> Frames.SEG_SHIFT);
        if (frames.zoneSegmentReleased(s)) {
            return;
        }
        int x = (int) pfn & (Frames.SEG_FRAMES - 1);
        boolean counted = s < ptes.length && ptes[s] != null;
        int pte = counted ? ptes[s][x] : 0;
        int pmd = counted ? pmds[s][x] : 0;
        int mig = counted ? migs[s][x] : 0;
        if (pte + pmd > 0) {
            if (frames.isFree(pfn)) {
                throw new IllegalStateException("pfn " + pfn + ": " + (pte + pmd) + " entries map a free frame");
            }
            if (pmd > 0 && !frames.hasFlag(pfn, Frames.F_HEAD)) {
                throw new IllegalStateException("pfn " + pfn + ": huge entry on a frame that is not a folio head");
            }
            if (pte > 0 && (frames.hasFlag(pfn, Frames.F_HEAD) || frames.hasFlag(pfn, Frames.F_TAIL))) {
                throw new IllegalStateException("pfn " + pfn + ": PTE maps part of an unsplit 2 MiB folio");
            }
        }
        if (frames.isZero(pfn) || frames.isFree(pfn)) {
            return;
        }
        Invariants.checkFrameCounts(frames, pfn, pte + pmd - mig);
    }

    private void clearDirtyFrames() {
        for (int k = 0; k < ndirty; k++) {
            long p = dirtyFrames[k];
            int s = (int) (p >>> Frames.SEG_SHIFT);
            int i = (int) p & (Frames.SEG_FRAMES - 1);
            dirtyBits[s][i >>> 6] &= ~(1L << (i & 63));
        }
        ndirty = 0;
        if (dirtyFrames.length > 1 << 16) {
            dirtyFrames = new long[1024];
        }
    }
}
