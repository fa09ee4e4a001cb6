package org.hmmlab.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;
import org.hmmlab.run.Experiment;
import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.RunResult;
import org.hmmlab.platform.Platform;
import org.hmmlab.platform.Platforms;
import org.hmmlab.run.ResidencyModel;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Pattern;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The qualitative behaviours the unified-memory literature reports, on the timing layer's GPU model (an A100 on
 * PCIe Gen4 with its fault buffer, batching, copy engines and link) driven by this package's policies. Each test
 * cites its source in shared/reference/perf-figures.md; {@link PolicyBehaviourTest} checks the same on the
 * page-granular {@link ResidencyModel}.
 */
class PolicyTimingTest {

    static Platform a100(Bytes vram) {
        return Platforms.A100_PCIE4.withGpu(Platforms.A100_PCIE4.gpu().withVram(vram));
    }

    /** The CPU initialises the buffer (it starts in host memory), then {@code warps} warps run the pattern. */
    static Workload initThenGpu(Bytes size, Pattern pattern, long gpuAccesses, int warps) {
        return Workload.of(List.of(new Allocation("x", size)), List.of(
                Phase.cpu("init", "x", Patterns.sequential(), size, size.pagesCeil()).withWriteFraction(1),
                Phase.gpu("kernel", "x", pattern, size, gpuAccesses).withConcurrency(warps)));
    }

    static RunResult run(Bytes vram, Workload w, Supplier<MigrationPolicy> policy) {
        return Experiment.of(a100(vram), w, policy).withSeed(42).run();
    }

    /** Simulated duration of the last (GPU) phase. */
    static long kernelNanos(RunResult r) {
        return r.phases().get(r.phases().size() - 1).duration_ns();
    }

    @Nested
    class Prefetch {
        // perf-figures.md 3a (Allen & Ge SC'21, Fig. 14): prefetching cut sgemm's fault batches by 93 %; 3c: it sped
        // up Gauss-Seidel 3.39x and HPGMG 2.72x. 3a (Table 3): random access touches 233 VA blocks per batch with
        // 1.04 faults per block: nothing dense to prefetch.
        @Test
        void speedsUpASequentialStream() {
            Workload w = initThenGpu(Bytes.MiB(256), Patterns.sequential(), 8192, 8);
            RunResult off = run(Bytes.GiB(2), w, Policies::onDemand);
            RunResult on = run(Bytes.GiB(2), w, () -> Policies.onDemand().withPrefetcher(Policies.density()));
            assertEquals(off.count(Counter.PAGES_TO_DEVICE), on.count(Counter.PAGES_TO_DEVICE));
            assertTrue(on.count(Counter.FAULT_BATCHES) * 5 < off.count(Counter.FAULT_BATCHES),
                    "batches " + on.count(Counter.FAULT_BATCHES) + " vs " + off.count(Counter.FAULT_BATCHES));
            assertTrue(kernelNanos(on) * 2 < kernelNanos(off), kernelNanos(on) + " vs " + kernelNanos(off) + " ns");
        }

        @Test
        void doesNotSpeedUpUniformRandom() {
            Workload w = initThenGpu(Bytes.GiB(1), Patterns.uniformRandom(), 8192, 8);
            RunResult off = run(Bytes.GiB(2), w, Policies::onDemand);
            RunResult on = run(Bytes.GiB(2), w, () -> Policies.onDemand().withPrefetcher(Policies.density()));
            assertTrue(kernelNanos(on) * 10 > kernelNanos(off) * 9,
                    "no gain: " + kernelNanos(on) + " vs " + kernelNanos(off) + " ns");
            assertTrue(on.count(Counter.BYTES_TO_DEVICE) > 4 * off.count(Counter.BYTES_TO_DEVICE),
                    "it moves more bytes instead");
        }
    }

    @Nested
    class Oversubscription {
        static final Bytes VRAM = Bytes.MiB(32);

        // perf-figures.md 3a (Allen & Ge, Fig. 17) and section 2 (uvm_pmm_gpu.c): UVM's LRU orders 2 MiB root chunks
        // by allocation, "earliest allocated first", the cyclic worst case on a loop larger than memory; 3c
        // (ARIADNE): default UVM slows down 33.2x at 2x oversubscription.
        @Test
        void onALoopLargerThanMemoryUvmLruGetsNoReuseAndRandomDoes() {
            Workload loop = initThenGpu(Bytes.MiB(48), Patterns.sequential(), 4 * 12_288, 64);
            RunResult lru = run(VRAM, loop, Policies::onDemand);
            RunResult random = run(VRAM, loop, () -> Policies.onDemand().withEvictor(Policies.random(Bytes.MiB(2))));
            assertEquals(4 * 12_288, lru.count(Counter.PAGES_TO_DEVICE), "every page of every lap migrates");
            assertTrue(random.count(Counter.PAGES_TO_DEVICE) < lru.count(Counter.PAGES_TO_DEVICE) * 8 / 10);
            assertTrue(kernelNanos(random) < kernelNanos(lru));
        }

        // perf-figures.md 3c (ObservUVM: eviction informed by sampled accesses +34 %; HPE 1.34x over LRU) and 3a
        // (UVM's list ignores accesses): with a hot set, recency by access beats random, which beats allocation order.
        @Test
        void onAHotSetAccessOrderedLruBeatsRandomWhichBeatsAllocationOrder() {
            Workload hot = initThenGpu(Bytes.MiB(48), Patterns.hotSet(0.5, 0.9), 4 * 12_288, 64);
            long byAccess = run(VRAM, hot, () -> Policies.onDemand().withEvictor(Policies.lru(Bytes.MiB(2), true)))
                    .count(Counter.EVICTIONS);
            long random = run(VRAM, hot, () -> Policies.onDemand().withEvictor(Policies.random(Bytes.MiB(2))))
                    .count(Counter.EVICTIONS);
            long byAllocation = run(VRAM, hot, Policies::onDemand).count(Counter.EVICTIONS);
            assertTrue(byAccess < random && random < byAllocation,
                    "evictions: lru-by-access " + byAccess + ", random " + random + ", uvm lru " + byAllocation);
        }

        // The access a warp replays after its fault completes the page's insertion; it is not a re-reference, so the
        // evictor is not told of it (as in the residency model, where only an access that did not fault is a hit).
        // Reported as a hit, it promoted every SRRIP chunk on insertion (Jaleel et al. ISCA'10: insert at RRPV 2,
        // a hit sets 0), which made the insertion prediction irrelevant and cost SRRIP its scan resistance: on this
        // hot set, 2520 pages evicted at 4 KiB against the residency model's 1674. With one warp the two engines
        // run the same access sequence, so they now evict exactly as much.
        @Test
        void srripIsNotToldOfTheAccessThatFaultedAPageIn() {
            Workload hot = initThenGpu(Bytes.MiB(48), Patterns.hotSet(0.5, 0.9), 4 * 12_288, 1);
            for (Bytes chunk : new Bytes[] {Bytes.KiB(4), Bytes.KiB(64)}) {
                long[] byInsertion = new long[4];
                for (int insert : new int[] {2, 3}) {
                    Supplier<MigrationPolicy> srrip = () -> Policies.onDemand()
                            .withEvictor(new RripEvictor(chunk, insert, org.hmmlab.units.SimDuration.ZERO));
                    long timing = run(VRAM, hot, srrip).count(Counter.EVICTIONS);
                    long residency = new ResidencyModel(VRAM, srrip.get()).run(hot, 42).evictions();
                    assertEquals(residency, timing, chunk + " chunks, insertion at RRPV " + insert);
                    byInsertion[insert] = timing;
                }
                if (chunk.equals(Bytes.KiB(64))) {
                    assertTrue(byInsertion[2] != byInsertion[3], "the insertion prediction matters: " + byInsertion[2]);
                }
            }
            Workload wide = initThenGpu(Bytes.MiB(48), Patterns.hotSet(0.5, 0.9), 4 * 12_288, 64);
            long srrip = run(VRAM, wide, () -> Policies.onDemand().withEvictor(Policies.rrip(Bytes.KiB(64))))
                    .count(Counter.EVICTIONS);
            long random = run(VRAM, wide, () -> Policies.onDemand().withEvictor(Policies.random(Bytes.KiB(64))))
                    .count(Counter.EVICTIONS);
            assertTrue(srrip < random, "64 warps, 64 KiB chunks: srrip " + srrip + " against random " + random);
        }
    }

    // perf-figures.md section 2 (uvm_perf_access_counter_threshold = 256) versus section 3d (UVMSmart's 8): on a
    // sparse pattern a low threshold migrates barely used regions, a high one leaves them remote.
    @Test
    void lowAccessCounterThresholdMovesMoreBytesHighOneSendsMoreRemoteTraffic() {
        Workload sparse = initThenGpu(Bytes.MiB(64), Patterns.uniformRandom(), 20_000, 64);
        RunResult low = run(Bytes.GiB(1), sparse,
                () -> Policies.onDemand().withPlacement(Policies.accessCounters(8, Bytes.KiB(64))));
        RunResult high = run(Bytes.GiB(1), sparse,
                () -> Policies.onDemand().withPlacement(Policies.accessCounters(256, Bytes.KiB(64))));
        assertTrue(low.count(Counter.BYTES_TO_DEVICE) > high.count(Counter.BYTES_TO_DEVICE) + (16L << 20),
                "moved " + low.count(Counter.BYTES_TO_DEVICE) + " vs " + high.count(Counter.BYTES_TO_DEVICE));
        assertTrue(high.count(Counter.REMOTE_ACCESSES) * 10 > low.count(Counter.REMOTE_ACCESSES) * 12,
                "remote " + high.count(Counter.REMOTE_ACCESSES) + " vs " + low.count(Counter.REMOTE_ACCESSES));
    }

    @Nested
    class PingPong {
        // perf-figures.md section 2 (uvm_perf_thrashing.c: 3 events within 500 us, throttle 500 us, pin after 10
        // throttles): without mitigation the shared buffer migrates both ways every round; with it, the pages are
        // pinned in host memory and read remotely.
        static Workload pingPong(int rounds) {
            return Workload.pingPong("flags", Bytes.KiB(64), rounds, Patterns.sequential(), 16);
        }

        @Test
        void withoutMitigationEveryRoundMigrates() {
            for (int rounds : new int[] {20, 30}) {
                RunResult r = run(Bytes.GiB(1), pingPong(rounds), Policies::onDemand);
                assertEquals(16L * rounds, r.count(Counter.PAGES_TO_HOST));
                assertEquals(16L * (rounds - 1), r.count(Counter.PAGES_TO_DEVICE), "copied in every round but the first");
                assertEquals(16, r.count(Counter.PAGES_POPULATED_ON_DEVICE), "which populates them on the device");
                assertEquals(0, r.count(Counter.THRASHING_EVENTS));
            }
        }

        @Test
        void withThrashingMitigationBouncingStops() {
            Supplier<MigrationPolicy> uvm = () -> Policies.onDemand().withThrashing(Policies.thrashing());
            RunResult r20 = run(Bytes.GiB(1), pingPong(20), uvm);
            RunResult r30 = run(Bytes.GiB(1), pingPong(30), uvm);
            assertEquals(r20.count(Counter.PAGES_TO_DEVICE), r30.count(Counter.PAGES_TO_DEVICE),
                    "no migration in rounds 21 to 30");
            assertEquals(r20.count(Counter.PAGES_TO_HOST), r30.count(Counter.PAGES_TO_HOST));
            assertTrue(r30.count(Counter.REMOTE_ACCESSES) > r20.count(Counter.REMOTE_ACCESSES));
            assertTrue(r20.count(Counter.THRASHING_EVENTS) >= 16, "at least one pin per page");
            assertEquals(r20.count(Counter.THRASHING_EVENTS), r30.count(Counter.THRASHING_EVENTS), "then quiet");
        }

        // uvm_perf_prefetch.c: grow_fault_granularity_if_no_thrashing() grows a fault to its big page or block only
        // when no page there is thrashing, and uvm_perf_prefetch_get_hint_va_block() leaves thrashing pages out of
        // the faults that drive the prefetch tree and out of the prefetch mask. So with 64 KiB fault growth and the
        // density prefetcher on (uvmDefaults), the pinned pages stay pinned instead of riding along with a
        // neighbour's fault, and ping-pong stops as it does with on-demand paging.
        @Test
        void withUvmDefaultsPinnedPagesDoNotRideAlongWithTheirNeighbours() {
            for (Bytes size : new Bytes[] {Bytes.KiB(64), Bytes.KiB(256)}) {
                RunResult r20 = run(Bytes.GiB(1), Workload.pingPong("flags", size, 20, Patterns.sequential(),
                        size.pagesCeil()), Policies::uvmDefaults);
                RunResult r30 = run(Bytes.GiB(1), Workload.pingPong("flags", size, 30, Patterns.sequential(),
                        size.pagesCeil()), Policies::uvmDefaults);
                assertTrue(r20.count(Counter.THRASHING_EVENTS) >= size.pagesCeil(), "at least one pin per page");
                assertEquals(r20.count(Counter.PAGES_TO_DEVICE), r30.count(Counter.PAGES_TO_DEVICE),
                        size + ": no migration to the device in rounds 21 to 30");
                assertEquals(r20.count(Counter.PAGES_TO_HOST), r30.count(Counter.PAGES_TO_HOST),
                        size + ": no migration back in rounds 21 to 30");
                assertTrue(r30.count(Counter.REMOTE_ACCESSES) > r20.count(Counter.REMOTE_ACCESSES),
                        size + ": the pinned pages are read remotely");
                Supplier<MigrationPolicy> undetected = () -> Policies.uvmDefaults().withThrashing(ThrashingDetector.NONE);
                RunResult n20 = run(Bytes.GiB(1), Workload.pingPong("flags", size, 20, Patterns.sequential(),
                        size.pagesCeil()), undetected);
                RunResult n30 = run(Bytes.GiB(1), Workload.pingPong("flags", size, 30, Patterns.sequential(),
                        size.pagesCeil()), undetected);
                assertTrue(r30.simTime().nanos() - r20.simTime().nanos() < n30.simTime().nanos() - n20.simTime().nanos(),
                        size + ": once pinned, ten rounds cost less than ten rounds of migrating both ways");
            }
        }
    }

    @Test
    void sameSeedSameFingerprint() {
        Workload w = initThenGpu(Bytes.MiB(16), Patterns.zipf(0.9), 4_000, 32);
        Supplier<MigrationPolicy> p = () -> Policies.uvmDefaults().withEvictor(Policies.random(Bytes.KiB(64)));
        RunResult a = run(Bytes.MiB(8), w, p);
        assertTrue(a.count(Counter.EVICTIONS) > 0, "oversubscribed, so the seeded evictor is exercised");
        assertEquals(a.fingerprint(), run(Bytes.MiB(8), w, p).fingerprint());
    }

    @Nested
    class Hints {
        static final Bytes SIZE = Bytes.KiB(64);

        /** The CPU writes, the GPU reads, the CPU reads, the GPU reads, the CPU writes or reads, the GPU reads. */
        static Workload sharing(boolean finalCpuWrite) {
            Phase cpuInit = Phase.cpu("init", "x", Patterns.sequential(), SIZE, 16).withWriteFraction(1);
            Phase gpuRead = Phase.gpu("gpu-read", "x", Patterns.sequential(), SIZE, 16);
            Phase cpuRead = Phase.cpu("cpu-read", "x", Patterns.sequential(), SIZE, 16);
            return Workload.of(List.of(new Allocation("x", SIZE)), List.of(cpuInit, gpuRead, cpuRead, gpuRead,
                    cpuInit.withWriteFraction(finalCpuWrite ? 1 : 0), gpuRead));
        }

        /** The advice applied to the allocation, wherever the run placed it. */
        static Supplier<MigrationPolicy> advised(java.util.function.BiFunction<Long, Bytes, org.hmmlab.policy.Hints> h) {
            return () -> Policies.onDemand().withHints(h.apply(0L, Bytes.GiB(1024)));
        }

        // cudaMemAdvise(SetReadMostly) as UVM implements it (uvm_va_policy_t read_duplication): read faults copy the
        // page and keep the host copy, so CPU reads do not fault it back; a CPU write collapses the copies.
        @Test
        void readMostlyDuplicatesAndACpuWriteCollapses() {
            Supplier<MigrationPolicy> rm = advised((a, s) -> org.hmmlab.policy.Hints.none().readMostly(a, s));
            RunResult plain = run(Bytes.GiB(1), sharing(false), Policies::onDemand);
            RunResult reads = run(Bytes.GiB(1), sharing(false), rm);
            RunResult write = run(Bytes.GiB(1), sharing(true), rm);
            assertEquals(48, plain.count(Counter.PAGES_TO_DEVICE), "unadvised, every GPU phase migrates");
            assertEquals(16, reads.count(Counter.PAGES_TO_DEVICE), "duplicated once");
            assertEquals(0, reads.count(Counter.PAGES_TO_HOST), "CPU reads use the host copy");
            assertEquals(32, write.count(Counter.PAGES_TO_DEVICE), "the CPU write invalidated the copies");
            assertEquals(0, write.count(Counter.PAGES_TO_HOST), "invalidation copies nothing back");
        }

        @Test
        void aGpuWriteCollapsesTheDuplicateWithoutCopyingAgain() {
            Phase cpuInit = Phase.cpu("init", "x", Patterns.sequential(), SIZE, 16).withWriteFraction(1);
            Phase gpuRead = Phase.gpu("gpu-read", "x", Patterns.sequential(), SIZE, 16);
            Workload w = Workload.of(List.of(new Allocation("x", SIZE)),
                    List.of(cpuInit, gpuRead, gpuRead.withWriteFraction(1), gpuRead));
            RunResult r = run(Bytes.GiB(1), w,
                    advised((a, s) -> org.hmmlab.policy.Hints.none().readMostly(a, s)));
            assertEquals(16L << 12, r.count(Counter.BYTES_TO_DEVICE), "one copy: the collapse reuses it");
            assertEquals(32, r.count(Counter.FAULTS), "16 read faults, then 16 write faults; the last reads hit");
        }

        // cudaMemAdvise(SetPreferredLocation, cpu) and SetAccessedBy: the GPU maps host memory and reads remotely.
        @Test
        void preferredHostAndAccessedByKeepTheDataInHostMemory() {
            for (Supplier<MigrationPolicy> p : List.of(
                    advised((a, s) -> org.hmmlab.policy.Hints.none().preferredLocation(a, s, Location.HOST)),
                    advised((a, s) -> org.hmmlab.policy.Hints.none().accessedBy(a, s, 0)))) {
                RunResult r = run(Bytes.GiB(1), sharing(true), p);
                assertEquals(0, r.count(Counter.PAGES_TO_DEVICE));
                assertEquals(0, r.count(Counter.PAGES_TO_HOST));
                assertEquals(48, r.count(Counter.REMOTE_ACCESSES));
            }
        }
    }
}
