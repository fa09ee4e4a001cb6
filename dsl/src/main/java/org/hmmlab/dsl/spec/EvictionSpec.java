package org.hmmlab.dsl.spec;

import java.util.List;
import java.util.Set;
import org.hmmlab.policy.Evictor;
import org.hmmlab.policy.LruEvictor;
import org.hmmlab.policy.Pages;
import org.hmmlab.policy.PeerEvictionOptions;
import org.hmmlab.policy.PeerEvictor;
import org.hmmlab.policy.RandomEvictor;
import org.hmmlab.policy.RripEvictor;
import org.hmmlab.policy.TreeNeighbourhoodEvictor;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * What leaves a full GPU: LRU chunks (UVM's choice), random chunks, SRRIP, or one of GPGPU-Sim UVMSmart's evictors
 * ({@code uvmsmart-lru}, {@code uvmsmart-lfu}, {@code uvmsmart-random}, {@code sequential-local},
 * {@code tree-based-neighbourhood}), which alone take the peer's options {@code reserve_pct},
 * {@code free_buffer_pct} and {@code drop_clean}.
 */
public sealed interface EvictionSpec extends ComponentSpec<Evictor> {

    /** The kinds, as JSON and JavaScript name them. */
    List<String> KINDS = List.of("lru", "random", "rrip", "uvmsmart-lru", "uvmsmart-lfu", "uvmsmart-random",
            "sequential-local", "tree-based-neighbourhood");

    /** The kinds that take GPGPU-Sim UVMSmart's eviction options. */
    List<String> PEER_KINDS = KINDS.subList(3, KINDS.size());

    /** The peer's eviction options, as JSON and JavaScript name them. */
    List<String> PEER_OPTIONS = List.of("reserve_pct", "free_buffer_pct", "drop_clean");

    /**
     * GPGPU-Sim UVMSmart's eviction options (see {@link PeerEvictionOptions}): spare the {@code reservePct} percent
     * least recently (or least frequently) used chunks, keep {@code freeBufferPct} percent of device memory free by
     * evicting ahead of need, drop chunks the GPU never wrote instead of writing them back. Percentages 0 to 100.
     */
    record PeerOptions(int reservePct, int freeBufferPct, boolean dropClean) {

        /** The peer's defaults: nothing reserved, no buffer, every victim written back. */
        public static final PeerOptions NONE = new PeerOptions(0, 0, false);

        public PeerOptions {
            Check.whole("eviction", "reserve_pct", reservePct, 0, 100);
            Check.whole("eviction", "free_buffer_pct", freeBufferPct, 0, 100);
        }

        PeerEvictionOptions engine() {
            return new PeerEvictionOptions(reservePct, freeBufferPct, dropClean);
        }

        List<Setting> settings() {
            List<Setting> out = new java.util.ArrayList<>();
            if (reservePct != 0) {
                out.add(new Setting("reserve_pct", reservePct));
            }
            if (freeBufferPct != 0) {
                out.add(new Setting("free_buffer_pct", freeBufferPct));
            }
            if (dropClean) {
                out.add(new Setting("drop_clean", true));
            }
            return out;
        }

        static PeerOptions read(SpecReader r) {
            return new PeerOptions(
                    r.has("reserve_pct") ? Check.whole("eviction", "reserve_pct", r.whole("reserve_pct"), 0, 100) : 0,
                    r.has("free_buffer_pct")
                            ? Check.whole("eviction", "free_buffer_pct", r.whole("free_buffer_pct"), 0, 100) : 0,
                    r.has("drop_clean") && r.bool("drop_clean"));
        }
    }

    /** A GPGPU-Sim UVMSmart evictor: its options, and a copy with other options. */
    sealed interface Peer extends EvictionSpec permits UvmSmartLru, UvmSmartLfu, UvmSmartRandom, SequentialLocal,
            TreeBasedNeighbourhood {

        PeerOptions options();

        /** This evictor with other options. */
        Peer withOptions(PeerOptions o);

        /** Spares the {@code pct} percent (0 to 100) least recently used chunks: {@code .reservePct(10)}. */
        default Peer reservePct(int pct) {
            return withOptions(new PeerOptions(pct, options().freeBufferPct(), options().dropClean()));
        }

        /** Evicts ahead of need to keep {@code pct} percent (0 to 100) of device memory free: {@code .freeBufferPct(5)}. */
        default Peer freeBufferPct(int pct) {
            return withOptions(new PeerOptions(options().reservePct(), pct, options().dropClean()));
        }

        /** Drops chunks the GPU never wrote instead of writing them back: {@code .dropClean(true)}. */
        default Peer dropClean(boolean drop) {
            return withOptions(new PeerOptions(options().reservePct(), options().freeBufferPct(), drop));
        }
    }

    /**
     * GPGPU-Sim UVMSmart's LRU, refreshed on every access, over {@code granularity} chunks (its choices: 2 MiB, the
     * default, and 4 KiB, {@code LRU4K}). Mirrors {@code page_eviction_procedure()} ({@code gpu-sim.cc}).
     */
    record UvmSmartLru(Bytes granularity, PeerOptions options) implements Peer {
        public UvmSmartLru {
            chunk("uvmsmart-lru", granularity);
        }

        @Override
        public String kind() {
            return "uvmsmart-lru";
        }

        @Override
        public Peer withOptions(PeerOptions o) {
            return new UvmSmartLru(granularity, o);
        }

        @Override
        public List<Setting> settings() {
            List<Setting> out = new java.util.ArrayList<>(List.of(new Setting("granularity", granularity)));
            out.addAll(options.settings());
            return out;
        }

        @Override
        public Evictor build() {
            return PeerEvictor.lru(granularity, options.engine());
        }
    }

    /** GPGPU-Sim UVMSmart's LFU over 2 MiB large pages: access count, then clean first, then age. */
    record UvmSmartLfu(PeerOptions options) implements Peer {
        @Override
        public String kind() {
            return "uvmsmart-lfu";
        }

        @Override
        public Peer withOptions(PeerOptions o) {
            return new UvmSmartLfu(o);
        }

        @Override
        public List<Setting> settings() {
            return options.settings();
        }

        @Override
        public Evictor build() {
            return PeerEvictor.lfu(options.engine());
        }
    }

    /** GPGPU-Sim UVMSmart's random eviction over {@code granularity} chunks (its own: 4 KiB). */
    record UvmSmartRandom(Bytes granularity, PeerOptions options) implements Peer {
        public UvmSmartRandom {
            chunk("uvmsmart-random", granularity);
        }

        @Override
        public String kind() {
            return "uvmsmart-random";
        }

        @Override
        public Peer withOptions(PeerOptions o) {
            return new UvmSmartRandom(granularity, o);
        }

        @Override
        public List<Setting> settings() {
            List<Setting> out = new java.util.ArrayList<>(List.of(new Setting("granularity", granularity)));
            out.addAll(options.settings());
            return out;
        }

        @Override
        public Evictor build() {
            return PeerEvictor.random(granularity, options.engine());
        }
    }

    /** GPGPU-Sim UVMSmart's sequential-local eviction: the LRU 64 KiB leaf of the LRU large page. */
    record SequentialLocal(PeerOptions options) implements Peer {
        @Override
        public String kind() {
            return "sequential-local";
        }

        @Override
        public Peer withOptions(PeerOptions o) {
            return new SequentialLocal(o);
        }

        @Override
        public List<Setting> settings() {
            return options.settings();
        }

        @Override
        public Evictor build() {
            return PeerEvictor.sequentialLocal(options.engine());
        }
    }

    /**
     * GPGPU-Sim UVMSmart's tree-based neighbourhood pre-eviction: the LRU 64 KiB leaf, then the rest of every node
     * of its tree below half valid, contiguous write-backs merged.
     */
    record TreeBasedNeighbourhood(PeerOptions options) implements Peer {
        @Override
        public String kind() {
            return "tree-based-neighbourhood";
        }

        @Override
        public Peer withOptions(PeerOptions o) {
            return new TreeBasedNeighbourhood(o);
        }

        @Override
        public List<Setting> settings() {
            return options.settings();
        }

        @Override
        public Evictor build() {
            return new TreeNeighbourhoodEvictor(options.engine());
        }
    }

    /** The chunk sizes an evictor accepts: a power of two from 4 KiB to 2 MiB (UVM's root chunk). */
    private static Bytes chunk(String kind, Bytes granularity) {
        return Check.powerOfTwo(kind, "granularity", granularity, Bytes.PAGE, Pages.BLOCK);
    }

    /**
     * LRU over {@code granularity} chunks, refreshed on every device access or (UVM) only on allocation. Mirrors
     * {@code uvm_pmm_gpu.c}'s root-chunk list; {@code lru()} is UVM's: 2 MiB, on allocation.
     *
     * <pre>{@code lru().granularity(KiB(64)).refreshOnAccess(true)}</pre>
     */
    record Lru(Bytes granularity, boolean refreshOnAccess) implements EvictionSpec {

        public Lru {
            chunk("lru", granularity);
        }

        /** UVM's: 2 MiB root chunks, least recently allocated first. */
        public Lru() {
            this(Pages.BLOCK, false);
        }

        /** This LRU over chunks of another size: {@code .granularity(KiB(64))}. */
        public Lru granularity(Bytes chunk) {
            return new Lru(chunk, refreshOnAccess);
        }

        /** This LRU refreshed on every device access ({@code true}) or only on allocation. */
        public Lru refreshOnAccess(boolean refresh) {
            return new Lru(granularity, refresh);
        }

        @Override
        public String kind() {
            return "lru";
        }

        /** Empty for UVM's defaults, else both parameters. */
        @Override
        public List<Setting> settings() {
            return equals(new Lru()) ? List.of()
                    : List.of(new Setting("granularity", granularity), new Setting("refresh_on_access", refreshOnAccess));
        }

        @Override
        public Evictor build() {
            return equals(new Lru()) ? new LruEvictor() : new LruEvictor(granularity, refreshOnAccess, SimDuration.ZERO);
        }
    }

    /**
     * Random victims over {@code granularity} chunks (4 KiB to 2 MiB), drawn from the run's evictor seed
     * ({@code org.hmmlab.run.Seeds.evictor}), so a sweep's points draw different victims.
     */
    record Random(Bytes granularity) implements EvictionSpec {

        public Random {
            chunk("random", granularity);
        }

        @Override
        public String kind() {
            return "random";
        }

        @Override
        public List<Setting> settings() {
            return List.of(new Setting("granularity", granularity));
        }

        @Override
        public Evictor build() {
            return new RandomEvictor(granularity);
        }
    }

    /** SRRIP (re-reference interval prediction) over {@code granularity} chunks, 4 KiB to 2 MiB. */
    record Rrip(Bytes granularity) implements EvictionSpec {

        public Rrip {
            chunk("rrip", granularity);
        }

        @Override
        public String kind() {
            return "rrip";
        }

        @Override
        public List<Setting> settings() {
            return List.of(new Setting("granularity", granularity));
        }

        @Override
        public Evictor build() {
            return new RripEvictor(granularity);
        }
    }

    /** Reads an evictor in the JSON and JavaScript grammar: {@code {"kind": "rrip", "granularity": "64KiB"}}. */
    static EvictionSpec read(SpecReader r) {
        String kind = r.kind(KINDS);
        return SpecReader.located(r, () -> {
            if (!PEER_KINDS.contains(kind)) {
                for (String option : PEER_OPTIONS) {
                    if (r.has(option)) {
                        throw new SpecException(option, "eviction " + option + " applies to the GPGPU-Sim UVMSmart"
                                + " evictors (" + String.join(", ", PEER_KINDS) + "), not to " + kind);
                    }
                }
            }
            Set<String> peerFields = Set.of("kind", "reserve_pct", "free_buffer_pct", "drop_clean");
            Set<String> peerSized = Set.of("kind", "granularity", "reserve_pct", "free_buffer_pct", "drop_clean");
            return switch (kind) {
                case "lru" -> {
                    r.only(Set.of("kind", "granularity", "refresh_on_access"));
                    Lru l = new Lru();
                    if (r.has("granularity")) {
                        l = l.granularity(r.bytes("granularity"));
                    }
                    if (r.has("refresh_on_access")) {
                        l = l.refreshOnAccess(r.bool("refresh_on_access"));
                    }
                    yield l;
                }
                case "random" -> {
                    r.only(Set.of("kind", "granularity"));
                    yield new Random(r.bytes("granularity"));
                }
                case "uvmsmart-lru" -> {
                    r.only(peerSized);
                    yield new UvmSmartLru(r.has("granularity") ? r.bytes("granularity") : Pages.BLOCK,
                            PeerOptions.read(r));
                }
                case "uvmsmart-lfu" -> {
                    r.only(peerFields);
                    yield new UvmSmartLfu(PeerOptions.read(r));
                }
                case "uvmsmart-random" -> {
                    r.only(peerSized);
                    yield new UvmSmartRandom(r.has("granularity") ? r.bytes("granularity") : Bytes.PAGE,
                            PeerOptions.read(r));
                }
                case "sequential-local" -> {
                    r.only(peerFields);
                    yield new SequentialLocal(PeerOptions.read(r));
                }
                case "tree-based-neighbourhood" -> {
                    r.only(peerFields);
                    yield new TreeBasedNeighbourhood(PeerOptions.read(r));
                }
                default -> {
                    r.only(Set.of("kind", "granularity"));
                    yield new Rrip(r.bytes("granularity"));
                }
            };
        });
    }
}
