package org.hmmlab.cli;

import java.io.PrintStream;
import java.util.function.Consumer;
import org.hmmlab.dsl.SweepProgress;

/**
 * A sweep's progress as the command line shows it: on a terminal one line redrawn in place after each point,
 * elsewhere (a log, a pipe) a line at every tenth of the way, so logs stay short.
 *
 * <p>Used by {@code ./hmmlab run}: a {@code .jsh} script calls {@code progress("label")} as it would in a
 * notebook, and a JavaScript {@code lab.sweep(...)} reports here by itself.
 */
final class TerminalProgress implements Consumer<SweepProgress> {

    private final String label;
    private final PrintStream err;
    private final boolean terminal;
    private int lastTenth = -1;

    TerminalProgress(String label, PrintStream err, boolean terminal) {
        this.label = label == null || label.isBlank() ? "sweep" : label;
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public void accept(SweepProgress p) {
        String line = label + " " + p.line();
        boolean last = p.done() == p.total();
        if (terminal) {
            err.print("\r\033[2K" + line + (last ? "\n" : ""));
            err.flush();
            return;
        }
        int tenth = (int) (p.fraction() * 10);
        if (tenth != lastTenth || last) {
            lastTenth = tenth;
            err.println(line);
        }
    }
}
