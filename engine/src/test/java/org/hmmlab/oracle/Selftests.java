package org.hmmlab.oracle;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hmmlab.conformance.ConformanceMain;

/**
 * The side-by-side table of the kernel's hmm-tests: what the real 6.12 kernel's run reported (its kselftest TAP
 * output) against the engine's port of the same selftest ({@link ConformanceMain}), per fixture.
 */
final class Selftests {
    /** "ok 3 hmm.hmm_device_private.anon_read" and "not ok ...", with an optional "# SKIP reason". */
    private static final Pattern TAP = Pattern.compile("^(ok|not ok) \\d+ (\\w+)\\.(\\w+)\\.(\\w+)(.*)$");
    /** "# Totals: pass:58 fail:0 xfail:0 xpass:0 skip:0 error:0" (6.12; older harnesses lack xfail and xpass). */
    private static final Pattern TOTALS = Pattern.compile("^# Totals: pass:(\\d+) fail:(\\d+) .*skip:(\\d+).*");

    private Selftests() {
    }

    /** One kernel result: fixture "hmm" or "hmm2", variant "device_private" or "device_coherent". */
    record KernelResult(String fixture, String variant, String test, String status) {
    }

    /** Parses the kselftest TAP of hmm-tests; fails when the totals line is missing or disagrees with the lines. */
    static List<KernelResult> parseTap(List<String> lines) {
        List<KernelResult> out = new ArrayList<>();
        int[] totals = null;
        for (String l : lines) {
            Matcher m = TAP.matcher(l.strip());
            if (m.matches()) {
                String variant = m.group(3).substring(m.group(2).length() + 1);
                String status = m.group(1).equals("ok") ? (m.group(5).contains("# SKIP") ? "SKIP" : "PASS") : "FAIL";
                out.add(new KernelResult(m.group(2), variant, m.group(4), status));
                continue;
            }
            Matcher t = TOTALS.matcher(l.strip());
            if (t.matches()) {
                totals = new int[] {Integer.parseInt(t.group(1)), Integer.parseInt(t.group(2)),
                    Integer.parseInt(t.group(3))};
            }
        }
        if (totals == null) {
            throw new IllegalStateException("hmm-tests output has no '# Totals:' line: the run was cut short ("
                    + out.size() + " results seen)");
        }
        if (totals[0] + totals[1] + totals[2] != out.size()) {
            throw new IllegalStateException("hmm-tests totals (" + (totals[0] + totals[1] + totals[2])
                    + ") disagree with the " + out.size() + " result lines");
        }
        return out;
    }

    /** A row of the table. */
    record Row(String test, String fixture, String kernel, String engine) {
        boolean agrees() {
            return kernel.equals(engine);
        }

        boolean mainlineOnly() {
            return kernel.equals("-");
        }
    }

    /** Joins the kernel's results with the engine's; mainline-only tests get "-" on the kernel side. */
    static List<Row> join(List<KernelResult> kernel, List<ConformanceMain.Outcome> engine) {
        Map<String, String> engineBy = new LinkedHashMap<>();
        for (ConformanceMain.Outcome o : engine) {
            String name = o.test().substring(o.test().indexOf('.') + 1);
            engineBy.put(name + "/" + o.variant().replace("hmm_", ""), o.status());
        }
        List<Row> rows = new ArrayList<>();
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (KernelResult k : kernel) {
            String key = k.test() + "/" + k.variant();
            seen.put(key, true);
            rows.add(new Row(k.fixture() + "." + k.test(), k.variant(), k.status(),
                    engineBy.getOrDefault(key, "MISSING")));
        }
        for (ConformanceMain.Outcome o : engine) {
            String name = o.test().substring(o.test().indexOf('.') + 1);
            String variant = o.variant().replace("hmm_", "");
            if (!seen.containsKey(name + "/" + variant)) {
                rows.add(new Row(o.test(), variant, "-", o.status()));
            }
        }
        return rows;
    }

    /** Prints the table and its summary; returns the number of 6.12 rows that disagree. */
    static int print(List<Row> rows, PrintStream out) {
        out.printf("%-36s %-16s %-16s %-8s%n", "selftest", "fixture", "real kernel 6.12", "engine");
        int agree = 0;
        int disagree = 0;
        int mainline = 0;
        for (Row r : rows) {
            String note = r.mainlineOnly() ? "  (mainline only)" : r.agrees() ? "" : "  <-- DISAGREES";
            out.printf("%-36s %-16s %-16s %-8s%s%n", r.test(), r.fixture(), r.kernel(), r.engine(), note);
            if (r.mainlineOnly()) {
                mainline++;
            } else if (r.agrees()) {
                agree++;
            } else {
                disagree++;
            }
        }
        out.printf("selftests: %d of %d agree with the real kernel 6.12, %d disagree; %d mainline-only (engine)%n",
                agree, agree + disagree, disagree, mainline);
        return disagree;
    }
}
