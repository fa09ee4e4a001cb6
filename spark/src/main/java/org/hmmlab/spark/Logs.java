package org.hmmlab.spark;

import java.util.List;

/**
 * Keeps Spark's logging out of notebook and terminal output: errors only. Spark logs through SLF4J; in the lab's
 * kernel and CLI SLF4J writes with slf4j-simple, elsewhere (this module's tests, a user's application) with Log4j 2.
 * Both are told here, before Spark makes its first logger; a user's own setting (a system property, a
 * {@code log4j2.configurationFile}) wins.
 */
final class Logs {

    /** The loggers of Spark and of the libraries it brings. */
    private static final List<String> NOISY = List.of("org.apache.spark", "org.sparkproject", "org.apache.hadoop",
            "io.netty", "org.apache.parquet", "org.apache.orc", "io.fabric8", "org.apache.zookeeper", "org.apache.ivy",
            "org.apache.commons", "org.apache.hive", "org.apache.arrow", "com.zaxxer");

    private Logs() {
    }

    static void quiet() {
        for (String logger : NOISY) {
            String key = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(key) == null) {
                System.setProperty(key, "error");
            }
        }
        if (System.getProperty("log4j2.configurationFile") == null && System.getProperty("log4j.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "org/hmmlab/spark/log4j2-quiet.properties");
        }
    }
}
