package org.hmmlab.cli;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hmmlab.calibrate.Calibrate;
import org.hmmlab.calibrate.Calibration;
import org.hmmlab.calibrate.CalibrationCase;
import org.hmmlab.calibrate.MeasuredRun;
import org.hmmlab.dsl.json.JsonFormatException;
import org.hmmlab.dsl.json.MeasurementJson;
import org.hmmlab.dsl.spec.PlatformPresets;
import org.hmmlab.dsl.spec.SpecException;
import org.hmmlab.platform.Platform;

/**
 * {@code ./hmmlab calibrate [--markdown] [--measured FILE]... [--platform NAME]}: without {@code --measured}, the
 * model against the published figures ({@link Calibrate}); with it, the model against the measurement files that
 * the CUDA microbenchmarks of {@code calibrate/cuda/} wrote, one table per file.
 *
 * <p>Each file is compared with the ready profile whose PCIe generation its link reports, or with the one
 * {@code --platform} names. Exit status: 0 done, 1 a file could not be read (the message names the file and the
 * JSON path of the bad value), 2 a usage error.
 */
public final class CalibrateCommand {

    static final String USAGE = "usage: ./hmmlab calibrate [--markdown] [--measured FILE]... [--platform "
            + String.join("|", PlatformPresets.NAMES) + "]";

    private CalibrateCommand() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the command; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean markdown = false;
        List<Path> files = new ArrayList<>();
        String platformName = null;
        for (int k = 0; k < args.length; k++) {
            switch (args[k]) {
                case "--markdown" -> markdown = true;
                case "--measured", "--platform" -> {
                    if (k + 1 >= args.length) {
                        err.println(args[k] + " needs a value; " + USAGE);
                        return 2;
                    }
                    if (args[k].equals("--measured")) {
                        files.add(Path.of(args[++k]));
                    } else {
                        platformName = args[++k];
                    }
                }
                default -> {
                    err.println("unknown argument '" + args[k] + "'; " + USAGE);
                    return 2;
                }
            }
        }
        if (files.isEmpty()) {
            if (platformName != null) {
                err.println("--platform applies to --measured files only; " + USAGE);
                return 2;
            }
            Calibrate.print(Calibration.cases(), markdown, out);
            return 0;
        }
        Platform chosen = null;
        if (platformName != null) {
            try {
                chosen = PlatformPresets.named("--platform", platformName);
            } catch (SpecException e) {
                err.println(e.getMessage() + "; " + USAGE);
                return 2;
            }
        }
        List<MeasuredRun> runs = new ArrayList<>();
        for (Path f : files) {
            try {
                runs.add(MeasurementJson.read(f));
            } catch (JsonFormatException e) {
                err.println(f + ": " + e.getMessage());
                return 1;
            } catch (UncheckedIOException e) {
                err.println(e.getMessage() + ": " + e.getCause().getMessage());
                return 1;
            }
        }
        List<CalibrationCase> all = new ArrayList<>();
        for (MeasuredRun run : runs) {
            Platform p;
            try {
                p = chosen != null ? chosen : MeasurementJson.platformFor(run);
            } catch (IllegalArgumentException e) {
                err.println(e.getMessage() + " with --platform");
                return 1;
            }
            out.println("== " + run.name() + ": " + run.benchmark() + ", " + run.memory() + " memory; " + run.machine());
            if (run.isSynthetic()) {
                out.println("   " + run.synthetic());
            }
            out.println("   model: " + p.name() + (chosen != null ? " (--platform)"
                    : " (the ready profile for the file's PCIe Gen" + run.pcieGeneration() + " link)"));
            for (String s : run.skipped()) {
                out.println("   skipped " + s);
            }
            if (!run.error().isEmpty()) {
                out.println("   the benchmark stopped early: " + run.error());
            }
            List<CalibrationCase> cases = run.cases(p);
            all.addAll(cases);
            if (cases.isEmpty()) {
                out.println("   no results to compare");
            } else {
                Calibrate.printTable(cases, markdown, "measured", out);
            }
            out.println();
        }
        long misses = all.stream().filter(c -> !c.within15Percent()).count();
        out.printf(java.util.Locale.ROOT, "%d files, %d cases, %d within 15 %%, %d outside%n", runs.size(), all.size(),
                all.size() - misses, misses);
        return 0;
    }
}
