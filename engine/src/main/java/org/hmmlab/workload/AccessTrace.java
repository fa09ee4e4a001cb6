package org.hmmlab.workload;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * A recorded access trace, read from CSV and held in primitive arrays, replayable as a cursor.
 *
 * <p>Format: one access per line, five comma-separated fields, {@code #} starts a comment line, blank lines are
 * skipped. An optional header names the first column {@code order} (a sequence number) or {@code time_ns}
 * (simulated nanoseconds); without a header the first column is an order. The first column must not decrease.
 *
 * <pre>
 * time_ns,agent,address,access,size
 * 0,gpu0,0x7f0000000000,R,128
 * 250,cpu,0x7f0000001000,W,8
 * </pre>
 *
 * <ul>
 *   <li>{@code agent}: {@code cpu}, {@code gpu} or {@code gpuN};</li>
 *   <li>{@code address}: a virtual address, hexadecimal with {@code 0x} or decimal, {@code >= 0};</li>
 *   <li>{@code access}: {@code R}, {@code W} or {@code A} (or {@code read}, {@code write}, {@code atomic});</li>
 *   <li>{@code size}: bytes, 1 to {@value #MAX_ACCESS_BYTES}.</li>
 * </ul>
 *
 * <p>The whole file is parsed before anything runs: a malformed line raises {@link TraceFormatException} naming
 * the line number and the field, and nothing is half-read.
 */
public final class AccessTrace {

    /** Largest size of one traced access. */
    public static final long MAX_ACCESS_BYTES = 1L << 30;

    /** What the first column means. */
    public enum Clock { ORDER, TIME_NS }

    private final Clock clock;
    private final long[] when;
    private final long[] address;
    private final int[] size;
    private final byte[] agent; // -1 = cpu, n = gpu n
    private final byte[] type;  // AccessType ordinal
    private final int count;
    private final String source; // the file it was read from, or null

    private AccessTrace(Clock clock, long[] when, long[] address, int[] size, byte[] agent, byte[] type, int count,
            String source) {
        this.source = source;
        this.clock = clock;
        this.when = when;
        this.address = address;
        this.size = size;
        this.agent = agent;
        this.type = type;
        this.count = count;
    }

    /** Reads a trace file (UTF-8); the trace remembers the path it was given ({@link #source()}). */
    public static AccessTrace read(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            AccessTrace t = read(r);
            return new AccessTrace(t.clock, t.when, t.address, t.size, t.agent, t.type, t.count, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trace " + file, e);
        }
    }

    /** Reads a trace from CSV text. */
    public static AccessTrace parse(String csv) {
        return read(new java.io.StringReader(csv));
    }

    /** Reads a trace from a reader; the reader is consumed, not closed. */
    public static AccessTrace read(Reader reader) {
        BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        Clock clock = Clock.ORDER;
        int capacity = 1024;
        long[] when = new long[capacity];
        long[] address = new long[capacity];
        int[] size = new int[capacity];
        byte[] agent = new byte[capacity];
        byte[] type = new byte[capacity];
        int n = 0;
        int lineNo = 0;
        boolean seenData = false;
        String firstColumn = "order";
        try {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String[] f = t.split(",", -1);
                if (!seenData && n == 0 && !f[0].isEmpty() && !Character.isDigit(f[0].strip().charAt(0))) {
                    String h = f[0].strip().toLowerCase(Locale.ROOT);
                    if (f.length != 5) {
                        throw new TraceFormatException(lineNo, "line",
                                "header must have 5 columns (order|time_ns, agent, address, access, size), got "
                                        + f.length);
                    }
                    if (h.equals("time_ns")) {
                        clock = Clock.TIME_NS;
                    } else if (!h.equals("order")) {
                        throw new TraceFormatException(lineNo, "order",
                                "first header column must be 'order' or 'time_ns', got '" + f[0].strip() + "'");
                    }
                    firstColumn = h;
                    seenData = true;
                    continue;
                }
                seenData = true;
                if (f.length != 5) {
                    throw new TraceFormatException(lineNo, "line",
                            "expected 5 comma-separated fields (" + firstColumn + ", agent, address, access, size), got "
                                    + f.length);
                }
                if (n == capacity) {
                    capacity = Math.multiplyExact(capacity, 2);
                    when = Arrays.copyOf(when, capacity);
                    address = Arrays.copyOf(address, capacity);
                    size = Arrays.copyOf(size, capacity);
                    agent = Arrays.copyOf(agent, capacity);
                    type = Arrays.copyOf(type, capacity);
                }
                long w = parseLong(f[0].strip(), lineNo, firstColumn, false);
                if (w < 0) {
                    throw new TraceFormatException(lineNo, firstColumn, "must be >= 0, got " + w);
                }
                if (n > 0 && w < when[n - 1]) {
                    throw new TraceFormatException(lineNo, firstColumn,
                            "must not decrease (previous " + when[n - 1] + "), got " + w);
                }
                Agent a;
                try {
                    a = Agent.parse(f[1]);
                } catch (IllegalArgumentException e) {
                    throw new TraceFormatException(lineNo, "agent", e.getMessage());
                }
                long addr = parseLong(f[2].strip(), lineNo, "address", true);
                if (addr < 0) {
                    throw new TraceFormatException(lineNo, "address", "must be >= 0, got " + f[2].strip());
                }
                AccessType at = switch (f[3].strip().toUpperCase(Locale.ROOT)) {
                    case "R", "READ" -> AccessType.READ;
                    case "W", "WRITE" -> AccessType.WRITE;
                    case "A", "ATOMIC" -> AccessType.ATOMIC;
                    default -> throw new TraceFormatException(lineNo, "access",
                            "must be R, W or A (read, write, atomic), got '" + f[3].strip() + "'");
                };
                long s = parseLong(f[4].strip(), lineNo, "size", false);
                if (s < 1 || s > MAX_ACCESS_BYTES) {
                    throw new TraceFormatException(lineNo, "size",
                            "must be in [1, " + MAX_ACCESS_BYTES + "] bytes, got " + s);
                }
                if (addr > Long.MAX_VALUE - s) {
                    throw new TraceFormatException(lineNo, "address", "address + size overflows 2^63");
                }
                when[n] = w;
                address[n] = addr;
                size[n] = (int) s;
                agent[n] = (byte) (a.isCpu() ? -1 : a.index());
                type[n] = (byte) at.ordinal();
                n++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trace at line " + (lineNo + 1), e);
        }
        return new AccessTrace(clock, when, address, size, agent, type, n, null);
    }

    private static long parseLong(String s, int lineNo, String field, boolean allowHex) {
        try {
            if (allowHex && (s.startsWith("0x") || s.startsWith("0X"))) {
                return Long.parseUnsignedLong(s.substring(2), 16);
            }
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new TraceFormatException(lineNo, field,
                    (allowHex ? "must be a decimal or 0x-hexadecimal integer" : "must be a decimal integer")
                            + ", got '" + s + "'");
        }
    }

    /** The path the trace was read from, as given to {@link #read(Path)}; empty for a trace parsed from text. */
    public java.util.Optional<String> source() {
        return java.util.Optional.ofNullable(source);
    }

    /** Whether the first column is an order or a time. */
    public Clock clock() {
        return clock;
    }

    /** Number of accesses. */
    public int size() {
        return count;
    }

    /** A fresh cursor over all accesses in file order. */
    public Cursor cursor() {
        return new Cursor(0, count);
    }

    /** A fresh cursor over accesses {@code [from, to)} in file order. */
    public Cursor cursor(int from, int to) {
        if (from < 0 || to < from || to > count) {
            throw new IllegalArgumentException("trace range must satisfy 0 <= from <= to <= " + count + ", got ["
                    + from + ", " + to + ")");
        }
        return new Cursor(from, to);
    }

    /** Address of access {@code i} (0-based, file order). */
    public long address(int i) {
        return address[i];
    }

    /** Size in bytes of access {@code i}. */
    public long accessSize(int i) {
        return size[i];
    }

    /** True when the CPU issued access {@code i}. */
    public boolean isCpu(int i) {
        return agent[i] < 0;
    }

    /** GPU index of access {@code i}, or -1 for the CPU. */
    public int gpuIndex(int i) {
        return agent[i];
    }

    /**
     * An allocation-free cursor over a trace. {@link #offset()} is the absolute virtual address; {@link #when()}
     * the first column; {@link #agent()} who issued it.
     */
    public final class Cursor implements AccessStream {
        private final int from;
        private final int to;
        private int i;

        private Cursor(int from, int to) {
            this.from = from;
            this.to = to;
            this.i = from - 1;
        }

        @Override
        public boolean next() {
            if (i + 1 >= to) {
                i = to;
                return false;
            }
            i++;
            return true;
        }

        @Override
        public long offset() {
            return address[i];
        }

        @Override
        public AccessType type() {
            return AccessType.ofOrdinal(type[i]);
        }

        @Override
        public long size() {
            return size[i];
        }

        @Override
        public long length() {
            return to - from;
        }

        /** The order number or simulated time in ns of the current access (see {@link AccessTrace#clock()}). */
        public long when() {
            return when[i];
        }

        /** True when the CPU issued the current access. */
        public boolean isCpu() {
            return agent[i] < 0;
        }

        /** GPU index of the current access, or -1 for the CPU. */
        public int gpuIndex() {
            return agent[i];
        }

        /** The current access's agent (allocates for GPUs; use {@link #gpuIndex()} on hot paths). */
        public Agent agent() {
            return agent[i] < 0 ? Agent.cpu() : Agent.gpu(agent[i]);
        }
    }
}
