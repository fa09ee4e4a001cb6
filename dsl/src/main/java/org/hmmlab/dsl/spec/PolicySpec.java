package org.hmmlab.dsl.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.hmmlab.policy.Hints;
import org.hmmlab.policy.MigrationPolicy;
import org.hmmlab.policy.Pages;
import org.hmmlab.units.Bytes;

/**
 * A driver migration policy as a value: which placement, prefetcher, evictor and thrashing detector, with their
 * parameters, and the memory-use hints by allocation name. {@link #build()} makes a fresh engine
 * {@link MigrationPolicy} for each run (policies keep per-run state), so one spec serves every point of a sweep.
 *
 * <p>Immutable; each component checks its parameters when it is made, once, with one message for every front end.
 *
 * <pre>{@code uvmDefaults().placement(accessCounters().threshold(64).granularity(KiB(64))).prefetch(noPrefetch())
 *     .hints(readMostly("weights"))}</pre>
 *
 * @param placement where faulting pages go
 * @param prefetch  what migrates along with them
 * @param eviction  what leaves a full GPU
 * @param thrashing how bouncing pages are damped
 * @param hints     advice on allocations, in the order given (later advice of one kind wins where it overlaps)
 */
public record PolicySpec(PlacementSpec placement, PrefetchSpec prefetch, EvictionSpec eviction,
        ThrashingSpec thrashing, List<HintSpec> hints) {

    /** The ready policies, as JSON and JavaScript name them. */
    public static final List<String> PRESETS = List.of("uvm-defaults", "on-demand", "zero-copy", "uvmsmart-defaults");

    public PolicySpec {
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(prefetch, "prefetch");
        Objects.requireNonNull(eviction, "eviction");
        Objects.requireNonNull(thrashing, "thrashing");
        hints = List.copyOf(Objects.requireNonNull(hints, "hints"));
    }

    /** A policy without hints. */
    public PolicySpec(PlacementSpec placement, PrefetchSpec prefetch, EvictionSpec eviction, ThrashingSpec thrashing) {
        this(placement, prefetch, eviction, thrashing, List.of());
    }

    // --- ready policies ----------------------------------------------------------------------------

    /** What the UVM driver does out of the box: first touch, density prefetch (51 %), LRU 2 MiB, thrashing detection. */
    public static PolicySpec uvmDefaults() {
        return new PolicySpec(firstTouch(), density(), lru(), uvmThrashing());
    }

    /** First touch, no prefetch, LRU, no thrashing detection: the on-demand baseline. */
    public static PolicySpec onDemand() {
        return new PolicySpec(firstTouch(), noPrefetch(), lru(), noThrashing());
    }

    /** Everything mapped remotely over the link; nothing migrates. */
    public static PolicySpec zeroCopy() {
        return new PolicySpec(remoteMap(), noPrefetch(), lru(), noThrashing());
    }

    /**
     * GPGPU-Sim UVMSmart's GTX 1080 Ti configuration: first touch, tree-based neighbourhood prefetching (kept under
     * oversubscription, {@code -hwprefetch_oversub 1}), LRU 2 MiB refreshed on every access, no thrashing detection.
     */
    public static PolicySpec uvmSmartDefaults() {
        return new PolicySpec(firstTouch(), treeBasedNeighbourhood(), uvmSmartLru(Pages.BLOCK), noThrashing());
    }

    /** A ready policy by its name in {@link #PRESETS}: {@code preset("on-demand")}. */
    public static PolicySpec preset(String name) {
        return switch (name == null ? "" : name) {
            case "uvm-defaults" -> uvmDefaults();
            case "on-demand" -> onDemand();
            case "zero-copy" -> zeroCopy();
            case "uvmsmart-defaults" -> uvmSmartDefaults();
            default -> throw new SpecException("policy", "policy must be one of " + String.join(", ", PRESETS)
                    + ", got '" + name + "'");
        };
    }

    // --- placements --------------------------------------------------------------------------------

    /** Migrate a page to the GPU on its first GPU fault. */
    public static PlacementSpec.FirstTouch firstTouch() {
        return new PlacementSpec.FirstTouch();
    }

    /** Map host pages into the GPU remotely (zero-copy) instead of migrating. */
    public static PlacementSpec.RemoteMap remoteMap() {
        return new PlacementSpec.RemoteMap();
    }

    /** Access-counter migration with UVM's defaults, to refine: {@code accessCounters().threshold(64)}. */
    public static PlacementSpec.AccessCounters accessCounters() {
        return new PlacementSpec.AccessCounters();
    }

    /** Access-counter migration: {@code threshold} (1 to 65535) accesses per {@code granularity} region. */
    public static PlacementSpec.AccessCounters accessCounters(int threshold, Bytes granularity) {
        return accessCounters().threshold(threshold).granularity(granularity);
    }

    /** The IPDPS'20 adaptive delayed migration with the peer's defaults (threshold 8, penalty 2). */
    public static PlacementSpec.AdaptiveAccessCounters adaptiveAccessCounters() {
        return new PlacementSpec.AdaptiveAccessCounters();
    }

    /** A placement written in JavaScript; the script is parsed and checked now. */
    public static PlacementSpec.JavaScript javascript(String name, String source) {
        return new PlacementSpec.JavaScript(name, source);
    }

    // --- prefetchers -------------------------------------------------------------------------------

    /** No prefetch. */
    public static PrefetchSpec.None noPrefetch() {
        return new PrefetchSpec.None();
    }

    /** UVM's density prefetcher at its default 51 %. */
    public static PrefetchSpec.Density density() {
        return new PrefetchSpec.Density();
    }

    /** The density prefetcher with another threshold, 1 to 100 percent. */
    public static PrefetchSpec.Density density(int thresholdPercent) {
        return new PrefetchSpec.Density(thresholdPercent);
    }

    /** Prefetch the aligned neighbourhood of each fault (4 KiB to 2 MiB). */
    public static PrefetchSpec.Neighbourhood neighbourhood(Bytes size) {
        return new PrefetchSpec.Neighbourhood(size);
    }

    /** GPGPU-Sim UVMSmart's random prefetcher: one more random invalid 4 KiB page of the 2 MiB large page. */
    public static PrefetchSpec.RandomPage randomPrefetch() {
        return new PrefetchSpec.RandomPage();
    }

    /** GPGPU-Sim UVMSmart's sequential-local prefetcher: the faulting 64 KiB basic block. */
    public static PrefetchSpec.SequentialLocal sequentialLocal() {
        return new PrefetchSpec.SequentialLocal();
    }

    /** GPGPU-Sim UVMSmart's tree-based neighbourhood prefetcher. */
    public static PrefetchSpec.TreeBasedNeighbourhood treeBasedNeighbourhood() {
        return new PrefetchSpec.TreeBasedNeighbourhood();
    }

    // --- evictors ----------------------------------------------------------------------------------

    /** UVM's eviction: 2 MiB root chunks, least recently allocated first. */
    public static EvictionSpec.Lru lru() {
        return new EvictionSpec.Lru();
    }

    /** LRU at a granularity from 4 KiB to 2 MiB, refreshed on every access or only on allocation. */
    public static EvictionSpec.Lru lru(Bytes granularity, boolean refreshOnAccess) {
        return new EvictionSpec.Lru(granularity, refreshOnAccess);
    }

    /** Random victims at a granularity from 4 KiB to 2 MiB, drawn from the run's seed. */
    public static EvictionSpec.Random randomEviction(Bytes granularity) {
        return new EvictionSpec.Random(granularity);
    }

    /** SRRIP eviction at a granularity from 4 KiB to 2 MiB. */
    public static EvictionSpec.Rrip rrip(Bytes granularity) {
        return new EvictionSpec.Rrip(granularity);
    }

    /** GPGPU-Sim UVMSmart's LRU, refreshed on every access, at 4 KiB to 2 MiB (its own: 2 MiB and 4 KiB). */
    public static EvictionSpec.UvmSmartLru uvmSmartLru(Bytes granularity) {
        return new EvictionSpec.UvmSmartLru(granularity, EvictionSpec.PeerOptions.NONE);
    }

    /** GPGPU-Sim UVMSmart's LFU over 2 MiB large pages. */
    public static EvictionSpec.UvmSmartLfu uvmSmartLfu() {
        return new EvictionSpec.UvmSmartLfu(EvictionSpec.PeerOptions.NONE);
    }

    /** GPGPU-Sim UVMSmart's random eviction at 4 KiB to 2 MiB (its own: 4 KiB). */
    public static EvictionSpec.UvmSmartRandom uvmSmartRandom(Bytes granularity) {
        return new EvictionSpec.UvmSmartRandom(granularity, EvictionSpec.PeerOptions.NONE);
    }

    /** GPGPU-Sim UVMSmart's sequential-local eviction: the LRU 64 KiB leaf of the LRU large page. */
    public static EvictionSpec.SequentialLocal sequentialLocalEviction() {
        return new EvictionSpec.SequentialLocal(EvictionSpec.PeerOptions.NONE);
    }

    /** GPGPU-Sim UVMSmart's tree-based neighbourhood pre-eviction. */
    public static EvictionSpec.TreeBasedNeighbourhood treeBasedEviction() {
        return new EvictionSpec.TreeBasedNeighbourhood(EvictionSpec.PeerOptions.NONE);
    }

    // --- thrashing ---------------------------------------------------------------------------------

    /** No thrashing detection. */
    public static ThrashingSpec.None noThrashing() {
        return new ThrashingSpec.None();
    }

    /** UVM's thrashing detection (throttle, then pin). */
    public static ThrashingSpec.Uvm uvmThrashing() {
        return new ThrashingSpec.Uvm();
    }

    // --- hints -------------------------------------------------------------------------------------

    /** Prefer {@code location} for all of {@code allocation}: {@code preferredLocation("x", HOST)}. */
    public static HintSpec.PreferredLocation preferredLocation(String allocation, Processor location) {
        return new HintSpec.PreferredLocation(allocation, location);
    }

    /** {@code gpu} maps {@code allocation} where it lives: {@code accessedBy("x", gpu(0))}. */
    public static HintSpec.AccessedBy accessedBy(String allocation, Processor gpu) {
        return new HintSpec.AccessedBy(allocation, gpu);
    }

    /** {@code allocation} is mostly read; read faults duplicate it: {@code readMostly("weights")}. */
    public static HintSpec.ReadMostly readMostly(String allocation) {
        return new HintSpec.ReadMostly(allocation);
    }

    // --- composition -------------------------------------------------------------------------------

    /** This policy with another placement: {@code .placement(accessCounters().threshold(64))}. */
    public PolicySpec placement(PlacementSpec p) {
        return new PolicySpec(p, prefetch, eviction, thrashing, hints);
    }

    /** This policy with another prefetcher: {@code .prefetch(density(30))}. */
    public PolicySpec prefetch(PrefetchSpec p) {
        return new PolicySpec(placement, p, eviction, thrashing, hints);
    }

    /** This policy with another evictor: {@code .eviction(rrip(KiB(64)))}. */
    public PolicySpec eviction(EvictionSpec e) {
        return new PolicySpec(placement, prefetch, e, thrashing, hints);
    }

    /** This policy with another thrashing detector: {@code .thrashing(noThrashing())}. */
    public PolicySpec thrashing(ThrashingSpec t) {
        return new PolicySpec(placement, prefetch, eviction, t, hints);
    }

    /** This policy with more advice, after the advice it has: {@code .hints(readMostly("w"), accessedBy("x", gpu(0)))}. */
    public PolicySpec hints(HintSpec... more) {
        List<HintSpec> all = new ArrayList<>(hints);
        for (HintSpec h : more) {
            all.add(Objects.requireNonNull(h, "hints(...): a hint is null"));
        }
        return new PolicySpec(placement, prefetch, eviction, thrashing, all);
    }

    /** A fresh engine policy for one run, its hints not yet bound to pages (the engine binds them as it maps). */
    public MigrationPolicy build() {
        Hints h = Hints.none();
        for (HintSpec hint : hints) {
            h = hint.addTo(h);
        }
        return new MigrationPolicy(placement.build(), prefetch.build(), eviction.build(), thrashing.build(), h);
    }

    /** {@code first-touch + density(threshold_pct=51) + lru + uvm}, then any hints. */
    public String label() {
        StringBuilder sb = new StringBuilder(placement.label() + " + " + prefetch.label() + " + " + eviction.label()
                + " + " + thrashing.label());
        for (HintSpec h : hints) {
            sb.append(" + ").append(h.label());
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return label();
    }
}
