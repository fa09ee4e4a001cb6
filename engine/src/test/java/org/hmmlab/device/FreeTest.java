package org.hmmlab.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.hmmlab.hostmm.MmHostMemory;
import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.ResidencySeries;
import org.hmmlab.metrics.RunResult;
import org.hmmlab.mm.Mman;
import org.hmmlab.mm.Pte;
import org.hmmlab.platform.Platform;
import org.hmmlab.platform.Platforms;
import org.hmmlab.policy.Decision;
import org.hmmlab.policy.MigrationPolicy;
import org.hmmlab.policy.Policies;
import org.hmmlab.run.Experiment;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Freeing an allocation between phases. The kernel behaviour checked: munmap(2) sends one MMU_NOTIFY_UNMAP
 * invalidation over the range (mmu_notifier_invalidate_range_start() in do_vmi_munmap()), the mirroring driver
 * drops its device mappings, and the zap frees device-private pages back to their device through the pagemap's
 * page_free (mm/memremap.c; lib/test_hmm.c dmirror_devmem_free) without migrating their data back: a freed buffer
 * leaves device memory, and nothing crosses the link to the host.
 */
class FreeTest {

    static final Platform A100 = Platforms.A100_PCIE4;
    static final Bytes TMP = Bytes.MiB(16);
    static final Bytes X = Bytes.MiB(8);

    static Phase gpuWrites(String name, String allocation, Bytes size) {
        return Phase.gpu(name, allocation, Patterns.sequential(), size, size.bytes() / 4096).withConcurrency(256)
                .withWriteFraction(1);
    }

    /** The GPU fills tmp, then uses x; {@code free} says whether tmp is freed in between. */
    static Workload tmpThenX(boolean free) {
        Workload w = Workload.of(List.of(new Allocation("tmp", TMP), new Allocation("x", X)),
                List.of(gpuWrites("fill-tmp", "tmp", TMP), gpuWrites("use-x", "x", X)));
        return free ? w.withFree("tmp", 1) : w;
    }

    static Experiment experiment(Workload w, Supplier<HostMemory> host) {
        return Experiment.of(A100, w, () -> TestPolicies.migrate(Decision.MIGRATE_BLOCK)).withHostMemory(host);
    }

    @ParameterizedTest
    @EnumSource(FaultPath.class)
    void freeingAFullyGpuResidentBufferEmptiesDeviceMemoryWithoutACopyBack(FaultPath path) {
        Workload fill = Workload.of(List.of(new Allocation("tmp", TMP)), List.of(gpuWrites("fill", "tmp", TMP)));
        RunResult kept = experiment(fill, MmHostMemory::new).withFaultPath(path).run();
        RunResult freed = experiment(fill.withFree("tmp", 1), MmHostMemory::new).withFaultPath(path).run();
        long pages = TMP.bytes() / 4096;
        assertEquals(pages, kept.deviceResidency().currentPages(), "the whole buffer is resident before the free");
        assertEquals(pages, freed.deviceResidency().peakPages());
        assertEquals(0, freed.deviceResidency().currentPages(), "munmap freed the device-private pages");
        ResidencySeries s = freed.deviceResidency();
        assertEquals(0, s.pages(s.size() - 1), "the last bucket shows the drop");
        // the data died with the mapping: nothing is migrated back (no migrate_to_ram, no eviction)
        assertEquals(0, freed.count(Counter.BYTES_TO_HOST));
        assertEquals(0, freed.count(Counter.PAGES_TO_HOST));
        assertEquals(kept.count(Counter.BYTES_TO_HOST), freed.count(Counter.BYTES_TO_HOST));
        assertEquals(0, freed.count(Counter.EVICTIONS));
        // the UNMAP invalidation is counted and charged like any other device TLB invalidation
        assertEquals(kept.count(Counter.INVALIDATIONS) + 1, freed.count(Counter.INVALIDATIONS));
        RunResult.PhaseTiming free = freed.phases().getLast();
        assertEquals("free tmp", free.name());
        assertEquals("cpu", free.agent());
        assertEquals(kept.phases().getLast().end_ns(), free.start_ns());
        long expected = path == FaultPath.ATS_PRI
                ? A100.link().roundTripLatency().nanos() + A100.gpu().atcInvalidate().nanos()
                : A100.gpu().atcInvalidate().nanos();
        assertEquals(expected, free.duration_ns());
        assertEquals(free.end_ns(), freed.simTime().nanos());
    }

    @Test
    void munmapReturnsTheDevicePrivateFramesAndRemovesTheMapping() {
        MmHostMemory mem = new MmHostMemory();
        Workload fill = Workload.of(List.of(new Allocation("tmp", TMP)), List.of(gpuWrites("fill", "tmp", TMP)));
        // run once without the free to learn which device frames the buffer gets; the run is deterministic
        MmHostMemory probe = new MmHostMemory();
        experiment(fill, () -> probe).run();
        long addr = probe.mm().vmas().getFirst().start();
        List<Long> devicePfns = new ArrayList<>();
        for (long a = addr; a < addr + TMP.bytes(); a += Mman.PAGE_SIZE) {
            long e = probe.mm().entry(a);
            assertTrue(Pte.isDevicePrivate(e), "page at 0x" + Long.toHexString(a) + " is on the device");
            devicePfns.add(Pte.pfn(e));
        }
        experiment(fill.withFree("tmp", 1), () -> mem).run();
        assertTrue(mem.mm().vmas().isEmpty(), "the VMA is gone");
        assertNull(mem.mm().findVma(addr));
        for (long pfn : devicePfns) {
            assertTrue(mem.mm().frames().isFree(pfn), "device frame " + pfn + " went back through page_free");
        }
        assertEquals(-14, mem.rangeFault(addr >>> Mman.PAGE_SHIFT, 1, false),
                "a device fault on the freed range gets -EFAULT (no VMA)");
    }

    @Test
    void aLaterAllocationFaultsAsIfTheFreedOneHadStayed() {
        RunResult kept = experiment(tmpThenX(false), MmHostMemory::new).run();
        RunResult freed = experiment(tmpThenX(true), MmHostMemory::new).run();
        assertEquals(kept.count(Counter.FAULTS), freed.count(Counter.FAULTS));
        assertEquals(kept.count(Counter.PAGES_TO_DEVICE), freed.count(Counter.PAGES_TO_DEVICE));
        assertEquals(kept.count(Counter.BYTES_TO_DEVICE), freed.count(Counter.BYTES_TO_DEVICE));
        RunResult.PhaseTiming keptX = kept.phases().getLast();
        RunResult.PhaseTiming freedX = freed.phases().getLast();
        assertEquals("use-x", freedX.name());
        // x starts later by the free's invalidation time; device memory's bandwidth slots sit on the absolute
        // clock, so its duration may move by a few ns, not more
        assertTrue(Math.abs(keptX.duration_ns() - freedX.duration_ns()) <= keptX.duration_ns() / 10_000,
                "x's phase takes as long: " + keptX.duration_ns() + " vs " + freedX.duration_ns() + " ns");
        assertEquals((TMP.bytes() + X.bytes()) / 4096, kept.deviceResidency().currentPages());
        assertEquals(X.bytes() / 4096, freed.deviceResidency().currentPages(), "only x is left on the GPU");
    }

    @Test
    void freeingMakesRoomSoTheNextBufferEvictsNothing() {
        Platform small = A100.withGpu(A100.gpu().withVram(TMP));
        RunResult kept = Experiment.of(small, tmpThenX(false), () -> TestPolicies.migrate(Decision.MIGRATE_BLOCK))
                .run();
        RunResult freed = Experiment.of(small, tmpThenX(true), () -> TestPolicies.migrate(Decision.MIGRATE_BLOCK))
                .run();
        assertTrue(kept.count(Counter.EVICTIONS) > 0, "without the free, x pushes tmp out");
        assertTrue(kept.count(Counter.BYTES_TO_HOST) > 0);
        assertEquals(0, freed.count(Counter.EVICTIONS), "the free made room");
        assertEquals(0, freed.count(Counter.BYTES_TO_HOST));
    }

    @Test
    void aFreeRightAfterRemoteAccessesDropsTheirPendingAccessCounterNotifications() {
        Bytes size = Bytes.MiB(8);
        Workload w = Workload.of(List.of(new Allocation("a", size), new Allocation("b", size)),
                List.of(Phase.gpu("hot", "a", Patterns.sequential(), size, 16 * size.bytes() / 4096)
                                .withConcurrency(1024),
                        Phase.gpu("other", "b", Patterns.sequential(), size, size.bytes() / 4096)))
                .withFree("a", 1);
        Supplier<MigrationPolicy> counters = () -> Policies.uvmDefaults().withPlacement(Policies.accessCounters(1,
                Bytes.MiB(2)));
        RunResult r = Experiment.of(A100, w, counters).run();
        assertTrue(r.count(Counter.ACCESS_COUNTER_NOTIFICATIONS) > 0, "the remote reads raised notifications");
        assertEquals(0, r.count(Counter.BYTES_TO_HOST));
        assertTrue(r.deviceResidency().currentPages() <= size.bytes() / 4096,
                "only b can be left on the GPU: " + r.deviceResidency().currentPages() + " pages");
        assertEquals(Experiment.of(A100, w, counters).run().fingerprint(), r.fingerprint());
    }

    @Test
    void sameSeedSameResultWithAFree() {
        Experiment e = experiment(tmpThenX(true), MmHostMemory::new).withSeed(7);
        String a = e.run().fingerprint();
        assertEquals(a, e.run().fingerprint());
        assertNotEquals(experiment(tmpThenX(false), MmHostMemory::new).withSeed(7).run().fingerprint(), a);
        assertFalse(a.isEmpty());
    }
}
