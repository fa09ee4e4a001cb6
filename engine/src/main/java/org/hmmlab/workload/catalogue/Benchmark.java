package org.hmmlab.workload.catalogue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.Agent;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.KernelLaunch;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;

/**
 * A benchmark of the peer simulator (GPGPU-Sim UVMSmart, {@code benchmarks/Managed/}) as a workload: its managed
 * arrays laid out as the peer's allocator lays them (back to back, each start rounded up to 256 B, as
 * {@code gpgpu_t::gpu_mallocmanaged()} in {@code src/cuda-sim/cuda-sim.cc} does), and its steps in program order:
 * the host loops that initialise the arrays and every kernel launch, each block's accesses following the CUDA
 * source's index expressions.
 *
 * <pre>{@code
 * Benchmark nw = Catalogue.named("nw");
 * Workload w = nw.workload();        // one allocation "nw" of nw.footprint(), 1 host step and 127 launches
 * }</pre>
 *
 * @param name           the catalogue's name ({@code nw})
 * @param suite          where the benchmark comes from ({@code Rodinia 3.1})
 * @param source         the peer's source files it follows
 * @param derivation     how the access order was derived, and what it leaves out
 * @param arrays         the managed arrays in allocation order
 * @param peerWorkingSet the working set the peer states for it ({@code benchmarks/benchmark_workingset.txt})
 * @param steps          host loops and kernel launches, in program order
 */
public record Benchmark(String name, String suite, String source, String derivation, List<Array> arrays,
                        Bytes peerWorkingSet, List<Step> steps) {

    /** The peer's allocator rounds each managed allocation up to this many bytes ({@code gpu_mallocmanaged()}). */
    public static final long ALIGN = 256;
    /** Bytes per access of a kernel step unless told: a warp's coalesced 32 x 4 B. */
    public static final Bytes WARP_ACCESS = Bytes.of(128);

    /** One managed array: its place in the allocation. */
    public record Array(String name, long offset, long bytes) {
    }

    /**
     * One step: a host loop (agent cpu) or a kernel launch (agent gpu0).
     *
     * @param phase  the phase's name ({@code needle_cuda_shared_1 #3})
     * @param agent  who runs it
     * @param warps  the launch's warps (blocks x warps per block), or the host's threads
     * @param launch its accesses
     */
    public record Step(String phase, Agent agent, int warps, KernelLaunch launch) {
    }

    public Benchmark {
        arrays = List.copyOf(arrays);
        steps = List.copyOf(steps);
    }

    /** Bytes of the allocation: the arrays, to the end of the last, in whole 4 KiB pages. */
    public Bytes footprint() {
        Array last = arrays.getLast();
        return Bytes.pages(Bytes.of(last.offset() + last.bytes()).pagesCeil());
    }

    /** The array called {@code array}. */
    public Array array(String array) {
        for (Array a : arrays) {
            if (a.name().equals(array)) {
                return a;
            }
        }
        throw new IllegalArgumentException("benchmark " + name + " has no array '" + array + "'; arrays: "
                + arrays.stream().map(Array::name).toList());
    }

    /** The GPU steps: the kernel launches. */
    public List<Step> launches() {
        return steps.stream().filter(s -> !s.agent().isCpu()).toList();
    }

    /** The kernels' names, in the order they are first launched. */
    public List<String> kernels() {
        LinkedHashSet<String> k = new LinkedHashSet<>();
        for (Step s : launches()) {
            k.add(s.launch().kernel());
        }
        return List.copyOf(k);
    }

    /** The steps as phases over {@code allocation}, kernels in accesses of at most {@code accessSize}, host loops per 4 KiB page. */
    public List<Phase> phases(String allocation, Bytes accessSize) {
        if (accessSize == null || accessSize.bytes() < 1 || accessSize.bytes() > Bytes.HUGE_PAGE.bytes()) {
            throw new IllegalArgumentException("benchmark " + name + " accessSize must be in [1 B, 2 MiB], got "
                    + accessSize);
        }
        Bytes footprint = footprint();
        List<Phase> out = new ArrayList<>(steps.size());
        for (Step s : steps) {
            Bytes size = s.agent().isCpu() ? Bytes.PAGE : accessSize;
            long work = s.launch().accessesPerPass(footprint, size);
            out.add(new Phase(s.phase(), s.agent(), allocation, s.launch(), footprint, work, s.warps(), size, 0.0));
        }
        return out;
    }

    /** The benchmark alone: one allocation named after it and its steps, kernels by warp accesses of 128 B. */
    public Workload workload() {
        return new Workload(List.of(new Allocation(name, footprint())), phases(name, WARP_ACCESS));
    }

    /** The step whose launch is number {@code step}. */
    public KernelLaunch launch(int step) {
        if (step < 0 || step >= steps.size()) {
            throw new IllegalArgumentException("benchmark " + name + " step must be in [0, " + (steps.size() - 1)
                    + "], got " + step);
        }
        return steps.get(step).launch();
    }
}
