package org.hmmlab.workload.catalogue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.hmmlab.units.Bytes;

/**
 * sssp as the peer runs it: Bellman-Ford style single-source shortest paths on a random graph of 2^20 vertices with
 * 2 out-edges each, an initialising kernel and 15 rounds of {@code Kernel1} (relax the active vertices' edges with
 * atomicMin) and {@code Kernel2} (adopt the improvements).
 */
final class Sssp {

    static final int VERTICES = 1 << 20;
    static final int NEIGHBOURS = 2;
    static final int BLOCK = 16;
    static final int MAX_ITERATION = 15;
    static final int ASYNC = 5;
    static final long SEED = 0x555BL;

    private Sssp() {
    }

    static Benchmark build() {
        int v = VERTICES;
        int edgesTotal = v * NEIGHBOURS;
        int[] edge = new int[edgesTotal];
        float[] weight = new float[edgesTotal];
        SplittableRandom r = new SplittableRandom(SEED);
        for (int k = 0; k < v; k++) { // generateRandomGraph: distinct neighbours, no self loop
            for (int l = 0; l < NEIGHBOURS; l++) {
                int t;
                boolean ok;
                do {
                    t = r.nextInt(v);
                    ok = t != k;
                    for (int q = 0; q < l; q++) {
                        ok &= edge[k * NEIGHBOURS + q] != t;
                    }
                } while (!ok);
                edge[k * NEIGHBOURS + l] = t;
                weight[k * NEIGHBOURS + l] = r.nextInt(1000) / 1000.0f;
            }
        }
        // the rounds: which vertices are active (finalizedVertices) and which improve in Kernel2
        float[] dist = new float[v];
        float[] upd = new float[v];
        Arrays.fill(dist, Float.MAX_VALUE);
        Arrays.fill(upd, Float.MAX_VALUE);
        dist[0] = 0;
        upd[0] = 0;
        List<int[]> active = new ArrayList<>();
        List<int[]> improved = new ArrayList<>();
        int[] act = {0};
        int iteration = 0;
        while (act.length > 0 && iteration < MAX_ITERATION) {
            for (int a = 0; a < ASYNC; a++) {
                for (int tid : act) {
                    for (int e = tid * NEIGHBOURS; e < (tid + 1) * NEIGHBOURS; e++) {
                        upd[edge[e]] = Math.min(upd[edge[e]], dist[tid] + weight[e]);
                    }
                }
                int c = 0;
                for (int i = 0; i < v; i++) {
                    if (dist[i] > upd[i]) {
                        c++;
                    }
                }
                int[] imp = new int[c];
                for (int i = 0, q = 0; i < v; i++) {
                    if (dist[i] > upd[i]) {
                        dist[i] = upd[i];
                        imp[q++] = i;
                    }
                    upd[i] = dist[i];
                }
                active.add(act);
                improved.add(imp);
                act = imp;
                iteration++;
            }
        }
        Builder b = new Builder("sssp", "the peer's sssp (Bellman-Ford on a random graph)",
                "benchmarks/Managed/sssp/sssp.cu (main, generateRandomGraph, dijkstraGPU, initializeArrays, Kernel1, Kernel2)",
                "vertexArray (4 B a vertex), edgeArray and weightArray (4 B an edge), h_shortestDistancesGPU and"
                        + " d_updatingShortestDistances (4 B a vertex) are managed, 28 MiB; d_finalizedVertices is"
                        + " cudaMalloc'd, so its accesses are left out. The host writes vertexArray, then each vertex's"
                        + " 2 edges and weights (random distinct neighbours, weights k / 1000, from a fixed seed here,"
                        + " rand() there). initializeArrays (65,536 blocks of 16 threads) writes both distance arrays;"
                        + " then 15 rounds (3 groups of 5 while any vertex is active): Kernel1's block, for each active"
                        + " vertex, reads vertexArray[tid] and [tid + 1] and per edge edgeArray, the vertex's distance"
                        + " and weightArray, and atomicMin's updatingShortestDistances of the neighbour; Kernel2's block"
                        + " reads both distance arrays, writes the improved distances and writes updating. The active"
                        + " sets come from running the algorithm.");
        long vertex = b.array("vertexArray", 4L * v);
        long edgeArray = b.array("edgeArray", 4L * edgesTotal);
        long weightArray = b.array("weightArray", 4L * edgesTotal);
        long shortest = b.array("h_shortestDistancesGPU", 4L * v);
        long updating = b.array("d_updatingShortestDistances", 4L * v);
        int chunk = 1024;
        b.host("generateRandomGraph", 1 + v / chunk, (c, out) -> {
            if (c == 0) {
                out.write(vertex, 4L * v);
            } else {
                long first = (c - 1) * chunk;
                out.write(edgeArray + 4 * first * NEIGHBOURS, 4L * chunk * NEIGHBOURS);
                out.write(weightArray + 4 * first * NEIGHBOURS, 4L * chunk * NEIGHBOURS);
            }
        });
        int blocks = v / BLOCK;
        b.kernel("initializeArrays", blocks, BLOCK, (blk, out) -> {
            out.write(shortest + 4L * BLOCK * blk, 4L * BLOCK);
            out.write(updating + 4L * BLOCK * blk, 4L * BLOCK);
        });
        for (int it = 0; it < active.size(); it++) {
            int[] a = active.get(it);
            int[] imp = improved.get(it);
            if (a.length > 0) { // a launch with no active vertex touches no managed memory
                b.kernel("Kernel1", blocks, BLOCK, (blk, out) -> {
                    long first = blk * BLOCK;
                    for (int i = Bfs.firstAtLeast(a, first); i < a.length && a[i] < first + BLOCK; i++) {
                        int tid = a[i];
                        out.read(vertex + 4L * tid, tid + 1 < v ? 8 : 4);
                        for (int e = tid * NEIGHBOURS; e < (tid + 1) * NEIGHBOURS; e++) {
                            out.read(edgeArray + 4L * e, 4);
                            out.read(shortest + 4L * tid, 4);
                            out.read(weightArray + 4L * e, 4);
                            out.atomic(updating + 4L * edge[e], 4);
                        }
                    }
                });
            }
            b.kernel("Kernel2", blocks, BLOCK, (blk, out) -> {
                long first = blk * BLOCK;
                out.read(shortest + 4 * first, 4L * BLOCK);
                out.read(updating + 4 * first, 4L * BLOCK);
                for (int i = Bfs.firstAtLeast(imp, first); i < imp.length && imp[i] < first + BLOCK; i++) {
                    out.write(shortest + 4L * imp[i], 4);
                }
                out.write(updating + 4 * first, 4L * BLOCK);
            });
        }
        return b.build(Bytes.MiB(28));
    }
}
