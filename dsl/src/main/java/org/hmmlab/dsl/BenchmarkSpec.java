package org.hmmlab.dsl;

import java.util.List;
import java.util.Objects;
import org.hmmlab.dsl.results.ColumnType;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.catalogue.Benchmark;
import org.hmmlab.workload.catalogue.Catalogue;

/**
 * A benchmark of the peer simulator's catalogue, ready to become phases of a scenario:
 * {@code scenario("nw").benchmark(benchmark("nw"))} allocates {@code nw} (its arrays) and appends its host loops
 * and kernel launches. Immutable; {@link #accessSize} gives a variant.
 *
 * <pre>{@code
 * var b = benchmark("hotspot").accessSize(KiB(4));   // coarser accesses: fewer, each up to a page
 * scenario("hotspot").benchmark(b).oversubscribe(1.25).run()
 * }</pre>
 */
public final class BenchmarkSpec {

    private final Benchmark benchmark;
    private final Bytes accessSize;

    private BenchmarkSpec(Benchmark benchmark, Bytes accessSize) {
        this.benchmark = benchmark;
        this.accessSize = accessSize;
    }

    /**
     * The catalogue's benchmark called {@code name}.
     *
     * @throws IllegalArgumentException listing the catalogue when there is none of that name
     */
    public static BenchmarkSpec named(String name) {
        try {
            return new BenchmarkSpec(Catalogue.named(name), Benchmark.WARP_ACCESS);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("benchmark(name): name \"" + name + "\" is not in the catalogue;"
                    + " benchmarks: " + String.join(", ", Catalogue.NAMES), e);
        }
    }

    /**
     * Kernel accesses of at most {@code size} (1 B to 2 MiB; 128 B, a warp's coalesced access, by default): a
     * range a block touches is cut at multiples of it. Host loops stay per 4 KiB page.
     */
    public BenchmarkSpec accessSize(Bytes size) {
        if (size == null || size.bytes() < 1 || size.bytes() > Bytes.HUGE_PAGE.bytes()) {
            throw new IllegalArgumentException("accessSize(size): size must be in [1 B, 2 MiB], got " + size);
        }
        return new BenchmarkSpec(benchmark, size);
    }

    public String name() {
        return benchmark.name();
    }

    public Bytes accessSize() {
        return accessSize;
    }

    /** Bytes of its arrays: the allocation it needs. */
    public Bytes footprint() {
        return benchmark.footprint();
    }

    /** The working set the peer states for it ({@code benchmarks/benchmark_workingset.txt}). */
    public Bytes peerWorkingSet() {
        return benchmark.peerWorkingSet();
    }

    /**
     * Device memory for an oversubscription of {@code ratio} as the peer sizes it: its working set over the ratio
     * ({@code -gddr_size} in its logs: 15.96591 MB for backprop at 110 %), in whole 64 KiB big pages. {@code ratio}
     * must be in [1, 1000] and leave at least 2 MiB.
     */
    public Bytes deviceMemoryAt(double ratio) {
        if (!(ratio >= 1.0 && ratio <= 1000.0)) {
            throw new IllegalArgumentException("deviceMemoryAt(ratio): ratio must be in [1, 1000] (device memory ="
                    + " working set / ratio, 1 fits it all), got " + ratio);
        }
        long memory = (long) Math.floor(peerWorkingSet().bytes() / ratio) & -Bytes.KiB(64).bytes();
        if (memory < Bytes.HUGE_PAGE.bytes()) {
            throw new IllegalArgumentException("deviceMemoryAt(ratio): ratio must leave at least 2 MiB of device memory"
                    + " for " + name() + "'s working set of " + peerWorkingSet() + ", got " + ratio);
        }
        return Bytes.of(memory);
    }

    /** How its access order was derived from the CUDA source, and what it leaves out. */
    public String derivation() {
        return benchmark.derivation();
    }

    /** The engine's description: arrays, steps, sources. */
    public Benchmark benchmark() {
        return benchmark;
    }

    /** Its steps as phases over {@code allocation}. */
    public List<Phase> phases(String allocation) {
        return benchmark.phases(allocation, accessSize);
    }

    /** Its arrays: {@code array}, {@code offset_bytes}, {@code size_bytes}. */
    public Table arrays() {
        Table.Builder t = Table.builder(name() + " arrays").column("array", ColumnType.STRING)
                .column("offset_bytes", ColumnType.LONG).column("size_bytes", ColumnType.LONG);
        for (Benchmark.Array a : benchmark.arrays()) {
            t.row(a.name(), a.offset(), a.bytes());
        }
        return t.build();
    }

    /** Its steps in order: {@code step}, {@code phase}, {@code agent}, {@code blocks}, {@code warps}, {@code accesses}. */
    public Table steps() {
        Table.Builder t = Table.builder(name() + " steps").column("step", ColumnType.LONG)
                .column("phase", ColumnType.STRING).column("agent", ColumnType.STRING)
                .column("blocks", ColumnType.LONG).column("warps", ColumnType.LONG)
                .column("accesses", ColumnType.LONG);
        List<Phase> phases = phases(name());
        for (int i = 0; i < phases.size(); i++) {
            Phase p = phases.get(i);
            Benchmark.Step s = benchmark.steps().get(i);
            t.row((long) i, p.name(), p.agent().toString(), s.launch().grid().blocks(), (long) p.concurrency(),
                    p.work());
        }
        return t.build();
    }

    /**
     * The catalogue as a table: {@code benchmark}, {@code suite}, {@code kernels}, {@code launches},
     * {@code footprint_bytes}, {@code peer_working_set_bytes}, {@code gpu_accesses} (at 128 B) and {@code source}.
     */
    public static Table catalogue() {
        Table.Builder t = Table.builder("benchmarks").column("benchmark", ColumnType.STRING)
                .column("suite", ColumnType.STRING).column("kernels", ColumnType.STRING)
                .column("launches", ColumnType.LONG).column("footprint_bytes", ColumnType.LONG)
                .column("peer_working_set_bytes", ColumnType.LONG).column("gpu_accesses", ColumnType.LONG)
                .column("source", ColumnType.STRING);
        for (Benchmark b : Catalogue.all()) {
            long gpu = 0;
            for (Phase p : b.phases(b.name(), Benchmark.WARP_ACCESS)) {
                gpu += p.agent().isCpu() ? 0 : p.work();
            }
            t.row(b.name(), b.suite(), String.join(", ", b.kernels()), (long) b.launches().size(),
                    b.footprint().bytes(), b.peerWorkingSet().bytes(), gpu, b.source());
        }
        return t.build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BenchmarkSpec b && b.benchmark.name().equals(benchmark.name())
                && b.accessSize.equals(accessSize);
    }

    @Override
    public int hashCode() {
        return Objects.hash(benchmark.name(), accessSize);
    }

    @Override
    public String toString() {
        return "benchmark " + name() + " (" + benchmark.suite() + "), " + footprint() + ", "
                + benchmark.launches().size() + " launches, accesses up to " + accessSize;
    }
}
