package org.hmmlab.dsl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.hmmlab.bench.Bench;
import org.hmmlab.bench.BenchSuite;
import org.hmmlab.bench.Figure;
import org.junit.jupiter.api.Test;

/** {@code ./hmmlab bench} finds the DSL's suites on the class path, and they report every figure they promise. */
class BenchSuitesTest {

    @Test
    void theDslSuitesRegisterBehindTheEnginesInOrder() {
        List<String> names = Bench.suites().stream().map(BenchSuite::name).toList();
        assertEquals(List.of("core", "policy", "timing", "soak", "js", "sweep", "peer"), names);
    }

    @Test
    void theJavaScriptAndSweepSuitesReportTheirFigures() {
        Map<String, BenchSuite> byName = Bench.suites().stream()
                .collect(Collectors.toMap(BenchSuite::name, Function.identity()));
        List<Figure> jsFigures = byName.get("js").run(true);
        Map<String, Figure> js = jsFigures.stream().collect(Collectors.toMap(Figure::name, Function.identity()));
        assertEquals(List.of("java_placement_decision_ns", "js_placement_decision_per_fault_ns",
                "js_placement_decision_batch_ns", "js_optimizing_compiler"), jsFigures.stream().map(Figure::name).toList());
        assertTrue(js.get("js_placement_decision_batch_ns").value() > 0);
        assertEquals(100, js.get("js_placement_decision_batch_ns").target());
        List<Figure> sweep = byName.get("sweep").run(true);
        assertEquals(List.of("sweep_8_points_1_thread_ms", "sweep_8_points_2_threads_ms", "sweep_speedup_2_cores_over_1",
                "sweep_cpu_time_2_threads_over_1", "sweep_cores_given_2_threads"), sweep.stream().map(Figure::name).toList());
        assertTrue(sweep.get(0).value() > 0 && sweep.get(1).value() > 0, sweep.toString());
        assertEquals(sweep.get(0).value() / sweep.get(1).value(), sweep.get(2).value(), 1e-9);
    }

    @Test
    void thePeerSuiteTimesTheWholeMatrix() {
        BenchSuite peer = Bench.suites().stream().filter(s -> s.name().equals("peer")).findFirst().orElseThrow();
        List<Figure> figures = peer.run(true);
        assertEquals(List.of("peer_matrix_timing_cold_s", "peer_matrix_timing_warm_s", "peer_matrix_residency_warm_s",
                "peer_matrix_runs"), figures.stream().map(Figure::name).toList());
        assertEquals(21, figures.get(3).value(), "one benchmark's row of the matrix in the quick run");
        assertTrue(figures.get(0).value() > 0 && figures.get(1).value() > 0 && figures.get(2).value() > 0);
    }
}
