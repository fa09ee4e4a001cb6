package org.hmmlab.driver.uvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.function.Supplier;

import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.RunResult;
import org.hmmlab.platform.Platforms;
import org.hmmlab.policy.MigrationPolicy;
import org.hmmlab.policy.Policies;
import org.hmmlab.run.Experiment;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;
import org.junit.jupiter.api.Test;

/**
 * A CPU fault on a GPU-resident managed page goes through the GPU faults' service path, prefetch tree included: at
 * least the faulting page's 64 KiB big page comes back, and more where the density tree, built from the pages the
 * CPU already holds, says so.
 *
 * <p>Source: uvm_va_space_cpu_fault() -> uvm_va_block_cpu_fault() -> block_cpu_fault_locked() ->
 * uvm_va_block_service_locked() (uvm_va_block.c), which asks uvm_va_block_get_prefetch_hint() ->
 * uvm_perf_prefetch_get_hint_va_block() for the CPU as for a GPU; grow_fault_granularity() (uvm_perf_prefetch.c)
 * marks the faulted page's big page, 64 KiB for the CPU, and compute_prefetch_region() widens it past 51 %. A GTX
 * 1080 Ti's trace shows both (UVMSmart micro-benchmarks/getHWPrefetcherP1.cu, nvprof): each CPU read-back fault
 * copies 4 KB + 60 KB device to host, and the last, at block 0 after blocks 1 and 2 came back, also brings block 3's
 * 64 KB, the 256 KiB subtree being more than half on the CPU.
 */
class CpuFaultServiceTest {

    static final Bytes SIZE = Bytes.MiB(2);

    /** The GPU writes 2 MiB (it all lands in device memory), then one CPU thread reads pages 0, 16 and 32. */
    static RunResult run(Supplier<MigrationPolicy> policy) {
        Workload w = Workload.of(List.of(new Allocation("x", SIZE)), List.of(
                Phase.gpu("fill", "x", Patterns.sequential(), SIZE, SIZE.pagesCeil()).withWriteFraction(1)
                        .withConcurrency(64),
                Phase.cpu("read", "x", Patterns.strided(Bytes.KiB(64)), SIZE, 3).withConcurrency(1)));
        return Experiment.of(Platforms.A100_PCIE4, w, policy).withSeed(5).run();
    }

    @Test
    void aCpuFaultBringsBackItsBigPageAndWhatTheTreeAdds() {
        RunResult r = run(Policies::uvmDefaults);
        assertEquals(SIZE.pagesCeil(), r.count(Counter.PAGES_POPULATED_ON_DEVICE), "the GPU's writes populate it there");
        // page 0: its big page, 16 pages. Page 16: its big page; the 128 KiB subtree is then whole, nothing more.
        // Page 32: its big page, and the 256 KiB subtree (pages 0-63) holds 32 on the CPU + 16 faulted = 75 % > 51 %:
        // pages 48-63 come too
        assertEquals(16 + 16 + 32, r.count(Counter.PAGES_TO_HOST));
        assertEquals(16L * 4096 * 4, r.count(Counter.BYTES_TO_HOST));
    }

    @Test
    void withoutPrefetchingACpuFaultMovesItsPage() {
        RunResult r = run(Policies::onDemand);
        assertEquals(3, r.count(Counter.PAGES_TO_HOST));
    }
}
