package org.hmmlab.dsl.spec;

import static org.hmmlab.dsl.Lab.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import java.util.stream.Stream;
import org.hmmlab.dsl.Engine;
import org.hmmlab.dsl.Scenario;
import org.hmmlab.dsl.ScenarioResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each hint, given by allocation name from each front end, changes what the run does, on both engines, the way
 * {@code cudaMemAdvise()} changes what the UVM driver does on a fault ({@code uvm_va_block_select_residency()}
 * consults the range's {@code uvm_va_policy_t} first). The scenario: the CPU writes "x" (4 MiB, 1024 pages), a GPU
 * kernel reads it twice, the CPU reads it back; the policy is on-demand, which migrates every page on first touch.
 */
class HintsChangeTheRunTest {

    static final long PAGES = 1024;

    /** The scenario with the hint written in Java, JSON or JavaScript. */
    static Stream<Arguments> hintsFromEachFrontEnd() {
        return Stream.of("read-mostly", "preferred-location host", "accessed-by gpu0")
                .flatMap(h -> Stream.of("java", "json", "javascript").flatMap(fe -> Stream.of(Engine.values())
                        .map(e -> Arguments.of(h, fe, e))));
    }

    static Scenario withHint(String hint, String frontEnd) {
        HintSpec java = switch (hint) {
            case "read-mostly" -> readMostly("x");
            case "preferred-location host" -> preferredLocation("x", HOST);
            default -> accessedBy("x", gpu(0));
        };
        return switch (frontEnd) {
            case "java" -> FrontEnds.json("\"on-demand\"").policy(onDemand().hints(java));
            case "json" -> FrontEnds.json("{\"prefetch\": {\"kind\": \"none\"}, \"thrashing\": {\"kind\": \"none\"},"
                    + " \"hints\": [" + switch (hint) {
                        case "read-mostly" -> "{\"kind\": \"read-mostly\", \"allocation\": \"x\"}";
                        case "preferred-location host" -> "{\"kind\": \"preferred-location\", \"allocation\": \"x\", \"location\": \"host\"}";
                        default -> "{\"kind\": \"accessed-by\", \"allocation\": \"x\", \"gpu\": \"gpu0\"}";
                    } + "]}");
            default -> FrontEnds.js(".policy('on-demand')" + switch (hint) {
                case "read-mostly" -> ".readMostly('x')";
                case "preferred-location host" -> ".preferredLocation('x', 'host')";
                default -> ".accessedBy('x', 'gpu0')";
            });
        };
    }

    /** Pages migrated to the GPU (both engines name their counters alike). */
    static long toGpu(ScenarioResult r) {
        return (Long) r.summary().get("pages_to_device");
    }

    /** Pages migrated back to host memory. */
    static long toCpu(ScenarioResult r) {
        return (Long) r.summary().get("pages_to_host");
    }

    /** GPU accesses that crossed the link to a host page. */
    static long remote(ScenarioResult r) {
        return (Long) r.summary().get("remote_accesses");
    }

    @ParameterizedTest(name = "{0} from {1} on {2}")
    @MethodSource("hintsFromEachFrontEnd")
    void theHintChangesTheRun(String hint, String frontEnd, Engine engine) {
        Function<Scenario, ScenarioResult> run = s -> s.engine(engine).seed(11).run();
        Scenario advised = withHint(hint, frontEnd);
        assertEquals(1, advised.policy().hints().size(), advised.policy().label());
        ScenarioResult plain = run.apply(FrontEnds.json("\"on-demand\""));
        ScenarioResult r = run.apply(advised);
        assertEquals(PAGES, toGpu(plain), "without advice every page migrates on first touch");
        assertEquals(PAGES, toCpu(plain), "and comes back when the CPU reads it");
        assertEquals(0, remote(plain));
        switch (hint) {
            case "read-mostly" -> {
                // uvm_va_block read duplication: the GPU gets read-only copies, the host copy stays valid
                assertEquals(0, toCpu(r), "the CPU reads its own copy: nothing comes back");
                assertTrue(toGpu(r) > 0 && remote(r) == 0, "the GPU reads its duplicates locally: " + r.summary());
            }
            default -> {
                // preferred location host, or accessed-by on a populated page: the GPU maps the host page
                assertEquals(0, toGpu(r), "nothing migrates to the GPU: " + r.summary());
                assertEquals(0, toCpu(r), "so nothing comes back");
                assertTrue(remote(r) > 0, "the GPU reads over the link instead: " + r.summary());
            }
        }
    }
}
