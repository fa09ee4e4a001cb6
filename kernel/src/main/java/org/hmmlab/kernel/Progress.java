package org.hmmlab.kernel;

import java.util.Map;
import java.util.function.Consumer;

import org.hmmlab.dsl.SweepProgress;
import org.hmmlab.dsl.results.Displayable;

/**
 * A progress bar in a cell's output that redraws in place (one display, updated), for sweeps and long runs.
 *
 * <p>Updates are thread-safe and throttled to about ten redraws a second; the final step always redraws. It is
 * also a sweep's progress listener: {@code sweep(size).onProgress(progress("size sweep")).run(...)}.
 */
public final class Progress implements Consumer<SweepProgress> {

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

    /** A sweep finished another point: shows points done of all points and the point's parameters. */
    @Override
    public void accept(SweepProgress progress) {
        synchronized (this) {
            this.done = progress.done();
            this.total = progress.total();
        }
        redraw(progress.done(), progress.total(), progress.done() == progress.total());
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
    record View(String label, long done, long total) implements Displayable {
        @Override
        public Map<String, String> mimeBundle() {
            if (total == 0) {
                String waiting = label + " (starting)";
                return Map.of("text/plain", waiting, "text/html", "<div>" + Displayable.escapeHtml(waiting) + "</div>");
            }
            int filled = (int) Math.min(WIDTH, done * WIDTH / total);
            String text = label + " [" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + done + "/" + total;
            String html = "<div><span>" + Displayable.escapeHtml(label) + "</span> <progress value=\"" + done + "\" max=\""
                    + Math.max(total, 1) + "\"></progress> <span>" + done + "/" + total + "</span></div>";
            return Map.of("text/plain", text, "text/html", html);
        }
    }
}
