package org.hmmlab.golden;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * Compares text with a checked-in golden file under {@code src/test/resources/golden/}, so that a change in
 * behaviour shows as a diff in review instead of passing unnoticed. Run with {@code -Dhmmlab.golden.update=true}
 * to rewrite the files; commit the diff with a message that says why the output changed.
 */
public final class GoldenFiles {

    /** The system property that rewrites golden files instead of comparing with them. */
    public static final String UPDATE_PROPERTY = "hmmlab.golden.update";

    private GoldenFiles() {
    }

    /** The module's golden folder, resolved from the working directory Maven's surefire uses (the module). */
    static Path root() {
        return Paths.get("src", "test", "resources", "golden");
    }

    /**
     * Checks {@code actual} against golden file {@code name} (a relative path such as
     * {@code scenarios/stream.timing.txt}); fails with the first differing line and both versions of it.
     */
    public static void check(String name, String actual) {
        Path file = root().resolve(name);
        try {
            if (Boolean.getBoolean(UPDATE_PROPERTY)) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual, StandardCharsets.UTF_8);
                return;
            }
            if (!Files.exists(file)) {
                fail("golden file " + file + " is missing; run the test with -D" + UPDATE_PROPERTY
                        + "=true to write it, then review and commit it");
            }
            String expected = Files.readString(file, StandardCharsets.UTF_8);
            if (!expected.equals(actual)) {
                fail(firstDifference(file, expected, actual));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String firstDifference(Path file, String expected, String actual) {
        List<String> e = expected.lines().toList();
        List<String> a = actual.lines().toList();
        int n = Math.min(e.size(), a.size());
        for (int i = 0; i < n; i++) {
            if (!e.get(i).equals(a.get(i))) {
                return file + " differs at line " + (i + 1) + ":\n  golden: " + e.get(i) + "\n  actual: " + a.get(i)
                        + "\n(rerun with -D" + UPDATE_PROPERTY + "=true if the change is intended, and say why in the commit)";
            }
        }
        return file + " differs in length: golden has " + e.size() + " lines, actual " + a.size()
                + " (rerun with -D" + UPDATE_PROPERTY + "=true if the change is intended)";
    }
}
