package org.hmmlab.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Seeded scripts: same seed, same script; every operation kind appears; every line is one the interpreters run. */
class ScriptGeneratorTest {
    @Test
    void sameSeedSameScript() {
        assertEquals(ScriptGenerator.generate(42, 300), ScriptGenerator.generate(42, 300));
        assertNotEquals(ScriptGenerator.generate(42, 300), ScriptGenerator.generate(43, 300));
    }

    @Test
    void coversEveryOperationAndEveryDmirrorCommand() {
        StringBuilder all = new StringBuilder();
        for (long s = 0; s < 20; s++) {
            ScriptGenerator.generate(s, 200).forEach(l -> all.append(l).append('\n'));
        }
        String text = all.toString();
        for (String op : List.of("mmap ", "munmap ", "mprotect ", "madvise ", "read ", "write ", "fork ", "pin ", "unpin",
                " anon ", " shared ", " file ", " filesh ", " huge ", " dontneed", " free", " hugepage",
                " read ", " write ", " snapshot ", " migrate_to_dev ", " migrate_to_sys ", " exclusive ",
                " check_exclusive ", " release ", " flags ", "dev 0 ", "dev 1 ", "dev 2 ", "dev 3 ")) {
            assertTrue(text.contains(op), "no '" + op + "' in 4000 generated operations");
        }
    }

    @Test
    void everyGeneratedLineRunsOnTheEngineWithoutBadOps() {
        List<String> t = EngineInterpreter.run(ScriptGenerator.generate(7, 300));
        assertTrue(t.stream().noneMatch(l -> l.endsWith("=> bad-op")), String.join("\n", t));
        assertTrue(t.get(t.size() - 1).startsWith("END "), t.get(t.size() - 1));
    }

    @Test
    void stepsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> ScriptGenerator.generate(1, 0));
    }
}
