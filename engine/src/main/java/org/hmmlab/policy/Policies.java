package org.hmmlab.policy;

import org.hmmlab.units.Bytes;

/**
 * Ready-made policies with the NVIDIA UVM driver's documented defaults (perf-figures.md section 2), the entry point
 * the DSL exposes.
 *
 * <pre>{@code
 * MigrationPolicy p = Policies.uvmDefaults().withPlacement(Policies.accessCounters(64, Bytes.KiB(64)));
 * }</pre>
 */
public final class Policies {

    private Policies() {
    }

    /**
     * What UVM does out of the box on a PCIe system: first-touch migration, the density prefetcher at 51 %, LRU
     * over 2 MiB root chunks ordered by allocation, thrashing detection with throttle-then-pin, no advice. (Access-
     * counter migration is off by default on non-ATS systems, {@code uvm_perf_access_counter_migration_enable}
     * = -1.)
     */
    public static MigrationPolicy uvmDefaults() {
        return new MigrationPolicy(firstTouch(), density(), lru(), thrashing(), Hints.none());
    }

    /** First touch without prefetch, LRU 2 MiB, no thrashing detection: the textbook on-demand baseline. */
    public static MigrationPolicy onDemand() {
        return new MigrationPolicy(firstTouch(), Prefetcher.NONE, lru(), ThrashingDetector.NONE, Hints.none());
    }

    /** Zero-copy: the GPU maps everything remotely and nothing migrates. */
    public static MigrationPolicy zeroCopy() {
        return new MigrationPolicy(remoteMap(), Prefetcher.NONE, lru(), ThrashingDetector.NONE, Hints.none());
    }

    public static Placement firstTouch() {
        return new FirstTouchPlacement();
    }

    public static Placement remoteMap() {
        return new RemoteMapPlacement();
    }

    /** Access-counter migration with UVM's defaults: 256 remote accesses per 2 MiB region. */
    public static Placement accessCounters() {
        return new AccessCounterPlacement();
    }

    /** Access-counter migration: {@code threshold} (1 to 65535) accesses per {@code granularity} region. */
    public static Placement accessCounters(int threshold, Bytes granularity) {
        return new AccessCounterPlacement(threshold, granularity);
    }

    /** UVM's density prefetcher, 51 %. */
    public static Prefetcher density() {
        return new DensityPrefetcher();
    }

    /** UVM's density prefetcher with another threshold, 1 to 100 percent. */
    public static Prefetcher density(int thresholdPercent) {
        return new DensityPrefetcher(thresholdPercent);
    }

    /** Prefetch the aligned neighbourhood of each fault (4 KiB to 2 MiB). */
    public static Prefetcher neighbourhood(Bytes size) {
        return new NeighbourhoodPrefetcher(size);
    }

    /** UVM's eviction: 2 MiB root chunks, least recently allocated first. */
    public static Evictor lru() {
        return new LruEvictor();
    }

    /** LRU at a granularity from 4 KiB to 2 MiB, refreshed on access or only on allocation. */
    public static Evictor lru(Bytes granularity, boolean refreshOnAccess) {
        return new LruEvictor(granularity, refreshOnAccess, org.hmmlab.units.SimDuration.ZERO);
    }

    /** Random victims at a granularity from 4 KiB to 2 MiB, seeded by the run. */
    public static Evictor random(Bytes granularity) {
        return new RandomEvictor(granularity);
    }

    /** SRRIP (re-reference interval prediction) at a granularity from 4 KiB to 2 MiB. */
    public static Evictor rrip(Bytes granularity) {
        return new RripEvictor(granularity);
    }

    // --- GPGPU-Sim UVMSmart (Ganguly et al. ISCA'19, IPDPS'20): its prefetchers, evictors and options ---------

    /** The peer's random prefetcher: one more random 4 KiB page of the faulting 2 MiB large page. */
    public static Prefetcher randomPage() {
        return new RandomPagePrefetcher();
    }

    /** The peer's sequential-local prefetcher: the faulting 64 KiB basic block. */
    public static Prefetcher sequentialLocal() {
        Prefetcher block = new NeighbourhoodPrefetcher(Pages.BIG_PAGE);
        return new Prefetcher() {
            @Override
            public void prefetch(long b, long[] resident, long[] faulted, long[] out) {
                block.prefetch(b, resident, faulted, out);
            }

            @Override
            public String name() {
                return "sequential-local";
            }
        };
    }

    /** The peer's tree-based neighbourhood prefetcher (cascading fills of nodes more than half valid). */
    public static Prefetcher treeBasedNeighbourhood() {
        return new TreeNeighbourhoodPrefetcher();
    }

    /** {@code before} until the first eviction, then {@code after} (the peer's {@code -hwprefetch_oversub}). */
    public static Prefetcher switchOnEviction(Prefetcher before, Prefetcher after) {
        return new SwitchOnEvictionPrefetcher(before, after);
    }

    /** The peer's LRU, refreshed on every access, at 4 KiB to 2 MiB, with its options. */
    public static Evictor peerLru(Bytes granularity, PeerEvictionOptions options) {
        return PeerEvictor.lru(granularity, options);
    }

    /** The peer's sequential-local eviction (LRU 64 KiB leaves of the LRU large page), with its options. */
    public static Evictor peerSequentialLocal(PeerEvictionOptions options) {
        return PeerEvictor.sequentialLocal(options);
    }

    /** The peer's LFU over 2 MiB large pages (count, then clean first, then age), with its options. */
    public static Evictor peerLfu(PeerEvictionOptions options) {
        return PeerEvictor.lfu(options);
    }

    /** The peer's random eviction at a granularity (its own: 4 KiB), with its options. */
    public static Evictor peerRandom(Bytes granularity, PeerEvictionOptions options) {
        return PeerEvictor.random(granularity, options);
    }

    /** The peer's tree-based neighbourhood pre-eviction, with its options. */
    public static Evictor treeBasedNeighbourhoodEviction(PeerEvictionOptions options) {
        return new TreeNeighbourhoodEvictor(options);
    }

    /** IPDPS'20 delayed migration: remote reads until an adaptive per-64 KiB access threshold is met. */
    public static Placement adaptiveAccessCounters(int threshold, int penalty) {
        return new AdaptiveAccessCounterPlacement(threshold, penalty);
    }

    /** UVM's thrashing detection and mitigation with its defaults. */
    public static ThrashingDetector thrashing() {
        return new UvmThrashingDetector();
    }
}
