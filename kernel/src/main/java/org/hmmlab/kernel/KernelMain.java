package org.hmmlab.kernel;

import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

/**
 * Starts the HMM Lab kernel for Jupyter: {@code java ... org.hmmlab.kernel.KernelMain CONNECTION_FILE}.
 *
 * <p>The kernel answers Jupyter at once and builds JShell and warms the chart renderer (fonts, PNG encoder) on
 * background threads, so the first cell does not pay for them twice.
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

        connection.waitUntilClose();
        System.exit(0);
    }

    /** Draws text into an image and encodes it as PNG once: the first chart otherwise pays about a second for this. */
    static void warmChartRenderer() {
        try {
            BufferedImage image = new BufferedImage(64, 32, BufferedImage.TYPE_INT_ARGB);
            Graphics2D g = image.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString("HMM 0123456789", 2, 20);
            g.dispose();
            ImageIO.write(image, "png", new ByteArrayOutputStream());
        } catch (IOException | RuntimeException | Error e) {
            // A headless machine without fonts fails here and again at the first chart, which reports it.
        }
    }
}
