package org.hmmlab.dsl.spec;

import java.util.List;
import java.util.Set;
import org.hmmlab.policy.DensityPrefetcher;
import org.hmmlab.policy.NeighbourhoodPrefetcher;
import org.hmmlab.policy.Pages;
import org.hmmlab.policy.Prefetcher;
import org.hmmlab.policy.RandomPagePrefetcher;
import org.hmmlab.policy.SwitchOnEvictionPrefetcher;
import org.hmmlab.policy.TreeNeighbourhoodPrefetcher;
import org.hmmlab.units.Bytes;

/**
 * What migrates along with a faulting page: nothing, UVM's density prefetch, the aligned neighbourhood, or one of
 * GPGPU-Sim UVMSmart's prefetchers (random, sequential-local, tree-based neighbourhood); any of them may give way to
 * another at the first eviction ({@code "on_eviction"}).
 */
public sealed interface PrefetchSpec extends ComponentSpec<Prefetcher> {

    /** The kinds, as JSON and JavaScript name them. */
    List<String> KINDS = List.of("none", "density", "neighbourhood", "random", "sequential-local",
            "tree-based-neighbourhood");

    /** The prefetchers that may take over at the first eviction: those with no parameter (density at 51 %). */
    List<String> ON_EVICTION = List.of("none", "density", "random", "sequential-local", "tree-based-neighbourhood");

    /**
     * This prefetcher until the GPU first evicts, then {@code after} (one of {@link #ON_EVICTION}): GPGPU-Sim
     * UVMSmart's {@code -hwprefetch_oversub}, whose default turns prefetching off:
     * {@code treeBasedNeighbourhood().onEviction(noPrefetch())}.
     */
    default OnEviction onEviction(PrefetchSpec after) {
        PrefetchSpec base = this instanceof OnEviction o ? o.before() : this;
        return new OnEviction(base, after);
    }

    /**
     * GPGPU-Sim UVMSmart's random prefetcher: for each fault, one more 4 KiB page drawn from the same 2 MiB large
     * page, when it is not valid ({@code gmmu_t::do_hardware_prefetch()}, {@code RANDOM}); drawn from the run's seed.
     */
    record RandomPage() implements PrefetchSpec {
        @Override
        public String kind() {
            return "random";
        }

        @Override
        public Prefetcher build() {
            return new RandomPagePrefetcher();
        }
    }

    /** GPGPU-Sim UVMSmart's sequential-local prefetcher: the faulting 64 KiB basic block ({@code SEQUENTIAL_LOCAL}). */
    record SequentialLocal() implements PrefetchSpec {
        @Override
        public String kind() {
            return "sequential-local";
        }

        @Override
        public Prefetcher build() {
            return org.hmmlab.policy.Policies.sequentialLocal();
        }
    }

    /**
     * GPGPU-Sim UVMSmart's tree-based neighbourhood prefetcher: the faulting basic blocks, then every node of the
     * 2 MiB tree above half valid, cascading ({@code traverse_and_fill_lp_tree()}).
     */
    record TreeBasedNeighbourhood() implements PrefetchSpec {
        @Override
        public String kind() {
            return "tree-based-neighbourhood";
        }

        @Override
        public Prefetcher build() {
            return new TreeNeighbourhoodPrefetcher();
        }
    }

    /** {@code before} until the first eviction, then {@code after}; written as {@code before}'s kind plus
     * {@code "on_eviction": "<after's kind>"}. */
    record OnEviction(PrefetchSpec before, PrefetchSpec after) implements PrefetchSpec {

        public OnEviction {
            if (before == null || before instanceof OnEviction) {
                throw new SpecException("on_eviction", "on_eviction must follow a prefetcher of one of the kinds "
                        + KINDS + ", got " + before);
            }
            if (after == null || !ON_EVICTION.contains(after.kind()) || !after.equals(simple(after.kind()))) {
                throw new SpecException("on_eviction", "on_eviction must be one of " + String.join(", ", ON_EVICTION)
                        + " (density at its default 51 %), got " + (after == null ? "null" : after.label()));
            }
        }

        @Override
        public String kind() {
            return before.kind();
        }

        @Override
        public List<Setting> settings() {
            List<Setting> out = new java.util.ArrayList<>(before.settings());
            out.add(new Setting("on_eviction", after.kind()));
            return out;
        }

        @Override
        public Prefetcher build() {
            return new SwitchOnEvictionPrefetcher(before.build(), after.build());
        }
    }

    /** The prefetcher of a parameterless kind in {@link #ON_EVICTION}. */
    static PrefetchSpec simple(String kind) {
        return switch (kind) {
            case "none" -> new None();
            case "density" -> new Density();
            case "random" -> new RandomPage();
            case "sequential-local" -> new SequentialLocal();
            case "tree-based-neighbourhood" -> new TreeBasedNeighbourhood();
            default -> throw new SpecException("on_eviction", "on_eviction must be one of "
                    + String.join(", ", ON_EVICTION) + ", got '" + kind + "'");
        };
    }

    /** No prefetch. */
    record None() implements PrefetchSpec {
        @Override
        public String kind() {
            return "none";
        }

        @Override
        public Prefetcher build() {
            return Prefetcher.NONE;
        }
    }

    /**
     * UVM's density prefetcher: a region of the 2 MiB block migrates whole once more than {@code thresholdPercent}
     * (1 to 100) of it is resident or faulting. Mirrors {@code uvm_perf_prefetch.c}
     * ({@code uvm_perf_prefetch_threshold}, default 51).
     */
    record Density(int thresholdPercent) implements PrefetchSpec {

        public Density {
            checkPercent(thresholdPercent);
        }

        /** UVM's default, 51 %. */
        public Density() {
            this(DensityPrefetcher.DEFAULT_THRESHOLD_PERCENT);
        }

        static int checkPercent(long percent) {
            return Check.whole("density", "threshold_pct", percent, 1, 100);
        }

        @Override
        public String kind() {
            return "density";
        }

        @Override
        public List<Setting> settings() {
            return List.of(new Setting("threshold_pct", thresholdPercent));
        }

        @Override
        public Prefetcher build() {
            return new DensityPrefetcher(thresholdPercent);
        }
    }

    /** Prefetch the aligned {@code size} neighbourhood of each fault (a power of two, 4 KiB to 2 MiB). */
    record Neighbourhood(Bytes size) implements PrefetchSpec {

        public Neighbourhood {
            Check.powerOfTwo("neighbourhood", "size", size, Bytes.PAGE, Pages.BLOCK);
        }

        @Override
        public String kind() {
            return "neighbourhood";
        }

        @Override
        public List<Setting> settings() {
            return List.of(new Setting("size", size));
        }

        @Override
        public Prefetcher build() {
            return new NeighbourhoodPrefetcher(size);
        }
    }

    /**
     * Reads a prefetcher in the JSON and JavaScript grammar: {@code {"kind": "density", "threshold_pct": 30}},
     * {@code {"kind": "tree-based-neighbourhood", "on_eviction": "none"}}.
     */
    static PrefetchSpec read(SpecReader r) {
        String kind = r.kind(KINDS);
        return SpecReader.located(r, () -> {
            PrefetchSpec base = switch (kind) {
                case "none" -> {
                    r.only(Set.of("kind", "on_eviction"));
                    yield new None();
                }
                case "density" -> {
                    r.only(Set.of("kind", "threshold_pct", "on_eviction"));
                    yield r.has("threshold_pct") ? new Density(Density.checkPercent(r.whole("threshold_pct")))
                            : new Density();
                }
                case "random" -> {
                    r.only(Set.of("kind", "on_eviction"));
                    yield new RandomPage();
                }
                case "sequential-local" -> {
                    r.only(Set.of("kind", "on_eviction"));
                    yield new SequentialLocal();
                }
                case "tree-based-neighbourhood" -> {
                    r.only(Set.of("kind", "on_eviction"));
                    yield new TreeBasedNeighbourhood();
                }
                default -> {
                    r.only(Set.of("kind", "size", "on_eviction"));
                    yield new Neighbourhood(r.bytes("size"));
                }
            };
            return r.has("on_eviction") ? base.onEviction(simple(r.text("on_eviction"))) : base;
        });
    }
}
