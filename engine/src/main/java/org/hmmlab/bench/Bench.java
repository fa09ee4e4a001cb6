package org.hmmlab.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The entry point of {@code ./hmmlab bench}: runs every registered suite (or those named with {@code --suite}) and
 * prints the figures as a table, or as JSON with {@code --json}. {@code --quick} runs small sizes (a smoke test).
 *
 * <p>Suites register in {@link #SUITES}; a layer adds its own by appending one line there.
 */
public final class Bench {
    /** Every suite, in report order. */
    public static final List<BenchSuite> SUITES = List.of(new FunctionalCoreBench(), new PolicyBench(), new TimingBench(),
            new SoakBench());

    private Bench() {
    }

    public static void main(String[] args) {
        boolean json = false;
        boolean quick = false;
        List<String> only = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--json" -> json = true;
                case "--quick" -> quick = true;
                case "--suite" -> {
                    if (i + 1 >= args.length) {
                        usage("--suite needs a name");
                    }
                    only.add(args[++i]);
                }
                default -> usage("unknown option '" + args[i] + "'");
            }
        }
        List<String> known = SUITES.stream().map(BenchSuite::name).toList();
        for (String s : only) {
            if (!known.contains(s)) {
                usage("unknown suite '" + s + "'; suites: " + String.join(", ", known));
            }
        }
        List<String[]> rows = new ArrayList<>();
        List<Figure> all = new ArrayList<>();
        for (BenchSuite suite : SUITES) {
            if (!only.isEmpty() && !only.contains(suite.name())) {
                continue;
            }
            for (Figure f : suite.run(quick)) {
                all.add(f);
                rows.add(new String[] {suite.name(), f.name(), format(f.value()), f.unit(),
                    Double.isNaN(f.target()) ? "" : (f.atLeast() ? ">= " : "<= ") + format(f.target()),
                    Double.isNaN(f.target()) ? "" : f.meetsTarget() ? "ok" : "MISSED"});
            }
        }
        if (json) {
            StringBuilder sb = new StringBuilder("{\"figures\": [");
            for (int i = 0; i < all.size(); i++) {
                Figure f = all.get(i);
                sb.append(i == 0 ? "\n  " : ",\n  ").append(String.format(Locale.ROOT,
                        "{\"suite\": \"%s\", \"name\": \"%s\", \"value\": %s, \"unit\": \"%s\", \"target\": %s,"
                                + " \"target_is_minimum\": %b, \"meets_target\": %b}",
                        rows.get(i)[0], f.name(), jsonNumber(f.value()), f.unit(), jsonNumber(f.target()),
                        f.atLeast(), f.meetsTarget()));
            }
            sb.append("\n]}");
            System.out.println(sb);
        } else {
            System.out.printf("%-14s %-36s %16s %-12s %-16s %s%n", "suite", "figure", "value", "unit", "target", "");
            for (String[] r : rows) {
                System.out.printf("%-14s %-36s %16s %-12s %-16s %s%n", (Object[]) r);
            }
        }
    }

    private static String format(double v) {
        return v >= 1000 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String jsonNumber(double v) {
        return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static void usage(String why) {
        System.err.println("bench: " + why);
        System.err.println("usage: ./hmmlab bench [--json] [--quick] [--suite NAME]...");
        System.exit(2);
    }
}
