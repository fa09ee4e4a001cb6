package org.hmmlab.dsl.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The DSL's packages depend one way (each package-info says on what): the JavaScript runtime on the engine only, the
 * spec on the runtime, the Java DSL on the spec, and the JSON and JavaScript front ends on both but never on each
 * other. Read from the code (imports and qualified names, comments left out), so a new reference that closes a
 * cycle fails here.
 */
class PackageLayeringTest {

    static final Path SOURCES = Path.of("src/main/java/org/hmmlab/dsl");
    static final Pattern REFERENCE = Pattern.compile("org\\.hmmlab\\.dsl(\\.[a-z]+)?\\.[A-Z]");

    /** For each package under org.hmmlab.dsl, the other DSL packages its code names. */
    static Map<String, Set<String>> dependencies() {
        Map<String, Set<String>> deps = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String rel = SOURCES.relativize(f.getParent()).toString().replace('/', '.');
                String pkg = rel.isEmpty() ? "dsl" : "dsl." + rel;
                Set<String> out = deps.computeIfAbsent(pkg, k -> new TreeSet<>());
                for (String line : Files.readAllLines(f)) {
                    String t = line.strip();
                    if (t.startsWith("*") || t.startsWith("/*") || t.startsWith("//")) {
                        continue;
                    }
                    Matcher m = REFERENCE.matcher(t.replaceAll("//.*", ""));
                    while (m.find()) {
                        String target = "dsl" + (m.group(1) == null ? "" : m.group(1));
                        if (!target.equals(pkg)) {
                            out.add(target);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return deps;
    }

    @Test
    void theDslPackagesDependOneWay() {
        Map<String, Set<String>> d = dependencies();
        assertEquals(true, d.keySet().containsAll(Set.of("dsl", "dsl.spec", "dsl.script", "dsl.json", "dsl.js", "dsl.grid")),
                "read every DSL package: " + d.keySet());
        assertEquals(Set.of(), d.get("dsl.script"), "the JavaScript runtime depends on the engine only");
        assertEquals(Set.of("dsl.script"), d.get("dsl.spec"), "the spec depends on the runtime only");
        assertEquals(Set.of(), intersect(d.get("dsl"), Set.of("dsl.json", "dsl.js", "dsl.script")),
                "the Java DSL sits below both front ends and reaches scripts only through the spec");
        assertEquals(Set.of(), intersect(d.get("dsl.json"), Set.of("dsl.js", "dsl.script")), "JSON: not JavaScript");
        assertEquals(Set.of(), intersect(d.get("dsl.js"), Set.of("dsl.json")), "JavaScript: not JSON");
        assertEquals(Set.of(), intersect(d.get("dsl.grid"), Set.of("dsl.js", "dsl.script")),
                "sweeps as data sit on the Java DSL and the JSON form their paths address, not on JavaScript");
        for (String below : List.of("dsl", "dsl.json", "dsl.spec", "dsl.script")) {
            assertEquals(false, d.get(below).contains("dsl.grid"), below + " must not depend on the sweeps as data above it");
        }
    }

    static Set<String> intersect(Set<String> a, Set<String> b) {
        Set<String> s = new TreeSet<>(a);
        s.retainAll(b);
        return s;
    }
}
