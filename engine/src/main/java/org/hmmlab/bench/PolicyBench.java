package org.hmmlab.bench;

import java.util.ArrayList;
import java.util.List;
import org.hmmlab.policy.DensityPrefetcher;
import org.hmmlab.policy.LruEvictor;
import org.hmmlab.policy.MigrationCause;
import org.hmmlab.policy.PageMask;
import org.hmmlab.policy.Policies;
import org.hmmlab.run.ResidencyModel;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.AccessStream;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Pattern;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;

/**
 * Speed of the policy and workload layer on one thread: access-pattern generation, the density prefetcher's
 * decision per 2 MiB block, LRU bookkeeping per migrated page, and the page-granular residency model end to end.
 *
 * <p>Each figure is the best of several timed rounds after the JIT has warmed up. Wall-clock time is read here only.
 */
final class PolicyBench implements BenchSuite {

    @Override
    public String name() {
        return "policy";
    }

    @Override
    public List<Figure> run(boolean quick) {
        List<Figure> out = new ArrayList<>();
        out.add(new Figure("sequential_accesses_per_s", stream(Patterns.sequential(), quick), "accesses/s", true,
                100_000_000));
        out.add(new Figure("zipf_accesses_per_s", stream(Patterns.zipf(0.99), quick), "accesses/s", true,
                10_000_000));
        out.add(new Figure("density_prefetch_blocks_per_s", density(quick), "blocks/s", true, 200_000));
        out.add(new Figure("lru_migrated_pages_per_s", lru(quick), "pages/s", true, 10_000_000));
        out.add(new Figure("residency_model_accesses_per_s", model(quick, false), "accesses/s", true, 2_000_000));
        out.add(new Figure("residency_model_migrated_pages_per_s", model(quick, true), "pages/s", true, 1_000_000));
        return out;
    }

    private interface Body {
        long run(int rep);
    }

    private static double best(boolean quick, Body body) {
        double best = 0;
        int rounds = quick ? 3 : 10;
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            long n = body.run(r);
            long dt = Math.max(1, System.nanoTime() - t0);
            best = Math.max(best, n * 1e9 / dt);
        }
        return best;
    }

    static double stream(Pattern p, boolean quick) {
        long n = quick ? 200_000 : 5_000_000;
        long[] sink = new long[1];
        double v = best(quick, rep -> {
            AccessStream s = p.stream(Bytes.GiB(1), n, Bytes.of(128), 0.25, rep);
            long x = 0;
            while (s.next()) {
                x += s.offset() + s.type().ordinal();
            }
            sink[0] += x;
            return n;
        });
        return sink[0] == 42 ? v + 1e-9 : v;
    }

    static double density(boolean quick) {
        DensityPrefetcher d = new DensityPrefetcher();
        long[] resident = PageMask.create();
        long[] faulted = PageMask.create();
        long[] out = PageMask.create();
        int blocks = quick ? 20_000 : 200_000;
        return best(quick, rep -> {
            long total = 0;
            for (int b = 0; b < blocks; b++) {
                PageMask.clearAll(resident);
                PageMask.clearAll(faulted);
                PageMask.setRange(resident, 0, (b * 7) & 255);
                PageMask.set(faulted, (b * 131) & 511);
                PageMask.set(faulted, (b * 37 + 5) & 511);
                d.prefetch(b, resident, faulted, out);
                total += out[0];
            }
            return blocks + (total == 42 ? 1 : 0);
        });
    }

    static double lru(boolean quick) {
        long pages = quick ? 200_000 : 2_000_000;
        return best(quick, rep -> {
            LruEvictor lru = new LruEvictor();
            for (long p = 0; p < pages; p++) {
                lru.onMigrated(p, 1, -1, 0, MigrationCause.DEVICE_FAULT, p);
                if ((p & 1023) == 1023) {
                    long v = lru.pickVictim(0, p);
                    lru.onMigrated(v, 512, 0, -1, MigrationCause.EVICTION, p);
                }
            }
            return pages;
        });
    }

    /**
     * The residency model with UVM's default policy, Zipf(0.9) over 256 MiB: with 512 MiB of VRAM it fits (accesses
     * per second); with 128 MiB it is oversubscribed and the cost is in migrations (pages migrated per second).
     */
    static double model(boolean quick, boolean oversubscribed) {
        long accesses = quick ? 100_000 : 1_000_000;
        Bytes size = Bytes.MiB(256);
        Workload w = Workload.of(List.of(new Allocation("x", size)), List.of(
                Phase.cpu("init", "x", Patterns.sequential(), size, size.pagesCeil()).withWriteFraction(1),
                Phase.gpu("k", "x", Patterns.zipf(0.9), size, accesses)));
        Bytes vram = oversubscribed ? Bytes.MiB(128) : Bytes.MiB(512);
        return best(quick, rep -> {
            ResidencyModel.Result r = new ResidencyModel(vram, Policies.uvmDefaults()).run(w, rep);
            return oversubscribed ? r.pagesToDevice() + r.pagesToHost() : size.pagesCeil() + accesses;
        });
    }
}
