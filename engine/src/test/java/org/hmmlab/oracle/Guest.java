package org.hmmlab.oracle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * The real kernel under QEMU: boots the oracle's bzImage with its initramfs (busybox, {@code /init}, hmm-tests, the
 * guest interpreter) and returns what the guest wrote to its second serial port between the begin and end markers.
 *
 * <p>The kernel command line reserves 512 MiB at 0x60000000 ({@code memmap=}) and hands it to lib/test_hmm.c as the
 * device-coherent memory of dmirror devices 2 and 3 ({@code test_hmm.spm_addr_dev0/1}), as the selftests' coherent
 * fixture needs. A boot that panics, hangs past its timeout or ends without the end marker is an {@link
 * GuestException}, never a result.
 */
final class Guest {
    static final String BEGIN = "HMMLAB-ORACLE-BEGIN";
    static final String END = "HMMLAB-ORACLE-END";

    private final Path qemu;
    private final Path kernel;
    private final Path initramfs;
    private final Path work;
    private final int timeoutSeconds;
    private int boots;

    Guest(Path qemu, Path kernel, Path initramfs, Path work, int timeoutSeconds) {
        this.qemu = qemu;
        this.kernel = kernel;
        this.initramfs = initramfs;
        this.work = work;
        this.timeoutSeconds = timeoutSeconds;
    }

    /** A boot that did not deliver a complete transcript: the step, what went wrong, the console log. */
    static final class GuestException extends Exception {
        GuestException(String message) {
            super(message);
        }
    }

    int boots() {
        return boots;
    }

    /**
     * Boots once in {@code mode} ("selftests" or "fuzz") with {@code files} (name to content) added under
     * {@code /scripts}; returns the transcript lines between the markers.
     */
    List<String> boot(String mode, int cpus, Map<String, String> files) throws GuestException, IOException {
        boots++;
        Files.createDirectories(work);
        Path initrd = initramfs;
        if (!files.isEmpty()) {
            initrd = work.resolve("initrd-" + mode + ".cpio.gz");
            try (OutputStream os = Files.newOutputStream(initrd)) {
                os.write(Files.readAllBytes(initramfs));
                os.write(gzip(cpio(files)));
            }
        }
        Path console = work.resolve("console-" + mode + ".log");
        Path transcript = work.resolve("transcript-" + mode + ".log");
        Files.deleteIfExists(console);
        Files.deleteIfExists(transcript);
        List<String> cmd = List.of(qemu.toString(), "-cpu", "max", "-m", "2G", "-smp", Integer.toString(cpus),
                "-display", "none", "-monitor", "none", "-no-reboot", "-nodefaults",
                "-kernel", kernel.toString(), "-initrd", initrd.toString(),
                "-serial", "file:" + console, "-serial", "file:" + transcript,
                "-append", "console=ttyS0 panic=-1 oops=panic memmap=512M$0x60000000 test_hmm.spm_addr_dev0=0x60000000"
                        + " test_hmm.spm_addr_dev1=0x70000000 hmmlab.mode=" + mode);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(work.resolve("qemu-" + mode + ".log").toFile()).start();
        boolean done;
        try {
            done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new GuestException("boot (" + mode + "): interrupted");
        }
        if (!done) {
            p.destroyForcibly();
            throw new GuestException("boot (" + mode + "): the guest did not power off within " + timeoutSeconds
                    + " s (a hang; raise HMMLAB_ORACLE_BOOT_TIMEOUT if the machine is just slow); the transcript"
                    + " ends:" + tail(transcript, 4) + "\nconsole: " + console + tail(console, 15));
        }
        String consoleText = Files.exists(console) ? Files.readString(console, StandardCharsets.ISO_8859_1) : "";
        if (consoleText.contains("Kernel panic")) {
            throw new GuestException("boot (" + mode + "): the guest kernel panicked; the transcript ends:"
                    + tail(transcript, 4) + "\nconsole: " + console + tail(console, 15));
        }
        if (p.exitValue() != 0) {
            throw new GuestException("boot (" + mode + "): qemu exited with status " + p.exitValue() + "; see "
                    + work.resolve("qemu-" + mode + ".log"));
        }
        List<String> lines = Files.exists(transcript)
                ? Files.readAllLines(transcript, StandardCharsets.ISO_8859_1) : List.of();
        List<String> body = new ArrayList<>();
        boolean begun = false;
        boolean ended = false;
        for (String l : lines) {
            String s = l.replace("\r", "");
            if (s.startsWith(BEGIN)) {
                begun = true;
            } else if (s.equals(END)) {
                ended = true;
                break;
            } else if (begun) {
                body.add(s);
            }
        }
        if (!begun || !ended) {
            throw new GuestException("boot (" + mode + "): the transcript was cut short (" + (begun ? "no end marker"
                    : "no begin marker") + " after " + body.size() + " lines); the transcript ends:" + tail(transcript, 4)
                    + "\nconsole: " + console + tail(console, 15));
        }
        return body;
    }

    private static String tail(Path log, int n) throws IOException {
        if (!Files.exists(log)) {
            return " (no output)";
        }
        List<String> l = Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream()
                .filter(s -> !s.contains("added new 256 MB chunk")).map(s -> s.replace("\r", "")).toList();
        return "\n  | " + String.join("\n  | ", l.subList(Math.max(0, l.size() - n), l.size()));
    }

    /** A newc cpio archive of regular files under {@code scripts/} (the format of the kernel's initramfs). */
    static byte[] cpio(Map<String, String> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int ino = 0x4000;
        Map<String, byte[]> all = new LinkedHashMap<>();
        all.put("scripts", null);
        for (var e : files.entrySet()) {
            all.put("scripts/" + e.getKey(), e.getValue().getBytes(StandardCharsets.US_ASCII));
        }
        for (var e : all.entrySet()) {
            byte[] data = e.getValue();
            int mode = data == null ? 0040755 : 0100644;
            entry(out, ino++, mode, e.getKey(), data == null ? new byte[0] : data);
        }
        entry(out, 0, 0, "TRAILER!!!", new byte[0]);
        return out.toByteArray();
    }

    private static void entry(ByteArrayOutputStream out, int ino, int mode, String name, byte[] data) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        String h = String.format("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x", ino, mode, 0, 0,
                mode == 0 ? 0 : 1, 0, data.length, 0, 0, 0, 0, n.length, 0);
        out.writeBytes(h.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(n);
        pad(out);
        out.writeBytes(data);
        pad(out);
    }

    private static void pad(ByteArrayOutputStream out) {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(b);
        }
        // The kernel expects each archive of a concatenation to start at a 4-byte boundary.
        while (bos.size() % 4 != 0) {
            bos.write(0);
        }
        return bos.toByteArray();
    }
}
