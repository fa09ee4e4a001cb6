package org.hmmlab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.hmmlab.dsl.mm.Access;
import org.hmmlab.dsl.mm.HmmRequest;
import org.hmmlab.dsl.mm.Prot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kernel's two start-up scripts, run as the kernel runs them: the notebooks' short names (READ, READ_WRITE,
 * REQ_FAULT...) resolve, and the scripts bring no on-demand static import of an enum, whose values() and
 * valueOf(String) would make a cell's own values() ambiguous.
 */
class StartupImportsTest {

    private static CellEvaluator shell;
    private static String dslStartup;

    @BeforeAll
    static void start() throws IOException {
        shell = new CellEvaluator();
        shell.runScript("startup.jsh", resource(HmmLabKernel.STARTUP_SCRIPT));
        dslStartup = resource(HmmLabKernel.DSL_STARTUP_SCRIPT);
        shell.runScript("dsl startup.jsh", dslStartup);
    }

    @AfterAll
    static void stop() {
        shell.close();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = StartupImportsTest.class.getClassLoader().getResourceAsStream(name)) {
            assertTrue(in != null, name + " is on the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aCellsOwnValuesCallIsNotAmbiguous() {
        assertEquals(1, shell.eval("java.util.List.of(1).size()", "cell [1]", 1));
        // A cell importing another enum's constants on demand gets that enum's values() and valueOf(String) alone.
        shell.eval("import static java.util.concurrent.TimeUnit.*;", "cell [2]", 1);
        assertEquals(TimeUnit.values().length, shell.eval("values().length", "cell [3]", 1));
        assertSame(TimeUnit.SECONDS, shell.eval("valueOf(\"SECONDS\")", "cell [4]", 1));
        assertEquals(3, shell.eval("int[] values(int n) { return new int[n]; }\nvalues(3).length", "cell [5]", 1));
    }

    @Test
    void theNotebooksShortNamesStillResolve() {
        assertSame(Access.READ, shell.eval("READ", "cell [6]", 1));
        assertSame(Access.WRITE, shell.eval("WRITE", "cell [7]", 1));
        assertSame(Prot.READ_ONLY, shell.eval("READ_ONLY", "cell [8]", 1));
        assertSame(HmmRequest.REQ_WRITE, shell.eval("REQ_WRITE", "cell [9]", 1));
        assertEquals(2, shell.eval("var t = machine().process();\nvar b = t.mmap(pages(2), READ_WRITE);\n"
                + "t.touch(b, WRITE);\nt.mirror(b).hmmRangeFault(b, REQ_FAULT).status() == 0 ? 2 : -1", "cell [10]", 1));
    }

    @Test
    void everyConstantIsImportedByNameAndNoEnumOnDemand() {
        for (Class<? extends Enum<?>> e : java.util.List.<Class<? extends Enum<?>>>of(Access.class, Prot.class,
                HmmRequest.class)) {
            assertFalse(dslStartup.contains("import static " + e.getName() + ".*;"), e.getName() + ".* is imported on demand");
            for (Enum<?> c : e.getEnumConstants()) {
                String line = "import static " + e.getName() + "." + c.name() + ";";
                assertTrue(dslStartup.contains(line), "startup.jsh lacks " + line);
            }
        }
    }
}
