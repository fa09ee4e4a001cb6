package org.hmmlab.policy;

import java.util.SplittableRandom;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * Evicts a resident chunk chosen uniformly at random from a seeded source.
 *
 * <p>The "random 4 KiB" eviction of GPGPU-Sim UVMSmart (Ganguly et al. ISCA'19, perf-figures.md section 3d), the
 * baseline that recency-based policies are measured against. Same seed, same victims.
 */
public final class RandomEvictor extends ChunkEvictor {

    private final SplittableRandom random;
    private final long seed;

    /**
     * @param granularity chunk size, a power of two from 4 KiB to 2 MiB
     * @param seed        seed of the victim choice
     * @param cost        driver CPU time per victim choice, {@code >= 0}
     */
    public RandomEvictor(Bytes granularity, long seed, SimDuration cost) {
        super("random eviction", granularity, cost);
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    public RandomEvictor(Bytes granularity, long seed) {
        this(granularity, seed, SimDuration.ZERO);
    }

    @Override
    void grow(int len) {
    }

    @Override
    void added(int slot, int gpu, long nowNanos) {
    }

    @Override
    void allocatedInto(int slot, int gpu, long nowNanos) {
    }

    @Override
    void removed(int slot, int gpu) {
    }

    @Override
    int choose(int gpu, long nowNanos) {
        return members[gpu][random.nextInt(memberCount[gpu])];
    }

    @Override
    public String name() {
        return "random-" + granularityName() + "(seed " + seed + ")";
    }
}
