package org.hmmlab.dsl.grid;

import java.util.ServiceLoader;
import org.hmmlab.dsl.SweepResult;

/**
 * The executors a sweep can be sent to by name: {@code local}, and those a module on the class path provides through
 * {@link Provider} (the lab's Spark module provides {@code spark}). Looked up by name, so the DSL needs no Spark
 * classes and a kernel that never names Spark never loads it.
 *
 * <pre>{@code SweepExecutors.named("spark:spark://head:7077")}</pre>
 */
public final class SweepExecutors {

    /** An executor family a module provides, found with {@link ServiceLoader}. */
    public interface Provider {

        /** The family's name: {@code spark}. */
        String name();

        /** An executor of this family; {@code target} is what followed {@code name:}, or null when nothing did. */
        SweepExecutor executor(String target);
    }

    private static final SweepExecutor LOCAL = new SweepExecutor() {
        @Override
        public String label() {
            return "local";
        }

        @Override
        public SweepResult run(ScenarioSweep sweep) {
            return sweep.runLocally();
        }
    };

    private SweepExecutors() {
    }

    /** The local cores: the default. */
    public static SweepExecutor local() {
        return LOCAL;
    }

    /**
     * The executor named {@code spec}: {@code local}, or {@code family} or {@code family:target} of a provider
     * ({@code spark}, {@code spark:local[4]}, {@code spark:spark://host:7077}, {@code spark:k8s://https://host:6443}).
     */
    public static SweepExecutor named(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("on(executor): name an executor: local, spark or spark:MASTER");
        }
        if (spec.equals("local")) {
            return LOCAL;
        }
        int colon = spec.indexOf(':');
        String family = colon < 0 ? spec : spec.substring(0, colon);
        String target = colon < 0 ? null : spec.substring(colon + 1);
        for (Provider p : ServiceLoader.load(Provider.class, SweepExecutors.class.getClassLoader())) {
            if (p.name().equals(family)) {
                return p.executor(target == null || target.isBlank() ? null : target);
            }
        }
        if (family.equals("spark")) {
            throw new IllegalArgumentException("on(\"" + spec + "\"): the Spark executor needs the lab's Spark module"
                    + " (hmmlab-spark) on the class path; ./hmmlab and the notebook kernel put it there");
        }
        throw new IllegalArgumentException("on(\"" + spec + "\"): unknown executor '" + family
                + "'; executors: local, spark, spark:MASTER (local[*], spark://host:7077, k8s://https://host:port)");
    }
}
