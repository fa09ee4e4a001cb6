package org.hmmlab.kernel;

import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/**
 * What a notebook cell can call besides the lab's API: show a value now, replace a shown value, and show a
 * progress bar that updates in place. Statically imported by the kernel's start-up script.
 *
 * <p>Rendering follows the kernel's rules: a {@link org.hmmlab.dsl.results.Displayable} (charts, tables) sends its
 * own MIME bundle, images become PNG, anything else its {@code toString()}.
 */
public final class Notebook {

    private Notebook() {
    }

    /**
     * Shows {@code value} below the cell now, and returns the display's id for {@link #updateDisplay}.
     * Example: {@code display(run.table());}
     */
    public static String display(Object value) {
        HmmLabKernel kernel = kernel();
        DisplayData data = kernel.renderValue(value);
        String id = kernel.newDisplayId();
        data.setDisplayId(id);
        kernel.getIO().display.display(data);
        return id;
    }

    /**
     * Replaces what the display {@code id} shows by {@code value}, in place.
     * Example: {@code var id = display("starting"); updateDisplay(id, "done");}
     */
    public static void updateDisplay(String id, Object value) {
        HmmLabKernel kernel = kernel();
        DisplayData data = kernel.renderValue(value);
        kernel.getIO().display.updateDisplay(id, data);
    }

    /**
     * Shows a progress bar for {@code total} steps that updates in place; call {@link Progress#step()} or
     * {@link Progress#update(long)} as work completes. Example: {@code var p = progress("sweep", 12);}
     */
    public static Progress progress(String label, long total) {
        return new Progress(label, total);
    }

    /** Hands the source of a {@code %%js NAME} cell to the variable NAME; the kernel calls this, not cells. */
    public static String takeScript(String key) {
        return JsMagic.take(key);
    }

    /**
     * A progress bar whose total is learned from the first report, for a sweep:
     * {@code sweep(size).onProgress(progress("size sweep")).run(...)}.
     */
    public static Progress progress(String label) {
        return new Progress(label, 0);
    }

    static HmmLabKernel kernel() {
        BaseKernel k = BaseKernel.notebookKernel();
        if (k instanceof HmmLabKernel lab) {
            return lab;
        }
        throw new IllegalStateException("display() works in an HMM Lab notebook only (the running kernel is " + k.getName() + ")");
    }
}
