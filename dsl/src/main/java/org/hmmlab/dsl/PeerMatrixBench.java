package org.hmmlab.dsl;

import java.util.ArrayList;
import java.util.List;
import org.hmmlab.bench.BenchSuite;
import org.hmmlab.bench.Figure;
import org.hmmlab.dsl.results.Table;

/**
 * The {@code peer} suite of {@code ./hmmlab bench}: the time of the whole ISCA'19 matrix of {@link PeerMatrix} (147
 * runs of the seven benchmarks, 126 distinct, on all cores), on the timing engine and on the residency model, first
 * run (cold: the JIT compiling, the catalogue built) and second (warm). The peer simulator needs hours for the same
 * matrix; the target is a minute. With {@code quick} (the smoke test) one benchmark's row of the matrix.
 */
public final class PeerMatrixBench implements BenchSuite {

    @Override
    public String name() {
        return "peer";
    }

    @Override
    public List<Figure> run(boolean quick) {
        PeerMatrix m = PeerMatrix.isca19();
        if (quick) {
            m = m.benchmarks("nw");
        }
        List<Figure> out = new ArrayList<>();
        long cold = time(m);
        long warm = time(m);
        out.add(new Figure("peer_matrix_timing_cold_s", cold / 1e9, "s", false, quick ? Double.NaN : 60));
        out.add(new Figure("peer_matrix_timing_warm_s", warm / 1e9, "s", false, quick ? Double.NaN : 60));
        out.add(new Figure("peer_matrix_residency_warm_s", time(m.engine(Engine.RESIDENCY_MODEL)) / 1e9, "s", false,
                Double.NaN));
        out.add(new Figure("peer_matrix_runs", m.cells().size(), "runs", false, Double.NaN));
        return out;
    }

    /** Wall nanoseconds one run of the whole matrix takes; refuses a matrix with a failed run. */
    private static long time(PeerMatrix m) {
        long t0 = System.nanoTime();
        Table t = m.run();
        long ns = System.nanoTime() - t0;
        if (t.rowCount() != m.cells().size()) {
            throw new IllegalStateException("peer matrix gave " + t.rowCount() + " rows for " + m.cells().size()
                    + " runs");
        }
        return ns;
    }
}
