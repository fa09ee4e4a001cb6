package org.hmmlab.kernel;

import java.util.List;

/**
 * The training run of the kernel's ahead-of-time cache (JDK 25's AOT cache, JEP 483 and 515): starts the kernel's
 * JShell with its start-up scripts, runs a few typical cells and renders their values, chart included, with no
 * Jupyter connection. The launcher records it ({@code -XX:AOTMode=record}) once per build and the kernel JVM maps
 * the cache it gives ({@code -XX:AOTCache}): the classes it loads come loaded and linked, with the profiles of its
 * hot methods, so a kernel reaches its first result sooner and its first cells compile sooner.
 *
 * <p>{@code java -XX:AOTMode=record -XX:AOTConfiguration=F -cp ... org.hmmlab.kernel.KernelTraining}
 */
public final class KernelTraining {

    /** What a first session does: arithmetic, declarations, the DSL's units and tables, a chart. */
    static final List<String> CELLS = List.of(
            "1 + 1",
            "var xs = new ArrayList<Integer>(List.of(3, 1, 2));",
            "xs.stream().sorted().map(i -> i * 2).toList()",
            "int twice(int a) { return 2 * a; }",
            "twice(21)",
            "var rows = new ArrayList<Row>();\n"
                    + "for (int i = 1; i <= 50; i++) rows.add(row().with(\"size_bytes\", i * 4096L).with(\"h2d_GBps\", Math.log(i + 1)));\n"
                    + "var table = Table.fromRows(\"training\", rows);",
            "table",
            "Charts.curves(\"Training\", table, \"size_bytes\", \"h2d_GBps\")");

    private KernelTraining() {
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", System.getProperty("java.awt.headless", "true"));
        HmmLabKernel kernel = new HmmLabKernel();
        kernel.start();
        for (int round = 0; round < 3; round++) {
            for (String cell : CELLS) {
                Object value = kernel.evalRaw(cell);
                if (value != null) {
                    kernel.renderValue(value);
                }
            }
        }
        KernelMain.warmChartRenderer();
        System.exit(0);
    }
}
