package org.hmmlab.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * The entry point of {@code ./hmmlab bench}: runs every registered suite (or those named with {@code --suite}) and
 * prints the figures as a table, or as JSON with {@code --json}. {@code --quick} runs small sizes (a smoke test).
 *
 * <p>The engine's suites are in {@link #SUITES}; a layer above the engine (the DSL's JavaScript and sweep suites)
 * registers its own as a {@link ServiceLoader} provider of {@link BenchSuite}, so the engine depends on nothing
 * above it. The figures are preceded by the host's load average: on a shared machine every figure drops with it.
 */
public final class Bench {
    /** Every suite, in report order. */
    public static final List<BenchSuite> SUITES = List.of(new FunctionalCoreBench(), new PolicyBench(), new TimingBench(),
            new SoakBench());

    private Bench() {
    }

    /** The engine's suites, then those found on the class path, in class-path order. */
    public static List<BenchSuite> suites() {
        List<BenchSuite> all = new ArrayList<>(SUITES);
        for (BenchSuite s : ServiceLoader.load(BenchSuite.class)) {
            all.add(s);
        }
        return all;
    }

    /** The host's one-minute load average, or NaN where the platform does not say. */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
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
        List<BenchSuite> suites = suites();
        List<String> known = suites.stream().map(BenchSuite::name).toList();
        for (String s : only) {
            if (!known.contains(s)) {
                usage("unknown suite '" + s + "'; suites: " + String.join(", ", known));
            }
        }
        List<String[]> rows = new ArrayList<>();
        List<Figure> all = new ArrayList<>();
        double loadBefore = loadAverage();
        for (BenchSuite suite : suites) {
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
        double loadAfter = loadAverage();
        if (json) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                    "{\"load_average_before\": %s, \"load_average_after\": %s, \"cores\": %d, \"figures\": [",
                    jsonNumber(loadBefore), jsonNumber(loadAfter), Runtime.getRuntime().availableProcessors()));
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
            System.out.printf(Locale.ROOT, "load average %.2f before, %.2f after, on %d cores%n", loadBefore, loadAfter,
                    Runtime.getRuntime().availableProcessors());
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
