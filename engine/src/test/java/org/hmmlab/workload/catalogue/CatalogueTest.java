package org.hmmlab.workload.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.AccessStream;
import org.hmmlab.workload.AccessType;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The benchmark catalogue against the peer's sources (GPGPU-Sim UVMSmart {@code benchmarks/Managed/}): each
 * benchmark's arrays and footprint against {@code benchmarks/benchmark_workingset.txt}, and its kernels' order
 * (launches, grids, index expressions) against the CUDA code.
 */
class CatalogueTest {

    static final long K64 = 64 * 1024;

    /** One access: offset, size, type. */
    record Access(long offset, long size, AccessType type) {
    }

    static List<Access> accesses(Phase p) {
        List<Access> out = new ArrayList<>();
        AccessStream s = p.stream(1);
        while (s.next()) {
            out.add(new Access(s.offset(), s.size(), s.type()));
        }
        return out;
    }

    /** The steps with accesses cut only at 2 MiB, so each access is one range of the CUDA source's. */
    static List<Phase> phases(String name) {
        return Catalogue.named(name).phases(name, Bytes.HUGE_PAGE);
    }

    /** The array whose bytes hold {@code offset}. */
    static String arrayAt(Benchmark b, long offset) {
        for (Benchmark.Array a : b.arrays()) {
            if (offset >= a.offset() && offset < a.offset() + a.bytes()) {
                return a.name();
            }
        }
        return "(gap)";
    }

    /** The peer's working-set arithmetic: each named array rounded up to whole 64 KiB. */
    static long rounded64k(Benchmark b, String... arrays) {
        long sum = 0;
        for (String a : arrays) {
            sum += Math.ceilDiv(b.array(a).bytes(), K64) * K64;
        }
        return sum;
    }

    static List<String> names() {
        return Catalogue.NAMES;
    }

    @ParameterizedTest
    @MethodSource("names")
    void arraysArePackedAsThePeersAllocatorPacksThem(String name) {
        Benchmark b = Catalogue.named(name);
        long next = 0;
        for (Benchmark.Array a : b.arrays()) {
            assertEquals(next, a.offset(), a.name() + " starts where the previous one ends, 256 B aligned");
            next = a.offset() + Math.ceilDiv(a.bytes(), 256) * 256;
        }
        assertEquals(Math.ceilDiv(next, 4096) * 4096, b.footprint().bytes(), "footprint: the arrays in whole pages");
    }

    @ParameterizedTest
    @MethodSource("names")
    void everyAccessLiesInsideAnArrayAndEveryKernelRuns(String name) {
        Benchmark b = Catalogue.named(name);
        Workload w = b.workload();
        assertEquals(b.footprint(), w.totalSize());
        long gpu = 0;
        for (Phase p : w.phases()) {
            AccessStream s = p.stream(7);
            long n = 0;
            while (s.next()) {
                n++;
                String in = arrayAt(b, s.offset());
                assertEquals(in, arrayAt(b, s.offset() + s.size() - 1), p.name() + ": an access stays in one array");
                assertFalse(in.equals("(gap)"), p.name() + " at " + s.offset());
            }
            assertEquals(p.work(), n, p.name() + ": one pass");
            gpu += p.agent().isCpu() ? 0 : 1;
        }
        assertEquals(b.launches().size(), gpu);
        assertTrue(w.phases().getFirst().agent().isCpu(), "the host initialises the arrays before any kernel");
    }

    @Test
    void theCatalogueListsItselfWhenANameIsNotInIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Catalogue.named("lud"));
        assertEquals("benchmark \"lud\" is not in the catalogue; benchmarks: backprop, bfs, fdtd-2d, hotspot, nw,"
                + " pathfinder, ra, srad, sssp", e.getMessage());
        assertEquals(7, Catalogue.ISCA19.size());
        assertTrue(Catalogue.NAMES.containsAll(Catalogue.ISCA19));
    }

    @Test
    void kernelRangesAreCutIntoWarpAccessesOf128Bytes() {
        Benchmark b = Catalogue.named("fdtd-2d");
        Phase coarse = b.phases("f", Bytes.HUGE_PAGE).get(3);
        Phase warp = b.phases("f", Benchmark.WARP_ACCESS).get(3);
        assertEquals(accesses(coarse).stream().mapToLong(Access::size).sum(),
                accesses(warp).stream().mapToLong(Access::size).sum(), "the same bytes");
        assertTrue(accesses(warp).stream().allMatch(x -> x.offset() / 128 == (x.offset() + x.size() - 1) / 128),
                "no access crosses a 128 B line");
        assertTrue(warp.work() > coarse.work());
        assertEquals(Bytes.PAGE, b.phases("f", Benchmark.WARP_ACCESS).getFirst().accessSize(), "host loops by page");
        assertThrows(IllegalArgumentException.class, () -> b.phases("f", Bytes.MiB(4)));
    }

    @Test
    void sameBenchmarkSameAccesses() {
        Phase k = phases("bfs").get(1);
        assertEquals(accesses(k), accesses(phases("bfs").get(1)));
        assertEquals(Catalogue.named("sssp"), Catalogue.named("sssp"), "built once");
    }

    @Nested
    class Footprints {

        @Test
        void theSixWhoseArraysTheWorkingSetFileCountsAsTheyAre() {
            record Peer(String name, String[] arrays) {
            }
            for (Peer p : List.of(new Peer("hotspot", new String[] {"MatrixTemp[0]", "MatrixTemp[1]", "MatrixPower"}),
                    new Peer("nw", new String[] {"referrence", "itemsets"}),
                    new Peer("pathfinder", new String[] {"gpuResult[0]", "gpuResult[1]", "gpuWall"}),
                    new Peer("ra", new String[] {"input", "output", "table"}),
                    new Peer("srad", new String[] {"J_shared"}),
                    new Peer("sssp", new String[] {"vertexArray", "edgeArray", "weightArray", "h_shortestDistancesGPU",
                            "d_updatingShortestDistances"}))) {
                Benchmark b = Catalogue.named(p.name());
                assertEquals(b.peerWorkingSet().bytes(), rounded64k(b, p.arrays()), p.name());
                assertEquals(p.arrays().length, b.arrays().size(), p.name() + ": no other managed array");
                assertTrue(b.footprint().compareTo(b.peerWorkingSet()) <= 0, p.name());
                assertTrue(b.peerWorkingSet().bytes() - b.footprint().bytes() < p.arrays().length * K64, p.name());
            }
        }

        @Test
        void hotspotAndSradSizesFollowTheirRunFiles() {
            assertEquals(4L << 20, Catalogue.named("hotspot").array("MatrixPower").bytes(), "1024 x 1024 floats");
            assertEquals(4L << 20, Catalogue.named("srad").array("J_shared").bytes(), "./srad 1024 1024 ...");
            assertEquals(4L * 50_000 * 199, Catalogue.named("pathfinder").array("gpuWall").bytes());
            assertEquals(4L * 1025 * 1025, Catalogue.named("nw").array("itemsets").bytes());
        }

        @Test
        void backpropsPeerFigureCountsTheSecondKernelsArraysOnly() {
            Benchmark b = Catalogue.named("backprop");
            assertEquals(b.peerWorkingSet().bytes(), rounded64k(b, "hidden_delta", "input_units", "input_weights2",
                    "input_prev_weights"));
            assertEquals(4L * 131_057 * 17, b.array("input_weights").bytes());
            assertEquals(13, b.arrays().size(), "every alloc_1d_dbl, output_hidden_cuda and hidden_partial_sum");
            assertTrue(b.footprint().bytes() > 26L << 20, "three 8.5 MiB weight matrices");
        }

        @Test
        void fdtdsPeerFigureRoundsEachGridUpToAWholeMiB() {
            Benchmark b = Catalogue.named("fdtd-2d");
            assertEquals(4L * 1200 * 1201, b.array("ex").bytes());
            assertEquals(4L * 1201 * 1200, b.array("ey").bytes());
            assertEquals(4L * 1200 * 1200, b.array("hz").bytes());
            long mib = 1L << 20;
            assertEquals(b.peerWorkingSet().bytes(), K64 + 3 * Math.ceilDiv(b.array("ex").bytes(), mib) * mib);
        }

        @Test
        void bfsHasTheInputFilesNodesAndAboutItsEdges() {
            Benchmark b = Catalogue.named("bfs");
            assertEquals(8L * 261_444, b.array("graph_nodes").bytes());
            long edges = b.array("graph_edges").bytes() / 4;
            assertTrue(Math.abs(edges - 1_568_420) < 1_568_420 / 200, "graphgen's 2..4 undirected edges a node: " + edges);
            assertEquals(b.peerWorkingSet().bytes(), rounded64k(b, "graph_nodes", "graph_mask", "updating_graph_mask",
                    "graph_visited", "cost") + Math.ceilDiv(4L * 1_568_420, K64) * K64);
        }
    }

    @Nested
    class KernelOrder {

        static List<String> kernels(String name) {
            return Catalogue.named(name).launches().stream().map(s -> s.launch().kernel()).toList();
        }

        @Test
        void hotspotSwapsSourceAndDestinationOverFourLaunches() {
            Benchmark b = Catalogue.named("hotspot");
            assertEquals(List.of("calculate_temp", "calculate_temp", "calculate_temp", "calculate_temp"),
                    kernels("hotspot"));
            List<Phase> ph = phases("hotspot");
            for (int l = 0; l < 4; l++) {
                Phase k = ph.get(1 + l);
                assertEquals(86 * 86, b.steps().get(1 + l).launch().grid().blocks());
                List<Access> a = accesses(k);
                String src = "MatrixTemp[" + (l % 2) + "]";
                String dst = "MatrixTemp[" + ((l + 1) % 2) + "]";
                // block (0, 0): rows 0..13 (blkY = -2), columns 0..13, temp then power per row
                assertEquals(new Access(b.array(src).offset(), 56, AccessType.READ), a.get(0));
                assertEquals(new Access(b.array("MatrixPower").offset(), 56, AccessType.READ), a.get(1));
                assertEquals(new Access(b.array(src).offset() + 4096, 56, AccessType.READ), a.get(2));
                Set<String> written = a.stream().filter(x -> x.type() == AccessType.WRITE)
                        .map(x -> arrayAt(b, x.offset())).collect(Collectors.toSet());
                assertEquals(Set.of(dst), written, "launch " + l + " writes only its destination");
                // every grid point is written once: 1024 rows of 1024 floats
                long bytes = a.stream().filter(x -> x.type() == AccessType.WRITE).mapToLong(Access::size).sum();
                assertEquals(4L * 1024 * 1024, bytes);
            }
        }

        @Test
        void nwFillsTheAntiDiagonalsUpThenDown() {
            Benchmark b = Catalogue.named("nw");
            List<Benchmark.Step> launches = b.launches();
            assertEquals(127, launches.size());
            for (int i = 0; i < 64; i++) {
                assertEquals("needle_cuda_shared_1", launches.get(i).launch().kernel());
                assertEquals(i + 1, launches.get(i).launch().grid().blocks(), "launch i has i blocks");
            }
            for (int i = 64; i < 127; i++) {
                assertEquals("needle_cuda_shared_2", launches.get(i).launch().kernel());
                assertEquals(127 - i, launches.get(i).launch().grid().blocks(), "63 down to 1 blocks");
            }
            long items = b.array("itemsets").offset();
            long ref = b.array("referrence").offset();
            List<Access> first = accesses(phases("nw").get(1));
            assertEquals(new Access(items, 4, AccessType.READ), first.get(0), "temp[0][0] = matrix_cuda[index_nw]");
            assertEquals(new Access(ref + 4 * (1025 + 1), 64, AccessType.READ), first.get(1), "ref row 1, cols 1..16");
            assertEquals(new Access(ref + 4 * (1025 + 1 + 1025), 64, AccessType.READ), first.get(2));
            List<Access> last = accesses(phases("nw").get(127));
            // the last tile (63, 63): shared_2 reads referrence first, then the corner; writes rows 1009..1024
            assertEquals(new Access(ref + 4 * (1025L * 16 * 63 + 16 * 63 + 1025 + 1), 64, AccessType.READ), last.get(0));
            assertEquals(new Access(items + 4 * (1025L * 1024 + 1009), 64, AccessType.WRITE), last.getLast());
            long writes = 0;
            for (Phase p : phases("nw").subList(1, 128)) {
                writes += accesses(p).stream().filter(x -> x.type() == AccessType.WRITE).mapToLong(Access::size).sum();
            }
            assertEquals(4L * 1024 * 1024, writes, "every tile's 16 rows of 16 ints written once");
        }

        @Test
        void pathfinderWalksTenWallRowsPerLaunch() {
            Benchmark b = Catalogue.named("pathfinder");
            assertEquals(20, b.launches().size());
            assertEquals(212, b.launches().getFirst().launch().grid().blocks(), "50000 / 236, rounded up");
            long wall = b.array("gpuWall").offset();
            List<Access> a = accesses(phases("pathfinder").get(1));
            // block 0: blkX = -10, so threads 10..255 load gpuSrc[0..245]
            assertEquals(new Access(b.array("gpuResult[0]").offset(), 4 * 246, AccessType.READ), a.get(0));
            long row = 4L * 50_000;
            List<Long> wallRows = a.stream().filter(x -> arrayAt(b, x.offset()).equals("gpuWall"))
                    .map(x -> (x.offset() - wall) / row).distinct().toList();
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), wallRows.stream().sorted().toList());
            List<Access> lastLaunch = accesses(phases("pathfinder").get(20));
            assertEquals(List.of(190L, 191L, 192L, 193L, 194L, 195L, 196L, 197L, 198L),
                    lastLaunch.stream().filter(x -> arrayAt(b, x.offset()).equals("gpuWall"))
                            .map(x -> (x.offset() - wall) / row).distinct().sorted().toList(),
                    "the last launch has 9 rows left");
            assertEquals("gpuResult[1]", arrayAt(b, a.stream().filter(x -> x.type() == AccessType.WRITE)
                    .findFirst().orElseThrow().offset()));
        }

        @Test
        void sradReadsTheRegionOfInterestBeforeEachPairOfKernels() {
            Benchmark b = Catalogue.named("srad");
            List<String> steps = b.steps().stream().map(s -> s.launch().kernel()).toList();
            List<String> expected = new ArrayList<>(List.of("init"));
            for (int i = 0; i < 4; i++) {
                expected.addAll(List.of("roi statistics", "srad_cuda_1", "srad_cuda_2"));
            }
            assertEquals(expected, steps);
            List<Access> roi = accesses(phases("srad").get(1));
            assertEquals(128, roi.size(), "128 rows of 512 B, each on its own 4 KiB page");
            assertTrue(roi.stream().allMatch(x -> x.size() == 512 && x.offset() % 4096 == 0));
            List<Access> k2 = accesses(phases("srad").get(3));
            assertEquals(4L << 20, k2.stream().filter(x -> x.type() == AccessType.WRITE).mapToLong(Access::size).sum(),
                    "srad_cuda_2 writes every pixel");
            List<Access> k1 = accesses(phases("srad").get(2));
            assertTrue(k1.stream().noneMatch(x -> x.type() != AccessType.READ), "srad_cuda_1 writes device memory only");
            // block (0, 0): index_n is out of range, index_s reads row 16, then the by == 0 branch reads row 0
            assertEquals(new Access(4 * 16 * 1024, 64, AccessType.READ), k1.get(0));
            assertEquals(new Access(0, 64, AccessType.READ), k1.get(1));
        }

        @Test
        void fdtdRunsItsThreeStepsFiveTimes() {
            Benchmark b = Catalogue.named("fdtd-2d");
            List<String> ks = kernels("fdtd-2d");
            assertEquals(15, ks.size());
            for (int t = 0; t < 5; t++) {
                assertEquals(List.of("fdtd_step1_kernel", "fdtd_step2_kernel", "fdtd_step3_kernel"),
                        ks.subList(3 * t, 3 * t + 3));
            }
            assertEquals(38 * 150, b.launches().getFirst().launch().grid().blocks());
            List<Access> s1 = accesses(phases("fdtd-2d").get(1 + 3 * 2)); // t = 2
            assertEquals(new Access(b.array("_fict_").offset() + 8, 4, AccessType.READ), s1.get(0), "_fict_[t]");
            assertEquals(new Access(b.array("ey").offset(), 128, AccessType.WRITE), s1.get(1));
            long ey = b.array("ey").offset();
            long hz = b.array("hz").offset();
            // row 1: ey, hz, hz one row up, then the write of ey
            assertEquals(List.of(new Access(ey + 4 * 1200, 128, AccessType.READ),
                    new Access(hz + 4 * 1200, 128, AccessType.READ), new Access(hz, 128, AccessType.READ),
                    new Access(ey + 4 * 1200, 128, AccessType.WRITE)), s1.subList(2, 6));
            List<Access> s3 = accesses(phases("fdtd-2d").get(3));
            assertEquals(new Access(b.array("ex").offset() + 4, 128, AccessType.READ), s3.get(1), "ex[i (NY + 1) + j + 1]");
        }

        @Test
        void backpropsKernelsTouchTheirOwnWeightMatrices() {
            Benchmark b = Catalogue.named("backprop");
            assertEquals(List.of("bpnn_layerforward_CUDA", "bpnn_adjust_weights_cuda"), b.kernels());
            assertEquals(8191, b.launches().getFirst().launch().grid().blocks());
            List<Phase> ph = phases("backprop");
            Set<String> forward = accesses(ph.get(1)).stream().map(x -> arrayAt(b, x.offset())).collect(Collectors.toSet());
            assertEquals(Set.of("input_units", "input_weights", "hidden_partial_sum"), forward);
            Set<String> adjust = accesses(ph.get(3)).stream().map(x -> arrayAt(b, x.offset())).collect(Collectors.toSet());
            assertEquals(Set.of("hidden_delta", "input_units", "input_weights2", "input_prev_weights"), adjust);
            List<Access> f = accesses(ph.get(1));
            assertEquals(new Access(b.array("input_units").offset() + 4, 64, AccessType.READ), f.get(0),
                    "input_cuda[HEIGHT * by + ty + 1]");
            assertEquals(new Access(b.array("input_weights").offset() + 4 * 18, 64, AccessType.READ), f.get(1),
                    "input_hidden_cuda[(hid + 1) * ty + tx + 1 + (hid + 1)]");
        }

        @Test
        void bfsAlternatesItsKernelsOverElevenLevels() {
            Benchmark b = Catalogue.named("bfs");
            List<String> ks = kernels("bfs");
            assertEquals(22, ks.size(), "11 levels, as the peer's note says");
            for (int i = 0; i < ks.size(); i++) {
                assertEquals(i % 2 == 0 ? "Kernel" : "Kernel2", ks.get(i));
            }
            List<Access> first = accesses(phases("bfs").get(1));
            assertEquals(new Access(b.array("graph_mask").offset(), 512, AccessType.READ), first.get(0));
            // the frontier is the source: clear its mask, read its node, then its edges
            int masks = 1; // block 0's 512 B of mask
            assertEquals(new Access(b.array("graph_mask").offset(), 1, AccessType.WRITE), first.get(masks));
            assertEquals(new Access(b.array("graph_nodes").offset(), 8, AccessType.READ), first.get(masks + 1));
            assertEquals("graph_edges", arrayAt(b, first.get(masks + 2).offset()));
            long maskReads = first.stream().filter(x -> x.type() == AccessType.READ
                    && arrayAt(b, x.offset()).equals("graph_mask")).mapToLong(Access::size).sum();
            assertEquals(261_444, maskReads, "every block reads its graph_mask");
            // every node is reached: Kernel2's updates over all levels set each visited flag once (the source's by the host)
            long visitedWrites = 0;
            for (int l = 1; l < 22; l += 2) {
                visitedWrites += accesses(phases("bfs").get(1 + l)).stream()
                        .filter(x -> x.type() == AccessType.WRITE && arrayAt(b, x.offset()).equals("graph_visited"))
                        .count();
            }
            assertTrue(visitedWrites > 261_444 * 0.98 && visitedWrites < 261_444, "reached: " + visitedWrites);
        }

        @Test
        void randomAccessUpdatesEveryHundredthThreadsRandomElement() {
            Benchmark b = Catalogue.named("ra");
            List<Access> a = accesses(phases("ra").get(1));
            assertEquals(3 * Math.ceilDiv(1 << 20, 100), a.size(), "x_id % 100 == 0: input, table, output each");
            long input = b.array("input").offset();
            for (int t = 0; t < a.size() / 3; t++) {
                assertEquals(new Access(input + 400L * t, 4, AccessType.READ), a.get(3 * t));
                assertEquals("table", arrayAt(b, a.get(3 * t + 1).offset()));
                assertEquals(a.get(3 * t + 1).offset() - b.array("table").offset(),
                        a.get(3 * t + 2).offset() - b.array("output").offset(), "output[t] = table[t] * in");
                assertEquals(AccessType.WRITE, a.get(3 * t + 2).type());
            }
            long pages = a.stream().filter(x -> arrayAt(b, x.offset()).equals("table")).map(x -> x.offset() >>> 12)
                    .distinct().count();
            assertTrue(pages > 1000, "random elements spread over the table's 1,024 pages: " + pages);
        }

        @Test
        void ssspInitialisesThenRelaxesFifteenRounds() {
            Benchmark b = Catalogue.named("sssp");
            List<String> ks = kernels("sssp");
            assertEquals(31, ks.size(), "1 + 2 x MAX_ITERATION, as the peer's note says");
            assertEquals("initializeArrays", ks.getFirst());
            for (int i = 1; i < 31; i++) {
                assertEquals(i % 2 == 1 ? "Kernel1" : "Kernel2", ks.get(i));
            }
            List<Access> k1 = accesses(phases("sssp").get(2));
            assertEquals(List.of(new Access(b.array("vertexArray").offset(), 8, AccessType.READ),
                    new Access(b.array("edgeArray").offset(), 4, AccessType.READ),
                    new Access(b.array("h_shortestDistancesGPU").offset(), 4, AccessType.READ),
                    new Access(b.array("weightArray").offset(), 4, AccessType.READ)), k1.subList(0, 4),
                    "the source relaxes its first edge");
            assertEquals(AccessType.ATOMIC, k1.get(4).type());
            assertEquals("d_updatingShortestDistances", arrayAt(b, k1.get(4).offset()));
            long later = accesses(phases("sssp").get(2 + 2 * 14)).size();
            assertTrue(later > 1000 * k1.size(), "the frontier grows: " + k1.size() + " then " + later);
        }
    }
}
