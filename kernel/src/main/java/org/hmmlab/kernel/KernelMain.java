package org.hmmlab.kernel;

import java.nio.file.Files;
import java.nio.file.Path;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

/**
 * Starts the HMM Lab kernel for Jupyter: {@code java ... org.hmmlab.kernel.KernelMain CONNECTION_FILE}.
 *
 * <p>The kernel answers Jupyter at once and builds JShell and warms the chart renderer (fonts, PNG encoder) on
 * background threads, so the first cell does not pay for them twice; once JShell is up, a third thread warms its
 * compiler while no cell runs ({@link CompilerWarmup}).
 */
public final class KernelMain {

    private KernelMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java -cp ... org.hmmlab.kernel.KernelMain CONNECTION_FILE");
            System.exit(2);
        }
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.setProperty("java.awt.headless", System.getProperty("java.awt.headless", "true"));

        KernelConnectionProperties props = KernelConnectionProperties.parse(Files.readString(Path.of(args[0])));
        JupyterConnection connection = new JupyterConnection(props);
        HmmLabKernel kernel = new HmmLabKernel();
        kernel.onStartup();
        kernel.becomeHandlerForConnection(connection);
        connection.connect();

        Thread starter = new Thread(kernel::start, "hmmlab-jshell-start");
        starter.setDaemon(true);
        starter.start();
        Thread warmer = new Thread(KernelMain::warmChartRenderer, "hmmlab-chart-warmup");
        warmer.setDaemon(true);
        warmer.start();
        Thread compilerWarmer = new Thread(kernel::warmCompiler, "hmmlab-compiler-warmup");
        compilerWarmer.setDaemon(true);
        compilerWarmer.start();

        connection.waitUntilClose();
        System.exit(0);
    }

    /** Draws one chart: the first chart otherwise pays about a second for fonts and the PNG encoder. */
    static void warmChartRenderer() {
        try {
            ChartImages.warmUp();
        } catch (RuntimeException | Error e) {
            // A headless machine without fonts fails here and again at the first chart, which reports it.
        }
    }
}
