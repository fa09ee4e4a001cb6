package org.hmmlab.dsl;

import static org.hmmlab.dsl.Lab.A100_PCIE4;
import static org.hmmlab.dsl.Lab.MI210_PCIE4;
import static org.hmmlab.dsl.Lab.MiB;
import static org.hmmlab.dsl.Lab.amdSvm;
import static org.hmmlab.dsl.Lab.kernel;
import static org.hmmlab.dsl.Lab.phase;
import static org.hmmlab.dsl.Lab.scenario;
import static org.hmmlab.dsl.Lab.svmRange;
import static org.hmmlab.dsl.Lab.uvm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.hmmlab.dsl.json.PlatformJson;
import org.hmmlab.dsl.json.ScenarioJson;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.metrics.Counter;
import org.hmmlab.platform.AmdSvm;
import org.hmmlab.platform.Platform;
import org.hmmlab.platform.SvmAttributes;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: the driver personality chosen from the DSL and JSON (JavaScript in {@code JsLabTest}), one scenario
 * under both personalities as two comparable rows, and the refusals.
 */
class DriverPersonalityTest {

    static final Scenario SCAN = scenario("scan").on(MI210_PCIE4).alloc("x", MiB(16))
            .cpu(phase("init").writes("x"))
            .gpu(kernel("scan").reads("x").passes(2).warps(8))
            .cpu(phase("back").reads("x"));

    @Test
    void oneScenarioUnderBothPersonalitiesGivesTwoComparableRows() {
        ScenarioResult u = SCAN.driver(uvm()).run();
        ScenarioResult s = SCAN.driver(amdSvm()).run();
        ScenarioResult off = SCAN.driver(amdSvm().xnack(false)).run();
        assertEquals(u.summary().names(), s.summary().names(), "the same columns");
        assertEquals(u.summary().names(), off.summary().names());
        Table t = Table.fromRows("drivers", List.of(u.summary(), s.summary(), off.summary()));
        assertEquals(3, t.rowCount());
        assertTrue(u.timing().count(Counter.FAULT_BATCHES) > 0 && s.timing().count(Counter.FAULT_BATCHES) == 0);
        assertEquals(0, off.timing().count(Counter.FAULTS), "XNACK off: mapped before the kernel");
        assertEquals(MiB(16).bytes() >> 12, s.timing().count(Counter.PAGES_TO_DEVICE));
    }

    @Test
    void thePersonalityGoesThroughJsonAndBack() {
        Scenario off = SCAN.driver(amdSvm().xnack(false).granularity(4)
                .range("x", svmRange().prefetchLoc(SvmAttributes.Location.GPU)));
        String json = ScenarioJson.write(off);
        assertTrue(json.contains("\"platform\" : \"MI210_PCIE4\"") && json.contains("\"xnack\" : false")
                && json.contains("\"prefetchLoc\" : \"gpu\""), json);
        assertEquals(json, ScenarioJson.write(ScenarioJson.read(json)));
        String uvmOnMi = ScenarioJson.write(SCAN.driver(uvm()));
        assertTrue(uvmOnMi.contains("\"driver\" : {") && uvmOnMi.contains("\"name\" : \"uvm\""), uvmOnMi);
        assertEquals(SCAN.driver(uvm()).basePlatform(), ScenarioJson.read(uvmOnMi).basePlatform());
        Platform p = MI210_PCIE4.withDriver(amdSvm().xnack(false));
        assertEquals(p, PlatformJson.read(PlatformJson.write(p)));
        assertTrue(!PlatformJson.write(A100_PCIE4).contains("driver"), "nvidia-uvm is written as before");
        assertEquals(A100_PCIE4.withDriver(amdSvm()), PlatformJson.read(PlatformJson.write(A100_PCIE4)
                .replaceFirst("\\{", "{\n  \"driver\": {\"name\": \"amdSvm\"},")));
    }

    @Nested
    class BadInput {

        @Test
        void xnackOnAPlatformDrivenByUvm() {
            var e = assertThrows(IllegalArgumentException.class, () -> A100_PCIE4.withXnack(false));
            assertTrue(e.getMessage().startsWith("xnack is an option of the amdSvm driver; platform 'A100 on PCIe"
                    + " Gen4 x16' is driven by uvm (personalities: uvm, amdSvm"), e.getMessage());
            var j = assertThrows(IllegalArgumentException.class, () -> ScenarioJson.read(
                    ScenarioJson.write(SCAN).replace("\"seed\"", "\"driver\": {\"name\": \"uvm\", \"xnack\": true},"
                            + " \"seed\"")));
            assertEquals("$.driver.xnack: driver.xnack is an option of the amdSvm driver; the uvm driver takes"
                    + " only 'name' (personalities: uvm, amdSvm)", j.getMessage());
        }

        @Test
        void anUnknownPersonality() {
            var j = assertThrows(IllegalArgumentException.class, () -> ScenarioJson.read(
                    ScenarioJson.write(SCAN).replace("\"seed\"", "\"driver\": {\"name\": \"nouveau\"}, \"seed\"")));
            assertTrue(j.getMessage().contains("driver.name must be one of uvm, amdSvm; got 'nouveau'"), j.getMessage());
        }

        @Test
        void aGranularityOutsideTheDriversRange() {
            var e = assertThrows(IllegalArgumentException.class, () -> amdSvm().granularity(64));
            assertTrue(e.getMessage().startsWith("amdSvm.granularity (log2 of pages, svm_default_granularity) must be"
                    + " between 0 and 63; got 64"), e.getMessage());
            var j = assertThrows(IllegalArgumentException.class, () -> ScenarioJson.read(
                    ScenarioJson.write(SCAN).replace("\"seed\"", "\"driver\": {\"name\": \"amdSvm\", \"ranges\":"
                            + " {\"x\": {\"granularity\": 70}}}, \"seed\"")));
            assertTrue(j.getMessage().contains("granularity") && j.getMessage().contains("between 0 and 63; got 70"),
                    j.getMessage());
        }

        @Test
        void theResidencyModelKnowsOnlyUvm() {
            var e = assertThrows(IllegalArgumentException.class, () -> SCAN.engine(Lab.RESIDENCY_MODEL).run());
            assertTrue(e.getMessage().contains("driven by amdSvm: run it with the timing engine"), e.getMessage());
        }
    }

    @Test
    void theProfilesAreAmdSvmWithXnackOn() {
        for (Platform p : List.of(Lab.MI100_PCIE4, MI210_PCIE4, Lab.MI300X_PCIE5)) {
            assertEquals(AmdSvm.defaults(), p.driver(), p.name());
        }
        assertEquals(uvm(), A100_PCIE4.driver());
    }
}
