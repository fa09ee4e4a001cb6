package org.hmmlab.dsl.spec;

import java.util.List;
import java.util.Set;
import org.hmmlab.policy.DensityPrefetcher;
import org.hmmlab.policy.NeighbourhoodPrefetcher;
import org.hmmlab.policy.Pages;
import org.hmmlab.policy.Prefetcher;
import org.hmmlab.units.Bytes;

/** What migrates along with a faulting page: nothing, UVM's density prefetch, or the aligned neighbourhood. */
public sealed interface PrefetchSpec extends ComponentSpec<Prefetcher> {

    /** The kinds, as JSON and JavaScript name them. */
    List<String> KINDS = List.of("none", "density", "neighbourhood");

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

    /** Reads a prefetcher in the JSON and JavaScript grammar: {@code {"kind": "density", "threshold_pct": 30}}. */
    static PrefetchSpec read(SpecReader r) {
        String kind = r.kind(KINDS);
        return SpecReader.located(r, () -> switch (kind) {
            case "none" -> {
                r.only(Set.of("kind"));
                yield new None();
            }
            case "density" -> {
                r.only(Set.of("kind", "threshold_pct"));
                yield r.has("threshold_pct") ? new Density(Density.checkPercent(r.whole("threshold_pct")))
                        : new Density();
            }
            default -> {
                r.only(Set.of("kind", "size"));
                yield new Neighbourhood(r.bytes("size"));
            }
        });
    }
}
