package org.hmmlab.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.hmmlab.platform.Platforms;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.Test;

/**
 * The model side of the CUDA suite's measurements: each kind runs its scenario on the model. The measured values
 * here are placeholders (1.0); only the model's answers and the refusals are checked.
 */
class MeasuredTest {

    @Test
    void aPinnedCopyIsTheCopyEnginesRateAndCarriesTheTagAndSource() {
        CalibrationCase c = new Measured.Copy(false, true, Bytes.MiB(256).bytes(), 1.0)
                .against(Platforms.H100_PCIE5, "device", SourceTag.MEASURED, "calibrate/cuda h.json").get(0);
        assertEquals("copy D2H pinned 256 MiB", c.name());
        assertEquals(Calibration.copyRate(Platforms.H100_PCIE5, false, Bytes.MiB(256)), c.model());
        assertEquals("[M] calibrate/cuda h.json", c.taggedSource());
    }

    @Test
    void oneThreadReadingAVaBlockInOrderFaultsLessThanOncePerPieceWithThePrefetcher() {
        int[] sequential = IntStream.range(0, 32).toArray();
        CalibrationCase c = new Measured.TouchOrder("sequential", Bytes.KiB(64).bytes(), sequential, 1.0)
                .against(Platforms.A100_PCIE4, "managed", SourceTag.MEASURED, "x").get(0);
        assertEquals("reads that faulted, 32 x 64 KiB sequential, one thread, managed", c.name());
        assertTrue(c.model() >= 1 && c.model() < 32, "model faults " + c.model());
        assertEquals("faults", c.unit());
    }

    @Test
    void aSystemMemoryCaseSaysTheModelRunsTheManagedScenario() {
        CalibrationCase c = new Measured.FirstFault(1.0).against(Platforms.A100_PCIE4, "system", SourceTag.MEASURED,
                "x").get(0);
        assertTrue(c.model() > 1, "a far fault takes microseconds: " + c.model());
        assertTrue(c.note().startsWith("malloc memory (HMM)"), c.note());
    }

    @Test
    void theDriversFaultCountersAddThreeCasesBesideTheModelsCounters() {
        var stats = new Measured.FaultStats(1, 1, 1, 1);
        List<CalibrationCase> cases = new Measured.Gather(64, Bytes.MiB(64).bytes(), 512, 256, 1.0, stats)
                .against(Platforms.A100_PCIE4, "managed", SourceTag.MEASURED, "x");
        assertEquals(List.of("random gather 512 x 256 B over 64 MiB, 64 warps, managed",
                "faults reported, random gather 512 x 256 B over 64 MiB, 64 warps, managed",
                "pages migrated to the GPU, random gather 512 x 256 B over 64 MiB, 64 warps, managed",
                "fault batches (replays), random gather 512 x 256 B over 64 MiB, 64 warps, managed"),
                cases.stream().map(CalibrationCase::name).toList());
        // 512 random reads over 64 MiB: hundreds of faults, each migrating at least one 4 KiB page, in batches
        assertTrue(cases.get(1).model() >= 100 && cases.get(2).model() >= cases.get(1).model() / 2
                && cases.get(3).model() >= 1, cases.toString());
        assertEquals(1, new Measured.Gather(64, Bytes.MiB(64).bytes(), 512, 256, 1.0, null)
                .against(Platforms.A100_PCIE4, "managed", SourceTag.MEASURED, "x").size());
    }

    @Test
    void badValuesAreRefusedNamingTheField() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Measured.Stream(0, 1, 1, 1, null));
        assertEquals("stream.warps must be a positive number, got 0.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Measured.TouchOrder("x", Bytes.KiB(64).bytes(), new int[] {32}, 1));
        assertTrue(e.getMessage().contains("piece 32 lies outside the 2 MiB block"), e.getMessage());
        assertEquals("64 KiB", Measured.size(65536));
        assertEquals("1000 B", Measured.size(1000));
        assertEquals(List.of(), new MeasuredRun("f", "copy", "device", "m", "", 0, List.of(), List.of(), "")
                .cases(Platforms.V100_PCIE3));
    }
}
