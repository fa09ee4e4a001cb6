package org.hmmlab.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.hmmlab.driver.uvm.VaBlockFirstTouch;
import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.RunResult;
import org.hmmlab.metrics.Stage;
import org.hmmlab.pcie.PcieLinkConfig;
import org.hmmlab.platform.GpuProfile;
import org.hmmlab.platform.HostProfile;
import org.hmmlab.platform.Platform;
import org.hmmlab.platform.Platforms;
import org.hmmlab.policy.Decision;
import org.hmmlab.run.Experiment;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class GpuTest {

    static final Platform A100 = Platforms.A100_PCIE4;
    static final HostProfile H = A100.host();
    static final GpuProfile G = A100.gpu();
    static final PcieLinkConfig L = A100.link();

    static Workload gpuOnly(Bytes size, long work, int warps) {
        return Workload.of(List.of(new Allocation("x", size)),
                List.of(Phase.gpu("k", "x", Patterns.sequential(), size, work).withConcurrency(warps)));
    }

    static long wire(long bytes) {
        return Math.ceilDiv(bytes * 1_000_000_000L, L.tlpBandwidth().bytesPerSecond());
    }

    @Nested
    class ReplayableFaultBuffer {

        @Test
        void oneFaultOnAnUntouchedPageCostsTheSumOfItsStages() {
            // 1 warp, 1 access to a page nobody touched: migrate_vma allocates a zeroed device page, no copy
            RunResult r = Experiment.of(A100, gpuOnly(Bytes.PAGE, 1, 1),
                    () -> TestPolicies.migrate(Decision.MIGRATE_PAGE)).run();
            long walk = G.pageWalkLatency().nanos();
            long faultAt = walk; // the TLB miss walks, finds no valid entry, faults
            long service = H.faultEntry().nanos() + H.batchOverhead().nanos() + H.perFaultOverhead().nanos()
                    + H.rangeFaultWalk().nanos() + H.rangeFaultPerPage().nanos() + H.blockOverhead().nanos()
                    + H.populatePerPage().nanos() + H.dmaMapPerPage().nanos()
                    + H.pteUpdatePerPage().nanos() + H.ptePushOverhead().nanos()
                    // the run's first fault in a VA block: block, GPU state, page tables, the 2 MiB split, a chunk
                    // from a fresh PMA batch, zeroing the one page it holds (VaBlockFirstTouch)
                    + VaBlockFirstTouch.firstFaultOfRunExtraNanos(H, G, 1);
            long replayAt = faultAt + G.faultReport().nanos() + service + G.replayLatency().nanos();
            assertEquals(1, r.faults().total().count());
            assertEquals(replayAt - faultAt, r.faults().total().total().nanos());
            // after the replay: the walk again, then device memory
            long accessEnd = replayAt + walk + G.localLatency().nanos();
            assertEquals(accessEnd, r.simTime().nanos());
            assertEquals(1, r.count(Counter.FAULTS));
            assertEquals(1, r.count(Counter.FAULT_BATCHES));
            assertEquals(0, r.count(Counter.PAGES_TO_DEVICE), "nothing copied: the page was never populated");
            assertEquals(1, r.count(Counter.PAGES_POPULATED_ON_DEVICE));
            assertEquals(0, r.count(Counter.BYTES_TO_DEVICE));
            assertEquals((double) (H.rangeFaultWalk().nanos() + H.rangeFaultPerPage().nanos()),
                    r.faults().meanNanosPerFault().get(Stage.RANGE_FAULT));
        }

        @Test
        void migratingAHostPageWaitsForTheCopyOverTheLink() {
            Workload w = Workload.of(List.of(new Allocation("x", Bytes.PAGE)),
                    List.of(Phase.cpu("init", "x", Patterns.sequential(), Bytes.PAGE, 1).withWriteFraction(1),
                            Phase.gpu("k", "x", Patterns.sequential(), Bytes.PAGE, 1)));
            RunResult r = Experiment.of(A100, w, () -> TestPolicies.migrate(Decision.MIGRATE_PAGE)).run();
            long cpuEnd = r.phases().get(0).end_ns();
            long faultAt = cpuEnd + G.pageWalkLatency().nanos();
            long start = faultAt + G.faultReport().nanos() + H.faultEntry().nanos();
            long copyAt = start + H.batchOverhead().nanos() + H.perFaultOverhead().nanos()
                    + H.rangeFaultWalk().nanos() + H.rangeFaultPerPage().nanos() + H.blockOverhead().nanos()
                    + H.populatePerPage().nanos() + H.dmaMapPerPage().nanos() + H.tlbShootdown().nanos()
                    + VaBlockFirstTouch.firstFaultOfRunExtraNanos(H, G, 0); // the CPU wrote it: nothing to zero
            long cpuDone = copyAt + H.pteUpdatePerPage().nanos() + H.ptePushOverhead().nanos();
            long copyDone = copyAt + G.copySetup().nanos() + L.roundTripLatency().nanos()
                    + wire(L.readCompletionWireBytes(4096));
            long replayAt = Math.max(cpuDone, copyDone) + G.replayLatency().nanos();
            assertEquals(replayAt - faultAt, r.faults().total().total().nanos());
            assertEquals(4096, r.count(Counter.BYTES_TO_DEVICE));
            assertEquals(1, r.count(Counter.TLB_SHOOTDOWNS));
        }

        @Test
        void faultsOnOnePageFromManyWarpsAreMergedPerMicroTlbAndDeduplicatedInOneBatch() {
            // 64 warps each read the same 4 KiB page once. They form 8 blocks of 8 warps on 8 SMs: each SM's
            // micro-TLB reports the page once and holds its other 7 warps on that outstanding fault; the host sees
            // 8 entries for one page and merges them (nvidia-uvm's uvm_perf_fault_coalesce: one unique fault,
            // 7 duplicates). Every warp still waited for the fault, so 64 fault latencies are recorded.
            Workload w = Workload.of(List.of(new Allocation("x", Bytes.PAGE)),
                    List.of(Phase.gpu("k", "x", Patterns.sequential(), Bytes.PAGE, 64).withConcurrency(64)
                            .withAccessSize(Bytes.of(64))));
            RunResult r = Experiment.of(A100, w, () -> TestPolicies.migrate(Decision.MIGRATE_PAGE)).run();
            assertEquals(1, r.count(Counter.FAULT_BATCHES));
            assertEquals(8, r.count(Counter.FAULTS));
            assertEquals(56, r.count(Counter.UTLB_MERGED_FAULTS));
            assertEquals(7, r.count(Counter.DUPLICATE_FAULTS));
            assertEquals(1, r.count(Counter.FAULTS_SERVICED));
            assertEquals(1, r.count(Counter.VA_BLOCKS_SERVICED));
            assertEquals(1, r.count(Counter.PAGES_POPULATED_ON_DEVICE));
            assertEquals(64, r.faults().total().count());
            assertEquals(1, r.count(Counter.REPLAYS));
        }

        @Test
        void distinctPagesAreNeverMergedWhicheverSmFaultsThem() {
            // 8 warps of one block share SM 0's micro-TLB, each reading its own page: 8 entries, none merged.
            // 64 warps over 8 SMs, one page each: 64 entries, 64 unique faults, no duplicate.
            Workload one = Workload.of(List.of(new Allocation("x", Bytes.KiB(32))),
                    List.of(Phase.gpu("k", "x", Patterns.sequential(), Bytes.KiB(32), 8).withConcurrency(8)));
            RunResult r = Experiment.of(A100, one, () -> TestPolicies.migrate(Decision.MIGRATE_PAGE)).run();
            assertEquals(8, r.count(Counter.FAULTS));
            assertEquals(0, r.count(Counter.UTLB_MERGED_FAULTS));
            assertEquals(8, r.count(Counter.FAULTS_SERVICED));
            Workload spread = Workload.of(List.of(new Allocation("x", Bytes.KiB(256))),
                    List.of(Phase.gpu("k", "x", Patterns.sequential(), Bytes.KiB(256), 64).withConcurrency(64)));
            RunResult s = Experiment.of(A100, spread, () -> TestPolicies.migrate(Decision.MIGRATE_PAGE)).run();
            assertEquals(64, s.count(Counter.FAULTS));
            assertEquals(64, s.count(Counter.FAULTS_SERVICED));
            assertEquals(0, s.count(Counter.DUPLICATE_FAULTS));
        }

        @Test
        void aSecondPassOverResidentDataRunsAtDeviceMemoryBandwidth() {
            Bytes size = Bytes.MiB(64);
            long work = size.bytes() / 4096;
            Workload w = Workload.of(List.of(new Allocation("x", size)),
                    List.of(Phase.gpu("fault-in", "x", Patterns.sequential(), size, work).withConcurrency(1024),
                            Phase.gpu("hit", "x", Patterns.sequential(), size, work).withConcurrency(1024)));
            RunResult r = Experiment.of(A100, w, () -> TestPolicies.migrate(Decision.MIGRATE_BLOCK)).run();
            long second = r.phases().get(1).duration_ns();
            double ideal = size.bytes() / (G.localBandwidth().bytesPerSecond() / 1e9);
            assertTrue(second >= ideal && second < ideal * 1.05 + 2_000, second + " ns vs ideal " + ideal);
            assertEquals(size.bytes() / 4096, r.count(Counter.PAGES_POPULATED_ON_DEVICE));
            assertEquals(2 * work, r.count(Counter.ACCESSES));
        }

        @Test
        void latencyBoundWarpsOverlapInsteadOfQueueingBehindEachOther() {
            // W warps each load 128 B from one resident page 100 times, one load after the other: 100 x (TLB hit +
            // device-memory latency) per warp, while the bytes (W x 12.8 KB) are far below what HBM moves meanwhile.
            // The phase takes the same time whatever W: warps simulated one after another within a quantum must not
            // queue behind the later accesses of the warps simulated before them.
            long[] hit = new long[4];
            int[] warps = {1, 8, 32, 256};
            for (int k = 0; k < warps.length; k++) {
                Workload w = Workload.of(List.of(new Allocation("x", Bytes.PAGE)),
                        List.of(Phase.gpu("warm", "x", Patterns.sequential(), Bytes.PAGE, 1),
                                Phase.gpu("hit", "x", Patterns.sequential(), Bytes.PAGE, 100L * warps[k])
                                        .withAccessSize(Bytes.of(128)).withConcurrency(warps[k])));
                RunResult r = Experiment.of(A100, w, () -> TestPolicies.migrate(Decision.MIGRATE_PAGE)).run();
                hit[k] = r.phases().get(1).duration_ns();
            }
            long ideal = 100 * (G.tlbHitLatency().nanos() + G.localLatency().nanos());
            for (int k = 0; k < warps.length; k++) {
                assertTrue(hit[k] >= ideal && hit[k] < ideal * 1.1, warps[k] + " warps: " + hit[k] + " ns vs " + ideal);
            }
        }

        @Test
        void whenDeviceMemoryIsFullTheEvictorMakesRoom() {
            Bytes size = Bytes.MiB(16);
            Platform small = A100.withGpu(G.withVram(Bytes.MiB(4)));
            RunResult r = Experiment.of(small, gpuOnly(size, size.bytes() / 4096, 256),
                    () -> TestPolicies.migrate(Decision.MIGRATE_BLOCK)).run();
            assertEquals(4096, r.count(Counter.PAGES_POPULATED_ON_DEVICE));
            assertEquals(4096 - 1024, r.count(Counter.EVICTIONS));
            // evicted device pages carry data (the device may have written them): each is copied back
            assertEquals(r.count(Counter.EVICTIONS) * 4096, r.count(Counter.BYTES_TO_HOST));
            assertEquals(r.count(Counter.BYTES_TO_HOST), r.deviceToHost().totalBytes(), 1e-3);
        }

        @Test
        void anAccessSpanningPagesFaultsOnEveryPageItTouches() {
            // one warp, one 64 KiB access: sixteen pages, each translated and faulted in
            Workload w = Workload.of(List.of(new Allocation("x", Bytes.KiB(64))),
                    List.of(Phase.gpu("k", "x", Patterns.sequential(), Bytes.KiB(64), 1).withConcurrency(1)
                            .withAccessSize(Bytes.KiB(64))));
            RunResult r = Experiment.of(A100, w, () -> TestPolicies.migrate(Decision.MIGRATE_PAGE)).run();
            assertEquals(16, r.count(Counter.PAGES_POPULATED_ON_DEVICE));
            assertEquals(16, r.faults().total().count());
            assertEquals(16, r.count(Counter.ACCESSES));
        }

        @Test
        void aMappedHostPageIsReadRemotelyOverTheLink() {
            RunResult r = Experiment.of(A100, gpuOnly(Bytes.KiB(64), 16, 1), TestPolicies::remote).run();
            assertEquals(16, r.count(Counter.REMOTE_ACCESSES));
            assertEquals(16, r.count(Counter.ACCESSES), "a remote access is one access, counted once");
            assertEquals(0, r.count(Counter.PAGES_TO_DEVICE));
            assertEquals(16 * 4096, r.hostToDevice().totalBytes(), 1e-3);
        }

        // uvm_va_block_service_locked() writes a serviced block's PTEs after its work (the walk, hmm_range_fault, the
        // PTE updates), and the PTE writes are pushed at the end: a remote mapping is usable only from the moment the
        // service's CPU work is done, not from the decision at its start. 64 warps over 64 pages: every page's
        // mapping comes after its batch started plus the batch overhead, a walk and a PTE update, and no warp reads a
        // page remotely before it is mapped (its replay follows the mapping).
        @Test
        void aRemoteMappingIsUsableOnlyOnceTheServiceHasWrittenIt() {
            StringBuilder trace = new StringBuilder();
            Experiment.of(A100, gpuOnly(Bytes.KiB(256), 64, 64), TestPolicies::remote).withTrace(trace).run();
            TraceLog t = new TraceLog(trace);
            List<TraceLog.Event> batches = t.of("batch");
            List<TraceLog.Event> maps = t.of("map");
            assertEquals(64, maps.size(), "each page mapped once");
            long minimum = H.batchOverhead().nanos() + H.rangeFaultWalk().nanos() + H.pteUpdatePerPage().nanos();
            for (TraceLog.Event m : maps) {
                long batchStart = batches.stream().mapToLong(TraceLog.Event::time).filter(b -> b <= m.time()).max()
                        .orElseThrow();
                assertTrue(m.time() >= batchStart + minimum, "page mapped at " + m.time() + " ns, "
                        + (m.time() - batchStart) + " ns into its batch: before the service could have written it");
            }
            for (TraceLog.Event r : t.of("replay")) {
                TraceLog.Event m = t.mappedAtOrAfter(r.page(), 0);
                assertTrue(m != null && r.time() >= m.time(), "a warp replayed page " + r.page() + " at " + r.time()
                        + " ns, before its mapping");
            }
        }
    }

    @Nested
    class Mirroring {

        static Workload gpuReadsThenCpuWrites() {
            Bytes size = Bytes.KiB(64);
            return Workload.of(List.of(new Allocation("x", size)),
                    List.of(Phase.gpu("read", "x", Patterns.sequential(), size, 16).withConcurrency(4),
                            Phase.cpu("write", "x", Patterns.sequential(), size, 16).withWriteFraction(1),
                            Phase.gpu("read again", "x", Patterns.sequential(), size, 16).withConcurrency(4)));
        }

        @Test
        void aCpuWriteToTheZeroPageInvalidatesTheDeviceMirror() {
            // hmm_range_fault without REQ_WRITE maps the shared zero page; the CPU's first write replaces it
            // (do_wp_page), which the core announces as MMU_NOTIFY_CLEAR: the device must drop its entries
            StringBuilder trace = new StringBuilder();
            RunResult r = Experiment.of(A100, gpuReadsThenCpuWrites(), TestPolicies::remote).withTrace(trace).run();
            assertEquals(16, r.count(Counter.INVALIDATIONS));
            assertTrue(trace.toString().contains("\"reason\":\"clear\""), trace.toString());
            // the second GPU pass faults again on every page: 16 + 16
            assertEquals(32, r.faults().total().count());
        }
    }

    @Nested
    class HostFaults {

        @Test
        void aCpuTouchBringsADevicePageBack() {
            Bytes size = Bytes.MiB(2);
            long work = size.bytes() / 4096;
            Workload w = Workload.of(List.of(new Allocation("x", size)),
                    List.of(Phase.cpu("init", "x", Patterns.sequential(), size, work).withWriteFraction(1),
                            Phase.gpu("k", "x", Patterns.sequential(), size, work).withConcurrency(64),
                            Phase.cpu("check", "x", Patterns.sequential(), size, work)));
            RunResult r = Experiment.of(A100, w, () -> TestPolicies.migrate(Decision.MIGRATE_PAGE)).run();
            assertEquals(512, r.count(Counter.PAGES_TO_DEVICE));
            assertEquals(512, r.count(Counter.PAGES_TO_HOST));
            assertEquals(2 * size.bytes(), r.count(Counter.BYTES_TO_DEVICE) + r.count(Counter.BYTES_TO_HOST));
        }
        @Test
        void aCpuFaultTellsThePolicyOnlyOfThePagesThatCameBack() {
            // the GPU touches the first half of a 2 MiB block, then the CPU reads all of it: the host fault's region
            // spans the block, but only the 256 device pages move (migrate_vma_setup collects device-private
            // entries only), and the evictor's residency must hear of those 256, not of 512
            Bytes size = Bytes.MiB(2);
            long half = size.bytes() / 4096 / 2;
            long[] toHost = new long[1];
            Workload w = Workload.of(List.of(new Allocation("x", size)),
                    List.of(Phase.cpu("init", "x", Patterns.sequential(), size, 2 * half).withWriteFraction(1),
                            Phase.gpu("k", "x", Patterns.sequential(), Bytes.MiB(1), half).withConcurrency(64),
                            Phase.cpu("check", "x", Patterns.sequential(), size, 2 * half)));
            RunResult r = Experiment.of(A100, w, () -> {
                org.hmmlab.policy.Evictor lru = org.hmmlab.policy.Policies.lru();
                org.hmmlab.policy.Evictor recording = new org.hmmlab.policy.Evictor() {
                    public long chunkPages() {
                        return lru.chunkPages();
                    }

                    public long pickVictim(int gpu, long nowNanos) {
                        return lru.pickVictim(gpu, nowNanos);
                    }

                    public String name() {
                        return "recording " + lru.name();
                    }

                    public void onMigrated(long firstPage, long pages, int from, int to,
                                           org.hmmlab.policy.MigrationCause cause, long nowNanos) {
                        if (cause == org.hmmlab.policy.MigrationCause.HOST_FAULT) {
                            toHost[0] += pages;
                        }
                        lru.onMigrated(firstPage, pages, from, to, cause, nowNanos);
                    }
                };
                return org.hmmlab.policy.Policies.uvmDefaults().withPrefetcher(org.hmmlab.policy.Prefetcher.NONE)
                        .withEvictor(recording);
            }).run();
            assertEquals(half, r.count(Counter.PAGES_TO_HOST));
            assertEquals(half, toHost[0]);
        }
    }

    @Nested
    class AtsPri {

        @Test
        void aPageRequestTakesTheSeedsFourSteps() {
            RunResult r = Experiment.of(A100, gpuOnly(Bytes.PAGE, 1, 1), TestPolicies::remote)
                    .withFaultPath(FaultPath.ATS_PRI).run();
            long half = L.oneWayLatency().nanos();
            long translate = wire(24) + half + H.iommuWalk().nanos() + wire(12 + 8 + 8) + half;
            long pageRequest = wire(24) + half;
            long service = H.priDispatch().nanos() + H.perFaultOverhead().nanos() + H.rangeFaultWalk().nanos()
                    + H.rangeFaultPerPage().nanos() + H.populatePerPage().nanos() + H.pteUpdatePerPage().nanos()
                    + H.ptePushOverhead().nanos();
            long response = wire(24) + half;
            long fault = translate + pageRequest + service + response;
            assertEquals(fault, r.faults().total().total().nanos());
            // then the retried translation succeeds and the data comes over the link
            long retry = translate + G.tlbHitLatency().nanos() + L.roundTripLatency().nanos()
                    + wire(L.readCompletionWireBytes(4096));
            assertEquals(fault + retry, r.simTime().nanos());
            assertEquals(1, r.count(Counter.PRI_REQUESTS));
            assertEquals(2, r.count(Counter.ATS_TRANSLATIONS));
        }
    }

    @Nested
    class Cancelling {

        @Test
        void aCancelledTokenStopsTheRun() {
            org.hmmlab.sim.CancellationToken token = new org.hmmlab.sim.CancellationToken();
            token.cancel();
            Experiment e = Experiment.of(A100, gpuOnly(Bytes.MiB(4), 1024, 64), TestPolicies::remote)
                    .withCancellation(token);
            org.junit.jupiter.api.Assertions.assertThrows(org.hmmlab.sim.SimulationCancelledException.class, e::run);
        }

        @Test
        void aTokenNobodyCancelsChangesNothing() {
            Experiment e = Experiment.of(A100, gpuOnly(Bytes.MiB(1), 64, 64), TestPolicies::remote);
            assertEquals(e.run().fingerprint(),
                    e.withCancellation(new org.hmmlab.sim.CancellationToken()).run().fingerprint());
        }
    }

    @Nested
    class AtsPriWithMigration {

        @Test
        void aPageRequestCanMigrateThePageAndLaterAccessesStayLocal() {
            RunResult r = Experiment.of(A100, gpuOnly(Bytes.KiB(64), 64, 1),
                    () -> TestPolicies.migrate(Decision.MIGRATE_BIG_PAGE)).withFaultPath(FaultPath.ATS_PRI).run();
            assertEquals(1, r.count(Counter.PRI_REQUESTS));
            assertEquals(16, r.count(Counter.PAGES_POPULATED_ON_DEVICE));
            assertEquals(0, r.count(Counter.REMOTE_ACCESSES));
            assertEquals(64, r.count(Counter.ACCESSES));
        }

        @Test
        void aCpuWriteUnderAnAtsMappingCostsAnInvalidationRoundTripOnTheLink() {
            RunResult r = Experiment.of(A100, Mirroring.gpuReadsThenCpuWrites(), TestPolicies::remote)
                    .withFaultPath(FaultPath.ATS_PRI).run();
            assertEquals(16, r.count(Counter.INVALIDATIONS));
            // each ATS invalidation sends a request with 8 bytes of data down and a completion up
            assertTrue(r.phases().get(1).duration_ns() > 16 * L.roundTripLatency().nanos(),
                    "CPU phase " + r.phases().get(1).duration_ns() + " ns");
        }
    }

    @Nested
    class Determinism {

        static Workload random() {
            Bytes size = Bytes.MiB(32);
            return Workload.of(List.of(new Allocation("x", size)),
                    List.of(Phase.gpu("k", "x", Patterns.uniformRandom(), size, 20_000).withConcurrency(512)
                            .withWriteFraction(0.3)));
        }

        @Test
        void theSameSeedGivesTheSameResultBitForBit() {
            StringBuilder t1 = new StringBuilder();
            StringBuilder t2 = new StringBuilder();
            Experiment e = Experiment.of(A100.withGpu(G.withVram(Bytes.MiB(8))), random(),
                    () -> TestPolicies.migrate(Decision.MIGRATE_BIG_PAGE)).withSeed(7);
            RunResult a = e.withTrace(t1).run();
            RunResult b = e.withTrace(t2).run();
            assertEquals(a.fingerprint(), b.fingerprint());
            assertEquals(t1.toString(), t2.toString());
            assertTrue(t1.length() > 1000);
            RunResult c = e.withSeed(8).run();
            assertNotEquals(a.fingerprint(), c.fingerprint());
        }

        @Test
        void bothFaultPathsAreDeterministic() {
            Experiment e = Experiment.of(A100, random(), TestPolicies::remote).withFaultPath(FaultPath.ATS_PRI);
            assertEquals(e.run().fingerprint(), e.run().fingerprint());
        }
    }
}
