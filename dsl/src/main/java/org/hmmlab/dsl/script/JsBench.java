package org.hmmlab.dsl.script;

import java.util.List;

import org.hmmlab.bench.BenchSuite;
import org.hmmlab.bench.Figure;

/**
 * The {@code js} suite of {@code ./hmmlab bench}: what a placement decision costs in Java, in JavaScript asked once
 * per fault, and in JavaScript's batch form asked once per fault batch ({@link JsPolicyBench}), and whether GraalJS
 * ran with its optimizing compiler (the launcher puts the Graal compiler on the JDK's JVMCI where the JDK allows it;
 * without it GraalJS interprets, about 2 to 8 us a decision).
 */
public final class JsBench implements BenchSuite {

    @Override
    public String name() {
        return "js";
    }

    @Override
    public List<Figure> run(boolean quick) {
        int faults = quick ? 5_000 : 100_000;
        int rounds = quick ? 3 : 400;
        long budget = quick ? 5_000_000_000L : 60_000_000_000L;
        double java = JsPolicyBench.nanosPerDecision(new JsPolicyBench.JavaCounterPlacement(), faults,
                quick ? 2 : 20, 5, quick ? budget : 8_000_000_000L);
        double perFault;
        try (JsPlacement p = JsPlacement.load("counter.js", JsPolicyBench.JS_SOURCE)) {
            perFault = JsPolicyBench.nanosPerDecision(p, faults, rounds, 10, budget);
        }
        double batch;
        try (JsPlacement p = JsPlacement.load("counter-batch.js", JsPolicyBench.JS_BATCH_SOURCE)) {
            batch = JsPolicyBench.nanosPerDecision(p, faults, rounds, 10, budget);
        }
        return List.of(
                new Figure("java_placement_decision_ns", java, "ns", false, Double.NaN),
                new Figure("js_placement_decision_per_fault_ns", perFault, "ns", false, Double.NaN),
                new Figure("js_placement_decision_batch_ns", batch, "ns", false, 100),
                new Figure("js_optimizing_compiler", JsPolicyBench.optimizing() ? 1 : 0, "yes=1", true, Double.NaN));
    }
}
