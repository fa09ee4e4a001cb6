package org.hmmlab.dsl.spec;

import java.util.List;
import java.util.Set;
import org.hmmlab.policy.Hints;

/**
 * Memory-use advice on one allocation, named as the scenario allocated it: preferred location, accessed-by,
 * read-mostly. Mirrors {@code cudaMemAdvise()} ({@code cudaMemAdviseSetPreferredLocation}, {@code
 * SetAccessedBy}, {@code SetReadMostly}) as the UVM driver keeps it per range ({@code uvm_va_policy_t}); the
 * engine binds the name to the allocation's pages when it maps it, and {@link org.hmmlab.policy.MigrationPolicy}
 * consults the advice before the thrashing detector and the placement.
 */
public sealed interface HintSpec {

    /** The kinds, as JSON and JavaScript name them. */
    List<String> KINDS = List.of("preferred-location", "accessed-by", "read-mostly");

    /** The allocation the advice covers, all of it. */
    String allocation();

    /** {@code read-mostly}. */
    String kind();

    /** The parameters after the allocation, as written in labels and JSON. */
    List<ComponentSpec.Setting> settings();

    /** {@code hints} with this advice added. */
    Hints addTo(Hints hints);

    /** {@code read-mostly(allocation=x)}. */
    default String label() {
        List<ComponentSpec.Setting> all = new java.util.ArrayList<>();
        all.add(new ComponentSpec.Setting("allocation", allocation()));
        all.addAll(settings());
        return ComponentSpec.label(kind(), all);
    }

    /**
     * Prefer {@code location} for the allocation: {@code host} keeps it in host memory and the GPU maps it
     * remotely; a GPU makes that GPU's faults migrate it there.
     */
    record PreferredLocation(String allocation, Processor location) implements HintSpec {
        public PreferredLocation {
            Check.text("preferred-location", "allocation", allocation);
            if (location == null) {
                throw new SpecException("location", "preferred-location location must be host or a gpu, got null");
            }
        }

        @Override
        public String kind() {
            return "preferred-location";
        }

        @Override
        public List<ComponentSpec.Setting> settings() {
            return List.of(new ComponentSpec.Setting("location", location.toString()));
        }

        @Override
        public Hints addTo(Hints hints) {
            return hints.preferredLocation(allocation, location.index());
        }
    }

    /** {@code gpu} maps the allocation wherever it lives once it is populated, without migrating it. */
    record AccessedBy(String allocation, Processor gpu) implements HintSpec {
        public AccessedBy {
            Check.text("accessed-by", "allocation", allocation);
            if (gpu == null || gpu.isHost()) {
                throw new SpecException("gpu", "accessed-by gpu must be gpu0 .. gpu" + org.hmmlab.workload.Agent.MAX_GPU
                        + ", got " + gpu);
            }
        }

        @Override
        public String kind() {
            return "accessed-by";
        }

        @Override
        public List<ComponentSpec.Setting> settings() {
            return List.of(new ComponentSpec.Setting("gpu", gpu.toString()));
        }

        @Override
        public Hints addTo(Hints hints) {
            return hints.accessedBy(allocation, gpu.index());
        }
    }

    /**
     * A set of GPUs each map the allocation wherever it lives, without migrating it: {@code cudaMemAdviseSetAccessedBy}
     * given once per GPU, as the UVM driver keeps it (the {@code accessed_by} processor mask of uvm_va_policy_t).
     * Written in JSON and JavaScript as {@code {"kind": "accessed-by", "allocation": "x", "gpus": ["gpu0", "gpu1"]}}.
     */
    record AccessedBySet(String allocation, List<Processor> gpus) implements HintSpec {
        public AccessedBySet {
            Check.text("accessed-by", "allocation", allocation);
            if (gpus == null || gpus.isEmpty()) {
                throw new SpecException("gpus", "accessed-by gpus must name at least one gpu, got " + gpus);
            }
            for (Processor g : gpus) {
                if (g == null || g.isHost()) {
                    throw new SpecException("gpus", "accessed-by gpus must be gpu0 .. gpu"
                            + org.hmmlab.workload.Agent.MAX_GPU + ", got " + g);
                }
            }
            gpus = List.copyOf(gpus);
        }

        @Override
        public String kind() {
            return "accessed-by";
        }

        @Override
        public List<ComponentSpec.Setting> settings() {
            return List.of(new ComponentSpec.Setting("gpus", gpus.toString()));
        }

        @Override
        public Hints addTo(Hints hints) {
            Hints h = hints;
            for (Processor g : gpus) {
                h = h.accessedBy(allocation, g.index());
            }
            return h;
        }
    }

    /** The GPUs this advice names (accessed-by GPUs, a GPU preferred location), for checking them against a platform. */
    default List<Processor> gpusNamed() {
        return switch (this) {
            case PreferredLocation p -> p.location().isHost() ? List.of() : List.of(p.location());
            case AccessedBy a -> List.of(a.gpu());
            case AccessedBySet a -> a.gpus();
            case ReadMostly r -> List.of();
        };
    }

    /** The allocation is mostly read: a GPU read fault duplicates the page read-only instead of migrating it. */
    record ReadMostly(String allocation) implements HintSpec {
        public ReadMostly {
            Check.text("read-mostly", "allocation", allocation);
        }

        @Override
        public String kind() {
            return "read-mostly";
        }

        @Override
        public List<ComponentSpec.Setting> settings() {
            return List.of();
        }

        @Override
        public Hints addTo(Hints hints) {
            return hints.readMostly(allocation);
        }
    }

    /**
     * Reads a hint in the JSON and JavaScript grammar:
     * {@code {"kind": "preferred-location", "allocation": "x", "location": "host"}}.
     */
    static HintSpec read(SpecReader r) {
        String kind = r.kind(KINDS);
        return SpecReader.located(r, () -> switch (kind) {
            case "preferred-location" -> {
                r.only(Set.of("kind", "allocation", "location"));
                yield new PreferredLocation(r.text("allocation"), Processor.parse("location", r.text("location")));
            }
            case "accessed-by" -> {
                if (r.has("gpus")) {
                    r.only(Set.of("kind", "allocation", "gpus"));
                    List<Processor> set = new java.util.ArrayList<>();
                    for (String g : r.texts("gpus")) {
                        set.add(Processor.parse("gpus", g));
                    }
                    yield new AccessedBySet(r.text("allocation"), set);
                }
                r.only(Set.of("kind", "allocation", "gpu"));
                yield new AccessedBy(r.text("allocation"), Processor.parse("gpu", r.text("gpu")));
            }
            default -> {
                r.only(Set.of("kind", "allocation"));
                yield new ReadMostly(r.text("allocation"));
            }
        });
    }
}
