package org.hmmlab.bench;

import java.util.List;

/** migrate_vma() throughput (filled in with device memory). */
final class MigrateBench {
    private MigrateBench() {
    }

    static List<Figure> run(boolean quick) {
        return List.of();
    }
}
