package org.hmmlab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.hmmlab.policy.Hints;
import org.hmmlab.policy.MigrationPolicy;
import org.hmmlab.policy.Policies;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;
import org.junit.jupiter.api.Test;

/** Advice by allocation name reaches the pages the engine gives the allocation (MigrationPolicy.onMapped). */
class NamedAdviceBindingTest {

    /** The residency model binds each allocation as it lays them out: read-mostly on "w" duplicates w, not x. */
    @Test
    void theResidencyModelBindsAdviceWhenItMapsTheAllocation() {
        Workload w = Workload.of(List.of(new Allocation("x", Bytes.MiB(2)), new Allocation("w", Bytes.MiB(2))),
                List.of(Phase.cpu("init-x", "x", Patterns.sequential(), Bytes.MiB(2), 512).withWriteFraction(1),
                        Phase.cpu("init-w", "w", Patterns.sequential(), Bytes.MiB(2), 512).withWriteFraction(1),
                        Phase.gpu("read-x", "x", Patterns.sequential(), Bytes.MiB(2), 512),
                        Phase.gpu("read-w", "w", Patterns.sequential(), Bytes.MiB(2), 512)));
        MigrationPolicy advised = Policies.onDemand().withHints(Hints.none().readMostly("w"));
        ResidencyModel.Result r = new ResidencyModel(Bytes.GiB(1), advised).run(w, 1);
        ResidencyModel.Result plain = new ResidencyModel(Bytes.GiB(1), Policies.onDemand()).run(w, 1);
        assertEquals(512, r.duplicatedPages(), "w's 512 pages are duplicated, x's are not");
        assertEquals(0, plain.duplicatedPages());
        assertEquals(512, r.pagesToDevice() - r.duplicatedPages(), "x still migrates");
    }
}
