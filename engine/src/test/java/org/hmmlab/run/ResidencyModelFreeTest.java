package org.hmmlab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.hmmlab.policy.Policies;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;
import org.junit.jupiter.api.Test;

/**
 * A free in the residency model: as munmap does (MMU_NOTIFY_UNMAP, device-private pages freed through the pagemap's
 * page_free, mm/memremap.c), the freed allocation's pages leave the GPU without a copy back, and the room they held
 * serves the next allocation.
 */
class ResidencyModelFreeTest {

    static final Bytes SIZE = Bytes.MiB(16);

    static Workload tmpThenX(boolean free) {
        long work = SIZE.bytes() / 4096;
        Workload w = Workload.of(List.of(new Allocation("tmp", SIZE), new Allocation("x", SIZE)),
                List.of(Phase.gpu("fill-tmp", "tmp", Patterns.sequential(), SIZE, work).withWriteFraction(1),
                        Phase.gpu("use-x", "x", Patterns.sequential(), SIZE, work).withWriteFraction(1)));
        return free ? w.withFree("tmp", 1) : w;
    }

    static ResidencyModel.Result run(Bytes vram, Workload w) {
        return new ResidencyModel(vram, Policies.uvmDefaults()).run(w, 42);
    }

    @Test
    void theFreedBuffersRoomServesTheNextOneWithoutEvictionsOrCopiesBack() {
        ResidencyModel.Result kept = run(SIZE, tmpThenX(false));
        ResidencyModel.Result freed = run(SIZE, tmpThenX(true));
        assertTrue(kept.evictions() > 0, "without the free, x evicts tmp");
        assertTrue(kept.pagesToHost() > 0);
        assertEquals(0, freed.evictions(), "the free made room");
        assertEquals(0, freed.pagesToHost(), "freed pages are not copied back");
    }

    @Test
    void withRoomToSpareTheLaterAllocationFaultsTheSame() {
        ResidencyModel.Result kept = run(Bytes.GiB(1), tmpThenX(false));
        ResidencyModel.Result freed = run(Bytes.GiB(1), tmpThenX(true));
        assertEquals(kept.faults(), freed.faults());
        assertEquals(kept.pagesToDevice(), freed.pagesToDevice());
        assertEquals(0, freed.pagesToHost());
        assertEquals(kept, freed, "nothing else differs: the free itself takes no model time");
    }

    @Test
    void aFreeAfterTheLastPhaseIsAccepted() {
        Workload w = tmpThenX(false).withFree("x", 2).withFree("tmp", 2);
        assertEquals(run(Bytes.GiB(1), tmpThenX(false)), run(Bytes.GiB(1), w));
    }
}
