package org.hmmlab.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The GPU's hardware and its driver depend one way, as their package-infos say: the driver on the hardware, the
 * hardware on the driver only through the wiring ({@code Gpu}), and neither on the run layer, the benchmarks or the
 * calibration above them. Read from the code (imports and qualified names, comments left out), so a new reference
 * that breaks the layering fails here.
 */
class DeviceDriverLayeringTest {

    static final Path ROOT = Path.of("src/main/java/org/hmmlab");
    static final Pattern REFERENCE = Pattern.compile("org\\.hmmlab\\.([a-z]+(?:\\.[a-z]+)?)\\.[A-Z]");

    /** For each source file of {@code dir}, the other org.hmmlab packages its code names. */
    static Map<String, Set<String>> references(String dir) {
        Map<String, Set<String>> refs = new TreeMap<>();
        try (Stream<Path> files = Files.list(ROOT.resolve(dir))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Set<String> out = new TreeSet<>();
                for (String line : Files.readAllLines(f)) {
                    String t = line.strip();
                    if (t.startsWith("*") || t.startsWith("/*") || t.startsWith("//")) {
                        continue;
                    }
                    Matcher m = REFERENCE.matcher(t.replaceAll("//.*", ""));
                    while (m.find()) {
                        out.add(m.group(1));
                    }
                }
                out.remove(dir.replace('/', '.'));
                refs.put(f.getFileName().toString(), out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return refs;
    }

    static Set<String> outside(Set<String> used, Set<String> allowed) {
        Set<String> s = new TreeSet<>();
        for (String p : used) {
            if (!allowed.contains(p) && !allowed.contains(p.split("\\.")[0])) {
                s.add(p);
            }
        }
        return s;
    }

    @Test
    void onlyTheWiringReachesFromTheHardwareIntoTheDriver() {
        Map<String, Set<String>> device = references("device");
        assertTrue(device.containsKey("WarpScheduler.java") && device.containsKey("Gpu.java"), device.keySet().toString());
        Set<String> hardware = Set.of("units", "sim", "pcie", "platform", "metrics", "workload", "policy", "mm");
        device.forEach((file, used) -> {
            Set<String> allowed = new TreeSet<>(hardware);
            if (file.equals("Gpu.java")) {
                allowed.add("driver.uvm");
                allowed.add("driver.amd");
            }
            assertEquals(Set.of(), outside(used, allowed), "device/" + file + " names packages outside its layer");
        });
        assertTrue(device.get("Gpu.java").contains("driver.uvm"), "the wiring builds the driver");
    }

    @Test
    void theDriverStandsOnTheHardwareAndNothingAboveIt() {
        Map<String, Set<String>> uvm = references("driver/uvm");
        assertTrue(uvm.containsKey("VaBlockService.java"), uvm.keySet().toString());
        // "driver": the personalities' shared parts (org.hmmlab.driver.MigrationWaiters), never each other
        Set<String> allowed = Set.of("device", "policy", "pcie", "platform", "metrics", "sim", "units", "workload",
                "mm.notifier", "driver");
        uvm.forEach((file, used) -> assertEquals(Set.of(), outside(used, allowed),
                "driver/uvm/" + file + " names packages outside its layer"));
        Map<String, Set<String>> amd = references("driver/amd");
        assertTrue(amd.containsKey("KfdSvm.java"), amd.keySet().toString());
        amd.forEach((file, used) -> assertEquals(Set.of(), outside(used, allowed),
                "driver/amd/" + file + " names packages outside its layer"));
        assertTrue(uvm.values().stream().noneMatch(u -> u.contains("driver.amd")),
                "the two personalities share the hardware and the HMM core, not each other");
        assertTrue(amd.values().stream().noneMatch(u -> u.contains("driver.uvm")),
                "the two personalities share the hardware and the HMM core, not each other");
    }

    @Test
    void hostMemoryStandsOnTheCoreAndTheDevicePort() {
        Map<String, Set<String>> host = references("hostmm");
        assertTrue(host.containsKey("MmHostMemory.java"), host.keySet().toString());
        Set<String> allowed = Set.of("device", "mm", "sim");
        host.forEach((file, used) -> assertEquals(Set.of(), outside(used, allowed),
                "hostmm/" + file + " names packages outside its layer"));
        references("device").forEach((file, used) -> assertTrue(!used.contains("hostmm"),
                "device/" + file + " reaches the host memory's implementation instead of the HostMemory port"));
        references("driver/uvm").forEach((file, used) -> assertTrue(!used.contains("hostmm"),
                "driver/uvm/" + file + " reaches the host memory's implementation instead of the HostMemory port"));
        references("driver/amd").forEach((file, used) -> assertTrue(!used.contains("hostmm"),
                "driver/amd/" + file + " reaches the host memory's implementation instead of the HostMemory port"));
    }
}
