package org.hmmlab.dsl;

import static org.hmmlab.dsl.Lab.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.hmmlab.metrics.Counter;
import org.hmmlab.workload.Free;
import org.junit.jupiter.api.Test;

/**
 * {@code scenario(...).free("tmp")}: a temporary buffer released between kernels, as munmap releases it (one
 * MMU_NOTIFY_UNMAP invalidation, device-private pages freed through the pagemap's page_free, no copy back).
 */
class ScenarioFreeTest {

    static final Scenario PIPELINE = scenario("pipeline").vram(MiB(16)).policy(onDemand())
            .alloc("tmp", MiB(16)).alloc("out", MiB(16))
            .gpu(kernel("produce").writes("tmp").warps(256))
            .free("tmp")
            .gpu(kernel("consume").writes("out").warps(256));

    @Test
    void aFreeTakesItsPlaceInThePhaseSequence() {
        assertEquals(List.of(new Free("tmp", 1)), PIPELINE.frees());
        assertEquals(PIPELINE.frees(), PIPELINE.workload().frees());
        assertEquals(PIPELINE.frees(), PIPELINE.renamed("b").seed(3).vram(MiB(32)).engine(RESIDENCY_MODEL).frees(),
                "variants keep the free");
        assertTrue(PIPELINE.toString().contains("1 frees"), PIPELINE.toString());
    }

    @Test
    void theFreedBufferLeavesTheGpuUncopiedAndMakesRoomForTheNextKernel() {
        var freed = PIPELINE.run().timing();
        var kept = scenario("kept").vram(MiB(16)).policy(onDemand()).alloc("tmp", MiB(16)).alloc("out", MiB(16))
                .gpu(kernel("produce").writes("tmp").warps(256)).gpu(kernel("consume").writes("out").warps(256))
                .run().timing();
        assertTrue(kept.count(Counter.EVICTIONS) > 0, "without the free, consume evicts tmp");
        assertTrue(kept.count(Counter.BYTES_TO_HOST) > 0);
        assertEquals(0, freed.count(Counter.EVICTIONS));
        assertEquals(0, freed.count(Counter.BYTES_TO_HOST), "freed pages are dropped, not copied back");
        assertEquals(List.of("produce", "free tmp", "consume"),
                freed.phases().stream().map(p -> p.name()).toList());
        var model = PIPELINE.engine(RESIDENCY_MODEL).run().residency();
        assertEquals(0, model.evictions());
        assertEquals(0, model.pagesToHost());
    }

    @Test
    void badFreesAreRefusedNamingThePhaseAndTheAllocation() {
        Scenario s = scenario("s").alloc("tmp", MiB(2)).gpu(kernel("k1").writes("tmp"));
        assertMessage("free(\"nope\"): 'nope' is not allocated; allocations: [tmp]", () -> s.free("nope"));
        assertMessage("free(allocation): allocation must be non-empty text", () -> s.free(" "));
        assertMessage("free(\"tmp\"): 'tmp' is freed twice (it was freed after phase 'k1')",
                () -> s.free("tmp").free("tmp"));
        assertMessage("gpu(phase): phase 'k2' uses allocation 'tmp' after it is freed after phase 'k1'",
                () -> s.free("tmp").gpu(kernel("k2").reads("tmp")));
        assertMessage("cpu(phase): phase 'check' uses allocation 'tmp' after it is freed after phase 'k1'",
                () -> s.free("tmp").cpu(phase("check").reads("tmp")));
        assertMessage("phase 'k1' uses allocation 'tmp' after it is freed after phase 'k1'",
                () -> s.free("tmp").then(s.phases().get(0)));
    }

    static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }
}
