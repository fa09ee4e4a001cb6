package org.hmmlab.dsl.spec;

import java.util.List;
import java.util.Set;
import org.hmmlab.policy.Evictor;
import org.hmmlab.policy.LruEvictor;
import org.hmmlab.policy.Pages;
import org.hmmlab.policy.RandomEvictor;
import org.hmmlab.policy.RripEvictor;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/** What leaves a full GPU: LRU chunks (UVM's choice), random chunks, or SRRIP. */
public sealed interface EvictionSpec extends ComponentSpec<Evictor> {

    /** The kinds, as JSON and JavaScript name them. */
    List<String> KINDS = List.of("lru", "random", "rrip");

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
        return SpecReader.located(r, () -> switch (kind) {
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
            default -> {
                r.only(Set.of("kind", "granularity"));
                yield new Rrip(r.bytes("granularity"));
            }
        });
    }
}
