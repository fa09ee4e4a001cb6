package org.hmmlab.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fuzzer's ratchet list parses, stays within CI's seed range, and each entry says where the kernel decides. */
class OpenDivergencesTest {

    static final long CI_FIRST_SEED = 20261207L;
    /** The CI run's script count: `.ci/run` fuzzes {@code --seeds 90}, and this test reads it from there. */
    static final int CI_SEEDS = ciSeeds();

    static int ciSeeds() {
        try {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("oracle fuzz --seeds (\\d+)")
                    .matcher(java.nio.file.Files.readString(java.nio.file.Path.of("../.ci/run")));
            if (!m.find()) {
                throw new IllegalStateException(".ci/run runs no 'oracle fuzz --seeds N'");
            }
            return Integer.parseInt(m.group(1));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void everyListedDivergenceIsInTheCiRunAndNamesAKernelFunction() {
        OpenDivergences open = OpenDivergences.load();
        Map<String, String> all = open.inRange(Long.MIN_VALUE / 2, Long.MAX_VALUE);
        assertEquals(all, open.inRange(CI_FIRST_SEED, CI_SEEDS), "an entry outside the CI run would never be checked");
        all.forEach((key, why) -> assertTrue(why.matches(".*[a-z_]+\\(\\).*"), key + ": say which kernel function decides"));
    }

    @Test
    void aDivergenceMatchesOnlyOnItsSeedAndItsExactKernelLine() {
        String line = "62 dev 1 migrate_to_dev 1 1023 1 0 => err ENOENT";
        OpenDivergences open = OpenDivergences.parse("# a comment\n20261226\t" + line
                + "\tdmirror_migrate_to_device() reads the range back\n");
        assertNotNull(open.reason(20261226, line));
        assertNull(open.reason(20261227, line), "another seed is a new divergence");
        assertNull(open.reason(20261226, line + " "), "the same seed diverging elsewhere is a new divergence");
    }

    @Test
    void aMalformedLineIsRefusedWithItsNumber() {
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> OpenDivergences.parse("# comment\n20261226 no tabs here\n"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }
}
