package org.hmmlab.workload.catalogue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The peer's benchmarks as workloads: backprop, bfs, hotspot, nw, pathfinder and srad (srad_v2) from Rodinia,
 * FDTD-2D from PolyBench/GPU, RandomAccess from HPC Challenge and sssp, at the peer's input sizes (the {@code run}
 * files of GPGPU-Sim UVMSmart's {@code benchmarks/Managed/}). Each is built once, on first use.
 *
 * <pre>{@code
 * for (String n : Catalogue.NAMES) System.out.println(n + " " + Catalogue.named(n).footprint());
 * }</pre>
 */
public final class Catalogue {

    /** Every benchmark, by name. */
    public static final List<String> NAMES = List.of("backprop", "bfs", "fdtd-2d", "hotspot", "nw", "pathfinder",
            "ra", "srad", "sssp");
    /** The seven benchmarks of Ganguly et al., ISCA 2019 (the peer's {@code Results/} logs). */
    public static final List<String> ISCA19 = List.of("backprop", "bfs", "fdtd-2d", "hotspot", "nw", "pathfinder",
            "srad");

    private static final Map<String, Supplier<Benchmark>> MAKERS = Map.of(
            "backprop", Backprop::build, "bfs", Bfs::build, "fdtd-2d", Fdtd2d::build, "hotspot", Hotspot::build,
            "nw", Nw::build, "pathfinder", Pathfinder::build, "ra", RandomAccess::build, "srad", Srad::build,
            "sssp", Sssp::build);
    private static final Map<String, Benchmark> BUILT = new ConcurrentHashMap<>();

    private Catalogue() {
    }

    /**
     * The benchmark called {@code name}.
     *
     * @throws IllegalArgumentException naming the catalogue when there is none of that name
     */
    public static Benchmark named(String name) {
        if (name == null || !MAKERS.containsKey(name)) {
            throw new IllegalArgumentException("benchmark \"" + name + "\" is not in the catalogue; benchmarks: "
                    + String.join(", ", NAMES));
        }
        return BUILT.computeIfAbsent(name, n -> MAKERS.get(n).get());
    }

    /** All benchmarks, in {@link #NAMES} order. */
    public static List<Benchmark> all() {
        return NAMES.stream().map(Catalogue::named).toList();
    }
}
