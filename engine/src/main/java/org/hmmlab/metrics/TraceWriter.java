package org.hmmlab.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes {@link TraceEvent}s as JSON lines (one object per line) to an {@link Appendable}.
 */
public final class TraceWriter {

    private final Appendable out;
    private long written;

    public TraceWriter(Appendable out) {
        this.out = out;
    }

    public void write(TraceEvent e) {
        try {
            out.append(e.toJson()).append('\n');
            written++;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write trace", ex);
        }
    }

    public long written() {
        return written;
    }

    /** A JSON string literal for {@code s}. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
