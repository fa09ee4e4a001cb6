package org.hmmlab.kernel;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.JupyterIO;

/**
 * The cell's stdout, stderr, stdin and display stream, attached to the request that runs the cell.
 *
 * <p>Standard output and error are batched and capped, so that a cell printing in a tight loop neither sends the
 * client one message per line nor more text than a browser can lay out: text goes out at most every
 * {@link #PUBLISH_EVERY_MS} (or once {@link #PUBLISH_AT_BYTES} are waiting), and after {@link #LIMIT_BYTES} in one
 * cell the rest is counted, dropped, and reported in a note at the cell's end. (jjava-jupyter's own streams flush
 * at every line, one iopub message each.)
 */
final class CellIO extends JupyterIO {

    /** The most a cell's stdout and stderr together show; beyond it the cell's output is truncated with a note. */
    static final int LIMIT_BYTES = 1 << 20;
    /** Text waiting this long is published even if the cell writes nothing more. */
    static final long PUBLISH_EVERY_MS = 100;
    /** Text waiting beyond this size is published at once. */
    static final int PUBLISH_AT_BYTES = 64 << 10;

    private static final ScheduledExecutorService FLUSHER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hmmlab-output-flusher");
        t.setDaemon(true);
        return t;
    });

    /** The cell's standard output, for {@link System#setOut}. */
    final PrintStream stdout;
    /** The cell's standard error, for {@link System#setErr}. */
    final PrintStream stderr;

    private final CappedStream outStream = new CappedStream(false);
    private final CappedStream errStream = new CappedStream(true);
    private volatile ShellReplyEnvironment env;
    private long shown;
    private long dropped;

    CellIO() {
        super(StandardCharsets.UTF_8);
        stdout = new PrintStream(outStream, true, StandardCharsets.UTF_8);
        stderr = new PrintStream(errStream, true, StandardCharsets.UTF_8);
        FLUSHER.scheduleWithFixedDelay(this::publishWaiting, PUBLISH_EVERY_MS, PUBLISH_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    void attach(ShellReplyEnvironment env, boolean stdinEnabled) {
        synchronized (this) {
            shown = 0;
            dropped = 0;
        }
        this.env = env;
        setEnv(env);
        setJupyterInEnabled(stdinEnabled);
    }

    /** Publishes what the cell wrote last, then the truncation note if the cell wrote more than the limit. */
    void detach(ShellReplyEnvironment env) {
        stdout.flush();
        stderr.flush();
        out.flush();
        err.flush();
        outStream.publish(true);
        errStream.publish(true);
        long lost;
        synchronized (this) {
            lost = dropped;
            dropped = 0;
        }
        if (lost > 0 && this.env == env) {
            env.writeToStdErr("\n[output truncated: the cell wrote " + size(shown + lost) + "; the first "
                    + size(LIMIT_BYTES) + " is shown, the remaining " + size(lost) + " were dropped]\n");
        }
        if (this.env == env) {
            this.env = null;
        }
        retractEnv(env);
    }

    private void publishWaiting() {
        try {
            outStream.publish(false);
            errStream.publish(false);
        } catch (RuntimeException ignored) {
            // A closing connection; the next cell attaches a fresh environment.
        }
    }

    /** Takes {@code n} bytes of the cell's output: how many of them fit under the limit. */
    private synchronized int admit(int n) {
        long room = LIMIT_BYTES - shown;
        int taken = (int) Math.max(0, Math.min(room, n));
        shown += taken;
        dropped += n - taken;
        return taken;
    }

    static String size(long bytes) {
        if (bytes < 10_000) {
            return bytes + " bytes";
        }
        if (bytes < 10_000_000) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    /** One of the two streams: a buffer the cell writes into and the flusher (or a full buffer) publishes. */
    private final class CappedStream extends OutputStream {
        private final boolean isErr;
        private byte[] buf = new byte[8192];
        private int count;
        private long lastPublishMillis;

        CappedStream(boolean isErr) {
            this.isErr = isErr;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            boolean full;
            synchronized (this) {
                if (env == null) {
                    return; // a thread a finished cell left behind: nobody to show it to
                }
                int taken = admit(len);
                if (taken == 0) {
                    return;
                }
                if (count + taken > buf.length) {
                    byte[] bigger = new byte[Math.max(buf.length * 2, count + taken)];
                    System.arraycopy(buf, 0, bigger, 0, count);
                    buf = bigger;
                }
                System.arraycopy(b, off, buf, count, taken);
                count += taken;
                full = count >= PUBLISH_AT_BYTES;
            }
            if (full) {
                publish(true);
            }
        }

        @Override
        public void flush() {
            // PrintStream flushes at every line; publishing happens on the flusher's beat instead (see publish).
            if (System.currentTimeMillis() - lastPublishMillis >= PUBLISH_EVERY_MS) {
                publish(true);
            }
        }

        /** Sends the waiting text as one stream message; {@code now} ignores the beat. */
        void publish(boolean now) {
            String text;
            ShellReplyEnvironment target;
            synchronized (this) {
                target = env;
                if (count == 0 || target == null) {
                    return;
                }
                if (!now && System.currentTimeMillis() - lastPublishMillis < PUBLISH_EVERY_MS) {
                    return;
                }
                int end = completeUtf8(buf, count);
                if (end == 0) {
                    return;
                }
                text = new String(buf, 0, end, StandardCharsets.UTF_8);
                System.arraycopy(buf, end, buf, 0, count - end);
                count -= end;
                lastPublishMillis = System.currentTimeMillis();
                if (buf.length > (1 << 20)) {
                    buf = java.util.Arrays.copyOf(buf, Math.max(8192, count));
                }
                if (isErr) {
                    target.writeToStdErr(text);
                } else {
                    target.writeToStdOut(text);
                }
            }
        }
    }

    /** The length of the longest prefix of {@code buf[0, count)} that does not end inside a UTF-8 sequence. */
    static int completeUtf8(byte[] buf, int count) {
        int i = count - 1;
        int back = 0;
        while (i >= 0 && back < 4 && (buf[i] & 0xC0) == 0x80) {
            i--;
            back++;
        }
        if (i < 0) {
            return count;
        }
        int lead = buf[i] & 0xFF;
        int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return back + 1 >= need ? count : i;
    }
}
