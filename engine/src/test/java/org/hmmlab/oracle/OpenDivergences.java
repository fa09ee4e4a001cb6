package org.hmmlab.oracle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fuzzer's ratchet: divergences between the engine and the real kernel that are found, analysed and not yet
 * fixed, listed in {@code engine/src/test/resources/oracle/open-divergences.tsv} as (seed, the kernel's first
 * diverging transcript line, what the kernel does there). A listed divergence is reported as open and does not fail
 * the run; any other divergence does, and so does a listed one that no longer happens (the list must shrink as the
 * engine is fixed, never hide a new bug). Unlike {@link VersionDifferences}, these are engine bugs: each line is
 * work to do, not an accepted difference.
 */
final class OpenDivergences {

    static final String RESOURCE = "/oracle/open-divergences.tsv";

    private final Map<String, String> entries;

    private OpenDivergences(Map<String, String> entries) {
        this.entries = entries;
    }

    /** Reads the committed list; a malformed line is refused with its line number. */
    static OpenDivergences load() {
        try (InputStream in = OpenDivergences.class.getResourceAsStream(RESOURCE)) {
            return parse(in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The list in {@code text}, in the committed file's format (# comments, seed TAB line TAB reason). */
    static OpenDivergences parse(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", 3);
            if (f.length != 3 || !f[0].matches("\\d+") || f[1].isBlank() || f[2].isBlank()) {
                throw new IllegalStateException(RESOURCE + " line " + n
                        + ": expected seed<TAB>kernel's first diverging line<TAB>what the kernel does there");
            }
            m.put(key(Long.parseLong(f[0]), f[1]), f[2]);
        }
        return new OpenDivergences(m);
    }

    static String key(long seed, String kernelLine) {
        return seed + "\t" + kernelLine;
    }

    /** What the list says of this divergence, or null when it is not listed. */
    String reason(long seed, String kernelLine) {
        return entries.get(key(seed, kernelLine));
    }

    /** The listed divergences whose seed lies in [first, first + count). */
    Map<String, String> inRange(long first, long count) {
        Map<String, String> m = new LinkedHashMap<>();
        entries.forEach((k, v) -> {
            long seed = Long.parseLong(k.substring(0, k.indexOf('\t')));
            if (seed >= first && seed < first + count) {
                m.put(k, v);
            }
        });
        return m;
    }
}
