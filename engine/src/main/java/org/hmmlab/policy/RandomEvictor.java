package org.hmmlab.policy;

import java.util.SplittableRandom;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * Evicts a resident chunk chosen uniformly at random from a source seeded by the run.
 *
 * <p>The "random 4 KiB" eviction of GPGPU-Sim UVMSmart (Ganguly et al. ISCA'19, perf-figures.md section 3d), the
 * baseline that recency-based policies are measured against. Its seed is not a parameter of its own: the engine
 * hands it the run's evictor seed through {@link #seedFrom(long)} before the run, so the same run seed gives the
 * same victims, and a sweep's points draw different ones.
 */
public final class RandomEvictor extends ChunkEvictor {

    private SplittableRandom random;

    /**
     * @param granularity chunk size, a power of two from 4 KiB to 2 MiB
     * @param cost        driver CPU time per victim choice, {@code >= 0}
     */
    public RandomEvictor(Bytes granularity, SimDuration cost) {
        super("random eviction", granularity, cost);
    }

    public RandomEvictor(Bytes granularity) {
        this(granularity, SimDuration.ZERO);
    }

    @Override
    public void seedFrom(long evictorSeed) {
        this.random = new SplittableRandom(evictorSeed);
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
        if (random == null) {
            throw new IllegalStateException("random eviction: not seeded; the engine calls seedFrom(evictorSeed) before"
                    + " the run, a caller of its own must too");
        }
        return members[gpu][random.nextInt(memberCount[gpu])];
    }

    @Override
    public String name() {
        return "random-" + granularityName();
    }
}
