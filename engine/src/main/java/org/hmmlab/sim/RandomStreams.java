package org.hmmlab.sim;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Independent random streams derived from one run seed, one per component, chosen by a stable name.
 *
 * <p>A component asks for {@code stream("gpu.warp-scheduler")} and gets the same sequence for the same seed
 * however many other components exist or in which order they were created, so adding a component to a
 * scenario does not perturb the others. The name is hashed with 64-bit FNV-1a (stable across JVMs, unlike
 * {@link String#hashCode()} mixing) and mixed with the seed by the SplitMix64 finaliser.
 */
public final class RandomStreams {

    /**
     * The seed used when a run, a scenario or a sweep does not name one, the only default seed of the lab; every
     * result records the seed it ran with.
     */
    public static final long DEFAULT_SEED = 42;

    private final long seed;
    private final Map<String, SplittableRandom> streams = new HashMap<>();

    public RandomStreams(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    /** The stream for {@code name}; the same object for the same name within this run. */
    public SplittableRandom stream(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("random stream name must be a non-blank string");
        }
        return streams.computeIfAbsent(name, n -> new SplittableRandom(streamSeed(seed, n)));
    }

    /** The seed of stream {@code name} under run seed {@code seed}; exposed so results can be reproduced. */
    public static long streamSeed(long seed, String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return mix(seed ^ mix(h));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
