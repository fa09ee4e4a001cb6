package org.hmmlab.conformance;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs the ported hmm-tests.c selftests and prints one line per selftest of the kernel's catalogue (PASS, FAIL with
 * the first failure, or NOT-YET with the reason), then {@code N passed, M failed}; exits 1 on any failure. The same
 * tests run in {@code mvn verify}; this is the launcher's {@code ./hmmlab conformance}.
 */
public final class ConformanceMain {

    /** Every TEST_F of hmm-tests.c in file order, with its fixture. */
    static final String[][] CATALOGUE = {
        {"hmm", "open_close"}, {"hmm", "anon_read"}, {"hmm", "anon_read_prot"}, {"hmm", "anon_write"},
        {"hmm", "anon_write_prot"}, {"hmm", "anon_write_child"}, {"hmm", "anon_write_child_shared"},
        {"hmm", "anon_write_huge"}, {"hmm", "anon_write_hugetlbfs"}, {"hmm", "file_read"}, {"hmm", "file_write"},
        {"hmm", "migrate"}, {"hmm", "migrate_file_private"}, {"hmm", "migrate_fault"}, {"hmm", "migrate_release"},
        {"hmm", "migrate_shared"}, {"hmm2", "migrate_mixed"}, {"hmm", "migrate_multiple"},
        {"hmm", "anon_read_multiple"}, {"hmm", "anon_teardown"}, {"hmm", "mixedmap"}, {"hmm2", "snapshot"},
        {"hmm", "compound"}, {"hmm2", "double_map"}, {"hmm", "exclusive"}, {"hmm", "exclusive_mprotect"},
        {"hmm", "exclusive_cow"}, {"hmm", "hmm_gup_test"}, {"hmm", "hmm_cow_in_device"},
        {"hmm", "migrate_anon_huge_empty"}, {"hmm", "migrate_anon_huge_zero"}, {"hmm", "migrate_anon_huge_free"},
        {"hmm", "migrate_anon_huge_fault"}, {"hmm", "migrate_partial_unmap_fault"}, {"hmm", "migrate_remap_fault"},
        {"hmm", "migrate_anon_huge_err"}, {"hmm", "migrate_anon_huge_zero_err"}, {"hmm", "benchmark_thp_migration"},
    };

    /** Why a catalogued selftest has no port yet. */
    static final Map<String, String> NOT_YET = Map.of();

    private ConformanceMain() {
    }

    /**
     * {@code ./hmmlab conformance [--tsv]}: the report, or with {@code --tsv} one machine-readable line per selftest
     * and fixture ({@code fixture.test<TAB>variant<TAB>PASS|FAIL|NOT-YET<TAB>detail}).
     */
    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("--tsv")) {
            Outcomes o = collect();
            int failed = 0;
            for (Outcome r : o.perVariant()) {
                System.out.println(r.test() + "\t" + r.variant() + "\t" + r.status() + "\t" + r.detail());
                failed += r.status().equals("FAIL") ? 1 : 0;
            }
            System.exit(failed == 0 ? 0 : 1);
        }
        if (args.length != 0) {
            System.err.println("usage: ConformanceMain [--tsv]; got " + String.join(" ", args));
            System.exit(2);
        }
        int failed = run(System.out);
        System.exit(failed == 0 ? 0 : 1);
    }

    /** One selftest in one fixture variant: {@code test} is "fixture.name" as in CATALOGUE. */
    public record Outcome(String test, String variant, String status, String detail) {
    }

    /** Per selftest name, the variants that passed and the failures ("variant: why"). */
    record Outcomes(Map<String, List<String>> passes, Map<String, List<String>> failures) {
        /** One outcome per catalogued selftest and fixture variant, in catalogue order. */
        List<Outcome> perVariant() {
            List<Outcome> out = new ArrayList<>();
            for (String[] t : CATALOGUE) {
                for (Variant v : Variant.values()) {
                    String variant = v.name();
                    String status = "NOT-YET";
                    String detail = NOT_YET.getOrDefault(t[1], "not ported yet");
                    for (String f : failures.getOrDefault(t[1], List.of())) {
                        if (f.startsWith(variant + ": ")) {
                            status = "FAIL";
                            detail = f.substring(variant.length() + 2);
                        }
                    }
                    if (status.equals("NOT-YET") && passes.getOrDefault(t[1], List.of()).contains(variant)) {
                        status = "PASS";
                        detail = "";
                    }
                    out.add(new Outcome(t[0] + "." + t[1], variant, status, detail));
                }
            }
            return out;
        }
    }

    /** Runs the suite in this JVM; one outcome per catalogued selftest and fixture variant. */
    public static List<Outcome> outcomes() {
        return collect().perVariant();
    }

    /** Runs the suite, prints the report, returns the number of failed selftests. */
    static int run(PrintStream out) {
        Outcomes o = collect();
        Map<String, List<String>> passes = o.passes();
        Map<String, List<String>> failures = o.failures();
        int passed = 0;
        int failed = 0;
        for (String[] t : CATALOGUE) {
            String name = t[0] + "." + t[1];
            List<String> f = failures.get(t[1]);
            List<String> p = passes.get(t[1]);
            if (f != null) {
                failed++;
                out.printf("%-36s FAIL     %s%n", name, String.join("; ", f));
            } else if (p != null) {
                passed++;
                out.printf("%-36s PASS     %s%n", name, String.join(", ", p));
            } else {
                out.printf("%-36s NOT-YET  %s%n", name, NOT_YET.getOrDefault(t[1], "not ported yet"));
            }
        }
        out.printf("%d passed, %d failed%n", passed, failed);
        return failed;
    }

    private static Outcomes collect() {
        Map<String, List<String>> passes = new LinkedHashMap<>();
        Map<String, List<String>> failures = new LinkedHashMap<>();
        TestExecutionListener listener = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (!id.isTest() || id.getSource().isEmpty() || !(id.getSource().get() instanceof MethodSource ms)) {
                    return;
                }
                String name = ms.getMethodName();
                String variant = id.getDisplayName();
                if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                    passes.computeIfAbsent(name, k -> new ArrayList<>()).add(variant);
                } else {
                    String why = result.getThrowable().map(t -> firstLine(String.valueOf(t.getMessage())))
                            .orElse(result.getStatus().toString());
                    failures.computeIfAbsent(name, k -> new ArrayList<>()).add(variant + ": " + why);
                }
            }
        };
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectPackage(ConformanceMain.class.getPackageName())).build();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, listener);
        return new Outcomes(passes, failures);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
