package org.hmmlab.dsl.examples;

import static org.hmmlab.dsl.Lab.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.hmmlab.device.FaultPath;
import org.hmmlab.dsl.Scenario;
import org.hmmlab.dsl.ScenarioResult;
import org.hmmlab.dsl.results.Chart;
import org.hmmlab.dsl.results.Table;
import org.junit.jupiter.api.Test;

/** Experiments on the timing model: fault latency, its stages, link bandwidth, as a notebook would ask. */
class FaultLatencyExperimentTest {

    /** The CPU fills a 4 MiB buffer, then a GPU kernel reads it once. */
    static final Scenario SCAN = scenario("scan").on(A100_PCIE4).policy(onDemand())
            .alloc("x", MiB(4))
            .cpu(phase("init").writes("x"))
            .gpu(kernel("scan").reads("x").warps(256));

    @Test
    void everyPageFaultsOnceAndMigratesOnDemand() {
        ScenarioResult r = SCAN.run();
        long pages = MiB(4).pagesCeil();
        assertEquals(pages, r.summary().get("pages_to_device"));
        assertEquals(pages, r.faultLatency().count(), "one latency sample per serviced fault");
        Table stages = r.latencyByStage();
        assertEquals("total", stages.strings("stage")[stages.rowCount() - 1]);
        long p50 = stages.longs("p50_ns")[stages.rowCount() - 1];
        assertTrue(p50 >= r.faultLatency().percentile(50) - 1 && p50 > 1_000, "faults take microseconds: " + p50);
    }

    @Test
    void sameSeedSameResultBitForBit() {
        assertEquals(SCAN.run().timing().fingerprint(), SCAN.run().timing().fingerprint());
    }

    @Test
    void theMigrationShowsOnTheHostToDeviceLinkOnly() {
        Table bw = SCAN.run().bandwidth();
        double h2d = 0;
        double d2h = 0;
        for (double v : bw.doubles("h2d_GBps")) {
            h2d = Math.max(h2d, v);
        }
        for (double v : bw.doubles("d2h_GBps")) {
            d2h = Math.max(d2h, v);
        }
        assertTrue(h2d > 1, "pages cross host to device: peak " + h2d + " GB/s");
        assertTrue(h2d < 32, "and no faster than a Gen4 x16 link: " + h2d);
        assertEquals(0.0, d2h, "nothing comes back");
    }

    @Test
    void onAtsPresentHostPagesAreTranslatedAndReadRemotelyInsteadOfFaulting() {
        ScenarioResult buffer = SCAN.run();
        ScenarioResult ats = SCAN.faultPath(FaultPath.ATS_PRI).run();
        assertEquals(0L, ats.summary().get("faults"), "the CPU populated every page, so no translation fails");
        assertTrue((Long) ats.summary().get("ats_translations") > 0);
        assertEquals(0L, ats.summary().get("pages_to_device"));
        assertTrue((Long) ats.summary().get("remote_accesses") > 0);
        assertEquals(MiB(4).pagesCeil(), buffer.summary().get("faults"), "the fault buffer path faults every page");
    }

    @Test
    void chartsHaveDataAndTheRightSeries() {
        ScenarioResult r = SCAN.run();
        Chart cdf = r.latencyCdf();
        assertEquals(1, cdf.seriesCount());
        assertTrue(cdf.itemCount() > 0);
        assertEquals(2, r.bandwidthChart().seriesCount());
        assertTrue(r.stageBreakdown().seriesCount() >= 5);
        Chart res = r.residencyChart();
        assertEquals(1, res.seriesCount());
        assertTrue(res.itemCount() > 0, "the residency series has points");
        Table rt = r.residencyOverTime();
        assertEquals(List.of("time_ns", "device_resident_pages", "device_resident_bytes"), rt.columnNames());
        long[] bytes = rt.longs("device_resident_bytes");
        assertEquals(0, bytes[0], "nothing is resident before the run");
        assertEquals(MiB(4).bytes(), bytes[bytes.length - 1], "the scanned buffer ends resident in device memory");
        assertEquals(6, r.charts().size());
        assertTrue(r.mimeBundle().get("text/html").contains("fault latency by stage"));
    }
}
