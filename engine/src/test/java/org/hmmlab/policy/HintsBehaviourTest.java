package org.hmmlab.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.hmmlab.run.ResidencyModel;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;
import org.junit.jupiter.api.Test;

/**
 * Advice in the style of cudaMemAdvise (uvm_va_policy_t), end to end on the {@link ResidencyModel}: read-mostly
 * duplication survives CPU reads and collapses on a CPU write; preferred location host and accessed-by keep the
 * data in host memory and let the GPU read it over the link.
 */
class HintsBehaviourTest {

    static final Bytes SIZE = Bytes.KiB(64); // 16 pages

    /** CPU writes, GPU reads, CPU reads, GPU reads, the CPU writes (or reads) again, and a last GPU read. */
    static Workload sharing(boolean finalCpuWrite) {
        Phase cpuInit = Phase.cpu("init", "x", Patterns.sequential(), SIZE, 16).withWriteFraction(1);
        Phase gpuRead = Phase.gpu("gpu-read", "x", Patterns.sequential(), SIZE, 16);
        Phase cpuRead = Phase.cpu("cpu-read", "x", Patterns.sequential(), SIZE, 16);
        Phase cpuWrite = cpuInit.withWriteFraction(finalCpuWrite ? 1 : 0);
        return Workload.of(List.of(new Allocation("x", SIZE)),
                List.of(cpuInit, gpuRead, cpuRead, gpuRead, cpuWrite, gpuRead));
    }

    static ResidencyModel.Result run(Hints hints, Workload w) {
        return new ResidencyModel(Bytes.GiB(1), Policies.onDemand().withHints(hints)).run(w, 1);
    }

    @Test
    void withoutAdviceTheBufferBouncesOnEveryHandOver() {
        ResidencyModel.Result r = run(Hints.none(), sharing(true));
        assertEquals(48, r.pagesToDevice(), "three GPU phases each migrate the 16 pages");
        assertEquals(32, r.hostFaults(), "the CPU read and the CPU write each fault them back");
    }

    @Test
    void readMostlyDuplicatesAndOnlyAWriteCollapsesTheCopies() {
        Hints h = Hints.none().readMostly(ResidencyModel.BASE_ADDRESS, SIZE);
        ResidencyModel.Result readsOnly = run(h, sharing(false));
        assertEquals(16, readsOnly.duplicatedPages());
        assertEquals(16, readsOnly.pagesToDevice(), "copied once; CPU reads use the host copy");
        assertEquals(0, readsOnly.hostFaults());
        ResidencyModel.Result withWrite = run(h, sharing(true));
        assertEquals(32, withWrite.duplicatedPages(), "the CPU write invalidated the copies; the GPU duplicates again");
        assertEquals(0, withWrite.pagesToHost(), "invalidating a read-only copy moves no data back");
    }

    @Test
    void aGpuWriteCollapsesTheDuplicateWithoutCopyingAgain() {
        Phase cpuInit = Phase.cpu("init", "x", Patterns.sequential(), SIZE, 16).withWriteFraction(1);
        Phase gpuRead = Phase.gpu("gpu-read", "x", Patterns.sequential(), SIZE, 16);
        Workload w = Workload.of(List.of(new Allocation("x", SIZE)),
                List.of(cpuInit, gpuRead, gpuRead.withWriteFraction(1), gpuRead));
        ResidencyModel.Result r = run(Hints.none().readMostly(ResidencyModel.BASE_ADDRESS, SIZE), w);
        assertEquals(16, r.pagesToDevice(), "one copy: the collapse reuses it");
        assertEquals(32, r.faults(), "16 read faults, then 16 write faults; the last reads hit");
        assertEquals(32, r.localAccesses() - 16, "the write phase and the last read phase are local");
    }

    @Test
    void preferredHostAndAccessedByKeepTheDataInHostMemory() {
        for (Hints h : List.of(Hints.none().preferredLocation(ResidencyModel.BASE_ADDRESS, SIZE, Location.HOST),
                Hints.none().accessedBy(ResidencyModel.BASE_ADDRESS, SIZE, 0))) {
            ResidencyModel.Result r = run(h, sharing(true));
            assertEquals(0, r.pagesToDevice(), h.toString());
            assertEquals(0, r.hostFaults());
            assertEquals(48, r.remoteAccesses(), "every GPU read crosses the link");
            assertTrue(r.faults() <= 16, "one fault per page maps it");
        }
    }
}
