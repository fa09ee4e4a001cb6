package org.hmmlab.dsl.spec;

import java.util.List;
import org.hmmlab.device.FaultPath;

/** How the GPU reports faults on the timing engine, by the name JSON and JavaScript give it: {@code "ats-pri"}. */
public final class FaultPaths {

    /** The names, the default first. */
    public static final List<String> NAMES = List.of("replayable-buffer", "ats-pri");

    private FaultPaths() {
    }

    /** The fault path called {@code name}, or an error naming the names allowed. */
    public static FaultPath named(String name) {
        return switch (name == null ? "" : name) {
            case "replayable-buffer" -> FaultPath.REPLAYABLE_BUFFER;
            case "ats-pri" -> FaultPath.ATS_PRI;
            default -> throw new SpecException("faultPath", "faultPath must be one of " + String.join(", ", NAMES)
                    + ", got '" + name + "'");
        };
    }

    /** {@code "replayable-buffer"} or {@code "ats-pri"}. */
    public static String nameOf(FaultPath p) {
        return p == FaultPath.ATS_PRI ? "ats-pri" : "replayable-buffer";
    }
}
