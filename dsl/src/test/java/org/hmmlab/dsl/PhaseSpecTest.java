package org.hmmlab.dsl;

import static org.hmmlab.dsl.Lab.KiB;
import static org.hmmlab.dsl.Lab.MiB;
import static org.hmmlab.dsl.Lab.bytes;
import static org.hmmlab.dsl.Lab.gemm;
import static org.hmmlab.dsl.Lab.kernel;
import static org.hmmlab.dsl.Lab.phase;
import static org.hmmlab.dsl.Lab.scenario;
import static org.hmmlab.dsl.Lab.sequential;
import static org.hmmlab.dsl.Lab.stencil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.hmmlab.workload.Agent;
import org.hmmlab.workload.Allocation;
import org.junit.jupiter.api.Test;

/** How a phase's amount of work resolves when it is not given a count of accesses. */
class PhaseSpecTest {

    @Test
    void aPassIsOneAccessPerElementOfTheFootprint() {
        var phase = kernel("scan").reads("x").pattern(sequential()).accessSize(KiB(4)).passes(3)
                .resolve(Agent.gpu(0), new Allocation("x", MiB(2)));
        assertEquals(3 * 512, phase.work());
    }

    @Test
    void aPassOfAGemmIsTheWholeMultiply() {
        // 12 MiB holds three 1024 x 1024 float matrices; 32 x 32 tiles, 128 B loads: one per tile row
        var phase = kernel("sgemm").reads("abc").pattern(gemm(32)).accessSize(bytes(128)).passes(2)
                .resolve(Agent.gpu(0), new Allocation("abc", MiB(12)));
        long tiles = (1024 / 32) * (1024 / 32);
        assertEquals(2 * tiles * (2 * 1024 + 32), phase.work(), "A and B tile rows per k-step, then C's rows");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> kernel("sgemm").reads("abc").pattern(gemm(2048, 32)).accessSize(bytes(128))
                        .resolve(Agent.gpu(0), new Allocation("abc", MiB(12))));
        assertEquals("phase 'sgemm': gemm footprint must hold A, B and C (48 MiB for n = 2048, tile = 32), got 12 MiB",
                e.getMessage());
    }

    /** Issue 14: {@code passes(1)} of a stencil touched one page in five; a pass is the whole grid now. */
    @Test
    void aPassOfAStencilUpdatesTheWholeGrid() {
        var phase = kernel("relax").readsWrites("grid", 0.5).pattern(stencil(KiB(64))).passes(1)
                .resolve(Agent.gpu(0), new Allocation("grid", MiB(4)));
        assertEquals(5 * 1024, phase.work(), "4 neighbours and the centre for each of the 1024 pages");
        var run = scenario("relax").alloc("grid", MiB(4)).policy(Lab.onDemand()).engine(Lab.RESIDENCY_MODEL)
                .cpu(phase("init").writes("grid"))
                .gpu(kernel("relax").readsWrites("grid", 0.5).pattern(stencil(KiB(64))).passes(1)).run();
        assertEquals(1024L, run.summary().get("pages_to_device"), "every page of the grid reaches the GPU");
    }

    /** Issue 14, "validation at build time": a stencil the run would refuse is refused where the phase joins. */
    @Test
    void aStencilThatCannotRunIsRefusedWhenThePhaseIsAdded() {
        var s = scenario("relax").alloc("grid", MiB(1));
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
                () -> s.gpu(kernel("relax").reads("grid").pattern(stencil(MiB(2)))));
        assertEquals("phase 'relax': stencil rowBytes must be at most the footprint (1 MiB), got 2 MiB",
                wide.getMessage());
        IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
                () -> s.gpu(kernel("relax").reads("grid").pattern(stencil(bytes(6000))).accesses(100)));
        assertEquals("phase 'relax': stencil rowBytes must be a multiple of accessSize (4096 B), got 6000 B",
                ragged.getMessage());
        assertEquals(1, s.gpu(kernel("relax").reads("grid").pattern(stencil(bytes(6000))).accessSize(bytes(1000)))
                .phases().size(), "a row of whole accesses is fine");
    }
}
