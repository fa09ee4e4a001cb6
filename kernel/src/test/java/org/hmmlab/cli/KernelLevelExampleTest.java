package org.hmmlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** examples/hmm-range-fault.jsh, the kernel-level tutorial script, run as {@code ./hmmlab run} runs it. */
class KernelLevelExampleTest {

    @Test
    void theTutorialShowsTheEbusyRetryTheTablesInSyncAndAMigration() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = RunCommand.run(new String[] {Path.of("..", "examples", "hmm-range-fault.jsh").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        assertTrue(text.contains("REQ_WRITE) = 0 after 2 attempts"), text);
        assertTrue(text.matches("(?s).*1 +1 +-EBUSY +an invalidation ran during the walk: retry.*"), text);
        assertTrue(text.contains("CLEAR  0x10001000  0x10002000"), text);
        // The last table: every row in sync, pages 2-3 dropped on both sides.
        String last = text.substring(text.lastIndexOf("CPU and device page tables"));
        last = last.substring(0, last.indexOf("\n\n"));
        assertEquals(4, last.lines().filter(l -> l.endsWith("true")).count(), last);
        assertTrue(last.contains("0x10003000  none            -1  false                 -1  false            true"), last);
        assertTrue(text.contains("gpu1: migration to gpu1 0x10000000-0x10004000 (4 pages) = 0: 4 of 4 pages moved, 4 reported (cpages)"), text);
        String after = text.substring(text.lastIndexOf("CPU page table"));
        assertEquals(1, after.lines().filter(l -> l.endsWith(" ram")).count(), after);
        assertEquals(3, after.lines().filter(l -> l.endsWith("device-private")).count(), after);
    }
}
