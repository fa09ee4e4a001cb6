package org.hmmlab.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.hmmlab.dsl.grid.ScenarioSweep;
import org.hmmlab.dsl.SweepResult;
import org.hmmlab.dsl.grid.SweepExecutor;
import org.hmmlab.dsl.results.Column;
import org.hmmlab.dsl.results.ColumnType;
import org.hmmlab.dsl.results.Table;

/**
 * The lab's Spark session and the bridge between its tables and Spark's {@code Dataset}s.
 *
 * <p>One session per JVM (Spark allows one context), started on first use for the master a sweep names and kept for
 * the next; another master stops it and starts anew. Its defaults keep a notebook quiet and private: the web UI off,
 * the driver bound to 127.0.0.1, Spark's logs at errors only. A {@code spark.*} system property (or a
 * {@code --conf key=value} on the command line) overrides any of them, for example
 * {@code spark.driver.host=10.0.0.2} so that a remote cluster's executors can reach this driver.
 *
 * <pre>{@code
 * var grid = sweep(scan).vary("policy.placement.threshold", 1, 4, 16).on("spark").run();
 * Spark.view(grid, "grid");
 * Spark.sql("SELECT threshold, avg(faults) AS faults FROM grid GROUP BY threshold ORDER BY threshold")
 * }</pre>
 */
public final class Spark {

    /** The master of an embedded Spark: every core of this machine. */
    public static final String DEFAULT_MASTER = "local[*]";

    /** How long a cluster master gets to answer before the sweep is refused. */
    static final int CONNECT_TIMEOUT_MS = 3000;

    private static SparkSession session;
    private static String sessionMaster;
    private static final Set<String> SHIPPED = new LinkedHashSet<>();

    private Spark() {
    }

    /** The sweep executor for the embedded Spark ({@code local[*]}): {@code sweep.on(Spark.local())}. */
    public static SweepExecutor local() {
        return new SparkSweepExecutor(DEFAULT_MASTER);
    }

    /** The sweep executor for {@code master}: {@code local[4]}, {@code spark://host:7077}, {@code k8s://https://host:6443}. */
    public static SweepExecutor master(String master) {
        checkMaster(master);
        return new SparkSweepExecutor(master);
    }

    /** The session of the last sweep, or the embedded one ({@code local[*]}) when none ran yet. */
    public static synchronized SparkSession session() {
        return session != null ? session : session(DEFAULT_MASTER);
    }

    /**
     * The session on {@code master}, started if needed (stopping one on another master).
     *
     * @throws IllegalArgumentException within seconds when a cluster master cannot be reached
     */
    public static synchronized SparkSession session(String master) {
        checkMaster(master);
        if (session != null && master.equals(sessionMaster) && !session.sparkContext().isStopped()) {
            return session;
        }
        Logs.quiet();
        SparkConf conf = new SparkConf(true).setMaster(master).setAppName("hmmlab")
                .setIfMissing("spark.ui.enabled", "false")
                .setIfMissing("spark.ui.showConsoleProgress", "false")
                .setIfMissing("spark.driver.host", "127.0.0.1")
                .setIfMissing("spark.driver.bindAddress", "127.0.0.1")
                .setIfMissing("spark.sql.shuffle.partitions", "8")
                .setIfMissing("spark.sql.session.timeZone", "UTC");
        if (!master.startsWith("local")) {
            checkDriverReachable(master, conf);
        }
        checkReachable(master);
        stop();
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try {
            // JShell runs cells with its own loader as the context loader; Spark's serializers must see the lab's classes.
            Thread.currentThread().setContextClassLoader(Spark.class.getClassLoader());
            session = SparkSession.builder().config(conf).getOrCreate();
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        sessionMaster = master;
        SHIPPED.clear();
        if (!master.startsWith("local")) {
            for (Path jar : labJars(false)) {
                ship(jar);
            }
        }
        return session;
    }

    /** Ships the GraalVM jars too, for sweeps whose policies run JavaScript on the executors. */
    static synchronized void shipJavaScript() {
        if (session != null && !sessionMaster.startsWith("local")) {
            for (Path jar : labJars(true)) {
                ship(jar);
            }
        }
    }

    private static void ship(Path jar) {
        if (SHIPPED.add(jar.toString())) {
            session.sparkContext().addJar(jar.toString());
        }
    }

    /** Stops the session, if one runs (its executors end with it). */
    public static synchronized void stop() {
        if (session != null) {
            session.stop();
            session = null;
            sessionMaster = null;
        }
    }

    /** The master the session runs on, or null when none runs. */
    public static synchronized String master() {
        return sessionMaster;
    }

    // --- tables and datasets ------------------------------------------------------------------------

    /** A sweep's table as a Spark {@code Dataset}, in the session of the last sweep. */
    public static Dataset<org.apache.spark.sql.Row> dataset(SweepResult result) {
        return dataset(result.table());
    }

    /** A lab table as a Spark {@code Dataset}: long, double, string and boolean columns keep their types. */
    public static Dataset<org.apache.spark.sql.Row> dataset(Table table) {
        List<StructField> fields = new ArrayList<>();
        for (Column c : table.columns()) {
            DataType t = switch (c.type()) {
                case LONG -> DataTypes.LongType;
                case DOUBLE -> DataTypes.DoubleType;
                case STRING -> DataTypes.StringType;
                case BOOLEAN -> DataTypes.BooleanType;
            };
            fields.add(DataTypes.createStructField(c.name(), t, false));
        }
        List<org.apache.spark.sql.Row> rows = new ArrayList<>(table.rowCount());
        for (int r = 0; r < table.rowCount(); r++) {
            Object[] cells = new Object[table.columns().size()];
            for (int c = 0; c < cells.length; c++) {
                cells[c] = table.columns().get(c).get(r);
            }
            rows.add(RowFactory.create(cells));
        }
        return session().createDataFrame(rows, DataTypes.createStructType(fields));
    }

    /** Registers a sweep's table as the SQL view {@code name} and returns it: {@code Spark.view(grid, "grid")}. */
    public static Dataset<org.apache.spark.sql.Row> view(SweepResult result, String name) {
        Dataset<org.apache.spark.sql.Row> d = dataset(result);
        d.createOrReplaceTempView(name);
        return d;
    }

    /** Runs a Spark SQL query and gives its answer as a lab table, which a notebook shows and charts draw. */
    public static Table sql(String query) {
        return table(session().sql(query), "sql");
    }

    /** A Spark {@code Dataset} (collected to this JVM) as a lab table named {@code name}. */
    public static Table table(Dataset<org.apache.spark.sql.Row> data, String name) {
        StructType schema = data.schema();
        Table.Builder b = Table.builder(name);
        ColumnType[] types = new ColumnType[schema.fields().length];
        for (int i = 0; i < types.length; i++) {
            DataType t = schema.fields()[i].dataType();
            types[i] = t.equals(DataTypes.LongType) || t.equals(DataTypes.IntegerType) || t.equals(DataTypes.ShortType)
                    || t.equals(DataTypes.ByteType) ? ColumnType.LONG
                    : t.equals(DataTypes.DoubleType) || t.equals(DataTypes.FloatType) || t instanceof org.apache.spark.sql.types.DecimalType
                            ? ColumnType.DOUBLE
                    : t.equals(DataTypes.BooleanType) ? ColumnType.BOOLEAN : ColumnType.STRING;
            b.column(schema.fields()[i].name(), types[i]);
        }
        for (org.apache.spark.sql.Row row : data.collectAsList()) {
            Object[] cells = new Object[types.length];
            for (int i = 0; i < types.length; i++) {
                Object v = row.get(i);
                cells[i] = switch (types[i]) {
                    case LONG -> v == null ? 0L : ((Number) v).longValue();
                    case DOUBLE -> v == null ? Double.NaN : ((Number) v).doubleValue();
                    case BOOLEAN -> v != null && (Boolean) v;
                    case STRING -> v == null ? "" : v.toString();
                };
            }
            b.row(cells);
        }
        return b.build();
    }

    /** Writes a sweep's table as Parquet into folder {@code dir} (Spark's layout: part files and a _SUCCESS marker). */
    public static Path writeParquet(SweepResult result, Path dir) {
        dataset(result).coalesce(1).write().parquet(dir.toAbsolutePath().toString());
        return dir;
    }

    // --- masters ------------------------------------------------------------------------------------

    static void checkMaster(String master) {
        if (master == null || !(master.matches("local(\\[(\\*|[0-9]{1,4})(,[0-9]{1,3})?\\])?") || master.startsWith("spark://")
                || master.startsWith("k8s://"))) {
            throw new IllegalArgumentException("spark master must be local[*], local[N], spark://host:port or k8s://https://host:port; got '"
                    + master + "'");
        }
    }

    /** The host and port of each master a URL names (a standalone URL may list several, for failover). */
    static List<InetSocketAddress> addresses(String master) {
        List<InetSocketAddress> out = new ArrayList<>();
        if (master.startsWith("spark://")) {
            for (String hp : master.substring("spark://".length()).split(",")) {
                int colon = hp.lastIndexOf(':');
                if (colon < 0) {
                    throw new IllegalArgumentException("spark master '" + master + "': give host:port, such as spark://head:7077");
                }
                out.add(InetSocketAddress.createUnresolved(hp.substring(0, colon), port(master, hp.substring(colon + 1))));
            }
        } else if (master.startsWith("k8s://")) {
            String rest = master.substring("k8s://".length());
            URI u;
            try {
                u = new URI(rest.contains("://") ? rest : "https://" + rest);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("spark master '" + master + "': not a URL: " + e.getMessage(), e);
            }
            if (u.getHost() == null) {
                throw new IllegalArgumentException("spark master '" + master + "': give the API server, such as k8s://https://host:6443");
            }
            out.add(InetSocketAddress.createUnresolved(u.getHost(), u.getPort() > 0 ? u.getPort() : 443));
        }
        return out;
    }

    private static int port(String master, String text) {
        if (!text.matches("[0-9]{1,5}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 65535) {
            throw new IllegalArgumentException("spark master '" + master + "': port must be in [1, 65535], got '" + text + "'");
        }
        return Integer.parseInt(text);
    }

    /**
     * Connects to the master before Spark does: Spark's own client retries for a minute before it gives up, and a
     * notebook should hear at once that nothing answers there.
     */
    static void checkReachable(String master) {
        List<InetSocketAddress> addrs = addresses(master);
        if (addrs.isEmpty()) {
            return;
        }
        List<String> why = new ArrayList<>();
        for (InetSocketAddress a : addrs) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(a.getHostString(), a.getPort()), CONNECT_TIMEOUT_MS);
                return;
            } catch (UnknownHostException e) {
                why.add(a.getHostString() + ": unknown host");
            } catch (IOException e) {
                why.add(a.getHostString() + ":" + a.getPort() + ": " + e.getMessage());
            }
        }
        throw new IllegalArgumentException("spark master " + master + " cannot be reached (" + String.join("; ", why)
                + "); is the cluster up? Start one with Spark's sbin/start-master.sh, or run on spark (local[*]) or local");
    }

    /** A cluster's executors must connect back to the driver: 127.0.0.1 only serves a cluster on this machine. */
    private static void checkDriverReachable(String master, SparkConf conf) {
        boolean remote = false;
        for (InetSocketAddress a : addresses(master)) {
            try {
                remote |= !InetAddress.getByName(a.getHostString()).isLoopbackAddress();
            } catch (UnknownHostException e) {
                remote = true;
            }
        }
        if (remote && conf.get("spark.driver.host").equals("127.0.0.1")) {
            throw new IllegalArgumentException("spark master " + master + " is on another machine, whose executors must reach"
                    + " this driver; the lab listens on 127.0.0.1 unless told otherwise: set spark.driver.host and"
                    + " spark.driver.bindAddress to an address of this machine they can reach (--conf spark.driver.host=ADDR"
                    + " on the command line, System.setProperty(\"spark.driver.host\", ADDR) in a notebook)");
        }
    }

    // --- the lab's jars -------------------------------------------------------------------------------

    /**
     * The jars a cluster's executors need beyond Spark's own: the lab's modules and HdrHistogram, and with
     * {@code javaScript} the GraalVM jars a JavaScript policy runs on. A module still in a build folder
     * ({@code target/classes}) is packed into a jar first.
     */
    static List<Path> labJars(boolean javaScript) {
        Set<Path> out = new LinkedHashSet<>();
        if (javaScript) {
            for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
                String name = Path.of(entry).getFileName() == null ? "" : Path.of(entry).getFileName().toString();
                if (name.endsWith(".jar") && name.matches("(polyglot|truffle|js-language|regex|icu4j|collections|nativeimage|word|jniutils|shadowed).*")) {
                    out.add(Path.of(entry));
                }
            }
            return List.copyOf(out);
        }
        for (Class<?> c : List.of(org.hmmlab.run.Seeds.class, ScenarioSweep.class, Spark.class, org.HdrHistogram.Histogram.class)) {
            out.add(asJar(location(c)));
        }
        return List.copyOf(out);
    }

    private static Path location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the classes of " + c.getName(), e);
        }
    }

    private static final Map<Path, Path> PACKED = new java.util.concurrent.ConcurrentHashMap<>();

    private static Path asJar(Path p) {
        if (!Files.isDirectory(p)) {
            return p;
        }
        return PACKED.computeIfAbsent(p, dir -> {
            try {
                Path jar = Files.createTempFile("hmmlab-" + dir.getParent().getParent().getFileName() + "-", ".jar");
                jar.toFile().deleteOnExit();
                try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os);
                        Stream<Path> files = Files.walk(dir)) {
                    for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                        out.putNextEntry(new JarEntry(dir.relativize(f).toString().replace('\\', '/')));
                        Files.copy(f, out);
                        out.closeEntry();
                    }
                }
                return jar;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot pack " + dir + " into a jar for the executors", e);
            }
        });
    }
}
