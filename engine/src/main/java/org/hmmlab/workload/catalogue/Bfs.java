package org.hmmlab.workload.catalogue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.hmmlab.units.Bytes;

/**
 * Rodinia's bfs: level-synchronous breadth-first search from node 0 of a 261,444-node graph, one launch each of
 * {@code Kernel} and {@code Kernel2} per level until no node is updated.
 */
final class Bfs {

    /** The nodes of the peer's input, graph256k.txt. */
    static final int NODES = 261_444;
    static final int THREADS = 512;
    /** Rodinia's graphgen: each node adds 2 to 4 undirected edges to random nodes. */
    static final int MIN_EDGES = 2;
    static final int MAX_INIT_EDGES = 4;
    static final long SEED = 0xBF5L;

    private Bfs() {
    }

    static Benchmark build() {
        int n = NODES;
        // the graph as Rodinia's graphgen makes it: node i adds 2..4 edges i - j, each stored both ways
        SplittableRandom r = new SplittableRandom(SEED);
        int[] degree = new int[n];
        int[] from = new int[n * MAX_INIT_EDGES];
        int[] to = new int[n * MAX_INIT_EDGES];
        int pairs = 0;
        for (int i = 0; i < n; i++) {
            int k = MIN_EDGES + r.nextInt(MAX_INIT_EDGES - MIN_EDGES + 1);
            for (int e = 0; e < k; e++) {
                int j = r.nextInt(n);
                from[pairs] = i;
                to[pairs] = j;
                pairs++;
                degree[i]++;
                degree[j]++;
            }
        }
        int[] start = new int[n + 1];
        for (int i = 0; i < n; i++) {
            start[i + 1] = start[i] + degree[i];
        }
        int[] edges = new int[start[n]];
        int[] fill = Arrays.copyOf(start, n);
        for (int p = 0; p < pairs; p++) {
            edges[fill[from[p]]++] = to[p];
            edges[fill[to[p]]++] = from[p];
        }
        int edgeCount = edges.length;
        // the levels: frontier (graph_mask), visited before the level, and the nodes it updates
        List<int[]> frontiers = new ArrayList<>();
        List<long[]> visitedBefore = new ArrayList<>();
        List<int[]> updated = new ArrayList<>();
        long[] visited = new long[(n + 63) / 64];
        visited[0] |= 1L;
        int[] frontier = {0};
        while (true) {
            long[] seen = visited.clone();
            boolean[] upd = new boolean[n];
            int count = 0;
            for (int tid : frontier) {
                for (int e = start[tid]; e < start[tid + 1]; e++) {
                    int id = edges[e];
                    if (!bit(seen, id) && !upd[id]) {
                        upd[id] = true;
                        count++;
                    }
                }
            }
            int[] next = new int[count];
            for (int i = 0, c = 0; i < n; i++) {
                if (upd[i]) {
                    next[c++] = i;
                    visited[i >>> 6] |= 1L << i;
                }
            }
            frontiers.add(frontier);
            visitedBefore.add(seen);
            updated.add(next);
            if (count == 0) {
                break;
            }
            frontier = next;
        }
        Builder b = new Builder("bfs", "Rodinia 3.1",
                "benchmarks/Managed/bfs/bfs.cu (BFSGraph), kernel.cu, kernel2.cu; run: ./bfs graph256k.txt",
                "graph_nodes (8 B a node), graph_mask, updating_graph_mask, graph_visited (1 B a node), graph_edges"
                        + " (4 B an edge) and cost (4 B a node) are managed; d_over is cudaMalloc'd. The peer's input"
                        + " file is not in its repository, so the graph is made as Rodinia's graphgen makes it: 261,444"
                        + " nodes, each adding 2 to 4 undirected edges to uniformly random nodes (fixed seed): "
                        + edgeCount + " edge entries against the file's 1,568,420. The host writes the nodes and the"
                        + " three masks node by node, the edges, then cost. Each level launches Kernel and Kernel2 with"
                        + " 511 blocks of 512 threads: Kernel's block reads its 512 B of graph_mask and, for each"
                        + " frontier node in it, clears its mask, reads its node, and per edge reads graph_edges and"
                        + " graph_visited of the neighbour and, when unvisited, reads cost[tid] and writes cost and"
                        + " updating_graph_mask of the neighbour; Kernel2's block reads its updating_graph_mask and,"
                        + " per updated node, sets mask and visited and clears updating. Levels run until a level"
                        + " updates nothing (" + frontiers.size() + " here, 11 in the peer's note).");
        long nodes = b.array("graph_nodes", 8L * n);
        long mask = b.array("graph_mask", n);
        long updating = b.array("updating_graph_mask", n);
        long visitedArray = b.array("graph_visited", n);
        long edgeArray = b.array("graph_edges", 4L * edgeCount);
        long cost = b.array("cost", 4L * n);
        int blocks = (n + THREADS - 1) / THREADS;
        b.host("BFSGraph (input)", blocks + 2, (c, out) -> {
            if (c < blocks) { // graph_nodes[i], graph_mask[i], updating_graph_mask[i], graph_visited[i]
                long first = c * THREADS;
                long m = Math.min(THREADS, n - first);
                out.write(nodes + 8 * first, 8 * m);
                out.write(mask + first, m);
                out.write(updating + first, m);
                out.write(visitedArray + first, m);
            } else if (c == blocks) {
                out.write(mask, 1); // graph_mask[source], graph_visited[source]
                out.write(visitedArray, 1);
                out.write(edgeArray, 4L * edgeCount);
            } else {
                out.write(cost, 4L * n);
            }
        });
        for (int level = 0; level < frontiers.size(); level++) {
            int[] f = frontiers.get(level);
            long[] seen = visitedBefore.get(level);
            int[] u = updated.get(level);
            b.kernel("Kernel", blocks, THREADS, (blk, out) -> {
                long first = blk * THREADS;
                long m = Math.min(THREADS, n - first);
                out.read(mask + first, m); // g_graph_mask[tid]
                for (int i = firstAtLeast(f, first); i < f.length && f[i] < first + m; i++) {
                    int tid = f[i];
                    out.write(mask + tid, 1);
                    out.read(nodes + 8L * tid, 8);
                    for (int e = start[tid]; e < start[tid + 1]; e++) {
                        int id = edges[e];
                        out.read(edgeArray + 4L * e, 4);
                        out.read(visitedArray + id, 1);
                        if (!bit(seen, id)) {
                            out.read(cost + 4L * tid, 4);
                            out.write(cost + 4L * id, 4);
                            out.write(updating + id, 1);
                        }
                    }
                }
            });
            b.kernel("Kernel2", blocks, THREADS, (blk, out) -> {
                long first = blk * THREADS;
                long m = Math.min(THREADS, n - first);
                out.read(updating + first, m); // g_updating_graph_mask[tid]
                for (int i = firstAtLeast(u, first); i < u.length && u[i] < first + m; i++) {
                    int tid = u[i];
                    out.write(mask + tid, 1);
                    out.write(visitedArray + tid, 1);
                    out.write(updating + tid, 1);
                }
            });
        }
        return b.build(Bytes.of(9L * 1024 * 1024 + 768 * 1024));
    }

    static boolean bit(long[] set, int i) {
        return (set[i >>> 6] & (1L << i)) != 0;
    }

    /** The index of the first element of sorted {@code a} that is at least {@code v}. */
    static int firstAtLeast(int[] a, long v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
