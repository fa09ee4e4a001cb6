package org.hmmlab.bench;

import java.util.List;

/** A group of measurements that {@link Bench} runs by name. */
public interface BenchSuite {
    /** The suite's name ({@code ./hmmlab bench --suite NAME}). */
    String name();

    /** Runs the measurements; {@code quick} shrinks them for smoke tests. */
    List<Figure> run(boolean quick);
}
