package org.hmmlab.workload;

import org.hmmlab.units.Bytes;

/**
 * One step of a workload: an agent runs a pattern over a footprint of a named allocation, issuing {@code work}
 * accesses with {@code concurrency} independent issuers (warps on a GPU, threads on the CPU).
 *
 * <p>Checked as a whole when made: besides each field's range, the pattern refuses an extent it cannot run
 * ({@link Pattern#check}: a stencil row wider than the footprint, a replayed trace slice outside it), so the
 * refusal names this phase and comes where the phase was written, not when it runs.
 *
 * <p>Immutable: every {@code with...} returns a new phase. A phase does not know time; the timing layer decides
 * how long its accesses take. The stream of one phase is {@link #stream(long) a pure function} of the phase and a
 * seed.
 *
 * <pre>{@code
 * Phase k = Phase.gpu("saxpy", "x", Patterns.sequential(), Bytes.GiB(1), 262_144).withConcurrency(2048);
 * }</pre>
 *
 * @param name          label for tables and traces
 * @param agent         who issues the accesses
 * @param allocation    the allocation's name in the enclosing {@link Workload}
 * @param pattern       the access shape
 * @param footprint     bytes of the allocation the phase touches, from its start
 * @param work          number of accesses, {@code 1 ..} {@value #MAX_WORK}
 * @param concurrency   independent issuers, {@code 1 ..} {@value #MAX_CONCURRENCY}
 * @param accessSize    bytes per access, {@code 1 ..} footprint
 * @param writeFraction fraction of writes, [0, 1]
 */
public record Phase(String name, Agent agent, String allocation, Pattern pattern, Bytes footprint, long work,
                    int concurrency, Bytes accessSize, double writeFraction) {

    /** Most accesses one phase may issue. */
    public static final long MAX_WORK = 1L << 40;
    /** Most independent issuers (warps or threads) of one phase. */
    public static final int MAX_CONCURRENCY = 1 << 20;
    /** Default bytes per access: one 4 KiB page, so each access stands for the touches of a page. */
    public static final Bytes DEFAULT_ACCESS_SIZE = Bytes.PAGE;

    public Phase {
        requireName("phase name", name);
        if (agent == null) {
            throw new IllegalArgumentException("phase '" + name + "' agent must be cpu or gpuN, got null");
        }
        requireName("phase '" + name + "' allocation", allocation);
        if (pattern == null) {
            throw new IllegalArgumentException("phase '" + name + "' pattern must be set, got null");
        }
        if (accessSize == null || accessSize.bytes() < 1) {
            throw new IllegalArgumentException("phase '" + name + "' accessSize must be >= 1 B, got " + accessSize);
        }
        if (footprint == null || footprint.bytes() < accessSize.bytes()) {
            throw new IllegalArgumentException("phase '" + name + "' footprint must be >= accessSize (" + accessSize
                    + "), got " + footprint);
        }
        if (work < 1 || work > MAX_WORK) {
            throw new IllegalArgumentException("phase '" + name + "' work must be in [1, " + MAX_WORK + "] accesses, got "
                    + work);
        }
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new IllegalArgumentException("phase '" + name + "' concurrency must be in [1, " + MAX_CONCURRENCY
                    + "], got " + concurrency);
        }
        if (!(writeFraction >= 0.0 && writeFraction <= 1.0)) {
            throw new IllegalArgumentException("phase '" + name + "' writeFraction must be in [0, 1], got "
                    + writeFraction);
        }
        try {
            pattern.check(footprint, accessSize, work);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("phase '" + name + "': " + e.getMessage(), e);
        }
    }

    /** A read-only GPU phase on GPU 0 with one warp and page-sized accesses. */
    public static Phase gpu(String name, String allocation, Pattern pattern, Bytes footprint, long work) {
        return new Phase(name, Agent.gpu(0), allocation, pattern, footprint, work, 1, DEFAULT_ACCESS_SIZE, 0.0);
    }

    /** A read-only CPU phase with one thread and page-sized accesses. */
    public static Phase cpu(String name, String allocation, Pattern pattern, Bytes footprint, long work) {
        return new Phase(name, Agent.cpu(), allocation, pattern, footprint, work, 1, DEFAULT_ACCESS_SIZE, 0.0);
    }

    public Phase withAgent(Agent a) {
        return new Phase(name, a, allocation, pattern, footprint, work, concurrency, accessSize, writeFraction);
    }

    public Phase withConcurrency(int c) {
        return new Phase(name, agent, allocation, pattern, footprint, work, c, accessSize, writeFraction);
    }

    public Phase withAccessSize(Bytes s) {
        return new Phase(name, agent, allocation, pattern, footprint, work, concurrency, s, writeFraction);
    }

    public Phase withWriteFraction(double f) {
        return new Phase(name, agent, allocation, pattern, footprint, work, concurrency, accessSize, f);
    }

    public Phase withWork(long w) {
        return new Phase(name, agent, allocation, pattern, footprint, w, concurrency, accessSize, writeFraction);
    }

    /** The phase's accesses for the given seed, as an allocation-free cursor. */
    public AccessStream stream(long seed) {
        return pattern.stream(footprint, work, accessSize, writeFraction, seed);
    }

    static void requireName(String what, String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(what + " must be a non-blank name, got '" + name + "'");
        }
    }
}
