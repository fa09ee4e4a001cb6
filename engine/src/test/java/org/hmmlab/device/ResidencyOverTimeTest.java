package org.hmmlab.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.ResidencySeries;
import org.hmmlab.metrics.RunResult;
import org.hmmlab.platform.Platform;
import org.hmmlab.platform.Platforms;
import org.hmmlab.policy.Decision;
import org.hmmlab.run.Experiment;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;
import org.junit.jupiter.api.Test;

/**
 * Device-memory residency over simulated time: pages enter device memory when a device fault migrates them
 * (migrate_vma_pages() with a device destination) and leave it when the evictor makes room or a CPU touch brings
 * them back through the dev_pagemap's migrate_to_ram() callback.
 */
class ResidencyOverTimeTest {

    static final Platform A100 = Platforms.A100_PCIE4;

    static Workload stream(Bytes size) {
        return Workload.of(List.of(new Allocation("x", size)),
                List.of(Phase.gpu("scan", "x", Patterns.sequential(), size, size.bytes() / 4096).withConcurrency(256)));
    }

    @Test
    void aStreamThatFitsEndsWithItsWholeFootprintResident() {
        Bytes size = Bytes.MiB(16);
        RunResult r = Experiment.of(A100, stream(size), () -> TestPolicies.migrate(Decision.MIGRATE_BLOCK))
                .withBucket(SimDuration.us(10)).run();
        ResidencySeries s = r.deviceResidency();
        assertTrue(s.size() > 2, "several buckets: " + s.size());
        assertEquals(size.bytes(), s.bytes(s.size() - 1).bytes());
        assertEquals(size.bytes() / 4096, s.currentPages());
        // the series spans the run: its last bucket holds the run's end
        assertEquals(r.simTime().nanos() / s.bucketWidth().nanos() + 1, s.size());
        for (int i = 1; i < s.size(); i++) {
            assertTrue(s.pages(i) >= s.pages(i - 1), "nothing leaves device memory: bucket " + i);
        }
        assertTrue(s.pages(0) < s.pages(s.size() - 1), "residency grows while the stream faults");
    }

    @Test
    void anOversubscribedStreamNeverExceedsDeviceMemoryAndOnlyGrowsUntilTheFirstEviction() {
        Bytes size = Bytes.MiB(16);
        Platform small = A100.withGpu(A100.gpu().withVram(Bytes.MiB(4)));
        long capacity = Bytes.MiB(4).bytes() / 4096;
        StringBuilder trace = new StringBuilder();
        RunResult r = Experiment.of(small, stream(size), () -> TestPolicies.migrate(Decision.MIGRATE_PAGE))
                .withBucket(SimDuration.us(2)).withTrace(trace).run();
        assertTrue(r.count(Counter.EVICTIONS) > 0, "the run oversubscribes device memory");
        ResidencySeries s = r.deviceResidency();
        long firstEviction = firstMigrationToHost(trace);
        long w = s.bucketWidth().nanos();
        int before = 0;
        for (int i = 0; i < s.size(); i++) {
            assertTrue(s.pages(i) <= capacity, "bucket " + i + ": " + s.pages(i) + " pages > " + capacity);
            if ((i + 1) * w <= firstEviction && i > 0) {
                assertTrue(s.pages(i) >= s.pages(i - 1), "bucket " + i + " shrinks before the first eviction");
                before++;
            }
        }
        assertTrue(before > 2, "several buckets before the first eviction: " + before);
        assertEquals(capacity, s.peakPages(), "device memory fills up");
        boolean drops = false;
        for (int i = 1; i < s.size(); i++) {
            drops |= s.pages(i) < s.pages(i - 1);
        }
        assertTrue(drops, "evicting a 2 MiB chunk for a 4 KiB page shows as a drop");
    }

    @Test
    void aCpuTouchTakesPagesBackOutOfDeviceMemory() {
        Bytes size = Bytes.MiB(2);
        long work = size.bytes() / 4096;
        Workload w = Workload.of(List.of(new Allocation("x", size)),
                List.of(Phase.cpu("init", "x", Patterns.sequential(), size, work).withWriteFraction(1),
                        Phase.gpu("k", "x", Patterns.sequential(), size, work).withConcurrency(64),
                        Phase.cpu("check", "x", Patterns.sequential(), size, work)));
        RunResult r = Experiment.of(A100, w, () -> TestPolicies.migrate(Decision.MIGRATE_PAGE)).run();
        ResidencySeries s = r.deviceResidency();
        assertEquals(512, s.peakPages());
        assertEquals(0, s.currentPages());
        assertEquals(0, s.pages(s.size() - 1));
    }

    @Test
    void sameSeedSameSeries() {
        Experiment e = Experiment.of(A100, stream(Bytes.MiB(8)), () -> TestPolicies.migrate(Decision.MIGRATE_PAGE));
        assertEquals(e.run().fingerprint(), e.run().fingerprint());
    }

    private static long firstMigrationToHost(CharSequence trace) {
        for (String line : trace.toString().split("\n")) {
            if (line.contains("\"type\":\"migrate\"") && line.contains("\"to\":\"host\"")) {
                int a = line.indexOf("\"time_ns\":") + 10;
                return Long.parseLong(line.substring(a, line.indexOf(',', a)));
            }
        }
        throw new AssertionError("no migration to host in the trace");
    }
}
