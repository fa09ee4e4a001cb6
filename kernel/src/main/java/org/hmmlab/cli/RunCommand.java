package org.hmmlab.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.hmmlab.dsl.ScenarioResult;
import org.hmmlab.dsl.SweepProgress;
import org.hmmlab.dsl.json.JsonFormatException;
import org.hmmlab.dsl.json.ScenarioJson;
import org.hmmlab.dsl.results.Chart;
import org.hmmlab.dsl.results.Displayable;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.dsl.script.ScriptException;
import org.hmmlab.dsl.Cancellation;
import org.hmmlab.sim.CancellationToken;
import org.hmmlab.sim.SimulationCancelledException;

/**
 * {@code ./hmmlab run FILE [--json] [--out DIR]}: runs a scenario file ({@code .json}; a sweep file goes to
 * {@link SweepCommand}, on the local cores), a JShell script with
 * the DSL imported ({@code .jsh}) or a JavaScript scenario ({@code .js}), and prints what it produced.
 *
 * <p>Tables print as aligned text; {@code --json} prints machine-readable JSON instead; {@code --out DIR}
 * also writes every table as CSV and every chart as PNG and SVG there. Ctrl-C cancels the run's token, so a
 * long sweep stops between points. Exit status: 0 done, 1 the run failed (the message names the file and
 * line, or the JSON path), 2 a usage error.
 */
public final class RunCommand {

    /** What to do with results: print them, and maybe write them to a folder. */
    static final class Output {
        final PrintStream out;
        final boolean json;
        final Path dir;
        final PrintStream err;
        final boolean terminal;
        private final List<String> written = new ArrayList<>();
        private int unnamed;

        Output(PrintStream out, PrintStream err, boolean json, Path dir) {
            this.out = out;
            this.err = err;
            this.json = json;
            this.dir = dir;
            this.terminal = err == System.err && System.console() != null;
        }

        /** A progress line on stderr for a sweep called {@code label}. */
        Consumer<SweepProgress> progress(String label) {
            return new TerminalProgress(label, err, terminal);
        }

        /** Prints a table, chart or other value, and writes it under {@code --out} when given. */
        void show(Object value) {
            if (value instanceof Table t) {
                out.println(json ? org.hmmlab.dsl.json.Json.toJson(t) : t.toText());
                if (dir != null) {
                    written.add(t.writeCsv(dir.resolve(fileStem(t.name()) + ".csv")).toString());
                }
            } else if (value instanceof Chart c) {
                out.println(c);
                if (dir != null) {
                    String stem = fileStem(c.title());
                    written.add(c.save(dir.resolve(stem + ".png")).toString());
                    written.add(c.save(dir.resolve(stem + ".svg")).toString());
                }
            } else if (value instanceof Displayable d) {
                out.println(d.toPlainText());
            } else {
                out.println(value);
            }
        }

        /** Writes a table or chart under --out without printing it (with --json the JSON is the output). */
        void writeOnly(Object value) {
            if (dir == null) {
                return;
            }
            if (value instanceof Table t) {
                written.add(t.writeCsv(dir.resolve(fileStem(t.name()) + ".csv")).toString());
            } else if (value instanceof Chart c) {
                String stem = fileStem(c.title());
                written.add(c.save(dir.resolve(stem + ".png")).toString());
                written.add(c.save(dir.resolve(stem + ".svg")).toString());
            }
        }

        String fileStem(String title) {
            String s = title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
            return s.isEmpty() ? "result-" + (++unnamed) : s;
        }

        List<String> written() {
            return written;
        }
    }

    /** The output of the script run on this thread, for {@link #show(Object)} from JShell snippets. */
    private static volatile Output current;

    private RunCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command and returns its exit status; printing goes to {@code out} and {@code err}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path file = null;
        boolean json = false;
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--json" -> json = true;
                case "--out" -> {
                    if (i + 1 >= args.length) {
                        return usage(err, "--out needs a folder");
                    }
                    dir = Path.of(args[++i]);
                }
                case "-h", "--help" -> {
                    usage(out, null);
                    return 0;
                }
                default -> {
                    if (args[i].startsWith("--") || file != null) {
                        return usage(err, "unexpected argument '" + args[i] + "'");
                    }
                    file = Path.of(args[i]);
                }
            }
        }
        if (file == null) {
            return usage(err, "give a file to run");
        }
        if (Files.isDirectory(file)) {
            err.println("hmmlab run: " + file + " is a directory; give one .json, .jsh or .js file");
            return 1;
        }
        if (!Files.exists(file)) {
            err.println("hmmlab run: " + file + ": no such file");
            return 2;
        }
        if (!Files.isRegularFile(file)) {
            err.println("hmmlab run: " + file + " is not a regular file (a device, a pipe or a socket)");
            return 1;
        }
        String name = file.getFileName().toString();
        Output output = new Output(out, err, json, dir);
        CancellationToken token = Cancellation.begin();
        Thread hook = new Thread(token::cancel, "hmmlab-run-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            String source = readText(file);
            if (name.endsWith(".json") && isSweepFile(source)) {
                List<String> sweepArgs = new ArrayList<>(List.of(file.toString()));
                if (dir != null) {
                    sweepArgs.addAll(List.of("--out", dir.toString()));
                }
                return SweepCommand.run(sweepArgs.toArray(String[]::new), out, err);
            }
            if (name.endsWith(".json")) {
                runJson(source, output);
            } else if (name.endsWith(".jsh")) {
                if (!JshRunner.run(name, source, output, err)) {
                    return 1;
                }
            } else if (name.endsWith(".js")) {
                JsScenarioRunner.run(name, source, output);
            } else {
                return usage(err, name + ": run takes a .json scenario, a .jsh JShell script or a .js JavaScript scenario");
            }
            for (String w : output.written()) {
                err.println("wrote " + w);
            }
            return 0;
        } catch (JsonFormatException e) {
            err.println(name + ": " + e.getMessage());
            return 1;
        } catch (ScriptException e) {
            err.println(e.getMessage());
            return 1;
        } catch (SimulationCancelledException e) {
            err.println(name + ": cancelled");
            return 1;
        } catch (IOException e) {
            err.println("hmmlab run: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println(name + ": " + e.getMessage());
            return 1;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: the JVM is exiting anyway
            }
        }
    }

    /** A sweep file ({@code "base"} and {@code "vary"}) rather than a scenario: {@code run} hands it to the sweep verb. */
    static boolean isSweepFile(String source) {
        try {
            var tree = org.hmmlab.dsl.json.Json.parse(source);
            return tree.isObject() && tree.has("vary") && tree.has("base");
        } catch (IllegalArgumentException e) {
            return false; // not JSON: the scenario reader says what is wrong
        }
    }

    /**
     * The file's text, which must be UTF-8: a binary file (one with a NUL byte) or one in another encoding is refused
     * with where the first bad byte is, rather than with the decoder's "Input length = 1".
     */
    static String readText(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw new IllegalArgumentException("is a binary file (a NUL byte at offset " + i
                        + "), not a scenario or script: run takes UTF-8 text");
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int at = in.position();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "is not valid UTF-8 text: byte 0x%02X at line %d, byte %d of the line; save the file as UTF-8",
                    bytes[at] & 0xFF, line, at - lineStart + 1));
        }
        decoder.flush(out);
        out.flip();
        return out.toString();
    }

    private static int usage(PrintStream s, String problem) {
        if (problem != null) {
            s.println("hmmlab run: " + problem);
        }
        s.println("usage: ./hmmlab run FILE.json|FILE.jsh|FILE.js [--json] [--out DIR]");
        s.println("  --json     print results as JSON");
        s.println("  --out DIR  also write tables as CSV and charts as PNG and SVG into DIR");
        return problem == null ? 0 : 2;
    }

    /** Runs a scenario file and shows its result: the counters, and with --out the charts. */
    static void runJson(String source, Output output) {
        ScenarioResult r = ScenarioJson.read(source).run();
        if (output.json) {
            output.out.println(ScenarioJson.write(r));
            if (output.dir != null) {
                r.tables().forEach(output::writeOnly);
                r.charts().forEach(output::writeOnly);
            }
            return;
        }
        output.out.println(r.scenario());
        for (Table t : r.tables()) {
            if (t.rowCount() > 50) {
                output.writeOnly(t); // a time series: to CSV under --out, not onto the terminal
            } else {
                output.show(t);
            }
        }
        if (output.dir != null) {
            r.charts().forEach(output::show);
        }
    }

    /**
     * Shows a value from a running {@code .jsh} script the way the run command shows results: a table as text
     * (CSV under --out), a chart as a line (PNG and SVG under --out). Scripts call it as {@code display(x)}.
     */
    public static void show(Object value) {
        Output o = current;
        if (o == null) {
            System.out.println(value);
        } else {
            o.show(value);
        }
    }

    /**
     * A progress line on the terminal for a sweep, as a notebook's {@code progress(label)} draws a bar:
     * {@code sweep(vram).onProgress(progress("vram sweep")).run(...)} in a {@code .jsh} script.
     */
    public static Consumer<SweepProgress> progress(String label) {
        Output o = current;
        return o == null ? new TerminalProgress(label, System.err, false) : o.progress(label);
    }

    static void setCurrent(Output o) {
        current = o;
    }

    /** The DSL's start-up imports, shared with the notebook kernel. */
    static String dslStartup() {
        try (InputStream in = RunCommand.class.getClassLoader().getResourceAsStream("org/hmmlab/dsl/startup.jsh")) {
            if (in == null) {
                throw new IllegalStateException("org/hmmlab/dsl/startup.jsh is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("could not read the DSL start-up script", e);
        }
    }
}
