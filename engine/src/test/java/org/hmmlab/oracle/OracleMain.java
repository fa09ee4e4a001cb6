package org.hmmlab.oracle;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hmmlab.conformance.ConformanceMain;

/**
 * The Java side of {@code ./hmmlab oracle selftests|fuzz}: boots the real kernel (built by {@code ./hmmlab oracle
 * build}) through {@link Guest}, runs the same work on the engine, and compares.
 *
 * <pre>
 * OracleMain selftests --qemu Q --kernel K --initramfs I --work DIR [--timeout S]
 * OracleMain fuzz --qemu Q --kernel K --initramfs I --work DIR [--seeds N] [--steps M] [--seed S] [--batch B]
 * OracleMain script --seed S --steps M      print a generated script
 * OracleMain engine SCRIPT                  print the engine's transcript of a script file
 * OracleMain kernel --script FILE --qemu Q --kernel K --initramfs I --work DIR   the real kernel's (both runs)
 * </pre>
 */
public final class OracleMain {
    private final Map<String, String> opts = new LinkedHashMap<>();
    private final PrintStream out = System.out;

    private OracleMain(String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option VALUE, got '" + args[i] + "'");
            }
            opts.put(args[i].substring(2), args[++i]);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: OracleMain selftests|fuzz|script|engine ...");
            System.exit(2);
        }
        int rc;
        try {
            rc = switch (args[0]) {
                case "selftests" -> new OracleMain(args, 1).selftests();
                case "fuzz" -> new OracleMain(args, 1).fuzz();
                case "script" -> {
                    OracleMain m = new OracleMain(args, 1);
                    ScriptGenerator.generate(m.longOpt("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE),
                            (int) m.longOpt("steps", 200, 1, 100_000)).forEach(System.out::println);
                    yield 0;
                }
                case "kernel" -> {
                    OracleMain m = new OracleMain(args, 1);
                    List<String> script = Files.readAllLines(Path.of(m.opt("script")));
                    List<List<String>> runs = runInGuest(m.guest(), Map.of("script", script)).get("script");
                    for (int r = 0; r < runs.size(); r++) {
                        System.out.println("# run " + (r + 1));
                        runs.get(r).forEach(System.out::println);
                    }
                    yield 0;
                }
                case "engine" -> {
                    EngineInterpreter.run(Files.readAllLines(Path.of(args[1]))).forEach(System.out::println);
                    yield 0;
                }
                default -> throw new IllegalArgumentException("unknown oracle verb '" + args[0]
                        + "'; expected selftests, fuzz, script or engine");
            };
        } catch (IllegalArgumentException e) {
            System.err.println("hmmlab: oracle: " + e.getMessage());
            rc = 2;
        } catch (IllegalStateException e) {
            System.err.println("hmmlab: oracle: " + args[0] + ": " + e.getMessage());
            System.err.println("hmmlab: oracle: no result: an incomplete transcript is an error, never a pass");
            rc = 3;
        } catch (Guest.GuestException e) {
            System.err.println("hmmlab: oracle: " + e.getMessage());
            System.err.println("hmmlab: oracle: no result: a guest that does not finish is an error, never a pass");
            rc = 3;
        }
        System.exit(rc);
    }

    private String opt(String name) {
        String v = opts.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    private long longOpt(String name, long dflt, long min, long max) {
        String v = opts.get(name);
        if (v == null) {
            return dflt;
        }
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer in [" + min + ", " + max
                    + "], got '" + v + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("--" + name + " must be in [" + min + ", " + max + "], got " + n);
        }
        return n;
    }

    private Guest guest() {
        return new Guest(Path.of(opt("qemu")), Path.of(opt("kernel")), Path.of(opt("initramfs")),
                Path.of(opt("work")), (int) longOpt("timeout", 300, 10, 86_400));
    }

    // ---- selftests ------------------------------------------------------------------------------------------

    private int selftests() throws Exception {
        Guest g = guest();
        long t0 = System.nanoTime();
        List<String> tap = g.boot("selftests", 2, Map.of());
        out.printf("oracle: real kernel: boot and hmm-tests in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        List<Selftests.KernelResult> kernel = Selftests.parseTap(tap);
        long t1 = System.nanoTime();
        List<ConformanceMain.Outcome> engine = ConformanceMain.outcomes();
        out.printf("oracle: engine: ported selftests in %.1f s%n%n", (System.nanoTime() - t1) / 1e9);
        int disagree = Selftests.print(Selftests.join(kernel, engine), out);
        return disagree == 0 ? 0 : 1;
    }

    // ---- fuzz -----------------------------------------------------------------------------------------------

    /** One script's outcome. */
    private record Run(long seed, List<String> script, List<String> kernel1, List<String> kernel2,
            List<String> engine, Comparison cmp) {
    }

    private int fuzz() throws Exception {
        int seeds = (int) longOpt("seeds", 20, 1, 100_000);
        int steps = (int) longOpt("steps", 100, 1, 10_000);
        long seed = longOpt("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE);
        int batch = (int) longOpt("batch", 50, 1, 10_000);
        int shrinkMax = (int) longOpt("shrink", 1, 0, 100);
        Guest g = guest();
        out.printf("oracle: fuzz: %d scripts of %d operations from seed %d, %d scripts per boot%n", seeds, steps, seed,
                batch);
        List<Run> runs = new ArrayList<>();
        for (int from = 0; from < seeds; from += batch) {
            int to = Math.min(seeds, from + batch);
            Map<String, List<String>> scripts = new TreeMap<>();
            Map<String, Long> seedOf = new LinkedHashMap<>();
            for (int s = from; s < to; s++) {
                long sd = seed + s;
                String name = String.format("%06d", s);
                scripts.put(name, ScriptGenerator.generate(sd, steps));
                seedOf.put(name, sd);
            }
            long t0 = System.nanoTime();
            Map<String, List<List<String>>> kernel = runInGuest(g, scripts);
            double kernelS = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            int div = 0;
            for (var e : scripts.entrySet()) {
                List<List<String>> k = kernel.get(e.getKey());
                EngineInterpreter.Transcript tr = EngineInterpreter.runTracked(e.getValue());
                List<String> en = tr.lines();
                Comparison c = Comparison.of(k.get(0), k.get(1), tr);
                if (c.guestError != null) {
                    throw new Guest.GuestException("fuzz: script " + e.getKey() + " (seed " + seedOf.get(e.getKey())
                            + "): " + c.guestError);
                }
                div += c.diverged() ? 1 : 0;
                runs.add(new Run(seedOf.get(e.getKey()), e.getValue(), k.get(0), k.get(1), en, c));
            }
            out.printf("oracle: fuzz: scripts %d-%d: kernel (2 runs each) %.1f s, engine %.1f s, %d diverging%n",
                    from, to - 1, kernelS, (System.nanoTime() - t1) / 1e9, div);
        }
        return report(g, runs, shrinkMax, seed, seeds);
    }

    /** Runs each script twice in one boot; returns name to its two transcripts. */
    private static Map<String, List<List<String>>> runInGuest(Guest g, Map<String, List<String>> scripts)
            throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        for (var e : scripts.entrySet()) {
            files.put(e.getKey() + ".ops", String.join("\n", e.getValue()) + "\n");
        }
        List<String> lines = g.boot("fuzz", 1, files);
        Map<String, List<List<String>>> out = new LinkedHashMap<>();
        List<String> cur = null;
        for (String l : lines) {
            if (l.startsWith("HMMLAB-SCRIPT ")) {
                String name = l.split(" ")[1];
                cur = new ArrayList<>();
                out.computeIfAbsent(name, k -> new ArrayList<>()).add(cur);
            } else if (l.startsWith("HMMLAB-SCRIPT-END")) {
                cur = null;
            } else if (cur != null) {
                cur.add(l);
            }
        }
        for (String name : scripts.keySet()) {
            List<List<String>> r = out.get(name);
            if (r == null || r.size() != 2) {
                throw new Guest.GuestException("fuzz: the guest's transcript has " + (r == null ? 0 : r.size())
                        + " runs of script " + name + " (expected 2): cut short");
            }
        }
        return out;
    }

    private int report(Guest g, List<Run> runs, int shrinkMax, long firstSeed, int seeds) throws Exception {
        OpenDivergences open = OpenDivergences.load();
        Map<String, String> listed = open.inRange(firstSeed, seeds);
        List<Run> openHere = new ArrayList<>();
        long compared = 0;
        long nondet = 0;
        long notCompared = 0;
        Map<String, Integer> known = new TreeMap<>();
        List<Run> diverging = new ArrayList<>();
        for (Run r : runs) {
            compared += r.cmp().compared;
            nondet += r.cmp().nondeterministic;
            notCompared += r.cmp().notCompared;
            r.cmp().knownHits.forEach(k -> known.merge(k, 1, Integer::sum));
            if (r.cmp().diverged()) {
                String key = OpenDivergences.key(r.seed(), r.cmp().divergenceKernel);
                if (listed.remove(key) != null) {
                    openHere.add(r);
                } else {
                    diverging.add(r);
                }
            }
        }
        if (!openHere.isEmpty()) {
            out.printf("%n%d open divergences, listed in %s (engine bugs found and analysed, not fixed yet):%n",
                    openHere.size(), OpenDivergences.RESOURCE);
            for (Run r : openHere) {
                out.printf("  seed %d: kernel '%s' engine '%s': %s%n", r.seed(), r.cmp().divergenceKernel,
                        r.cmp().divergenceEngine, open.reason(r.seed(), r.cmp().divergenceKernel));
            }
        }
        if (!listed.isEmpty()) {
            out.printf("%n%d listed open divergences no longer happen: the engine now agrees; remove them from %s:%n",
                    listed.size(), OpenDivergences.RESOURCE);
            listed.keySet().forEach(k -> out.println("  seed " + k.replace("\t", ": kernel '") + "'"));
        }
        for (Run r : diverging) {
            // one line per unexplained divergence in open-divergences.tsv's own form, for whoever analyses it
            out.printf("unexplained\t%d\t%s%n", r.seed(), r.cmp().divergenceKernel);
        }
        int shown = 0;
        for (Run r : diverging) {
            if (shown >= shrinkMax) {
                break;
            }
            shown++;
            out.println();
            out.printf("=== divergence: seed %d, %s%n", r.seed(), r.cmp().divergenceKernel.split(" => ")[0]);
            List<String> script = r.script();
            List<String> small = Shrinker.shrink(g, prefix(script, r.cmp().divergenceKernel), out);
            List<String> k = runInGuest(g, Map.of("shrunk", small)).get("shrunk").get(0);
            EngineInterpreter.Transcript tr = EngineInterpreter.runTracked(small);
            List<String> e = tr.lines();
            out.printf("script (%d of %d operations after shrinking; seed %d):%n", small.size(), script.size(),
                    r.seed());
            small.forEach(l -> out.println("  " + l));
            Comparison c = Comparison.of(k, k, tr);
            out.println("real kernel 6.12 from the first difference:");
            printFrom(k, c.divergenceAt, "  kernel | ");
            out.println("engine from the first difference:");
            int at = c.divergenceAt < 0 ? 0 : Math.max(0, e.indexOf(e.stream()
                    .filter(l -> Comparison.key(l).equals(Comparison.key(c.divergenceKernel == null ? "" : c
                            .divergenceKernel))).findFirst().orElse("")));
            printFrom(e, at, "  engine | ");
            out.println("where the kernel decides: " + Shrinker.kernelSource(c.divergenceKernel == null
                    ? r.cmp().divergenceKernel : c.divergenceKernel));
        }
        if (diverging.size() > shown) {
            out.printf("%n(%d more diverging scripts, first lines:)%n", diverging.size() - shown);
            for (Run r : diverging.subList(shown, diverging.size())) {
                out.printf("  seed %d: kernel '%s' engine '%s'%n", r.seed(), r.cmp().divergenceKernel,
                        r.cmp().divergenceEngine);
            }
        }
        out.println();
        out.printf("oracle: fuzz: %d scripts, %d operations compared, %d divergences (%d unexplained, %d open and"
                + " listed), %d kernel-nondeterministic lines, %d known version differences hit%s, %d lines not"
                + " compared (after a divergence, a nondeterministic line or a stateful known difference)%n",
                runs.size(), compared, diverging.size() + openHere.size(), diverging.size(), openHere.size(), nondet,
                known.values().stream().mapToInt(Integer::intValue).sum(), known.isEmpty() ? "" : " " + known,
                notCompared);
        return diverging.isEmpty() && listed.isEmpty() ? 0 : 1;
    }

    private void printFrom(List<String> lines, int from, String prefix) {
        int start = Math.max(0, from);
        for (int i = start; i < Math.min(lines.size(), start + 6); i++) {
            out.println(prefix + lines.get(i));
        }
    }

    /** The script's operations up to and including the one of transcript line {@code line} ("N OP => ..."). */
    static List<String> prefix(List<String> script, String line) {
        String head = line.split(" ", 2)[0];
        int n = Integer.parseInt(head.contains(".") ? head.substring(0, head.indexOf('.')) : head);
        List<String> ops = new ArrayList<>();
        for (String l : script) {
            if (!l.isBlank() && !l.startsWith("#")) {
                ops.add(l);
            }
        }
        return new ArrayList<>(ops.subList(0, Math.min(n, ops.size())));
    }

    /** Package access for {@link Shrinker}. */
    static Map<String, List<List<String>>> guestRuns(Guest g, Map<String, List<String>> scripts) throws Exception {
        return runInGuest(g, scripts);
    }

    static void log(PrintStream out, String msg) {
        out.println("oracle: " + msg);
    }

    static Path path(String s) throws IOException {
        return Path.of(s);
    }
}
