package org.hmmlab.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel's magics: lines that start with {@code %} (line magics) and cells that start with {@code %%} (cell
 * magics), run by the kernel rather than by JShell.
 *
 * <p>A cell may mix Java and line magics; they run in order, top to bottom, and errors in either point at the
 * cell's line.
 */
final class Magics {

    /** A line magic: gets the text after its name, returns a value to display or {@link CellEvaluator#NO_VALUE}. */
    @FunctionalInterface
    interface LineMagic {
        Object run(String args, Context context) throws Exception;
    }

    /** A cell magic: gets the text after its name on the first line and the rest of the cell. */
    @FunctionalInterface
    interface CellMagic {
        Object run(String args, String body, Context context) throws Exception;
    }

    /** What a magic may use: the evaluator, and the cell's name for error messages. */
    record Context(CellEvaluator evaluator, String cell, int firstLine) {
    }

    private record Entry<T>(String usage, String help, T magic) {
    }

    private static final Pattern LINE_MAGIC = Pattern.compile("^\\s*%(\\w+)(.*)$");
    private static final Pattern CELL_MAGIC = Pattern.compile("^\\s*%%(\\w+)([^\\n]*)\\n?");

    private final Map<String, Entry<LineMagic>> lineMagics = new TreeMap<>();
    private final Map<String, Entry<CellMagic>> cellMagics = new TreeMap<>();

    Magics() {
        line("lsmagic", "%lsmagic", "list the magics", (args, ctx) -> listing());
        line("help", "%help", "list the magics and what a cell can call", (args, ctx) -> help());
        line("load", "%load FILE", "run a JShell script (.jsh) or the code cells of a notebook as if typed here",
                (args, ctx) -> load(args.strip(), ctx));
        line("vars", "%vars", "list the variables, methods and types defined so far",
                (args, ctx) -> String.join("\n", ctx.evaluator().definitions()));
        line("platform", "%platform [NAME]",
                "show the ready platform profiles, or make NAME (e.g. A100_PCIE4) the cells' `platform` variable",
                (args, ctx) -> PlatformMagic.run(args.strip(), ctx));
        cell("js", "%%js [NAME]",
                "run the cell as sandboxed JavaScript (GraalJS) with the scenario API as `lab`; with NAME, keep its source in the String variable NAME",
                (args, body, ctx) -> JsMagic.run(args.strip(), body, ctx));
        cell("time", "%%time", "run the cell and print the wall-clock time it took", (args, body, ctx) -> {
            long start = System.nanoTime();
            Object value = ctx.evaluator().eval(body, ctx.cell(), ctx.firstLine() + 1);
            long micros = (System.nanoTime() - start) / 1_000;
            System.out.printf("wall time: %.3f ms%n", micros / 1000.0);
            return value;
        });
    }

    /** Registers a line magic; a later registration of the same name replaces the earlier one. */
    void line(String name, String usage, String help, LineMagic magic) {
        lineMagics.put(name, new Entry<>(usage, help, magic));
    }

    /** Registers a cell magic; a later registration of the same name replaces the earlier one. */
    void cell(String name, String usage, String help, CellMagic magic) {
        cellMagics.put(name, new Entry<>(usage, help, magic));
    }

    /** Whether the cell is a cell magic ({@code %%name} on its first line). */
    static boolean isCellMagic(String code) {
        return CELL_MAGIC.matcher(code).find();
    }

    /** Whether {@code line} is a line magic ({@code %name ...} alone on its line). */
    static boolean isLineMagic(String line) {
        return LINE_MAGIC.matcher(line).matches() && !line.strip().startsWith("%%");
    }

    /** Runs a cell: a cell magic, or Java with line magics between its statements. */
    Object run(String code, CellEvaluator evaluator, String cell) throws Exception {
        Matcher cm = CELL_MAGIC.matcher(code);
        if (cm.find()) {
            Entry<CellMagic> entry = cellMagics.get(cm.group(1));
            if (entry == null) {
                throw unknown("%%" + cm.group(1), cell, 1);
            }
            return entry.magic().run(cm.group(2).strip(), code.substring(cm.end()), new Context(evaluator, cell, 1));
        }
        Object last = CellEvaluator.NO_VALUE;
        String[] lines = code.split("\n", -1);
        StringBuilder java = new StringBuilder();
        int javaStart = 1;
        for (int i = 0; i < lines.length; i++) {
            Matcher lm = LINE_MAGIC.matcher(lines[i]);
            if (!lm.matches() || lines[i].strip().startsWith("%%")) {
                if (java.isEmpty()) {
                    javaStart = i + 1;
                }
                java.append(lines[i]).append('\n');
                continue;
            }
            if (!java.toString().isBlank()) {
                last = evaluator.eval(java.toString(), cell, javaStart);
            }
            java.setLength(0);
            Entry<LineMagic> entry = lineMagics.get(lm.group(1));
            if (entry == null) {
                throw unknown("%" + lm.group(1), cell, i + 1);
            }
            last = entry.magic().run(lm.group(2), new Context(evaluator, cell, i + 1));
        }
        if (!java.toString().isBlank()) {
            last = evaluator.eval(java.toString(), cell, javaStart);
        }
        return last;
    }

    /** Magic names starting with {@code prefix}, with their {@code %} or {@code %%}. */
    List<String> names(String prefix) {
        List<String> out = new ArrayList<>();
        for (String n : cellMagics.keySet()) {
            if (("%%" + n).startsWith(prefix)) {
                out.add("%%" + n);
            }
        }
        for (String n : lineMagics.keySet()) {
            if (("%" + n).startsWith(prefix)) {
                out.add("%" + n);
            }
        }
        return out;
    }

    /** The usage line and help of every magic, one per line. */
    String listing() {
        StringBuilder sb = new StringBuilder("Line magics (a line of their own, anywhere in a cell):\n");
        lineMagics.values().forEach(e -> sb.append(String.format("  %-22s %s%n", e.usage(), e.help())));
        sb.append("Cell magics (the first line of a cell):\n");
        cellMagics.values().forEach(e -> sb.append(String.format("  %-22s %s%n", e.usage(), e.help())));
        return sb.toString().stripTrailing();
    }

    /** The help text of {@code %help}: the magics, the lab's entry points, the display calls and the editor keys. */
    String help() {
        return listing() + "\n\n"
                + "The lab (imported in every cell; README.md and docs/dsl.md have the whole API):\n"
                + "  scenario(name)        a scenario: .on(A100_PCIE4).vram(MiB(32)).alloc(\"x\", MiB(48))\n"
                + "                        .cpu(phase(\"init\").writes(\"x\")).gpu(kernel(\"scan\").reads(\"x\")).run()\n"
                + "  param(name, v...)     a swept parameter: param(\"vram\", MiB(16), MiB(32))\n"
                + "  sweep(p[, q])         run a scenario per point: sweep(vram).run(p -> ....summary())\n"
                + "                        then .table(), .curves(\"faults\"), .heatMap(\"sim_time_ns\")\n"
                + "  Charts                latencyCdf, curves, curvesBy, heatMap, stackedBars, calibration, ...\n"
                + "  machine()             the kernel-level API: .process().mmap(pages(4)), mirror, hmmRangeFault\n"
                + "  calibration()         the model against published measurements, as a table\n"
                + "  MiB(n) us(n) GBps(x)  typed sizes, times and rates\n\n"
                + "Cells are Java (JShell). The last expression of a cell is shown: charts as images, tables as tables.\n"
                + "  display(x)            show x now; returns an id\n"
                + "  updateDisplay(id, x)  replace what display id shows\n"
                + "  progress(label, n)    a progress bar that updates in place (step(), update(done))\n"
                + "Tab completes, Shift-Tab shows the signature and documentation, Interrupt stops a running simulation.";
    }

    private static Object load(String file, Context ctx) throws IOException {
        if (file.isEmpty()) {
            throw new IllegalArgumentException("%load needs a file: %load path/to/script.jsh");
        }
        Path path = Path.of(file);
        if (!Files.isReadable(path)) {
            throw new CellError("FileNotFound", "cannot read " + path.toAbsolutePath(), List.of(
                    Tracebacks.BOLD_RED + "FileNotFound" + Tracebacks.RESET + " in " + ctx.cell() + " line "
                            + ctx.firstLine() + ": %load cannot read " + path.toAbsolutePath()));
        }
        String text = Files.readString(path);
        if (file.endsWith(".ipynb")) {
            Object last = CellEvaluator.NO_VALUE;
            int n = 0;
            for (String source : NotebookCells.codeCells(text)) {
                n++;
                last = ctx.evaluator().eval(source, path.getFileName() + " cell " + n, 1);
            }
            return last;
        }
        return ctx.evaluator().eval(text, path.getFileName().toString(), 1);
    }

    private static CellError unknown(String magic, String cell, int line) {
        String message = "unknown magic " + magic + " (%lsmagic lists them)";
        return new CellError("UnknownMagic", message, List.of(
                Tracebacks.BOLD_RED + "UnknownMagic" + Tracebacks.RESET + " in " + Tracebacks.GREEN + cell + " line "
                        + line + Tracebacks.RESET + ": " + message));
    }
}
