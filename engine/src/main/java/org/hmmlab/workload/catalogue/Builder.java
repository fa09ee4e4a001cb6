package org.hmmlab.workload.catalogue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.Agent;
import org.hmmlab.workload.KernelLaunch;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.ThreadBlocks;

/** Lays out a benchmark's arrays as the peer's allocator does and collects its steps in program order. */
final class Builder {

    private final String name;
    private final String suite;
    private final String source;
    private final String derivation;
    private final List<Benchmark.Array> arrays = new ArrayList<>();
    private final List<Benchmark.Step> steps = new ArrayList<>();
    private final Map<String, Integer> launchesOf = new HashMap<>();
    private long next;
    private Bytes extent;

    Builder(String name, String suite, String source, String derivation) {
        this.name = name;
        this.suite = suite;
        this.source = source;
        this.derivation = derivation;
    }

    /** A managed array of {@code bytes}, placed after the last one: its offset. */
    long array(String array, long bytes) {
        if (extent != null) {
            throw new IllegalStateException("arrays must be declared before the first step");
        }
        long at = next;
        arrays.add(new Benchmark.Array(array, at, bytes));
        next = at + Math.ceilDiv(bytes, Benchmark.ALIGN) * Benchmark.ALIGN;
        return at;
    }

    /** A host loop (one thread) of {@code chunks} pieces, each piece's accesses from {@code body}. */
    Builder host(String function, long chunks, ThreadBlocks.Body body) {
        return step(function, function, Agent.cpu(), 1, chunks, body);
    }

    /** A kernel launch of {@code blocks} blocks of {@code threads} threads. */
    Builder kernel(String kernel, long blocks, int threads, ThreadBlocks.Body body) {
        int n = launchesOf.merge(kernel, 1, Integer::sum);
        long warps = blocks * Math.ceilDiv(threads, 32);
        return step(kernel + " #" + n, kernel, Agent.gpu(0), (int) Math.min(warps, Phase.MAX_CONCURRENCY), blocks,
                body);
    }

    private Builder step(String phase, String function, Agent agent, int warps, long blocks, ThreadBlocks.Body body) {
        if (extent == null) {
            extent = Bytes.pages(Bytes.of(next).pagesCeil());
        }
        KernelLaunch l = new KernelLaunch(name, steps.size(), function, extent, ThreadBlocks.of(blocks, body));
        steps.add(new Benchmark.Step(phase, agent, warps, l));
        return this;
    }

    Benchmark build(Bytes peerWorkingSet) {
        return new Benchmark(name, suite, source, derivation, arrays, peerWorkingSet, steps);
    }
}
