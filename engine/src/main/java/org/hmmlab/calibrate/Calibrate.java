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
        print(Calibration.cases(), markdown, System.out);
    }

    /**
     * Prints {@code cases} as the text table (or the Markdown table) and a last line counting those within 15 %:
     * what {@code ./hmmlab calibrate} prints.
     */
    public static void print(List<CalibrationCase> cases, boolean markdown, PrintStream out) {
        printTable(cases, markdown, "published", out);
        long misses = cases.stream().filter(c -> !c.within15Percent()).count();
        out.printf(Locale.ROOT, "%n%d cases, %d within 15 %%, %d outside (explained in the note column)%n",
                cases.size(), cases.size() - misses, misses);
    }

    /** The table alone, text or Markdown, with the figures' column headed {@code figure} ("published", "measured"). */
    public static void printTable(List<CalibrationCase> cases, boolean markdown, String figure, PrintStream out) {
        if (markdown) {
            printMarkdown(cases, figure, out);
        } else {
            printText(cases, figure, out);
        }
    }

    static void printText(List<CalibrationCase> cases, String figure, PrintStream out) {
        out.printf(Locale.ROOT, "%-52s %-62s %14s %10s %8s  %s%n", "case", "source", figure, "model",
                "error_%", "note");
        for (CalibrationCase c : cases) {
            out.printf(Locale.ROOT, "%-52s %-62s %9s %-4s %10.4g %+8.1f  %s%n", c.name(), c.taggedSource(),
                    c.publishedText(), c.unit(), c.model(), c.errorPercent(), c.note());
        }
    }

    static void printMarkdown(List<CalibrationCase> cases, String figure, PrintStream out) {
        out.println("| case | source | " + figure + " | model | error % | note |");
        out.println("|---|---|---|---|---|---|");
        for (CalibrationCase c : cases) {
            out.printf(Locale.ROOT, "| %s | %s | %s %s | %.4g %s | %+.1f | %s |%n", c.name(), c.taggedSource(),
                    c.publishedText(), c.unit(), c.model(), c.unit(), c.errorPercent(), c.note());
        }
    }
}
