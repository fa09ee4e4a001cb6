package org.hmmlab.device;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

import org.hmmlab.policy.Decision;
import org.hmmlab.policy.Evictor;
import org.hmmlab.policy.FaultContext;
import org.hmmlab.policy.Hints;
import org.hmmlab.policy.Location;
import org.hmmlab.policy.MigrationCause;
import org.hmmlab.policy.MigrationPolicy;
import org.hmmlab.policy.Placement;
import org.hmmlab.policy.Prefetcher;
import org.hmmlab.policy.ThrashingDetector;

/** Small, fully predictable policies for timing tests, built on the policy interfaces. */
public final class TestPolicies {

    private TestPolicies() {
    }

    /** Every device fault migrates the aligned region of {@code decision}; FIFO eviction of 2 MiB chunks. */
    public static MigrationPolicy migrate(Decision decision) {
        return new MigrationPolicy(placement("migrate", decision), Prefetcher.NONE, new FifoEvictor(),
                ThrashingDetector.NONE, Hints.none());
    }

    /** Every device fault maps the host page remotely (zero-copy). */
    static MigrationPolicy remote() {
        return new MigrationPolicy(placement("remote", Decision.MAP_REMOTE), Prefetcher.NONE, new FifoEvictor(),
                ThrashingDetector.NONE, Hints.none());
    }

    private static Placement placement(String name, Decision d) {
        return new Placement() {
            @Override
            public Decision onDeviceFault(FaultContext fault) {
                return d;
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    /** Evicts the 2 MiB chunk that became resident first. */
    static class FifoEvictor implements Evictor {
        private final ArrayDeque<Long> order = new ArrayDeque<>();
        private final Map<Long, Long> resident = new HashMap<>();

        @Override
        public long chunkPages() {
            return 512;
        }

        @Override
        public long pickVictim(int gpu, long nowNanos) {
            while (!order.isEmpty() && resident.getOrDefault(order.peek(), 0L) <= 0) {
                order.poll();
            }
            return order.isEmpty() ? -1 : order.peek();
        }

        @Override
        public void onMigrated(long firstPage, long pages, int from, int to, MigrationCause cause, long nowNanos) {
            long chunk = firstPage & -512L;
            long delta = Location.isGpu(to) ? pages : -pages;
            long before = resident.getOrDefault(chunk, 0L);
            resident.put(chunk, before + delta);
            if (before <= 0 && delta > 0) {
                order.add(chunk);
            }
        }

        @Override
        public String name() {
            return "fifo-2MiB";
        }
    }
}
