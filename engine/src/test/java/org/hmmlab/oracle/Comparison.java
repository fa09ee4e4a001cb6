package org.hmmlab.oracle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The comparison of one script's transcripts: the kernel's two runs and the engine's. Lines are matched by their
 * operation ("N OP", the text before " => ").
 *
 * <p>A line on which the kernel's two runs disagree is kernel-nondeterministic: counted, neither pass nor failure, and
 * the rest of the script is not compared (its state may differ from there on). A line the engine gets differently is
 * a known version difference when {@link VersionDifferences} explains it (comparison goes on only after a stateless
 * one), otherwise the script's divergence, where comparison stops.
 */
final class Comparison {
    int compared;
    int nondeterministic;
    int notCompared;
    final List<String> knownHits = new ArrayList<>();
    /** The first unexplained difference: index into the kernel's first run, or -1. */
    int divergenceAt = -1;
    String divergenceKernel;
    String divergenceEngine;
    /** Why the kernel transcript itself is unusable (the guest interpreter stopped early), or null. */
    String guestError;

    static String key(String line) {
        int i = line.indexOf(" => ");
        return i < 0 ? line : line.substring(0, i);
    }

    static String result(String line) {
        int i = line.indexOf(" => ");
        return i < 0 ? "" : line.substring(i + 4);
    }

    static Comparison of(List<String> kernel1, List<String> kernel2, List<String> engine) {
        return of(kernel1, kernel2, new EngineInterpreter.Transcript(engine, java.util.Map.of()));
    }

    static Comparison of(List<String> kernel1, List<String> kernel2, EngineInterpreter.Transcript transcript) {
        List<String> engine = transcript.lines();
        Comparison c = new Comparison();
        if (kernel1.isEmpty() || !kernel1.get(kernel1.size() - 1).startsWith("END ")) {
            c.guestError = "the guest interpreter's transcript ends early (" + kernel1.size() + " lines, no END line)";
            return c;
        }
        Map<String, String> k2 = new HashMap<>();
        for (String l : kernel2) {
            k2.put(key(l), result(l));
        }
        Map<String, String> en = new HashMap<>();
        for (String l : engine) {
            en.put(key(l), result(l));
        }
        Map<Integer, String> areaKinds = new HashMap<>();
        for (int i = 0; i < kernel1.size(); i++) {
            String line = kernel1.get(i);
            String k = key(line);
            String[] words = k.split(" ");
            if (words.length == 6 && words[1].equals("mmap")) {
                areaKinds.put(Integer.parseInt(words[2]), words[4]);
            }
            if (line.startsWith("guest-error") || result(line).startsWith("guest-error")) {
                c.guestError = "the guest interpreter failed: " + line;
                return c;
            }
            String r1 = result(line);
            String r2 = k2.get(k);
            if (!r1.equals(r2 == null ? null : r2) && !(k.startsWith("END") && kernel2.contains(line))) {
                c.nondeterministic++;
                c.notCompared = kernel1.size() - i - 1;
                return c;
            }
            String e = en.get(k);
            boolean same = k.startsWith("END") ? engine.contains(line) : r1.equals(e);
            if (same) {
                c.compared += k.startsWith("END") ? 0 : 1;
                continue;
            }
            var known = e == null ? java.util.Optional.<VersionDifferences.Difference>empty()
                    : VersionDifferences.explain(k, r1, e, areaKinds,
                            transcript.partedOps().get(k));
            if (known.isPresent()) {
                c.knownHits.add(known.get().id());
                if (!known.get().stateless()) {
                    c.notCompared = kernel1.size() - i - 1;
                    return c;
                }
                continue;
            }
            c.divergenceAt = i;
            c.divergenceKernel = line;
            c.divergenceEngine = e == null ? "(no such line: the engine's transcript ends "
                    + (engine.isEmpty() ? "empty" : "with '" + engine.get(engine.size() - 1) + "'") + ")"
                    : k + " => " + e;
            c.notCompared = kernel1.size() - i - 1;
            return c;
        }
        return c;
    }

    boolean diverged() {
        return divergenceAt >= 0;
    }
}
