package org.hmmlab.device;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.hmmlab.metrics.ResidencySeries;
import org.hmmlab.policy.Location;
import org.hmmlab.policy.MigrationCause;
import org.hmmlab.policy.Pages;

/**
 * The GPU's page table over the mirrored allocations: one device PTE and one residency code per 4 KiB page, the
 * pending mapping of a page whose copy is still landing, and the count of pages held in device memory.
 *
 * <p>Mirrors what nvidia-uvm keeps per VA block and GPU (uvm_va_block_gpu_state_t: the resident and mapped page
 * masks, uvm_va_block.h) and what the GPU's MMU reads: a PTE is valid, writable, and points at local (vidmem) or
 * host (sysmem) memory. A page leaves device memory through one transition, {@link #release}, whatever takes it
 * away (an eviction, a CPU fault, an unmap, a duplicate collapsed or given up), so the resident count and the
 * residency codes cannot drift apart.
 *
 * <p>Per-page state lives in primitive arrays indexed from the lowest mirrored page, grown by {@link #attach} to
 * whole 2 MiB blocks; the driver's own per-page arrays follow through {@link #onResize}.
 */
public final class DevicePageTable {

    /** Device PTE bit: the translation is valid. */
    public static final byte VALID = 1;
    /** Device PTE bit: the translation allows writes. */
    public static final byte WRITE = 2;
    /** Device PTE bit: the translation points at device memory (vidmem) rather than host memory. */
    public static final byte LOCAL = 4;

    /** Residency: no CPU page yet (never touched). */
    public static final byte R_UNPOPULATED = 0;
    /** Residency: in host memory. */
    public static final byte R_HOST = 1;
    /** Residency: in device memory (a device-private page for the CPU). */
    public static final byte R_GPU = 2;
    /**
     * Residency: a read-mostly duplicate. The master copy stays in host memory (still mapped by the CPU), a
     * read-only copy is in device memory. A write by either side collapses it.
     */
    public static final byte R_DUP = 3;

    /** A per-page array kept beside the page table, grown with it. */
    @FunctionalInterface
    public interface Resize {

        /** The page space grew to {@code newSpan} pages; old index {@code i} is now {@code i + shift}. */
        void resize(int shift, int newSpan);
    }

    private final ResidencySeries residency;
    private final long capacityPages;
    private final List<Resize> followers = new ArrayList<>();

    // page space: [basePage, basePage + span)
    private long basePage = -1;
    private int span;
    private byte[] pte = new byte[0];
    private byte[] resid = new byte[0];
    /** Until when a retry of the page is held back (the driver's thrashing throttle), 0 when it is not. */
    private long[] throttleUntil = new long[0];
    /** The latest {@code throttleUntil} ever set (0 if none): a replay after it need not read the pages' times. */
    private long latestThrottle;
    /**
     * The pending device mapping of each page: the id of the landing that will map it once its copy has landed, 0
     * when none. A page with a landing pending is resident on the device for the driver and for the CPU's page
     * table, but the device cannot use it yet: its PTE is written by a push ordered after the copy.
     */
    private int[] landing = new int[0];
    private int landingSeq;
    private long[] allocFirst = new long[0];
    private long[] allocEnd = new long[0];
    private long usedPages;

    /** A page table for a device of {@code capacityPages} pages that records its residency into {@code series}. */
    public DevicePageTable(long capacityPages, ResidencySeries series) {
        this.capacityPages = capacityPages;
        this.residency = series;
    }

    /** Registers a per-page array that grows with the page space. */
    public void onResize(Resize r) {
        followers.add(r);
    }

    /** Adds the allocation of {@code pages} pages at {@code firstPage} to the page space. */
    public void attach(long firstPage, long pages) {
        long end = firstPage + pages;
        long newBase = basePage < 0 ? firstPage : Math.min(basePage, firstPage);
        long newEnd = Math.max(basePage < 0 ? end : basePage + span, end);
        // round the page space out to whole 2 MiB blocks so that block-wide masks index safely
        newBase &= -(long) Pages.PAGES_PER_BLOCK;
        newEnd = Math.ceilDiv(newEnd, Pages.PAGES_PER_BLOCK) * Pages.PAGES_PER_BLOCK;
        if (newEnd - newBase > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("mirrored allocations span more than 8 TiB");
        }
        int newSpan = (int) (newEnd - newBase);
        int shift = basePage < 0 ? 0 : (int) (basePage - newBase);
        pte = grow(pte, shift, newSpan);
        resid = grow(resid, shift, newSpan);
        long[] t = new long[newSpan];
        System.arraycopy(throttleUntil, 0, t, shift, throttleUntil.length);
        throttleUntil = t;
        int[] l = new int[newSpan];
        System.arraycopy(landing, 0, l, shift, landing.length);
        landing = l;
        for (Resize r : followers) {
            r.resize(shift, newSpan);
        }
        basePage = newBase;
        span = newSpan;
        allocFirst = Arrays.copyOf(allocFirst, allocFirst.length + 1);
        allocEnd = Arrays.copyOf(allocEnd, allocEnd.length + 1);
        allocFirst[allocFirst.length - 1] = firstPage;
        allocEnd[allocEnd.length - 1] = end;
    }

    private static byte[] grow(byte[] old, int shift, int size) {
        byte[] b = new byte[size];
        System.arraycopy(old, 0, b, shift, old.length);
        return b;
    }

    /** The index of {@code page} in the per-page arrays. */
    public int idx(long page) {
        return (int) (page - basePage);
    }

    /** Whether {@code page} lies in the page space. */
    public boolean covers(long page) {
        long i = page - basePage;
        return i >= 0 && i < span;
    }

    /** Pages in the page space. */
    public int span() {
        return span;
    }

    public byte pte(int i) {
        return pte[i];
    }

    public void setPte(int i, byte bits) {
        pte[i] = bits;
    }

    /** Whether PTE bits {@code e} allow the access: valid, and writable when {@code write}. */
    public static boolean allows(byte e, boolean write) {
        return (e & VALID) != 0 && (!write || (e & WRITE) != 0);
    }

    /** Whether the device PTE at index {@code i} points at device memory. */
    public boolean local(int i) {
        return (pte[i] & LOCAL) != 0;
    }

    public byte resid(int i) {
        return resid[i];
    }

    public void setResid(int i, byte r) {
        resid[i] = r;
    }

    public int landing(int i) {
        return landing[i];
    }

    public void setLanding(int i, int id) {
        landing[i] = id;
    }

    /** A fresh landing id, never 0. */
    public int nextLandingId() {
        return ++landingSeq == 0 ? ++landingSeq : landingSeq;
    }

    public long throttleUntil(int i) {
        return throttleUntil[i];
    }

    public void setThrottleUntil(int i, long t) {
        throttleUntil[i] = t;
        latestThrottle = Math.max(latestThrottle, t);
    }

    /** The latest time any page has ever been held back until: no page is held back at or after it. */
    public long latestThrottle() {
        return latestThrottle;
    }

    /** Where {@code page} lives, as a {@link Location} code. */
    public int residency(long page) {
        return switch (resid[idx(page)]) {
            case R_GPU -> 0;
            case R_HOST, R_DUP -> Location.HOST;
            default -> Location.UNPOPULATED;
        };
    }

    /** Where {@code page} lives as the policy sees it: unpopulated outside the mirrored allocations. */
    public int contextResidency(long page) {
        long i = page - basePage;
        return i >= 0 && i < span ? residency(page) : Location.UNPOPULATED;
    }

    /** The allocation bounds [first, end) containing {@code page}, packed as first in [0], end in [1]. */
    public boolean allocBounds(long page, long[] out) {
        for (int i = 0; i < allocFirst.length; i++) {
            if (page >= allocFirst[i] && page < allocEnd[i]) {
                out[0] = allocFirst[i];
                out[1] = allocEnd[i];
                return true;
            }
        }
        return false;
    }

    /** The allocations inside [firstPage, firstPage + pages) are no longer mirrored: allocBounds() never matches. */
    public void detach(long firstPage, long pages) {
        for (int a = 0; a < allocFirst.length; a++) {
            if (allocFirst[a] >= firstPage && allocEnd[a] <= firstPage + pages) {
                allocFirst[a] = allocEnd[a] = -1;
            }
        }
    }

    /** Pages held in device memory (resident, or read-only duplicates). */
    public long residentPages() {
        return usedPages;
    }

    public long capacityPages() {
        return capacityPages;
    }

    /** Pages of device memory not holding a page. */
    public long freePages() {
        return capacityPages - usedPages;
    }

    /**
     * {@code page} comes to device memory as {@code r} ({@link #R_GPU} or {@link #R_DUP}); it takes a page of
     * device memory unless it was a duplicate already holding one (collapsing into the only copy).
     */
    public void admit(long page, byte r) {
        int i = idx(page);
        if (resid[i] != R_DUP) {
            usedPages++;
        }
        resid[i] = r;
    }

    /**
     * {@code page} leaves device memory for the reason {@code cause}: its device PTE and any pending mapping go, its
     * residency becomes the host's (or unpopulated when the mapping itself went, {@link MigrationCause#UNMAP}), and
     * if it held a page of device memory, that page is free again. Returns whether it held one. The one place a
     * page stops being resident; callers record the count with {@link #recordResidency} once their change is done.
     */
    public boolean release(long page, MigrationCause cause) {
        int i = idx(page);
        boolean held = resid[i] == R_GPU || resid[i] == R_DUP;
        pte[i] = 0;
        landing[i] = 0;
        resid[i] = cause == MigrationCause.UNMAP ? R_UNPOPULATED : R_HOST;
        if (held) {
            usedPages--;
        }
        return held;
    }

    /** Records the resident count at {@code nowNanos} in the residency-over-time series. */
    public void recordResidency(long nowNanos) {
        residency.record(nowNanos, usedPages);
    }
}
