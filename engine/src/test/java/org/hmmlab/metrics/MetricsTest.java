package org.hmmlab.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.hmmlab.units.SimDuration;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void histogramPercentilesAndExactMean() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 1; i <= 1000; i++) {
            h.record(i * 1000L);
        }
        assertEquals(1000, h.count());
        assertEquals(500_500, h.mean().nanos());
        assertEquals(500_000, h.percentile(50).nanos(), 500);
        assertEquals(990_000, h.percentile(99).nanos(), 1000);
        assertEquals(1.0, h.cdf().getLast().fraction());
    }

    @Test
    void stageBreakdownAveragesOverAllFaults() {
        StageBreakdown b = new StageBreakdown();
        long[] s = new long[Stage.values().length];
        s[Stage.RANGE_FAULT.ordinal()] = 400;
        b.record(1000, s);
        s[Stage.RANGE_FAULT.ordinal()] = 0;
        b.record(2000, s);
        assertEquals(200.0, b.meanNanosPerFault().get(Stage.RANGE_FAULT));
        assertEquals(1500, b.total().mean().nanos());
    }

    @Test
    void bandwidthSeriesSpreadsAnIntervalOverItsBuckets() {
        BandwidthSeries s = new BandwidthSeries("h2d", SimDuration.ns(100));
        s.add(50, 250, 2000);
        assertEquals(3, s.size());
        assertEquals(5.0, s.gbps(0), 1e-9);   // 500 B in 100 ns
        assertEquals(10.0, s.gbps(1), 1e-9);
        assertEquals(5.0, s.gbps(2), 1e-9);
        assertEquals(2000, s.totalBytes(), 1e-9);
    }

    @Test
    void traceEventsAreOneJsonObjectPerLine() {
        StringBuilder sb = new StringBuilder();
        TraceWriter w = new TraceWriter(sb);
        w.write(new TraceEvent.FaultRaised(10, 3, 42, true));
        w.write(new TraceEvent.Invalidated(20, 42, 1, "migrate \"dev\""));
        assertEquals("{\"type\":\"fault\",\"time_ns\":10,\"warp\":3,\"page\":42,\"write\":true}\n"
                + "{\"type\":\"invalidate\",\"time_ns\":20,\"page\":42,\"pages\":1,\"reason\":\"migrate \\\"dev\\\"\"}\n",
                sb.toString());
    }

    @Test
    void countersCountByName() {
        Counters c = new Counters();
        c.increment(Counter.FAULTS);
        c.add(Counter.BYTES_TO_DEVICE, 4096);
        assertEquals(1, c.get(Counter.FAULTS));
        assertEquals("{faults=1, bytes_to_device=4096}", c.toString());
    }
}
