package org.hmmlab.run;

import org.hmmlab.sim.RandomStreams;

/**
 * The seeds a run derives from its own, all through one function, {@link RandomStreams#streamSeed(long, String)}
 * (a stable FNV-1a hash of a stream name mixed with the run's seed by the SplitMix64 finaliser), each under a
 * fixed stream name. Both engines and every executor use these, so the same run seed replays the same access
 * streams and the same random victims whatever the engine, and a sweep point's seed depends only on the sweep's
 * seed and the point's index.
 */
public final class Seeds {

    private Seeds() {
    }

    /** The seed of the access stream of phase {@code index} named {@code name}: stream {@code phase/<index>/<name>}. */
    public static long phase(long run, int index, String name) {
        return RandomStreams.streamSeed(run, "phase/" + index + "/" + name);
    }

    /** The seed of the policy's evictor (the random evictor's victims): stream {@code evictor}. */
    public static long evictor(long run) {
        return RandomStreams.streamSeed(run, "evictor");
    }

    /** The seed of the policy's prefetcher (the random prefetcher's pages): stream {@code prefetcher}. */
    public static long prefetcher(long run) {
        return RandomStreams.streamSeed(run, "prefetcher");
    }

    /**
     * The run seed of the point at {@code coordinates} of a sweep seeded {@code sweep}: stream
     * {@code point/<coordinates>}. A sweep described as data names its point by its parameter values
     * ({@code phases.scan.warps=64,policy.placement.threshold=16}), not by its position, so the point gives the same
     * row whichever executor, shard or order runs it, and adding a value to one parameter leaves the other points' seeds
     * as they were.
     */
    public static long point(long sweep, String coordinates) {
        return RandomStreams.streamSeed(sweep, "point/" + coordinates);
    }

    /** The run seed of point {@code index} of a sweep seeded {@code sweep}: stream {@code point/<index>}. */
    public static long point(long sweep, int index) {
        return RandomStreams.streamSeed(sweep, "point/" + index);
    }
}
