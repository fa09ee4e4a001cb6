package org.hmmlab.oracle;

import java.util.List;
import java.util.Optional;

/**
 * Known differences between mainline (which the engine follows) and the oracle's 6.12 kernel, each with the source
 * that changed it. The list in engine/src/test/resources/oracle/version-differences.md says the same in prose; a
 * line the kernel and the engine disagree on is "known" only when one of these matches it.
 */
final class VersionDifferences {
    /**
     * One difference: {@code id} (named in version-differences.md), the citation, whether the rest of the script is
     * still comparable after it ({@code stateless}), and which transcript line it explains.
     */
    record Difference(String id, String citation, boolean stateless, Matcher matcher) {
    }

    @FunctionalInterface
    interface Matcher {
        /** {@code areaKinds}: the kind ("anon", "huge", ...) each area slot was last mapped with. */
        boolean matches(String op, String kernel, String engine, java.util.Map<Integer, String> areaKinds);
    }

    static final List<Difference> ALL = List.of(
            // 6.12's dmirror_fops_unlocked_ioctl() has no HMM_DMIRROR_FLAGS case: its switch ends in
            // "default: return -EINVAL". Mainline's lib/test_hmm.c added the ioctl (and FAIL_ALLOC) with the
            // device-private THP migration tests. The fuzzer sends only value 0, which changes no state.
            new Difference("dmirror-flags-ioctl",
                    "lib/test_hmm.c: HMM_DMIRROR_FLAGS is mainline-only; 6.12's dmirror_fops_unlocked_ioctl() returns"
                            + " -EINVAL for it",
                    true,
                    (op, kernel, engine, kinds) -> op.matches("\\d+ dev \\d flags .*") && kernel.equals("err EINVAL")
                            && engine.startsWith("ok")));

    private VersionDifferences() {
    }

    /** The known difference that explains this line, if any. */
    static Optional<Difference> explain(String op, String kernel, String engine,
            java.util.Map<Integer, String> areaKinds) {
        return ALL.stream().filter(d -> d.matcher().matches(op, kernel, engine, areaKinds)).findFirst();
    }
}
