package org.hmmlab.calibrate;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./hmmlab calibrate}: prints the model beside each published figure it can answer, as a table
 * (case, source, published, model, error %, note). {@code --markdown} prints it as a Markdown table, the form
 * the README carries.
 */
public final class Calibrate {

    private Calibrate() {
    }

    public static void main(String[] args) {
        boolean markdown = args.length > 0 && args[0].equals("--markdown");
        if (args.length > 0 && !markdown) {
            System.err.println("usage: ./hmmlab calibrate [--markdown]");
            System.exit(2);
        }
        List<CalibrationCase> cases = Calibration.cases();
        if (markdown) {
            printMarkdown(cases, System.out);
        } else {
            printText(cases, System.out);
        }
        long misses = cases.stream().filter(c -> !c.within15Percent()).count();
        System.out.printf(Locale.ROOT, "%n%d cases, %d within 15 %%, %d outside (explained in the note column)%n",
                cases.size(), cases.size() - misses, misses);
    }

    static void printText(List<CalibrationCase> cases, PrintStream out) {
        out.printf(Locale.ROOT, "%-52s %-62s %14s %10s %8s  %s%n", "case", "source", "published", "model",
                "error_%", "note");
        for (CalibrationCase c : cases) {
            out.printf(Locale.ROOT, "%-52s %-62s %9s %-4s %10.4g %+8.1f  %s%n", c.name(), c.taggedSource(),
                    c.publishedText(), c.unit(), c.model(), c.errorPercent(), c.note());
        }
    }

    static void printMarkdown(List<CalibrationCase> cases, PrintStream out) {
        out.println("| case | source | published | model | error % | note |");
        out.println("|---|---|---|---|---|---|");
        for (CalibrationCase c : cases) {
            out.printf(Locale.ROOT, "| %s | %s | %s %s | %.4g %s | %+.1f | %s |%n", c.name(), c.taggedSource(),
                    c.publishedText(), c.unit(), c.model(), c.unit(), c.errorPercent(), c.note());
        }
    }
}
