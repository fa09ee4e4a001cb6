package org.hmmlab.kernel;

import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A progress bar in a cell's output that redraws in place (one display, updated), for sweeps and long runs.
 *
 * <p>Updates are thread-safe (a sweep's workers may report) and throttled to about ten redraws a second; the
 * final step always redraws. It is also a {@code BiConsumer<done, total>} so it plugs into a progress callback.
 */
public final class Progress implements BiConsumer<Long, Long> {

    private static final long REDRAW_EVERY_MS = 100;
    private static final int WIDTH = 30;

    private final String label;
    private final String displayId;
    private long total;
    private long done;
    private long lastDrawMillis;

    Progress(String label, long total) {
        if (total < 0) {
            throw new IllegalArgumentException("total must be >= 0 (got " + total + ")");
        }
        this.label = label;
        this.total = total;
        this.displayId = Notebook.display(view(0, total));
        this.lastDrawMillis = System.currentTimeMillis();
    }

    /** One more step done. */
    public void step() {
        long d;
        long t;
        synchronized (this) {
            d = ++done;
            t = total;
        }
        redraw(d, t, false);
    }

    /** {@code done} steps done in all. */
    public void update(long done) {
        long t;
        synchronized (this) {
            this.done = done;
            t = total;
        }
        redraw(done, t, false);
    }

    /** {@code done} of {@code total} steps done (the total may be learned late). */
    @Override
    public void accept(Long done, Long total) {
        synchronized (this) {
            this.done = done;
            this.total = total;
        }
        redraw(done, total, false);
    }

    /** Draws the final state now. */
    public void finish() {
        long d;
        long t;
        synchronized (this) {
            d = done;
            t = total;
        }
        redraw(d, t, true);
    }

    private void redraw(long d, long t, boolean force) {
        long now = System.currentTimeMillis();
        synchronized (this) {
            if (!force && d < t && now - lastDrawMillis < REDRAW_EVERY_MS) {
                return;
            }
            lastDrawMillis = now;
        }
        Notebook.updateDisplay(displayId, view(d, t));
    }

    private View view(long d, long t) {
        return new View(label, d, t);
    }

    /** The bar as text and HTML. */
    record View(String label, long done, long total) implements org.hmmlab.dsl.results.Displayable {
        @Override
        public Map<String, String> mimeBundle() {
            int filled = total == 0 ? WIDTH : (int) Math.min(WIDTH, done * WIDTH / total);
            String text = label + " [" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + done + "/" + total;
            String html = "<div><span>" + Inspection.escape(label) + "</span> <progress value=\"" + done + "\" max=\""
                    + Math.max(total, 1) + "\"></progress> <span>" + done + "/" + total + "</span></div>";
            return Map.of("text/plain", text, "text/html", html);
        }
    }
}
