package org.hmmlab.dsl;

import static org.hmmlab.dsl.Lab.KiB;
import static org.hmmlab.dsl.Lab.MiB;
import static org.hmmlab.dsl.Lab.bytes;
import static org.hmmlab.dsl.Lab.gemm;
import static org.hmmlab.dsl.Lab.kernel;
import static org.hmmlab.dsl.Lab.sequential;
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
}
