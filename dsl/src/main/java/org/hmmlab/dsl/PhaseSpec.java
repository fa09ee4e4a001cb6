package org.hmmlab.dsl;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.AccessTrace;
import org.hmmlab.workload.Agent;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Pattern;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.TraceFormatException;

/**
 * A CPU or GPU phase as the DSL describes it before it joins a scenario: what it reads or writes, with
 * which access pattern, how much and how wide.
 *
 * <p>Immutable: each call returns a new spec. Unset values resolve when the phase joins a scenario: the
 * footprint defaults to the whole allocation, the work to one pass over the footprint (one access per
 * {@link #accessSize(Bytes) access size}), the pattern to sequential.
 *
 * <pre>{@code kernel("saxpy").reads("x").pattern(sequential()).warps(2048)}</pre>
 */
public final class PhaseSpec {

    private final String name;
    private final String allocation;
    private final double writeFraction;
    private final Pattern pattern;
    private final Bytes footprint; // null: the whole allocation
    private final long accesses; // 0: passes over the footprint
    private final int passes;
    private final int concurrency;
    private final Bytes accessSize;
    private final Bytes traceSpan; // a trace's pages, allocated under its own name when missing; null otherwise

    private PhaseSpec(String name, String allocation, double writeFraction, Pattern pattern, Bytes footprint,
            long accesses, int passes, int concurrency, Bytes accessSize, Bytes traceSpan) {
        this.traceSpan = traceSpan;
        this.name = name;
        this.allocation = allocation;
        this.writeFraction = writeFraction;
        this.pattern = pattern;
        this.footprint = footprint;
        this.accesses = accesses;
        this.passes = passes;
        this.concurrency = concurrency;
        this.accessSize = accessSize;
    }

    /** A phase named {@code name}; say what it touches with {@link #reads} or {@link #writes}. */
    static PhaseSpec named(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("phase name must be non-empty text, got '" + name + "'");
        }
        return new PhaseSpec(name, null, 0, Patterns.sequential(), null, 0, 1, 1, Phase.DEFAULT_ACCESS_SIZE, null);
    }

    /**
     * A phase that replays the access trace in {@code file} (CSV, {@link AccessTrace}'s format), read now: one
     * pass is every access in file order, each with the trace's type and size, at its address relative to the
     * trace's first page. The phase and its allocation are named after the file ({@code app.csv}: {@code app});
     * the scenario allocates the trace's pages under that name unless it has such an allocation already, and
     * {@code .reads("buf")} replays it over another allocation. The agent column is not consulted: the call that
     * adds the phase ({@code .gpu}, {@code .cpu}) says who issues the accesses.
     */
    static PhaseSpec trace(String file) {
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("trace(file): file must be the path of a CSV trace, got '" + file + "'");
        }
        Path path = Path.of(file);
        AccessTrace t;
        try {
            t = AccessTrace.read(path);
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException("trace(file): cannot read '" + file + "' ("
                    + e.getCause().getClass().getSimpleName() + (e.getCause().getMessage() == null ? ""
                    : ": " + e.getCause().getMessage()) + ")", e);
        } catch (TraceFormatException e) {
            throw new IllegalArgumentException("trace(\"" + file + "\"): " + e.getMessage(), e);
        }
        if (t.size() == 0) {
            throw new IllegalArgumentException("trace(\"" + file + "\"): the trace holds no access");
        }
        long lo = Long.MAX_VALUE;
        long hi = 0;
        for (int i = 0; i < t.size(); i++) {
            lo = Math.min(lo, t.address(i));
            hi = Math.max(hi, t.address(i) + t.accessSize(i));
        }
        long base = lo & -Bytes.PAGE.bytes();
        String stem = path.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        String label = stem.isBlank() ? "trace" : stem;
        return new PhaseSpec(label, label, 0, Patterns.replay(t, 0, t.size(), base), null, 0, 1, 1,
                Phase.DEFAULT_ACCESS_SIZE, Bytes.pages(Bytes.of(hi - base).pagesCeil()));
    }

    private PhaseSpec copy(String alloc, double wf, Pattern p, Bytes fp, long acc, int ps, int conc, Bytes as) {
        return new PhaseSpec(name, alloc, wf, p, fp, acc, ps, conc, as, traceSpan);
    }

    /**
     * The allocation a trace phase brings when the scenario lacks one of its name: the trace's pages; null for
     * other phases, or once {@code .reads("x")} names another allocation.
     */
    Allocation traceAllocation() {
        return traceSpan == null || !name.equals(allocation) ? null : new Allocation(allocation, traceSpan);
    }

    public String name() {
        return name;
    }

    /** The allocation it touches, or null before {@link #reads}/{@link #writes}. */
    public String allocation() {
        return allocation;
    }

    private static String checkAlloc(String what, String alloc) {
        if (alloc == null || alloc.isBlank()) {
            throw new IllegalArgumentException(what + "(allocation): allocation must be the name of an alloc(...), got '"
                    + alloc + "'");
        }
        return alloc;
    }

    /** Reads {@code allocation} only: {@code .reads("x")}. */
    public PhaseSpec reads(String alloc) {
        return copy(checkAlloc("reads", alloc), 0, pattern, footprint, accesses, passes, concurrency, accessSize);
    }

    /** Writes every access to {@code allocation}: {@code .writes("x")}. */
    public PhaseSpec writes(String alloc) {
        return copy(checkAlloc("writes", alloc), 1, pattern, footprint, accesses, passes, concurrency, accessSize);
    }

    /** Reads and writes {@code allocation}, {@code writeFraction} of accesses in [0, 1] being writes. */
    public PhaseSpec readsWrites(String alloc, double fractionOfWrites) {
        if (!(fractionOfWrites >= 0 && fractionOfWrites <= 1)) {
            throw new IllegalArgumentException("readsWrites(allocation, writeFraction): writeFraction must be in [0, 1], got "
                    + fractionOfWrites);
        }
        return copy(checkAlloc("readsWrites", alloc), fractionOfWrites, pattern, footprint, accesses, passes,
                concurrency, accessSize);
    }

    /** The access pattern: {@code .pattern(zipf(1.1))}. */
    public PhaseSpec pattern(Pattern accessPattern) {
        Objects.requireNonNull(accessPattern, "pattern(p): p must be a pattern such as sequential(), got null");
        return copy(allocation, writeFraction, accessPattern, footprint, accesses, passes, concurrency, accessSize);
    }

    /** Touches only the first {@code bytes} of the allocation (at least one access): {@code .footprint(MiB(64))}. */
    public PhaseSpec footprint(Bytes bytes) {
        if (bytes == null || bytes.bytes() < 1) {
            throw new IllegalArgumentException("footprint(bytes): bytes must be >= 1 B, got " + bytes);
        }
        return copy(allocation, writeFraction, pattern, bytes, accesses, passes, concurrency, accessSize);
    }

    /** Issues exactly {@code n} accesses, in [1, 2^40]: {@code .accesses(1_000_000)}. */
    public PhaseSpec accesses(long n) {
        if (n < 1 || n > Phase.MAX_WORK) {
            throw new IllegalArgumentException("accesses(n): n must be in [1, " + Phase.MAX_WORK + "], got " + n);
        }
        return copy(allocation, writeFraction, pattern, footprint, n, passes, concurrency, accessSize);
    }

    /**
     * Makes {@code n} passes over the footprint, in [1, 10000] (one pass is the default; a pass of
     * {@code gemm} is its whole multiply): {@code .passes(4)}.
     */
    public PhaseSpec passes(int n) {
        if (n < 1 || n > 10_000) {
            throw new IllegalArgumentException("passes(n): n must be in [1, 10000], got " + n);
        }
        return copy(allocation, writeFraction, pattern, footprint, 0, n, concurrency, accessSize);
    }

    /** GPU warps issuing accesses concurrently, in [1, 2^20]: {@code .warps(2048)}. */
    public PhaseSpec warps(int n) {
        return copy(allocation, writeFraction, pattern, footprint, accesses, passes, checkConcurrency("warps", n), accessSize);
    }

    /** CPU threads issuing accesses concurrently, in [1, 2^20]: {@code .threads(8)}. */
    public PhaseSpec threads(int n) {
        return copy(allocation, writeFraction, pattern, footprint, accesses, passes, checkConcurrency("threads", n), accessSize);
    }

    private static int checkConcurrency(String what, int n) {
        if (n < 1 || n > Phase.MAX_CONCURRENCY) {
            throw new IllegalArgumentException(what + "(n): n must be in [1, " + Phase.MAX_CONCURRENCY + "], got " + n);
        }
        return n;
    }

    /** Bytes per access, in [1 B, 2 MiB] (default one 4 KiB page): {@code .accessSize(bytes(128))}. */
    public PhaseSpec accessSize(Bytes size) {
        if (size == null || size.bytes() < 1 || size.bytes() > Bytes.HUGE_PAGE.bytes()) {
            throw new IllegalArgumentException("accessSize(size): size must be in [1 B, 2 MiB], got " + size);
        }
        return copy(allocation, writeFraction, pattern, footprint, accesses, passes, concurrency, size);
    }

    /**
     * The engine's phase for this spec run by {@code agent} over {@code alloc}, with the defaults resolved.
     */
    Phase resolve(Agent agent, Allocation alloc) {
        Bytes fp = footprint == null ? alloc.size() : footprint;
        if (fp.compareTo(alloc.size()) > 0) {
            throw new IllegalArgumentException("phase '" + name + "': footprint must be <= the size of '" + alloc.name()
                    + "' (" + alloc.size() + "), got " + fp);
        }
        if (accessSize.compareTo(fp) > 0) {
            throw new IllegalArgumentException("phase '" + name + "': accessSize must be <= the footprint (" + fp
                    + "), got " + accessSize);
        }
        long perPass;
        try {
            perPass = accesses > 0 ? 0 : pattern.accessesPerPass(fp, accessSize);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("phase '" + name + "': " + e.getMessage(), e);
        }
        long work = accesses > 0 ? accesses : perPass > Phase.MAX_WORK / passes ? Phase.MAX_WORK : passes * perPass;
        return new Phase(name, agent, alloc.name(), pattern, fp, work, concurrency, accessSize, writeFraction);
    }

    @Override
    public String toString() {
        return "phase " + name + (allocation == null ? "" : " on " + allocation) + " " + pattern.label();
    }
}
