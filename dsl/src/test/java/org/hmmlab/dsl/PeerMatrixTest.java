package org.hmmlab.dsl;

import static org.hmmlab.dsl.Lab.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.hmmlab.dsl.results.Table;
import org.junit.jupiter.api.Test;

/**
 * The peer's ISCA'19 matrix: its cells follow the configurations the peer's output logs record
 * ({@code benchmarks/Results/Eviction_Prefetcher_Interplay/output_logs/}), and its rows carry the timed run beside the
 * peer's accounting.
 */
class PeerMatrixTest {

    @Test
    void theCellsAreThePeersConfigurations() {
        PeerMatrix m = peerMatrix();
        assertEquals(7 * 21, m.cells().size());
        List<PeerMatrix.Cell> nw = peerMatrix().benchmarks("nw").cells();
        assertEquals(21, nw.size());
        assertEquals(List.of("prefetchers", "oversubscription", "eviction", "pairs", "large-page"),
                nw.stream().map(PeerMatrix.Cell::experiment).distinct().toList());
        // HWPrefetchers/: -hardware_prefetch 0, 3, 2, 1 with -eviction_policy 0 (LRU 2 MiB), no oversubscription
        assertEquals("first-touch + none + uvmsmart-lru(granularity=2 MiB) + none", nw.get(0).policy().label());
        assertEquals(1.0, nw.get(3).oversubscription());
        assertTrue(nw.get(3).policy().label().contains("tree-based-neighbourhood"), nw.get(3).policy().label());
        // Oversubscription/: -eviction_policy 5 (LRU 4 KiB), -hardware_prefetch 1, -hwprefetch_oversub 0
        PeerMatrix.Cell over = nw.get(4);
        assertEquals("lru-4k", over.config());
        assertEquals("first-touch + tree-based-neighbourhood(on_eviction=none) + uvmsmart-lru(granularity=4 KiB) + none",
                over.policy().label());
        assertEquals(List.of(1.10, 1.25, 1.50), nw.subList(4, 7).stream().map(PeerMatrix.Cell::oversubscription).toList());
        // EvictionPolicy_HWPrefetcher_Combo/Random_Random: -hwprefetch_oversub 3 (random after the first eviction)
        PeerMatrix.Cell pair = nw.stream().filter(c -> c.config().equals("random + random")).findFirst().orElseThrow();
        assertTrue(pair.policy().label().contains("on_eviction=random"), pair.policy().label());
        // device memory: the peer's working set over the ratio
        assertEquals(benchmark("nw").deviceMemoryAt(1.25), m.benchmarks("nw").scenario(nw.get(5)).platform().gpu().vram());
    }

    @Test
    void aRowHasTheTimedRunAndThePeersAccounting() {
        PeerMatrix m = peerMatrix().benchmarks("nw").parallelism(2);
        Table t = m.run();
        assertEquals(21, t.rowCount());
        assertEquals(List.of("experiment", "benchmark", "config", "oversubscription_pct", "vram_bytes", "status",
                "sim_time_ns", "far_faults", "pages_to_device", "evictions", "bytes_to_device", "bytes_to_host",
                "pcie_GBps", "kernel_time_ns", "peer_time_ns", "peer_over_timed", "host_time_ns"), t.columnNames());
        long kernel = m.kernelTime("nw").nanos();
        for (int i = 0; i < t.rowCount(); i++) {
            if (!t.get(i, "status").equals("ok")) {
                continue;
            }
            assertEquals(kernel, t.get(i, "kernel_time_ns"));
            assertEquals(kernel + 45_000L * (Long) t.get(i, "far_faults"), t.get(i, "peer_time_ns"),
                    "kernel time + far faults x 45 us");
        }
        // the prefetchers cut far faults in the order the paper reports: on demand > random > SL > tree-based
        List<Long> faults = List.of((Long) t.get(0, "far_faults"), (Long) t.get(1, "far_faults"),
                (Long) t.get(2, "far_faults"), (Long) t.get(3, "far_faults"));
        assertTrue(faults.get(0) > faults.get(1) && faults.get(1) > faults.get(2) && faults.get(2) > faults.get(3),
                faults.toString());
        // more oversubscription, more evictions (LRU 4 KiB at 110, 125, 150 %)
        assertTrue((Long) t.get(4, "evictions") < (Long) t.get(5, "evictions")
                && (Long) t.get(5, "evictions") < (Long) t.get(6, "evictions"));
        // LRU 4 KiB at 110 % is in three experiments: run once, the same row each time
        for (String c : t.columnNames().subList(4, t.columnNames().size() - 1)) {
            assertEquals(t.get(4, c), t.get(7, c), c);
        }
    }

    @Test
    void theResidencyModelGivesTheSameFarFaultsOnEveryRunOfIt() {
        PeerMatrix m = peerMatrix().benchmarks("srad").engine(RESIDENCY_MODEL);
        Table a = m.run();
        Table b = m.parallelism(1).run();
        assertEquals(a.select("far_faults", "evictions", "pages_to_device").toCsv(),
                b.select("far_faults", "evictions", "pages_to_device").toCsv(), "same seed, same counts, any threads");
        assertTrue((Long) a.get(0, "far_faults") > (Long) a.get(3, "far_faults"));
    }

    @Test
    void badInputIsRefusedNamingTheParameter() {
        assertEquals("farFault(latency): latency must be in [1 ns, 10 ms], got 0 ns", assertThrows(
                IllegalArgumentException.class, () -> peerMatrix().farFault(ns(0))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> peerMatrix().benchmarks(new String[0]));
        assertThrows(IllegalArgumentException.class, () -> peerMatrix().parallelism(0));
    }
}
