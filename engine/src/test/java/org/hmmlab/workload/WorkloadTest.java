package org.hmmlab.workload;

import static org.hmmlab.workload.PatternsTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.Test;

class WorkloadTest {

    @Test
    void pingPongAlternatesGpuReadsAndCpuWrites() {
        Workload w = Workload.pingPong("buf", Bytes.MiB(2), 3, Patterns.sequential(), 512);
        assertEquals(6, w.phases().size());
        for (int i = 0; i < 6; i++) {
            Phase p = w.phases().get(i);
            assertEquals(i % 2 == 1, p.agent().isCpu(), p.name());
            assertEquals(i % 2 == 1 ? 1.0 : 0.0, p.writeFraction(), p.name());
        }
    }

    @Test
    void phaseMustReferenceAnAllocationItFitsIn() {
        Allocation x = new Allocation("x", Bytes.MiB(1));
        assertMessage("allocation 'y' is not one of [x]", () -> Workload.of(List.of(x),
                List.of(Phase.gpu("k", "y", Patterns.sequential(), Bytes.MiB(1), 1))));
        assertMessage("footprint must be <= the size of 'x'", () -> Workload.of(List.of(x),
                List.of(Phase.gpu("k", "x", Patterns.sequential(), Bytes.MiB(2), 1))));
        assertMessage("allocation name 'x' is used twice", () -> Workload.of(List.of(x, x),
                List.of(Phase.gpu("k", "x", Patterns.sequential(), Bytes.MiB(1), 1))));
    }

    @Test
    void phaseParametersAreValidated() {
        Phase k = Phase.gpu("k", "x", Patterns.sequential(), Bytes.MiB(1), 1);
        assertMessage("work must be in [1, ", () -> k.withWork(0));
        assertMessage("concurrency must be in [1, 1048576]", () -> k.withConcurrency(0));
        assertMessage("writeFraction must be in [0, 1]", () -> k.withWriteFraction(1.5));
        assertEquals(2048, k.withConcurrency(2048).concurrency());
    }

    @Test
    void workingSetLargerThanHostIsRefused() {
        Workload w = Workload.pingPong("buf", Bytes.GiB(4), 1, Patterns.sequential(), 1);
        assertMessage("working set (4 GiB) must be <= host memory (2 GiB)", () -> w.requireFitsInHost(Bytes.GiB(2)));
        assertEquals(w, w.requireFitsInHost(Bytes.GiB(8)));
    }

    @Test
    void agentsParse() {
        assertTrue(Agent.parse("CPU").isCpu());
        assertEquals(Agent.gpu(0), Agent.parse("gpu"));
        assertEquals(Agent.gpu(3), Agent.parse("gpu3"));
        assertFalse(Agent.parse("gpu1").isCpu());
        assertThrows(IllegalArgumentException.class, () -> Agent.parse("tpu"));
        assertMessage("gpu index must be in [0, 63]", () -> Agent.parse("gpu64"));
    }
    @Test
    void aFreeHappensAfterTheGivenNumberOfPhasesAndKeepsItsOrder() {
        Allocation x = new Allocation("x", Bytes.MiB(1));
        Allocation tmp = new Allocation("tmp", Bytes.MiB(1));
        Workload w = Workload.of(List.of(x, tmp), List.of(
                Phase.gpu("k1", "tmp", Patterns.sequential(), Bytes.MiB(1), 1),
                Phase.gpu("k2", "x", Patterns.sequential(), Bytes.MiB(1), 1))).withFree("tmp", 1).withFree("x", 2);
        assertEquals(List.of(new Free("tmp", 1), new Free("x", 2)), w.frees());
        assertEquals(List.of(new Free("tmp", 1)), w.freesAfter(1));
        assertEquals(List.of(), w.freesAfter(0));
        assertEquals(List.of(), Workload.of(List.of(x), List.of(Phase.gpu("k", "x", Patterns.sequential(),
                Bytes.MiB(1), 1))).frees(), "no free unless asked for");
    }

    @Test
    void useAfterFreeAndDoubleFreeAreRefusedNamingThePhaseAndTheAllocation() {
        Allocation tmp = new Allocation("tmp", Bytes.MiB(1));
        Workload w = Workload.of(List.of(tmp), List.of(
                Phase.gpu("k1", "tmp", Patterns.sequential(), Bytes.MiB(1), 1),
                Phase.cpu("k2", "tmp", Patterns.sequential(), Bytes.MiB(1), 1)));
        assertMessage("phase 'k2' uses allocation 'tmp' after it is freed after phase 'k1'",
                () -> w.withFree("tmp", 1));
        assertMessage("phase 'k1' uses allocation 'tmp' after it is freed before the first phase",
                () -> w.withFree("tmp", 0));
        Workload freed = w.withFree("tmp", 2);
        assertMessage("allocation 'tmp' is freed twice: after phase 'k2' and again after phase 'k2'",
                () -> freed.withFree("tmp", 2));
        assertMessage("free of allocation 'y': it is not one of [tmp]", () -> w.withFree("y", 2));
        assertMessage("afterPhases must be in [0, 2] (the number of phases), got 3", () -> w.withFree("tmp", 3));
        assertMessage("afterPhases must be >= 0, got -1", () -> new Free("tmp", -1));
        assertMessage("free allocation must be a non-blank name", () -> new Free(" ", 0));
    }
}
